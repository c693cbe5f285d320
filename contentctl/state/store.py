"""The state file: what contentctl has applied, read and written so it is never lost.

``StateStore(path).load()`` returns a ``State`` validated against
``schemas/state.schema.json`` (a missing file gives a fresh one).
``write(state)`` returns the state, its serial bumped only when the content
really changed, written atomically (temp file, fsync, ``os.replace``) with the
previous version kept as ``<name>.backup``. ``push(file)`` puts a saved state
back, e.g. the ``<stem>.errored.json`` a failed write leaves behind. Every
refusal is a ``StateError`` and leaves the file on disk as it was.
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from contentctl.errors import StateError
from contentctl.files import atomic_write, remove_stale_temp_files
from contentctl.manifest.schemas import schema
from contentctl.model import render_path
from contentctl.state import fileformat as stateformat
from contentctl.state.lock import LockInfo, StateLock, break_lock, lock_path_for, read_lock

__all__ = [
    "FORMAT_VERSION",
    "LockInfo",
    "State",
    "StateLock",
    "StateStore",
    "break_lock",
    "new_state",
    "read_lock",
    "validate_document",
]

FORMAT_VERSION = 1
NULLABLE_ENTRY_KEYS = ("remote_id", "scheduled_at", "job_id", "post_link", "last_error")
PUSH_COMMAND = "contentctl state push"


@dataclass
class State:
    """A working copy of the state; apply mutates it between batches and writes it."""

    serial: int
    lineage: str
    workspace_id: str
    posts: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    media: dict[str, dict[str, Any]] = field(default_factory=dict)
    intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    format_version: int = FORMAT_VERSION
    _on_disk: bool = field(default=False, init=False, repr=False, compare=False)

    @property
    def exists(self) -> bool:
        """Whether this state was loaded from, or written to, a file."""
        return self._on_disk

    def to_json(self) -> dict[str, Any]:
        """A deep copy as a JSON document, keys sorted at every level."""
        document: dict[str, Any] = _sorted_copy(self.document())
        return document

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> State:
        """Build from a document (not validated here: ``validate_document`` does that)."""
        return cls._adopt(_sorted_copy(data))

    @classmethod
    def _adopt(cls, doc: dict[str, Any]) -> State:
        return cls(
            serial=doc["serial"],
            lineage=doc["lineage"],
            workspace_id=doc["workspace_id"],
            posts=doc["posts"],
            media=doc["media"],
            intents=doc["intents"],
            format_version=doc["format_version"],
        )

    def entry(self, post_id: str, alias: str) -> dict[str, Any] | None:
        return self.posts.get(post_id, {}).get(alias)

    def set_entry(self, post_id: str, alias: str, entry: dict[str, Any]) -> None:
        """Store a copy of ``entry``; absent nullable fields (remote_id, job_id, …) become None."""
        stored = copy.deepcopy(entry)
        for key in NULLABLE_ENTRY_KEYS:
            stored.setdefault(key, None)
        self.posts.setdefault(post_id, {})[alias] = stored

    def remove_entry(self, post_id: str, alias: str) -> dict[str, Any] | None:
        """Drop one post × account (and the post once it has none); return what was there."""
        accounts = self.posts.get(post_id)
        if accounts is None:
            return None
        removed = accounts.pop(alias, None)
        if not accounts:
            del self.posts[post_id]
        return removed

    def iter_entries(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """Every (post id, alias, entry), sorted so output built from it is stable."""
        for post_id in sorted(self.posts):
            accounts = self.posts[post_id]
            for alias in sorted(accounts):
                yield post_id, alias, accounts[alias]

    def copy(self) -> State:
        return copy.deepcopy(self)

    def document(self) -> dict[str, Any]:
        """The JSON document, sharing this state's dicts (no copy; don't mutate it)."""
        return {
            "format_version": self.format_version,
            "serial": self.serial,
            "lineage": self.lineage,
            "workspace_id": self.workspace_id,
            "posts": self.posts,
            "media": self.media,
            "intents": self.intents,
        }

    def content_digest(self) -> str:
        """sha256 of the canonical document without ``serial``: equal digests, same content."""
        return stateformat.digest(self.document())


def new_state(workspace_id: str) -> State:
    return State(serial=0, lineage=str(uuid.uuid4()), workspace_id=workspace_id)


def validate_document(data: Any, *, source: str) -> None:
    """Raise StateError unless ``data`` is a state document this version can read."""
    if not isinstance(data, dict):
        raise StateError(f"{source} is not a state file: expected a JSON object at the top")
    version = data.get("format_version")
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
        raise StateError(
            f"{source} was written by a newer contentctl (state format {version}; this one "
            f"reads format {FORMAT_VERSION}); upgrade contentctl"
        )
    error = next(iter(_validator().iter_errors(data)), None)
    if error is not None:
        message = error.message if len(error.message) <= 160 else error.message[:157] + "…"
        raise StateError(
            f"{source} is not a valid state file: at {render_path(error.instance_path)}: {message}"
        )


class _Disk(NamedTuple):
    raw: bytes
    lineage: str
    serial: int
    digest: str
    key: tuple[int, ...]


def _stat_key(info: os.stat_result) -> tuple[int, ...]:
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


class StateStore:
    """Reads and writes one state file; the caller holds the lock (``contentctl.lock``)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        # What this store last wrote, so the next write needn't re-read and re-parse it.
        self._known: _Disk | None = None

    @property
    def exists(self) -> bool:
        return self.path.exists()

    @property
    def backup_path(self) -> Path:
        return self.path.with_name(self.path.name + ".backup")

    @property
    def errored_path(self) -> Path:
        return self.path.with_name(self.path.stem + ".errored.json")

    @property
    def lock_path(self) -> Path:
        return lock_path_for(self.path)

    def load(self) -> State:
        """The state on disk, or a fresh one (``exists`` False) when there is no file yet."""
        found = self._read(self.path)
        if found is None:
            return new_state("")
        state = State._adopt(found[1])
        state._on_disk = True
        return state

    def write(self, state: State) -> State:
        """Write ``state`` if it changed; refuse to overwrite a file someone else wrote."""
        disk = self._snapshot()
        if disk is not None:
            if disk.lineage != state.lineage:
                raise StateError(
                    f"refusing to overwrite {self.path}: it belongs to lineage {disk.lineage}, "
                    f"not {state.lineage} (another state, or one re-created since); "
                    "nothing was written"
                )
            if disk.serial > state.serial:
                raise StateError(
                    f"refusing to overwrite {self.path}: it is at serial {disk.serial} but this "
                    f"run started from serial {state.serial}, so another run wrote it since; "
                    "nothing was written, run the command again"
                )
        return self._write(state, disk)

    def push(self, source: Path, *, force: bool = False) -> State:
        """Replace the state with the one in ``source``; a foreign or older one needs ``force``."""
        source = Path(source)
        if source.resolve() == self.path.resolve():
            raise StateError(f"{source} is the state file itself; push another file onto it")
        found = self._read(source)
        if found is None:
            raise StateError(f"cannot push {source}: there is no such file")
        pushed = State._adopt(found[1])
        disk = self._snapshot()
        if disk is not None:
            if not force and pushed.lineage != disk.lineage:
                raise StateError(
                    f"refusing to push {source}: its lineage {pushed.lineage} is not the "
                    f"state's ({disk.lineage}); use --force to replace the state with it"
                )
            if not force and pushed.serial < disk.serial:
                raise StateError(
                    f"refusing to push {source}: its serial {pushed.serial} is older than the "
                    f"state's ({disk.serial}); use --force to replace the state with it"
                )
            if disk.digest == pushed.content_digest():
                pushed.serial = disk.serial  # nothing to push: report the state as it stands
                pushed._on_disk = True
                return pushed
            pushed.serial = max(pushed.serial, disk.serial)
        return self._write(pushed, disk)

    def _write(self, state: State, disk: _Disk | None) -> State:
        try:
            rendered = stateformat.members(state.document())
        except ValueError as exc:
            raise StateError(f"the state to write holds a value JSON cannot: {exc}") from exc
        digest = stateformat.digest_of(rendered)
        if disk is not None and disk.digest == digest:
            state._on_disk = True
            return state
        serial = state.serial + 1
        validate_document({**state.document(), "serial": serial}, source="the state to write")
        data = stateformat.text_of(rendered, serial).encode("utf-8")
        try:
            if disk is not None:
                atomic_write(self.backup_path, disk.raw)
            written = atomic_write(self.path, data, kill_point="state-write-mid")
        except OSError as exc:
            raise self._save_errored(data, exc) from exc
        state.serial = serial
        self._known = _Disk(data, state.lineage, state.serial, digest, _stat_key(written))
        state._on_disk = True
        remove_stale_temp_files((self.path, self.backup_path, self.errored_path))
        return state

    def _save_errored(self, data: bytes, exc: OSError) -> StateError:
        reason = exc.strerror or str(exc)
        candidates = (self.errored_path, Path(tempfile.gettempdir()) / self.errored_path.name)
        for candidate in candidates:
            try:
                atomic_write(candidate, data)
            except OSError:
                continue
            return StateError(
                f"could not write the state file {self.path} ({reason}); it was left as it was. "
                f"The new state was saved as {candidate}: push it back with "
                f"`{PUSH_COMMAND} {candidate}` once the problem is fixed"
            )
        return StateError(
            f"could not write the state file {self.path} ({reason}); it was left as it was, "
            "and the new state could not be saved beside it or in the temp folder either"
        )

    def _snapshot(self) -> _Disk | None:
        try:
            key = _stat_key(self.path.stat())
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StateError(f"cannot read the state file {self.path}: {exc.strerror}") from exc
        if self._known is not None and self._known.key == key:
            return self._known
        found = self._read(self.path)
        if found is None:
            return None
        (raw, key), document = found
        return _Disk(
            raw, document["lineage"], document["serial"], stateformat.digest(document), key
        )

    def _read(self, path: Path) -> tuple[tuple[bytes, tuple[int, ...]], dict[str, Any]] | None:
        try:
            with path.open("rb") as handle:
                key = _stat_key(os.fstat(handle.fileno()))
                raw = handle.read()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StateError(f"cannot read the state file {path}: {exc.strerror or exc}") from exc
        return (raw, key), self._parse(path, raw)

    def _parse(self, path: Path, raw: bytes) -> dict[str, Any]:
        note = "; it was left as it is"
        if path == self.path and self.backup_path.exists():
            note += f"; the previous version is in {self.backup_path}"
        try:
            data = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicate_keys)
        except UnicodeDecodeError:
            raise StateError(f"state file {path} is not JSON text (not UTF-8){note}") from None
        except json.JSONDecodeError as exc:
            if not raw.strip():
                what = "is empty"
            elif exc.pos >= len(exc.doc.rstrip()) or exc.msg.startswith("Unterminated string"):
                what = "is truncated"
            else:
                what = "is not valid JSON"
            where = f"line {exc.lineno} column {exc.colno}"
            # json's own words sometimes end in "at" already ("Unterminated string starting at")
            detail = f"{exc.msg} {where}" if exc.msg.endswith(" at") else f"{exc.msg} at {where}"
            raise StateError(f"state file {path} {what} ({detail}){note}") from None
        except (ValueError, RecursionError) as exc:
            raise StateError(f"state file {path} is not valid JSON ({exc}){note}") from None
        try:
            validate_document(data, source=f"state file {path}")
        except StateError as exc:
            raise StateError(exc.message + note) from None
        document: dict[str, Any] = data
        return document


@cache
def _validator() -> Any:
    import jsonschema_rs

    return jsonschema_rs.Draft202012Validator(schema("state"))


def _sorted_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sorted_copy(value[key]) for key in sorted(value)}
    if isinstance(value, list | tuple):
        return [_sorted_copy(item) for item in value]
    return value


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)  # built in C; a shorter dict means a key came twice
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"duplicate key {key!r}")
            seen.add(key)
    return result
