"""The state lock: one run writes the state at a time, and everyone can see who.

``StateLock(state_path, command)`` is a context manager that takes
``<state path>.lock`` and yields the holder's ``LockInfo``. The file is created
with ``O_CREAT | O_EXCL``, so of two processes racing for it exactly one wins;
the loser gets ``StateLockedError`` (exit code 4) naming the holder.
``read_lock`` returns who holds the lock (or None) and ``break_lock`` removes a
lock whose process is gone (``contentctl state unlock``).
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TypedDict

from contentctl.errors import StateError, StateLockedError

UNLOCK_COMMAND = "contentctl state unlock"


def lock_path_for(state_path: Path) -> Path:
    """``contentctl.state.json`` → ``contentctl.state.json.lock``."""
    return state_path.with_name(state_path.name + ".lock")


def pid_alive(pid: int) -> bool:
    """Whether ``pid`` runs on this host; an unknown pid counts as alive (the safe answer)."""
    if pid <= 0:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        # EPERM: it exists but belongs to someone else.
        return True
    return True


def _read_regular(path: Path) -> bytes:
    """The lock file's bytes; a FIFO in its place is refused, not waited on."""
    # files.py imports this module (pid_alive), so its open_regular is imported late
    from contentctl.files import read_regular

    return read_regular(path, "the lock file")


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


class LockJSON(TypedDict):
    pid: int
    host: str
    user: str
    command: str
    since: str


@dataclass(frozen=True)
class LockInfo:
    """Who holds the lock. ``pid`` is 0 when the lock file could not be read."""

    pid: int
    host: str
    user: str
    command: str
    since: str

    @classmethod
    def for_this_process(cls, command: str) -> LockInfo:
        now = datetime.now(UTC).replace(microsecond=0)
        return cls(
            pid=os.getpid(),
            host=socket.gethostname(),
            user=_user(),
            command=command,
            since=now.isoformat().replace("+00:00", "Z"),
        )

    def to_json(self) -> LockJSON:
        return {
            "pid": self.pid,
            "host": self.host,
            "user": self.user,
            "command": self.command,
            "since": self.since,
        }

    @property
    def on_this_host(self) -> bool:
        return self.host == socket.gethostname()

    def is_stale(self) -> bool:
        """True only when we can tell: the holder ran on this host and its process is gone."""
        return self.pid > 0 and self.on_this_host and not pid_alive(self.pid)

    def describe(self) -> str:
        if self.pid <= 0:
            return (
                f"an unknown process (the lock file could not be read; it dates from {self.since})"
            )
        return (
            f"pid {self.pid} on host {self.host} (user {self.user}, "
            f"command `{self.command}`, since {self.since})"
        )


def read_lock(state_path: Path) -> LockInfo | None:
    """Who holds the lock on ``state_path``, or None when it is free."""
    path = lock_path_for(state_path)
    try:
        raw = _read_regular(path)
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StateError(f"cannot read the lock file {path}: {exc.strerror or exc}") from exc
    try:
        data = json.loads(raw.decode("utf-8"))
        return LockInfo(
            pid=int(data["pid"]),
            host=str(data["host"]),
            user=str(data["user"]),
            command=str(data["command"]),
            since=str(data["since"]),
        )
    except (ValueError, KeyError, TypeError):
        # Empty or garbled: a holder between create and write, or one that died there.
        since = datetime.fromtimestamp(mtime, UTC).replace(microsecond=0)
        return LockInfo(
            0, "unknown", "unknown", "unknown", since.isoformat().replace("+00:00", "Z")
        )


def break_lock(state_path: Path, *, force: bool = False) -> LockInfo:
    """Remove the lock and return who held it; refuse a holder that may still run unless force."""
    path = lock_path_for(state_path)
    info = read_lock(state_path)
    if info is None:
        raise StateError(f"the state is not locked (there is no {path})")
    if not force and not info.is_stale():
        if info.pid > 0 and info.on_this_host:
            why = "that process is still running"
        else:
            why = "contentctl cannot tell whether it is still running"
        raise StateError(
            f"not removing the lock held by {info.describe()}: {why}; "
            f"if you are sure no run is using the state, use `{UNLOCK_COMMAND} --force`"
        )
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        raise StateError(f"cannot remove the lock file {path}: {exc.strerror or exc}") from exc
    return info


class StateLock:
    """Hold ``<state>.lock`` for the duration of a ``with`` block (not re-entrant).

    ``timeout`` seconds are spent polling every ``poll_interval`` through
    ``sleep`` (injectable for tests) before giving up with ``StateLockedError``.
    """

    def __init__(
        self,
        state_path: Path,
        command: str,
        *,
        timeout: float = 0.0,
        poll_interval: float = 0.25,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.state_path = state_path
        self.path = lock_path_for(state_path)
        self.command = command
        self.timeout = max(0.0, timeout)
        self.poll_interval = poll_interval if poll_interval > 0 else 0.25
        self._sleep = sleep or time.sleep
        self._written: bytes | None = None
        self.info: LockInfo | None = None

    def acquire(self) -> LockInfo:
        waited = 0.0
        while True:
            info = self._try_create()
            if info is not None:
                return info
            if waited >= self.timeout:
                raise self._locked_error(waited)
            step = min(self.poll_interval, self.timeout - waited)
            self._sleep(step)
            waited += step

    def release(self) -> None:
        """Remove the lock file if it is still ours (someone may have broken and retaken it)."""
        written, self._written = self._written, None
        if written is None:
            return
        try:
            if _read_regular(self.path) == written:
                self.path.unlink(missing_ok=True)
        except FileNotFoundError:
            return
        except OSError as exc:
            raise StateError(f"cannot remove the lock file {self.path}: {exc.strerror}") from exc

    def __enter__(self) -> LockInfo:
        return self.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.release()
        except StateError:
            # Never hide the error that is already on its way out.
            if exc is None:
                raise

    def _try_create(self) -> LockInfo | None:
        info = LockInfo.for_this_process(self.command)
        data = (json.dumps(info.to_json(), sort_keys=True) + "\n").encode("utf-8")
        # Written whole to a private file first, then linked into place: link() fails if
        # the lock exists (like O_EXCL), and a rival never reads a half-written lock.
        temp = self.path.with_name(f".{self.path.name}.{os.getpid()}.{id(self):x}.tmp")
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_TRUNC, 0o644)
            try:
                os.write(fd, data)  # a few hundred bytes: one write
                os.fsync(fd)
            finally:
                os.close(fd)
            os.link(temp, self.path)
        except FileExistsError:
            return None
        except OSError as exc:
            raise StateError(f"cannot create the lock file {self.path}: {exc.strerror}") from exc
        finally:
            # A read-only file system or a name too long fails this too; the error above
            # says what went wrong and must not be replaced by the clean-up's.
            with contextlib.suppress(OSError):
                temp.unlink(missing_ok=True)
        self._written = data
        self.info = info
        return info

    def _locked_error(self, waited: float) -> StateLockedError:
        holder = read_lock(self.state_path)
        if holder is None:
            # Released between our attempt and this read: still a contention, say so plainly.
            return StateLockedError(f"the state was locked by another run ({self.path})")
        message = f"the state is locked by another run: {holder.describe()}"
        if waited > 0:
            message += f"; waited {waited:g}s"
        if holder.is_stale():
            message += f"; that process is gone, so remove the lock with `{UNLOCK_COMMAND}`"
        return StateLockedError(message)
