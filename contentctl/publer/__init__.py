"""Publer's REST API v1 from Python: ``PublerClient`` and the records it returns.

Import from here, not from the submodules: ``PublerClient`` (the client),
``RemotePost`` (a post as ``GET /posts`` lists it), ``JobStatus``/``JobState``/
``JobFailure`` (normalised job answers) and ``parse_job_status``/``media_items``
(the pure normalisers, for the sandbox and tests).
"""

from __future__ import annotations

from contentctl.publer.client import DEFAULT_BASE_URL, PublerClient
from contentctl.publer.jobs import (
    JobFailure,
    JobState,
    JobStatus,
    media_items,
    parse_job_status,
)
from contentctl.publer.posts import RemotePost

__all__ = [
    "DEFAULT_BASE_URL",
    "JobFailure",
    "JobState",
    "JobStatus",
    "PublerClient",
    "RemotePost",
    "media_items",
    "parse_job_status",
]
