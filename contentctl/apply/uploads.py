"""One piece of media in, Publer's media object out: a repository file or a URL.

A file goes up with ``POST /media``; a URL is imported with
``POST /media/from-url``, whose job answers the media object
(docs/publer-api.md §5). Pinterest's ``external-N`` items never come here:
``plan.targets`` gives them no upload key.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from contentctl.errors import PublerRequestError
from contentctl.model import JSONObject
from contentctl.publer.client import PublerClient


def upload_one(client: PublerClient, root: Path, path: str) -> JSONObject:
    """Publer's media object for the repo file or URL ``path``."""
    if "://" not in path:
        return client.upload_media((root / path).read_bytes(), Path(path).name)
    name = PurePosixPath(urlsplit(path).path).name or "media"
    found = client.wait_for_media(client.media_from_url([{"url": path, "name": name}]))
    if not found:
        raise PublerRequestError(f"Publer imported nothing from {path}")
    return found[0]
