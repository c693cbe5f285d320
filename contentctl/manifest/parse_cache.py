"""What parsing a manifest's bytes gave, remembered by content: bytes in, documents out.

``ParseCache.for_root(root)`` opens ``.contentctl/cache/parse.json`` of a repo;
``get(data)`` returns the ``Parsed`` of bytes parsed before (or None) and
``put(data, parsed)`` records one; ``save(prune=...)`` writes it back
atomically when something was added (``prune`` keeps only what this run read,
so the cache stays about the size of the repo). A plan after editing one file parses
that file and reads the others' documents from here: JSON decoding costs about
a tenth of a libyaml parse (shared/reference/perf-floor.md, "parse cache").
A file that ``chunks.split`` can cut is kept as its ``posts:`` items
(``put_items``, ``get_item``): after an edit only the items whose bytes changed
are parsed again, wherever in the repo they are.

Written in proportion to the change: what a run adds goes to a small second
file, ``parse-new.json``, tied to the main file by the main file's ``id``; the
main file is written again (and the second removed) only once the new and the
no-longer-read entries come to a quarter of it. Writing all of a 10,000-post
repo's entries cost a plan after a 1% edit 0.13 s of its 1.6 s.

Why it is safe: what ``yamlio.parse_stream`` and ``hashtags.lost_hashtags``
return depends only on the text and on their code, so the key is sha256 of the
parser's fingerprint (those modules' source, PyYAML's version) and the bytes.
Documents are JSON-shaped (the strict loader allows only text keys and JSON
scalars), so JSON round-trips them. A cache that cannot be read is empty, one
that cannot be written is skipped: it is only a shortcut.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from contentctl.files import atomic_write
from contentctl.manifest.chunks import Pieces, assemble, derive, item_digest, parse_item
from contentctl.manifest.yamlio import ParsedDocument, YamlProblem

CACHE_VERSION = 1
CACHE_FILE = Path(".contentctl") / "cache" / "parse.json"
NEW_FILE = CACHE_FILE.with_name("parse-new.json")  # entries added since CACHE_FILE was written
_FOLD_SHARE = 4  # the main file is rewritten when new + stale entries reach 1/4 of it
_PARSER_MODULES = ("yamlio.py", "hashtags.py", "parse_cache.py", "chunks.py")

Hashtag = tuple[int, int, str, str]  # line, column, message, JSON path as rendered


@dataclass(frozen=True)
class Parsed:
    """One file's parse: its documents (or why it is unreadable) and its lost hashtags."""

    documents: list[ParsedDocument] | YamlProblem
    hashtags: tuple[Hashtag, ...] = ()


def parser_fingerprint() -> str:
    digest = hashlib.sha256(f"parse-cache {CACHE_VERSION}".encode())
    here = Path(__file__).resolve().parent
    for name in _PARSER_MODULES:
        with contextlib.suppress(OSError):
            digest.update(name.encode() + b"\0" + (here / name).read_bytes())
    digest.update(yaml.__version__.encode())  # importlib.metadata would cost 12 ms a run
    return digest.hexdigest()


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _has_non_finite(value: Any) -> bool:
    """NaN and infinities (in an encoded entry): JSON has no spelling, so it is not kept."""
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(_has_non_finite(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_non_finite(v) for v in value)
    return False


def _encode(parsed: Parsed) -> Any:
    hashtags = [list(h) for h in parsed.hashtags]
    if isinstance(parsed.documents, YamlProblem):
        problem = parsed.documents
        return {"problem": [problem.message, problem.line, problem.column], "hashtags": hashtags}
    docs = [[d.data, d.line, d.column, [list(i) for i in d.items]] for d in parsed.documents]
    return {"documents": docs, "hashtags": hashtags}


def _decode(entry: Any) -> Parsed | None:
    try:
        hashtags = tuple((int(h[0]), int(h[1]), str(h[2]), str(h[3])) for h in entry["hashtags"])
        if "problem" in entry:
            message, line, column = entry["problem"]
            return Parsed(YamlProblem(str(message), int(line), int(column)), hashtags)
        documents = [
            ParsedDocument(data, int(line), int(column), tuple((int(a), int(b)) for a, b in items))
            for data, line, column, items in entry["documents"]
        ]
    except (KeyError, TypeError, ValueError, IndexError):
        return None  # an entry of another shape: parse the file again
    return Parsed(documents, hashtags)


class ParseCache:
    """Parsed manifests by content digest; see the module docstring."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._fingerprint = parser_fingerprint()
        self._id = ""  # the main file's id, which its new-entries file names
        self._main = 0  # how many entries the main file holds
        self._new: set[str] = set()  # keys not in the main file (the new file's, this run's)
        self._entries: dict[str, Any] = {}
        if path is not None:
            self._read(path)
        self._seen: set[str] = set()
        self._added = False

    @classmethod
    def for_root(cls, root: Path) -> ParseCache:
        return cls(root / CACHE_FILE)

    @property
    def new_path(self) -> Path | None:
        return None if self.path is None else self.path.with_name(NEW_FILE.name)

    def _read(self, path: Path) -> None:
        main = self._document(path)
        if main is None:
            return
        self._entries = main["entries"]
        self._main = len(self._entries)
        self._id = str(main.get("id", ""))
        new_path = self.new_path
        added = self._document(new_path) if new_path is not None and self._id else None
        if added is not None and added.get("main") == self._id:
            self._entries.update(added["entries"])
            self._new = set(added["entries"])

    def _document(self, path: Path) -> dict[str, Any] | None:
        try:
            document = json.loads(path.read_bytes())
        except (OSError, ValueError):
            return None
        if not isinstance(document, dict) or document.get("parser") != self._fingerprint:
            return None
        return document if isinstance(document.get("entries"), dict) else None

    def get(self, digest: str) -> Parsed | None:
        entry = self._entries.get(digest)
        if isinstance(entry, dict) and "items" in entry:
            parsed = self._assembled(entry)
        else:
            parsed = _decode(entry) if entry is not None else None
        if parsed is not None:
            self._seen.add(digest)
        return parsed

    def _assembled(self, entry: dict[str, Any]) -> Parsed | None:
        """A file kept as its items (``chunks``): each item's entry, back at its lines."""
        try:
            pairs = [(str(digest), int(line)) for digest, line in entry["items"]]
            posts_line = int(entry["line"])
        except (KeyError, TypeError, ValueError):
            return None
        items = []
        for digest, line in pairs:
            documents = self.get_item(digest)
            if documents is None:
                return None
            items.append((line, documents))
        return Parsed(assemble(posts_line, items))

    def get_item(self, digest: str) -> list[ParsedDocument] | None:
        """One ``posts:`` item parsed alone (``chunks.parse_item``), by its ``item_digest``."""
        entry = self._entries.get(digest)
        parsed = _decode(entry) if entry is not None else None
        if parsed is None or not isinstance(parsed.documents, list):
            return None
        self._seen.add(digest)
        return parsed.documents

    def put(self, digest: str, parsed: Parsed, pieces: Pieces | None = None) -> None:
        """A file's parse; one ``chunks.split`` could cut is kept as its items."""
        if pieces is not None and isinstance(parsed.documents, list) and not parsed.hashtags:
            items = derive(pieces, parsed.documents)
            if items is not None:
                self.put_items(digest, pieces, items)
                return
        self._seen.add(digest)
        self._keep(digest, _encode(parsed))
        self._added = True

    def from_items(self, digest: str, pieces: Pieces) -> Parsed | None:
        """A cut file from its items: cached ones read, the few edited ones parsed alone.

        None (parse the whole file) for a file none of whose items is cached, or most of
        them new, where one parse of the file (in the workers) costs less; and when an
        item cannot be parsed alone.
        """
        results = [self.get_item(item_digest(text)) for _, text in pieces.items]
        missing = sum(documents is None for documents in results)
        if missing == len(results) or missing > max(2, len(results) // 4):
            return None
        done: list[list[ParsedDocument]] = []
        for (_line, text), documents in zip(pieces.items, results, strict=True):
            found = documents if documents is not None else parse_item(text)
            if found is None:
                return None
            done.append(found)
        self.put_items(digest, pieces, done)
        lines = [line for line, _ in pieces.items]
        return Parsed(assemble(pieces.posts_line, list(zip(lines, done, strict=True))))

    def _keep(self, key: str, entry: Any) -> None:
        self._new.add(key)  # over an entry of the main file's that could not be read, too
        self._entries[key] = entry

    def put_items(
        self, digest: str, pieces: Pieces, results: Sequence[list[ParsedDocument]]
    ) -> None:
        """A file as its items: each item's result under its own digest, the file as their list."""
        listed = []
        for (line, text), documents in zip(pieces.items, results, strict=True):
            key = item_digest(text)
            if key not in self._entries:
                self._keep(key, _encode(Parsed(documents)))
            self._seen.add(key)
            listed.append([key, line])
        self._keep(digest, {"items": listed, "line": pieces.posts_line})
        self._seen.add(digest)
        self._added = True

    def save(self, *, prune: bool) -> None:
        """Write the cache if this run added to it; ``prune``: keep only what it read.

        The new entries alone (the new file) while they and the entries no longer read
        stay under a quarter of the main file; else the main file, all of it, again.
        """
        path, new_path = self.path, self.new_path
        if path is None or new_path is None:
            return
        seen = self._seen

        def keep(key: str) -> bool:
            return not prune or key in seen

        stale = sum(1 for key in self._entries if not keep(key)) if prune else 0
        if not (self._added or stale):
            return
        new = {k: self._entries[k] for k in self._new if keep(k)}
        head = {"version": CACHE_VERSION, "parser": self._fingerprint}
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            if self._id and (len(new) + stale) * _FOLD_SHARE < self._main:
                atomic_write(new_path, _dumped({**head, "main": self._id}, new))
            else:
                entries = {k: v for k, v in self._entries.items() if keep(k)}
                self._id = secrets.token_hex(8)
                atomic_write(path, _dumped({**head, "id": self._id}, entries))
                self._main, self._new = len(entries), set()
                new_path.unlink(missing_ok=True)  # names the main file's old id: unread if left
        self._added = False


def _dumped(head: dict[str, Any], entries: dict[str, Any]) -> bytes:
    try:
        text = json.dumps({**head, "entries": entries}, allow_nan=False)
    except ValueError:  # NaN or an infinity: JSON has no spelling, so those files are left out
        kept = {k: v for k, v in entries.items() if not _has_non_finite(v)}
        text = json.dumps({**head, "entries": kept}, allow_nan=False)
    return text.encode("ascii")
