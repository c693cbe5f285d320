"""Config in, a ``PublerClient`` out: the real API, a served sandbox, or the in-process one.

``endpoint: sandbox`` (the default when no API key is set) plugs the embedded
sandbox into the client's transport, so the same client code runs everywhere.
Every wait of the client goes through ``testing.timescale.client_sleep``, so the
end-to-end fault tests can shrink it.
"""

from __future__ import annotations

from collections.abc import Callable

from contentctl.errors import ConfigError
from contentctl.model import Config
from contentctl.publer import PublerClient
from contentctl.publer_facts import DEFAULT_PUBLER_PLAN
from contentctl.testing.timescale import client_sleep

IN_PROCESS_URL = "http://sandbox.invalid/api/v1"


def connect(config: Config, *, on_event: Callable[[str], None] | None = None) -> PublerClient:
    sleep = client_sleep()
    if config.uses_sandbox:
        from contentctl import sandbox

        info = sandbox.seed(sandbox.default_db_path(config), config)
        return PublerClient(
            IN_PROCESS_URL,
            info.api_key,
            info.workspace_id,
            transport=sandbox.in_process_transport(
                config, publer_plan=config.publer_plan or DEFAULT_PUBLER_PLAN
            ),
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
