"""The git backend: the state on a branch of the content repo's remote, locked by a leased ref.

``GitBackend(config, settings)`` keeps the state file, in the same text as the
local backend's, on ``settings.branch`` (default ``contentctl-state``) of the
remote: every write is one commit on top of the one this run read, and a push
the remote refuses as not a fast-forward means another run wrote first, so
nothing is overwritten. It needs no server and no write access to ``main``,
so it works with a protected main.

The lock is the ref ``refs/contentctl/lock``: a commit holding who took it and
until when (the lease). It is created, renewed (every third of the lease
while the run goes on) and deleted with ``--force-with-lease``, so of two
machines racing for it exactly one wins. A run that dies stops renewing; once
its lease has expired the next run takes the lock over.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from datetime import timedelta
from typing import NamedTuple

from contentctl.errors import StateError, StateLockedError
from contentctl.model import Config, StateBackendConfig, StateBackendKind
from contentctl.state.backends.docstore import (
    DocumentStore,
    MigratesByDocument,
    checked,
    state_text,
)
from contentctl.state.backends.gitcmd import GitRemote
from contentctl.state.backends.holder import UNLOCK_COMMAND, Holder, wait_for_lock
from contentctl.state.records import StateJSON
from contentctl.state.store import StateStore

LOCK_REF = "refs/contentctl/lock"
STATE_FILE = "contentctl.state.json"
LOCK_FILE = "lock.json"
_CACHED_STATE = "refs/contentctl-cache/state"
_CACHED_LOCK = "refs/contentctl-cache/lock"


class _Tip(NamedTuple):
    commit: str
    serial: int


class GitBackend(MigratesByDocument):
    kind = StateBackendKind.GIT

    def __init__(self, config: Config, settings: StateBackendConfig) -> None:
        self.remote = GitRemote(config.root, settings.remote)
        self.branch_ref = f"refs/heads/{settings.branch}"
        self.where = f"git branch {settings.branch} on {settings.remote}"
        self.lease = timedelta(minutes=settings.lease_minutes)
        errored = config.state_path.with_name(config.state_path.stem + ".errored.json")
        self._store = DocumentStore(self, errored)
        self._tip: _Tip | None = None  # the commit this run last read or wrote
        self._lease_lost = threading.Event()

    def store(self) -> StateStore:
        return self._store

    # -- the document --------------------------------------------------------------

    def read(self) -> StateJSON | None:
        commit = self.remote.ls_remote(self.branch_ref).get(self.branch_ref)
        if commit is None:
            self._tip = None
            return None
        if not self.remote.has(commit) and not self.remote.fetch(self.branch_ref, _CACHED_STATE):
            self._tip = None
            return None  # deleted between the two calls
        text = self.remote.read_file(commit, STATE_FILE)
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise StateError(f"the {self.where} holds no JSON state file ({exc})") from None
        document = checked(data, source=f"the {self.where}")
        self._tip = _Tip(commit, document["serial"])
        return document

    def write(self, document: StateJSON, *, expected: int | None) -> None:
        if self._lease_lost.is_set():
            raise StateError(
                f"this run's lock on the {self.where} expired before it could renew it, so "
                "another run may hold it now; nothing was written"
            )
        if expected is not None and (self._tip is None or self._tip.serial != expected):
            self.read()
        parent = self._tip.commit if self._tip is not None and expected is not None else None
        found = self._tip.serial if self._tip is not None else None
        if expected is not None and found != expected:
            raise StateError(
                f"refusing to overwrite the {self.where}: it is at serial {found} but this run "
                f"started from serial {expected}; nothing was written, run the command again"
            )
        tree = self.remote.store_file(STATE_FILE, state_text(document))
        holder = Holder.for_this_process("write")
        message = f"contentctl: state serial {document['serial']}\n\nwritten by {holder.describe()}"
        commit = self.remote.commit(tree, message, parent)
        if not self.remote.push(f"{commit}:{self.branch_ref}"):
            self._tip = None
            raise StateError(
                f"refusing to overwrite the {self.where}: another run pushed to it since this "
                f"run read serial {expected}; nothing was written, run the command again"
            )
        self._tip = _Tip(commit, document["serial"])

    # -- the lock ------------------------------------------------------------------

    def lock(self, command: str, *, timeout: float = 0.0) -> AbstractContextManager[object]:
        return self._held(command, timeout)

    def _current_lock(self) -> tuple[str, Holder] | None:
        commit = self.remote.ls_remote(LOCK_REF).get(LOCK_REF)
        if commit is None:
            return None
        if not self.remote.has(commit) and not self.remote.fetch(LOCK_REF, _CACHED_LOCK):
            return None
        try:
            data = json.loads(self.remote.read_file(commit, LOCK_FILE))
        except (ValueError, StateError):
            data = {}
        return commit, Holder.from_json(data if isinstance(data, dict) else {})

    def _lock_commit(self, holder: Holder) -> str:
        tree = self.remote.store_file(LOCK_FILE, json.dumps(holder.to_json(), indent=2) + "\n")
        return self.remote.commit(tree, f"contentctl lock: {holder.describe()}")

    @contextmanager
    def _held(self, command: str, timeout: float) -> Iterator[Holder]:
        mine: list[tuple[str, Holder]] = []
        seen: list[Holder] = []

        def try_once() -> bool:
            current = self._current_lock()
            if current is not None and not current[1].expired():
                seen[:] = [current[1]]
                return False
            holder = Holder.for_this_process(command, lease=self.lease)
            commit = self._lock_commit(holder)
            expect = current[0] if current is not None else ""  # "": must not exist yet
            if self.remote.push(f"{commit}:{LOCK_REF}", lease=(LOCK_REF, expect)):
                mine[:] = [(commit, holder)]
                return True
            return False  # another machine took it between our look and our push

        waited = wait_for_lock(try_once, timeout=timeout)
        if waited is None:
            raise self._locked_error(seen[0] if seen else None, timeout)
        self._lease_lost.clear()
        stop = threading.Event()
        renewer = threading.Thread(target=self._renew, args=(mine, stop), daemon=True)
        renewer.start()
        try:
            yield mine[0][1]
        finally:
            stop.set()
            renewer.join()
            if not self._lease_lost.is_set():
                # unreachable now: the lease frees it when it runs out
                with suppress(StateError):
                    self.remote.push(f":{LOCK_REF}", lease=(LOCK_REF, mine[0][0]))

    def _renew(self, mine: list[tuple[str, Holder]], stop: threading.Event) -> None:
        """Push a fresh lease every third of it, until released; a refused one means lost."""
        while not stop.wait(self.lease.total_seconds() / 3):
            commit, holder = mine[0]
            renewed = holder.renewed(self.lease)
            try:
                new = self._lock_commit(renewed)
                if not self.remote.push(f"{new}:{LOCK_REF}", lease=(LOCK_REF, commit)):
                    self._lease_lost.set()
                    return
            except StateError:
                continue  # the remote is away for now; the lease may still outlast it
            mine[0] = (new, renewed)

    def _locked_error(self, holder: Holder | None, timeout: float) -> StateLockedError:
        if holder is None:
            message = "the state was locked by another run a moment ago"
        else:
            message = f"the state is locked by another run: {holder.describe()}"
        if timeout > 0:
            message += f"; waited {timeout:g}s"
        if holder is not None:
            message += (
                f"; its lease on the {self.where} runs until {holder.expires} "
                "(a run that died frees it then)"
            )
        return StateLockedError(message)

    def unlock(self, *, force: bool) -> Holder:
        current = self._current_lock()
        if current is None:
            raise StateError(f"the {self.where} is not locked (there is no {LOCK_REF})")
        commit, holder = current
        if not force and not holder.expired():
            raise StateError(
                f"not removing the lock held by {holder.describe()}: its lease runs until "
                f"{holder.expires}, so that run may still be going (a dead run's lock frees "
                f"itself then); if you are sure no run is using the state, use "
                f"`{UNLOCK_COMMAND} --force`"
            )
        if not self.remote.push(f":{LOCK_REF}", lease=(LOCK_REF, commit)):
            raise StateError("the lock changed hands while it was being removed; nothing was done")
        return holder
