"""Scaled waits for the end-to-end tests: a test hook, named so.

``client_sleep()`` returns ``time.sleep``, or, when ``CONTENTCTL_TEST_TIME_SCALE``
is set to a number from 0 to 1, a sleep that waits that share of each wait, so
job polls, retry backoff and rate-limit pauses of a served-sandbox test take
milliseconds. A bad value is a ``ConfigError``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from contentctl.errors import ConfigError

TIME_SCALE_ENV = "CONTENTCTL_TEST_TIME_SCALE"


def client_sleep() -> Callable[[float], None]:
    """``time.sleep``, or a scaled-down one when the test hook asks for it."""
    raw = os.environ.get(TIME_SCALE_ENV, "").strip()
    if not raw:
        return time.sleep
    try:
        scale = float(raw)
    except ValueError:
        scale = -1.0
    if not 0.0 <= scale <= 1.0:
        raise ConfigError(f"{TIME_SCALE_ENV} must be a number from 0 to 1, not {raw!r}")
    return lambda seconds: time.sleep(seconds * scale)
