"""SHA-256 of local media files remembered across runs: a repo folder in, digests out.

``MediaDigests.for_root(root)`` opens ``.contentctl/cache/media.json``;
``lookup(relpath, stat)`` returns the digest recorded for that file if its
``os.stat`` still says the same (size, mtime_ns, ctime_ns, inode, device),
else None; ``record`` stores a digest just computed; ``save()`` writes the
cache atomically when it changed (quietly skipped if it cannot be written).

Why: a plan hashes every referenced media file so that new bytes are a change
of the post; a 200 MB video cost a full read on every run. The stat key moves
whenever the bytes can have moved (a write changes mtime and ctime; ctime
cannot be set back by hand; a replaced file has another inode), and then the
file is read and hashed again, so the digest is verified on every change.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from contentctl.files import atomic_write

CACHE_VERSION = 1
CACHE_FILE = Path(".contentctl") / "cache" / "media.json"

StatKey = tuple[int, int, int, int, int]


def stat_key(stat: os.stat_result) -> StatKey:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_dev)


class MediaDigests:
    """Media digests by repo-relative path and stat key; see the module docstring."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._entries: dict[str, tuple[StatKey, str]] = self._read(path) if path else {}
        self._changed = False

    @classmethod
    def for_root(cls, root: Path) -> MediaDigests:
        return cls(root / CACHE_FILE)

    @staticmethod
    def _read(path: Path) -> dict[str, tuple[StatKey, str]]:
        try:
            document = json.loads(path.read_bytes())
            if document.get("version") != CACHE_VERSION:
                return {}
            entries: dict[str, tuple[StatKey, str]] = {}
            for rel, (key, digest) in document["files"].items():
                size, mtime, ctime, inode, device = (int(part) for part in key)
                entries[str(rel)] = ((size, mtime, ctime, inode, device), str(digest))
            return entries
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return {}  # missing or damaged: every file is hashed, as without a cache

    def lookup(self, relpath: str, stat: os.stat_result) -> str | None:
        found = self._entries.get(relpath)
        if found is not None and found[0] == stat_key(stat):
            return found[1]
        return None

    def record(self, relpath: str, stat: os.stat_result, digest: str) -> None:
        entry = (stat_key(stat), digest)
        if self._entries.get(relpath) != entry:
            self._entries[relpath] = entry
            self._changed = True

    def save(self) -> None:
        if self.path is None or not self._changed:
            return
        files = {rel: [list(key), digest] for rel, (key, digest) in sorted(self._entries.items())}
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path, json.dumps({"version": CACHE_VERSION, "files": files}).encode())
        self._changed = False
