"""PublerClient's rate limiting: 429s honoured, and self-pacing so that 429s never happen."""

from __future__ import annotations

import math

import httpx
import pytest
from client_support import Clock, make_client

from contentctl.errors import RateLimitError

ACCOUNTS = [{"id": "a1", "provider": "bluesky"}]
LIMITED = {"error": "Rate limit exceeded. Retry later."}


class LimitedServer:
    """Publer's limit on a fake clock: ``limit`` requests per ``window`` seconds.

    ``sliding`` counts the last ``window`` seconds; otherwise fixed windows from t0.
    ``headers`` decides whether answers carry X-RateLimit-*.
    """

    def __init__(
        self,
        clock: Clock,
        *,
        limit: int = 100,
        window: float = 120.0,
        sliding: bool = True,
        headers: bool = False,
    ) -> None:
        self.clock = clock
        self.limit = limit
        self.window = window
        self.sliding = sliding
        self.headers = headers
        self.t0 = clock.now()
        self.accepted: list[float] = []
        self.requests = 0
        self.rejected = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        now = self.clock.now()
        if self.sliding:
            recent = [t for t in self.accepted if t > now - self.window]
            reset = (recent[0] if recent else now) + self.window
        else:
            start = self.t0 + math.floor((now - self.t0) / self.window) * self.window
            recent = [t for t in self.accepted if t >= start]
            reset = start + self.window
        extra: dict[str, str] = {}
        over = len(recent) >= self.limit
        if self.headers:
            remaining = max(0, self.limit - len(recent) - (0 if over else 1))
            extra = {
                "X-RateLimit-Limit": str(self.limit),
                "X-RateLimit-Remaining": str(remaining),
                "X-RateLimit-Reset": str(math.ceil(reset)),
            }
        if over:
            self.rejected += 1
            return httpx.Response(429, json=LIMITED, headers=extra)
        self.accepted.append(now)
        return httpx.Response(200, json=ACCOUNTS, headers=extra)


@pytest.mark.parametrize(
    ("sliding", "headers"),
    [(True, False), (True, True), (False, False), (False, True)],
    ids=["sliding", "sliding+headers", "fixed", "fixed+headers"],
)
def test_200_gets_never_meet_a_429(sliding: bool, headers: bool) -> None:
    clock = Clock()
    server = LimitedServer(clock, sliding=sliding, headers=headers)
    events: list[str] = []
    with make_client(server, clock, on_event=events.append) as client:
        for _ in range(200):
            assert client.accounts() == ACCOUNTS
        assert client.request_count == 200
        assert 1 <= client.rate_limit_waits <= 3
    assert server.rejected == 0
    assert server.requests == 200
    # 200 requests at 100 per 2 minutes cannot take less than one window, nor much more.
    assert 120 <= clock.t - server.t0 <= 2 * 131
    assert len(clock.sleeps) == client.rate_limit_waits
    assert all(s <= 130 for s in clock.sleeps)
    assert any(e.startswith("Rate limit: pausing") for e in events)


def test_header_budget_paces_before_it_runs_out() -> None:
    """Other keys of the same user spent most of the window: the headers say so."""
    clock = Clock()
    reset = clock.now() + 60
    served: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        served.append(clock.now())
        remaining = 5 - len(served) if clock.now() < reset else 99
        headers = {"X-RateLimit-Remaining": str(remaining), "X-RateLimit-Reset": str(int(reset))}
        return httpx.Response(200, json=ACCOUNTS, headers=headers)

    with make_client(handler, clock) as client:
        for _ in range(5):
            client.accounts()
        assert client.rate_limit_waits == 1
    # Three requests spend the budget down to the reserve of 2, then the client waits.
    assert served[:3] == [served[0]] * 3
    assert all(t >= reset for t in served[3:])


def test_without_the_local_limit_headerless_bursts_are_not_paced() -> None:
    clock = Clock()
    with make_client(
        lambda r: httpx.Response(200, json=ACCOUNTS), clock, rate_limit=None
    ) as client:
        for _ in range(150):
            client.accounts()
        assert client.rate_limit_waits == 0
    assert clock.sleeps == []


def test_a_configured_lower_limit_is_obeyed() -> None:
    clock = Clock()
    server = LimitedServer(clock, limit=10, window=60.0)
    with make_client(server, clock, rate_limit=10, rate_window=60.0) as client:
        for _ in range(25):
            client.accounts()
    assert server.rejected == 0
    assert client.rate_limit_waits == 2


def test_429_waits_until_reset_then_succeeds() -> None:
    clock = Clock()
    reset_at = clock.now() + 42
    answers = [
        httpx.Response(
            429,
            json=LIMITED,
            headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(reset_at))},
        ),
        httpx.Response(200, json={"job_id": "j1"}),
    ]
    sent_at: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent_at.append(clock.now())
        return answers.pop(0)

    events: list[str] = []
    with make_client(handler, clock, on_event=events.append) as client:
        # A 429 means Publer refused the create, so even a create may be retried.
        assert client.schedule({"state": "scheduled", "posts": []}) == "j1"
        assert client.request_count == 2
        assert client.rate_limit_waits == 1
    assert len(clock.sleeps) == 1
    assert reset_at <= sent_at[1] <= reset_at + 2
    assert any("Rate limited on POST /posts/schedule" in e for e in events)


def test_429_without_headers_backs_off_exponentially() -> None:
    clock = Clock()
    answers = [httpx.Response(429, json=LIMITED)] * 3 + [httpx.Response(200, json=ACCOUNTS)]
    with make_client(lambda r: answers.pop(0), clock, rate_limit=None) as client:
        assert client.accounts() == ACCOUNTS
        assert client.request_count == 4
    assert len(clock.sleeps) == 3
    for attempt, slept in enumerate(clock.sleeps):
        window = 8.0 * 2**attempt
        assert window / 2 <= slept <= window


def test_429_that_outlasts_the_bounded_wait_is_a_rate_limit_error() -> None:
    clock = Clock()
    with make_client(lambda r: httpx.Response(429, json=LIMITED), clock, max_retries=3) as client:
        with pytest.raises(RateLimitError) as info:
            client.accounts()
        assert client.request_count == 4
    assert info.value.status == 429
    assert "Rate limit exceeded. Retry later." in str(info.value)
    assert all(s <= 130 for s in clock.sleeps)


def test_a_far_reset_is_capped() -> None:
    clock = Clock()
    far = str(int(clock.now() + 3600))
    answers = [
        httpx.Response(429, json=LIMITED, headers={"X-RateLimit-Reset": far}),
        httpx.Response(200, json=ACCOUNTS),
    ]
    with make_client(lambda r: answers.pop(0), clock) as client:
        client.accounts()
    assert clock.sleeps == [130.0]


def test_polls_count_against_the_budget() -> None:
    clock = Clock()
    server = LimitedServer(clock, limit=5, window=120.0)

    def handler(request: httpx.Request) -> httpx.Response:
        answer = server(request)
        if answer.status_code != 200:
            return answer
        done = server.requests >= 8
        return httpx.Response(200, json={"status": "complete" if done else "working"})

    with make_client(handler, clock, rate_limit=5, poll_interval=0.5) as client:
        status = client.wait_for_job("j1")
        assert status.finished
        assert client.request_count == 8
        assert client.rate_limit_waits == 1
    assert server.rejected == 0


def test_a_window_longer_than_the_wait_cap_is_still_respected() -> None:
    clock = Clock()
    server = LimitedServer(clock, limit=2, window=300.0)
    with make_client(server, clock, rate_limit=2, rate_window=300.0) as client:
        for _ in range(5):
            client.accounts()
    assert server.rejected == 0
    assert clock.sleeps and min(clock.sleeps) > 130
