"""A ``StateStore`` over a shared backend: state documents in and out, compare and swap.

A ``DocumentBackend`` (postgres, git) only reads and writes whole state
documents: ``read()`` returns the stored document or None, and
``write(document, expected=serial)`` stores it only if the stored serial is
still ``expected`` (None: only if there is no state yet), else raises
``StateError``. ``DocumentStore(backend, errored_path)`` gives apply the same
``load`` / ``write`` / ``push`` as the state file: the serial moves only on a
real change, another lineage or a newer serial is refused, and a write the
backend could not take (unreachable: ``BackendUnavailableError``; or raced)
leaves the new state in ``errored_path`` for ``contentctl state push``.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import NamedTuple, Protocol

from contentctl.errors import StateError
from contentctl.files import atomic_write
from contentctl.state import fileformat
from contentctl.state.records import State, StateJSON, new_state
from contentctl.state.store import PUSH_COMMAND, StateStore, validate_document


class BackendUnavailableError(StateError):
    """The backend could not be reached or refused the write for a reason other than a race."""


class DocumentBackend(Protocol):
    where: str  # for messages: "postgres state 'default' in schema contentctl"

    def read(self) -> StateJSON | None: ...

    def write(self, document: StateJSON, *, expected: int | None) -> None: ...


class MigratesByDocument:
    """``export``/``adopt`` for a backend that reads and writes whole documents."""

    where: str

    def read(self) -> StateJSON | None:
        raise NotImplementedError

    def write(self, document: StateJSON, *, expected: int | None) -> None:
        raise NotImplementedError

    def export(self) -> StateJSON | None:
        return self.read()

    def adopt(self, document: StateJSON) -> None:
        if self.read() is not None:
            raise StateError(f"refusing to migrate onto the {self.where}: it already holds a state")
        self.write(document, expected=None)


class _Known(NamedTuple):
    lineage: str
    serial: int
    digest: str


def state_text(document: StateJSON) -> str:
    """The document as the state file's text (what git stores, and errored copies hold)."""
    try:
        rendered = fileformat.members(document)
    except ValueError as exc:
        raise StateError(f"the state to write holds a value JSON cannot: {exc}") from exc
    return fileformat.text_of(rendered, document["serial"])


def checked(data: object, *, source: str) -> StateJSON:
    """``data`` if it is a state document this version reads, else a StateError."""
    validate_document(data, source=source)
    document: StateJSON = data  # type: ignore[assignment]  # the schema just accepted it
    return document


class DocumentStore(StateStore):
    """The state in a shared backend; the caller holds that backend's lock."""

    def __init__(self, backend: DocumentBackend, errored_path: Path) -> None:
        super().__init__(errored_path)  # the file half only names where a refused write goes
        self.backend = backend
        self._errored = errored_path
        self._seen: _Known | None = None  # what this store last read or wrote

    @property
    def exists(self) -> bool:
        return self.backend.read() is not None

    @property
    def errored_path(self) -> Path:
        return self._errored

    def load(self) -> State:
        document = self.backend.read()
        if document is None:
            self._seen = None
            return new_state("")
        state = State.from_json(document)
        state.mark_on_disk()
        self._seen = _Known(state.lineage, state.serial, state.content_digest())
        return state

    def write(self, state: State) -> State:
        known = self._seen
        if known is not None and known.lineage != state.lineage:
            raise StateError(
                f"refusing to overwrite the {self.backend.where}: it belongs to lineage "
                f"{known.lineage}, not {state.lineage}; nothing was written"
            )
        if (
            known is not None
            and known.serial == state.serial
            and known.digest == state.content_digest()
        ):
            state.mark_on_disk()
            return state
        if known is not None:
            expected: int | None = known.serial
        else:  # a state this store did not load: trust its own serial
            expected = state.serial if state.exists else None
        if expected is not None and expected > state.serial:
            raise StateError(
                f"refusing to overwrite the {self.backend.where}: it is at serial {expected} but "
                f"this run started from serial {state.serial}; nothing was written, "
                "run the command again"
            )
        return self._put(state, expected)

    def push(self, source: Path, *, force: bool = False) -> State:
        source = Path(source)
        try:
            raw = source.read_bytes()
        except FileNotFoundError:
            raise StateError(f"cannot push {source}: there is no such file") from None
        except OSError as exc:
            raise StateError(f"cannot read {source}: {exc.strerror or exc}") from None
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise StateError(f"cannot push {source}: it is not a JSON state file ({exc})") from None
        pushed = State.from_json(checked(data, source=f"state file {source}"))
        current = self.backend.read()
        expected: int | None = None
        if current is not None:
            expected = current["serial"]
            if not force and pushed.lineage != current["lineage"]:
                raise StateError(
                    f"refusing to push {source}: its lineage {pushed.lineage} is not the "
                    f"state's ({current['lineage']}); use --force to replace the state with it"
                )
            if not force and pushed.serial < expected:
                raise StateError(
                    f"refusing to push {source}: its serial {pushed.serial} is older than the "
                    f"state's ({expected}); use --force to replace the state with it"
                )
            if fileformat.digest(current) == pushed.content_digest():
                pushed.serial = expected  # nothing to push: report the state as it stands
                pushed.mark_on_disk()
                return pushed
            pushed.serial = max(pushed.serial, expected)
        return self._put(pushed, expected)

    def _put(self, state: State, expected: int | None) -> State:
        serial = state.serial + 1
        document: StateJSON = {**state.document(), "serial": serial}
        validate_document(document, source="the state to write")
        try:
            self.backend.write(document, expected=expected)
        except StateError as exc:
            # unreachable, or raced by a run that broke our lock: what this run did on
            # Publer must not be lost either way
            raise self._save_refused(document, exc) from None
        state.serial = serial
        state.mark_on_disk()
        self._seen = _Known(state.lineage, serial, state.content_digest())
        return state

    def _save_refused(self, document: StateJSON, exc: StateError) -> StateError:
        data = state_text(document).encode("utf-8")
        for candidate in (self._errored, Path(tempfile.gettempdir()) / self._errored.name):
            try:
                atomic_write(candidate, data)
            except OSError:
                continue
            return StateError(
                f"{exc.message}; the {self.backend.where} was left as it was. The new state "
                f"was saved as {candidate}: push it back with `{PUSH_COMMAND} {candidate}` "
                "once the problem is fixed"
            )
        return StateError(
            f"{exc.message}; the {self.backend.where} was left as it was, and the new state "
            "could not be saved in a local file either"
        )
