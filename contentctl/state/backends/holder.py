"""Who holds a shared state's lock: a record any machine can read, and the wait for it.

``Holder.for_this_process(command)`` describes this run (user, host, pid,
command, when, and the commit and CI run from ``GITHUB_SHA`` /
``GITHUB_RUN_ID`` when set); ``to_json`` / ``from_json`` carry it through a
database row or a git ref, and ``describe()`` words it the way the local lock
does, so a locked run reads the same whichever backend holds the state.
``wait_for_lock(try_once, timeout, ...)`` polls a non-blocking attempt until it
wins or the timeout runs out.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from contentctl.model import JSONObject, JSONValue
from contentctl.state.lock import LockInfo

UNLOCK_COMMAND = "contentctl state unlock"


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def parse_utc(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Holder:
    """A run holding a shared lock. ``expires`` is set for leases (the git backend)."""

    pid: int
    host: str
    user: str
    command: str
    since: str
    commit: str = ""
    run: str = ""
    expires: str = ""

    @classmethod
    def for_this_process(
        cls, command: str, *, lease: timedelta | None = None, now: datetime | None = None
    ) -> Holder:
        local = LockInfo.for_this_process(command)
        moment = now or datetime.now(UTC)
        return cls(
            pid=local.pid,
            host=socket.gethostname(),
            user=local.user,
            command=command,
            since=utc_text(moment),
            commit=os.environ.get("GITHUB_SHA", "")[:12],
            run=os.environ.get("GITHUB_RUN_ID", ""),
            expires=utc_text(moment + lease) if lease is not None else "",
        )

    def renewed(self, lease: timedelta, *, now: datetime | None = None) -> Holder:
        moment = now or datetime.now(UTC)
        return replace(self, expires=utc_text(moment + lease))

    def expired(self, now: datetime | None = None) -> bool:
        """A lease that ran out: its holder stopped renewing it (it died, or lost its network)."""
        if not self.expires:
            return False
        until = parse_utc(self.expires)
        return until is None or until <= (now or datetime.now(UTC))

    def to_json(self) -> dict[str, str | int]:
        return {
            "pid": self.pid,
            "host": self.host,
            "user": self.user,
            "command": self.command,
            "since": self.since,
            "commit": self.commit,
            "run": self.run,
            "expires": self.expires,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, JSONValue] | JSONObject) -> Holder:
        """A holder from what another machine wrote; missing or odd fields read as unknown."""

        def text(key: str, default: str = "") -> str:
            value = data.get(key)
            return value if isinstance(value, str) else default

        pid = data.get("pid")
        return cls(
            pid=pid if isinstance(pid, int) and not isinstance(pid, bool) else 0,
            host=text("host", "unknown"),
            user=text("user", "unknown"),
            command=text("command", "unknown"),
            since=text("since", "unknown"),
            commit=text("commit"),
            run=text("run"),
            expires=text("expires"),
        )

    def describe(self) -> str:
        extra = f", commit {self.commit}" if self.commit else ""
        extra += f", CI run {self.run}" if self.run else ""
        return (
            f"pid {self.pid} on host {self.host} (user {self.user}, "
            f"command `{self.command}`, since {self.since}{extra})"
        )


def wait_for_lock(
    try_once: Callable[[], bool],
    *,
    timeout: float,
    poll_interval: float = 0.25,
    sleep: Callable[[float], None] = time.sleep,
) -> float | None:
    """Seconds waited once ``try_once`` wins, or None when ``timeout`` ran out first."""
    waited = 0.0
    while True:
        if try_once():
            return waited
        if waited >= timeout:
            return None
        step = min(poll_interval, timeout - waited)
        sleep(step)
        waited += step
