"""The request budget: how long to wait before the next request to Publer.

Publer allows 100 requests per 2 minutes per user and may say where the window
stands in ``X-RateLimit-Limit``/``-Remaining``/``-Reset`` headers. ``RateBudget``
takes the send times and response headers and returns a delay in seconds; the caller
does the sleeping (with its injected clock), so this module never waits itself.
Two guards, the larger delay wins: the server's own count (pause at a small reserve
until Reset) and a local sliding-window count that works even without headers.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping

# Below this a Reset value is a number of seconds from now rather than a UNIX time.
_EPOCH_THRESHOLD = 1_000_000_000.0


class RateBudget:
    """Paces requests so a well-behaved client never meets a 429."""

    def __init__(
        self,
        now: Callable[[], float],
        *,
        limit: int | None = 100,
        window: float = 120.0,
        reserve: int = 2,
        max_wait: float = 130.0,
        margin: float = 1.0,
    ) -> None:
        if limit is not None and limit < 1:
            raise ValueError("rate limit must be at least 1 request per window")
        self._now = now
        self._limit = limit
        self._window = window
        self._reserve = reserve
        # Never cap a pause below what the local window itself needs.
        self.max_wait = max(max_wait, window + margin)
        # Our send time and the server's arrival time differ, and Reset is whole seconds.
        self._margin = margin
        self._sent: deque[float] = deque()
        self._server_limit: int | None = None
        self._remaining: int | None = None
        self._reset_at: float | None = None

    def delay(self) -> float:
        """Seconds to wait before the next request (0 when there is room), bounded."""
        now = self._now()
        wait = max(self._local_delay(now), self._header_delay(now))
        if wait > 0 and self._remaining is not None and self._remaining <= self._reserve:
            # One pause per exhausted window; the next answer tells us the new count.
            self._remaining = None
        return min(wait, self.max_wait)

    def record(self) -> None:
        """Count one request as sent now."""
        self._sent.append(self._now())

    def observe(self, headers: Mapping[str, str]) -> None:
        """Read the X-RateLimit-* headers of an answer (any of them may be absent)."""
        limit = _int(headers.get("x-ratelimit-limit"))
        remaining = _int(headers.get("x-ratelimit-remaining"))
        reset = _float(headers.get("x-ratelimit-reset"))
        if limit is not None and limit > 0:
            self._server_limit = limit
        if remaining is not None:
            self._remaining = remaining
        if reset is not None:
            self._reset_at = reset if reset >= _EPOCH_THRESHOLD else self._now() + reset

    def reset_delay(self) -> float | None:
        """Seconds until the server's window resets, if it told us and it is ahead."""
        if self._reset_at is None:
            return None
        wait = self._reset_at - self._now()
        return wait + self._margin if wait > 0 else None

    def window_exhausted(self) -> None:
        """A 429 was answered and waited out: forget the stale count."""
        self._remaining = None

    def _effective_limit(self) -> int | None:
        if self._limit is None:
            return None
        # the server's own figure wins when it gives one: Publer may change its limit
        return self._limit if self._server_limit is None else self._server_limit

    def _local_delay(self, now: float) -> float:
        limit = self._effective_limit()
        span = self._window + self._margin
        while self._sent and self._sent[0] <= now - span:
            self._sent.popleft()
        if limit is None or len(self._sent) < limit:
            return 0.0
        # The oldest sends that must leave the window before one more fits.
        oldest_to_leave = self._sent[len(self._sent) - limit]
        return max(0.0, oldest_to_leave + span - now)

    def _header_delay(self, now: float) -> float:
        if self._remaining is None or self._remaining > self._reserve:
            return 0.0
        if self._reset_at is None or self._reset_at <= now:
            return 0.0
        return self._reset_at - now + self._margin


def _int(value: str | None) -> int | None:
    number = _float(value)
    return None if number is None else int(number)


def _float(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return None
    return number if number == number and number not in (float("inf"), float("-inf")) else None
