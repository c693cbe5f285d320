"""The embedded Publer emulator ("sandbox"): Publer's REST API v1 on a local SQLite file.

Used in process by the client (``in_process_transport``) and over HTTP by
``contentctl sandbox serve`` (``serve``). Modules, in the order a request
meets them: ``server`` (transports), ``app`` (auth, rate limit, faults,
routing), ``endpoints`` and ``media`` (the API), ``jobs`` and ``networks``
(Publer's checks, on the facts in ``contentctl.publer_facts``), ``values``
(narrowing parsed JSON), ``store`` (SQLite), ``seed`` (the fixed world),
``faults`` (fault injection and wire variants), ``admin`` (``/_sandbox``).
"""

from __future__ import annotations

from contentctl.sandbox.app import SandboxApp
from contentctl.sandbox.faults import (
    FailuresShape,
    Faults,
    JobCreateShape,
    JobStatusShape,
    Variants,
)
from contentctl.sandbox.seed import (
    DEFAULT_WORKSPACE_ID,
    SANDBOX_API_KEY,
    SeedInfo,
    default_account_id,
    default_db_path,
    reset,
    seed,
)
from contentctl.sandbox.server import (
    IN_PROCESS_BASE_URL,
    SandboxTransport,
    in_process_transport,
    serve,
)
from contentctl.sandbox.store import Store
from contentctl.sandbox.tables import PostQuery

__all__ = [
    "DEFAULT_WORKSPACE_ID",
    "IN_PROCESS_BASE_URL",
    "SANDBOX_API_KEY",
    "FailuresShape",
    "Faults",
    "JobCreateShape",
    "JobStatusShape",
    "PostQuery",
    "SandboxApp",
    "SandboxTransport",
    "SeedInfo",
    "Store",
    "Variants",
    "default_account_id",
    "default_db_path",
    "in_process_transport",
    "reset",
    "seed",
    "serve",
]
