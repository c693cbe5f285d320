"""Config in, a ``PublerClient`` out: the real API, a served sandbox, or the in-process one.

``endpoint: sandbox`` (the default when no API key is set) plugs the embedded
sandbox into the client's transport, so the same client code runs everywhere.
``CONTENTCTL_TEST_TIME_SCALE`` (a test hook, like ``CONTENTCTL_TEST_KILL_AT``)
shrinks every wait of the client — job polls, retry backoff, rate-limit pauses —
so the end-to-end fault tests run against a served sandbox in seconds.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from contentctl.errors import ConfigError
from contentctl.model import Config
from contentctl.publer import PublerClient

IN_PROCESS_URL = "http://sandbox.invalid/api/v1"
TIME_SCALE_ENV = "CONTENTCTL_TEST_TIME_SCALE"


def connect(config: Config, *, on_event: Callable[[str], None] | None = None) -> PublerClient:
    sleep = client_sleep()
    if config.uses_sandbox:
        from contentctl import sandbox

        info = sandbox.seed(sandbox.default_db_path(config), config)
        return PublerClient(
            IN_PROCESS_URL,
            info.api_key,
            info.workspace_id,
            transport=sandbox.in_process_transport(config),
            on_event=on_event,
            poll_interval=0.05,
            sleep=sleep,
        )
    if not config.api_key:
        raise ConfigError(
            f"endpoint {config.endpoint} needs an API key",
            hint="set PUBLER_API_KEY (from Publer: Settings → Access & Login → API Keys)",
        )
    if not config.workspace_id:
        raise ConfigError(
            "no workspace id", hint="set `workspace:` in contentctl.yaml or PUBLER_WORKSPACE_ID"
        )
    return PublerClient(
        config.endpoint, config.api_key, config.workspace_id, on_event=on_event, sleep=sleep
    )


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
