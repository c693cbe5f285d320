"""The local backend: the state file beside contentctl.yaml and its lock file, as before.

``LocalBackend(path)`` wraps ``StateStore`` and ``StateLock`` unchanged, so a
``state: FILE`` config behaves exactly as it always did. Its lock is a file:
it keeps two runs apart on one machine only (a clone elsewhere has its own
copy of the state), which is why a team wants the git or postgres backend.
``adopt`` writes a migrated document as the file, serial and lineage kept.
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from pathlib import Path

from contentctl.errors import StateError
from contentctl.files import atomic_write
from contentctl.model import StateBackendKind
from contentctl.state.backends.docstore import checked, state_text
from contentctl.state.lock import LockInfo, StateLock, break_lock
from contentctl.state.records import StateJSON
from contentctl.state.store import StateStore


class LocalBackend:
    kind = StateBackendKind.LOCAL

    def __init__(self, path: Path, *, root: Path) -> None:
        self.path = path
        try:
            shown = path.relative_to(root).as_posix()
        except ValueError:
            shown = str(path)
        self.where = f"state file {shown}"
        self._store = StateStore(path)

    def store(self) -> StateStore:
        return self._store

    def lock(self, command: str, *, timeout: float = 0.0) -> AbstractContextManager[object]:
        return StateLock(self.path, command, timeout=timeout)

    def unlock(self, *, force: bool) -> LockInfo:
        return break_lock(self.path, force=force)

    def export(self) -> StateJSON | None:
        if not self.path.exists():
            return None
        self._store.load()  # validates it, with the file store's own messages
        return checked(json.loads(self.path.read_bytes()), source=f"state file {self.path}")

    def adopt(self, document: StateJSON) -> None:
        if self.path.exists():
            raise StateError(
                f"refusing to migrate onto {self.path}: a state file is already there; "
                "move it away first"
            )
        try:
            atomic_write(self.path, state_text(document).encode("utf-8"))
        except OSError as exc:
            raise StateError(f"cannot write the state file {self.path}: {exc.strerror}") from exc
