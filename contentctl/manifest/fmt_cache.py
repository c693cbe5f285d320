"""Which file contents ``fmt`` already found canonical: a repo folder in, yes/no per file out.

``FormattedCache.for_repo(start)`` opens ``.contentctl/cache/fmt.json`` of the
repo around ``start`` (no repo: a cache that remembers nothing). ``known(data)``
says whether these exact bytes were found already formatted by this very
formatter; ``remember(data)`` records bytes that are; ``save()`` writes the
cache atomically, and quietly does nothing when it cannot (a read-only
checkout formats as before, only without the shortcut).

Why it is safe: formatting is a function of the bytes and of the formatter's
code (and of ``fmt --fix``), so the key is sha256 of the formatter's
fingerprint, the mode and the bytes. A changed formatter (its source or
ruamel.yaml's version) has another fingerprint, so every file is formatted
again. Paths are not part of the key: two files with the same bytes format
the same way.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from importlib import metadata
from pathlib import Path

from contentctl.errors import ConfigError
from contentctl.files import atomic_write

CACHE_VERSION = 1
CACHE_FILE = Path(".contentctl") / "cache" / "fmt.json"
MAX_ENTRIES = 500_000  # beyond this, only the files of the current run are kept
# the modules whose code decides the canonical form
_FORMATTER_MODULES = ("fmt.py", "fmt_comments.py", "yamlio.py", "hashtags.py")


def formatter_fingerprint() -> str:
    """Digest of the formatter's source and ruamel.yaml's version."""
    digest = hashlib.sha256(f"fmt-cache {CACHE_VERSION}".encode())
    here = Path(__file__).resolve().parent
    for name in _FORMATTER_MODULES:
        with contextlib.suppress(OSError):
            digest.update(name.encode() + b"\0" + (here / name).read_bytes())
    with contextlib.suppress(metadata.PackageNotFoundError):
        digest.update(metadata.version("ruamel.yaml").encode())
    return digest.hexdigest()


class FormattedCache:
    """Digests of contents found canonical; see the module docstring."""

    def __init__(self, path: Path | None, *, fix: bool = False) -> None:
        self.path = path
        self._fingerprint = formatter_fingerprint()
        self._salt = f"{self._fingerprint} fix={fix}\0".encode()
        self._known: set[str] = set()
        self._seen: set[str] = set()
        self._dirty = False
        if path is not None:
            self._known = self._read(path)

    @classmethod
    def for_repo(cls, start: Path, *, fix: bool = False) -> FormattedCache:
        """The cache of the repo whose contentctl.yaml is at or above ``start``."""
        from contentctl.config import find_config

        try:
            root = find_config(start).parent
        except ConfigError:
            return cls(None, fix=fix)
        return cls(root / CACHE_FILE, fix=fix)

    def _read(self, path: Path) -> set[str]:
        try:
            document = json.loads(path.read_bytes())
        except (OSError, ValueError):
            return set()  # missing or damaged: start empty, it is only a shortcut
        if not isinstance(document, dict) or document.get("formatter") != self._fingerprint:
            return set()
        digests = document.get("formatted")
        return {d for d in digests if isinstance(d, str)} if isinstance(digests, list) else set()

    def _key(self, data: bytes) -> str:
        return hashlib.sha256(self._salt + data).hexdigest()

    def known(self, data: bytes) -> bool:
        """True when these bytes were found canonical by this formatter before."""
        key = self._key(data)
        if key in self._known:
            self._seen.add(key)
            return True
        return False

    def remember(self, data: bytes) -> None:
        """Record bytes that are canonical (unchanged by fmt, or fmt's own output)."""
        key = self._key(data)
        self._seen.add(key)
        if key not in self._known:
            self._known.add(key)
            self._dirty = True

    def save(self) -> None:
        if self.path is None or not self._dirty:
            return
        keep = self._known if len(self._known) <= MAX_ENTRIES else self._seen
        document = {
            "version": CACHE_VERSION,
            "formatter": self._fingerprint,
            "formatted": sorted(keep),
        }
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path, json.dumps(document, separators=(",", ":")).encode())
        self._dirty = False
