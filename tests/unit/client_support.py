"""What the client tests share: a fake clock and a client over a mock transport."""

from __future__ import annotations

import random
from typing import Any

import httpx

from contentctl.publer import PublerClient

KEY = "k3y-5ecret-0123456789abcdef"
WS = "ws0000000000000000000001"
BASE = "https://publer.test/api/v1"


class Clock:
    """A fake clock: sleeping advances time instantly and is recorded."""

    def __init__(self) -> None:
        self.t = 1_700_000_000.0
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += seconds


def make_client(
    handler: Any, clock: Clock | None = None, *, key: str = KEY, seed: int = 7, **kw: Any
) -> PublerClient:
    """A PublerClient whose every request goes to ``handler`` and whose waits are instant."""
    clock = clock or Clock()
    return PublerClient(
        BASE,
        key,
        WS,
        transport=httpx.MockTransport(handler),
        sleep=clock.sleep,
        now=clock.now,
        rng=random.Random(seed),
        **kw,
    )
