"""Ctrl-C held back while a bulk is between being sent and being recorded.

``InterruptGuard`` is a context manager that installs a SIGINT handler (main
thread only) and gives back the previous one on exit; ``critical()`` marks a
section that a first Ctrl-C may not cut: the ``KeyboardInterrupt`` is raised
when the section ends instead. The applier wraps each submit-and-record step
in one, so a bulk in flight always gets its job id written.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

# What signal.signal hands back: a Python handler, SIG_DFL/SIG_IGN, or None (set from C).
Handler = Callable[[int, FrameType | None], object] | int | None


class InterruptGuard:
    """Ctrl-C that never lands between sending a bulk and recording what came back.

    Outside ``critical()`` a SIGINT raises ``KeyboardInterrupt`` at once, as
    usual. Inside, the first one is held until the section ends (so a bulk in
    flight gets its job id written), then raised; a second one raises at once,
    for a user who will not wait (still safe: the intent is already journaled).
    Handles SIGINT only in the main thread, and restores the previous handler.
    """

    def __init__(self) -> None:
        self._depth = 0
        self._held = False
        self._previous: Handler = None

    def __enter__(self) -> InterruptGuard:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._on_sigint)
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
            self._previous = None

    @contextmanager
    def critical(self) -> Iterator[None]:
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
        if self._held and not self._depth:
            self._held = False
            raise KeyboardInterrupt

    def _on_sigint(self, _signum: int, _frame: FrameType | None) -> None:
        if self._depth and not self._held:
            self._held = True  # no output here: a handler must not write to a busy stream
            return
        self._held = False
        raise KeyboardInterrupt
