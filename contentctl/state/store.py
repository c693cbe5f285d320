"""The state file: what contentctl has applied, read and written so it is never lost.

``StateStore(path).load()`` returns a ``State`` (``state.records``) validated
against ``schemas/state.schema.json`` (a missing file gives a fresh one).
``write(state)`` returns the state, its serial bumped only when the content
really changed, written atomically (temp file, fsync, ``os.replace``) with the
previous version kept as ``<name>.backup``. ``push(file)`` puts a saved state
back, e.g. the ``<stem>.errored.json`` a failed write leaves behind. Every
refusal is a ``StateError`` and leaves the file on disk as it was.
"""

from __future__ import annotations

import gc
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import NamedTuple, Protocol

from contentctl.errors import StateError
from contentctl.files import atomic_write, open_regular, remove_stale_temp_files
from contentctl.manifest.schemas import schema
from contentctl.model import render_path
from contentctl.state import checks as state_checks
from contentctl.state import fileformat as stateformat
from contentctl.state.lock import LockInfo, StateLock, break_lock, lock_path_for, read_lock
from contentctl.state.records import FORMAT_VERSION, State, StateJSON, new_state

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

PUSH_COMMAND = "contentctl state push"


def validate_document(data: object, *, source: str) -> None:
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
        with paused_gc():  # the collector would walk the growing tree again and again
            found = self._read(self.path)
            if found is None:
                return new_state("")
            state = State.adopt(found[1])
        state.mark_on_disk()
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
        pushed = State.adopt(found[1])
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
                pushed.mark_on_disk()
                return pushed
            pushed.serial = max(pushed.serial, disk.serial)
        return self._write(pushed, disk)

    def _write(self, state: State, disk: _Disk | None) -> State:
        document = state.document()
        try:
            rendered = stateformat.members(document)
        except ValueError as exc:
            raise StateError(f"the state to write holds a value JSON cannot: {exc}") from exc
        digest = stateformat.digest_of(rendered)
        if disk is not None and disk.digest == digest:
            state.mark_on_disk()
            return state
        serial = state.serial + 1
        validate_document({**document, "serial": serial}, source="the state to write")
        data = stateformat.bytes_of(rendered, serial)
        try:
            if disk is not None:
                atomic_write(self.backup_path, disk.raw)
            written = atomic_write(self.path, data, kill_point="state-write-mid")
        except OSError as exc:
            raise self._save_errored(data, exc) from exc
        state.serial = serial
        self._known = _Disk(data, state.lineage, state.serial, digest, _stat_key(written))
        state.mark_on_disk()
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

    def _read(self, path: Path) -> tuple[tuple[bytes, tuple[int, ...]], StateJSON] | None:
        try:
            with open_regular(path, "the state file") as handle:  # a FIFO would hang the run
                key = _stat_key(os.fstat(handle.fileno()))
                raw = handle.read()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StateError(f"cannot read the state file {path}: {exc.strerror or exc}") from exc
        return (raw, key), self._parse(path, raw)

    def _parse(self, path: Path, raw: bytes) -> StateJSON:
        note = "; it was left as it is"
        if path == self.path and self.backup_path.exists():
            note += f"; the previous version is in {self.backup_path}"
        try:
            data = json.loads(
                raw.decode("utf-8"),
                object_pairs_hook=_no_duplicate_keys,
                parse_constant=state_checks.refuse_constant,
            )
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
            state_checks.check_document(data, source=f"state file {path}")
        except StateError as exc:
            raise StateError(exc.message + note) from None
        document: StateJSON = data  # what the schema just accepted
        return document


class _SchemaError(Protocol):
    message: str
    instance_path: list[str | int]


class _Validator(Protocol):
    def iter_errors(self, instance: object) -> Iterator[_SchemaError]: ...


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic GC while many small acyclic objects are built: a state's JSON tree (with
    the collector on, reading a 10,000-post state cost about 1.7x as much CPU), or a
    pipeline stage's records (5-30% of a big plan). What was built is frozen before the
    collector is back, so its next pass does not walk it all (~0.3 s CPU at 10,000 posts)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()


@cache
def _validator() -> _Validator:
    import jsonschema_rs

    validator: _Validator = jsonschema_rs.Draft202012Validator(schema("state"))
    return validator


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result = dict(pairs)  # built in C; a shorter dict means a key came twice
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"duplicate key {key!r}")
            seen.add(key)
    return result
