"""Publer's ``Date`` headers in, Publer's clock out: the offset of Publer's time from ours.

Every answer Publer sends carries its own time in the ``Date`` header (RFC
9110 §6.6.1, the RFC 7231 format, whole seconds). ``RemoteClock.observe``
takes each one with the local time it arrived at; ``offset`` is the median
of the last few differences (remote − local, whole seconds), so one slow
answer does not move it; ``now()`` is this machine's time moved by that
offset: Publer's time, which every decision that compares with Publer's
clock uses (a scheduled time that has passed, the minute Publer needs
before a new post's time, how long a bulk whose answer was lost may still
run). Before any answer (or with none that has a readable ``Date``) the
offset is unknown and ``now()`` is the local time. ``skew_note()`` is the
one line a plan shows when the two clocks are more than ``WARN_SECONDS``
apart. No HTTP here.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

KEEP = 5  # the last answers the median is taken over
WARN_SECONDS = 30  # a skew beyond this is worth one line in the plan


class RemoteClock:
    """The offset of Publer's clock from this machine's, learnt from ``Date`` headers."""

    def __init__(self, local: Callable[[], float] = time.time, *, keep: int = KEEP) -> None:
        self._local = local
        self._seen: deque[float] = deque(maxlen=keep)
        self._lock = threading.Lock()

    def observe(self, date_header: str | None, *, at: float | None = None) -> None:
        """One answer's ``Date`` (ignored when missing or unreadable), received at ``at``."""
        remote = parse_http_date(date_header)
        if remote is None:
            return
        local = self._local() if at is None else at
        # Date is truncated to its second: the middle of that second is the best guess
        with self._lock:
            self._seen.append(remote + 0.5 - local)

    @property
    def offset(self) -> int | None:
        """Publer's time minus ours, in whole seconds; None until an answer had a ``Date``."""
        with self._lock:
            if not self._seen:
                return None
            return round(statistics.median(self._seen))

    def now(self) -> datetime:
        """Publer's time now, as well as its answers tell it (the local time before any)."""
        local = datetime.fromtimestamp(self._local(), UTC)
        return local + timedelta(seconds=self.offset or 0)

    def skew_note(self, *, warn_seconds: int = WARN_SECONDS) -> str | None:
        """One line naming the offset when it is over ``warn_seconds``; None otherwise."""
        offset = self.offset
        if offset is None or abs(offset) <= warn_seconds:
            return None
        side = "ahead of" if offset > 0 else "behind"
        return (
            f"Warning: Publer's clock is {describe_seconds(abs(offset))} {side} this machine's; "
            "times are judged by Publer's clock (missed times, the minute Publer needs)."
        )


def parse_http_date(value: str | None) -> float | None:
    """An HTTP ``Date`` value as a POSIX timestamp; None when missing or not a date."""
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # "-0000" or no zone: HTTP dates are GMT
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


def describe_seconds(seconds: int) -> str:
    """``300`` → ``5 min``, ``75`` → ``1 min 15 s``, ``3700`` → ``1 h 1 min 40 s``."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours} h"] if hours else []
    parts += [f"{minutes} min"] if minutes else []
    parts += [f"{secs} s"] if secs or not parts else []
    return " ".join(parts)
