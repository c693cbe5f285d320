"""Crash points for the fault tests: kill this process where a test asks it to.

``_test_kill_point(name)`` takes a point's name and returns nothing. It does
nothing unless the environment variable ``CONTENTCTL_TEST_KILL_AT`` equals
``name`` (kill the first time the point is reached) or ``name:N`` (kill the
N-th time in this process); then it sends itself SIGKILL, so no ``finally``,
``atexit`` or buffered write runs, which is what a dying CI runner looks like.
``kill_point`` is the same function under a public name.
"""

from __future__ import annotations

import os
import signal

ENV_VAR = "CONTENTCTL_TEST_KILL_AT"

_reached: dict[str, int] = {}


def _test_kill_point(name: str) -> None:
    """SIGKILL this process if ``CONTENTCTL_TEST_KILL_AT`` names this point (and count)."""
    wanted = os.environ.get(ENV_VAR)
    if not wanted:
        return
    target, _, nth = wanted.partition(":")
    if target != name:
        return
    count = _reached.get(name, 0) + 1
    _reached[name] = count
    if nth and (not nth.isdigit() or int(nth) != count):
        return
    os.kill(os.getpid(), signal.SIGKILL)


kill_point = _test_kill_point
