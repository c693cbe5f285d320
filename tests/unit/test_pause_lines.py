"""The client's pause lines say a real wait: a pause under a second waits but is not announced."""

from __future__ import annotations

import httpx
from client_support import Clock, make_client

ACCOUNTS = [{"id": "a1", "provider": "bluesky"}]


def test_a_sub_second_pause_waits_without_a_pausing_0s_line() -> None:
    clock = Clock()

    def answer(request: httpx.Request) -> httpx.Response:
        clock.t += 1.205  # each answer takes a little over 1.2 s: the window fills slowly
        return httpx.Response(200, json=ACCOUNTS)

    events: list[str] = []
    with make_client(answer, clock, on_event=events.append) as client:
        for _ in range(101):
            client.accounts()
        waits = client.rate_limit_waits
    # the 101st request found the window nearly over: a short pause, taken, not announced
    assert waits == len(clock.sleeps) == 1 and 0 < clock.sleeps[0] < 1
    assert [e for e in events if e.startswith("Rate limit")] == []
