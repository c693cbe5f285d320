"""A config and a state in, the remote they name out: which Publer a state describes.

``current_remote(config)`` is the remote this run talks to (``sandbox`` or the
API base URL, and the workspace id); ``bind(state, remote)`` records it in a
state that has none yet (a new state, or one written before the remote was
recorded: the note says so) and refuses, naming both, a state that describes
another remote. ``rebind`` moves a state on purpose (``contentctl state rebind
--to-current-remote``). ``sandbox_warning`` is the loud line for a config that
says ``sandbox`` while an API key is set. Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from contentctl.errors import StateError
from contentctl.model import Config
from contentctl.state.records import State

REBIND_COMMAND = "contentctl state rebind --to-current-remote"


@dataclass(frozen=True)
class Remote:
    """One Publer: ``sandbox`` or an API base URL, and a workspace id ("" when unset)."""

    endpoint: str
    workspace_id: str

    def describe(self) -> str:
        return f"{self.endpoint} (workspace {self.workspace_id or 'not set'})"

    def line(self) -> str:
        """The first line of every plan and apply."""
        return f"Remote: {self.describe()}"


def current_remote(config: Config) -> Remote:
    endpoint = "sandbox" if config.uses_sandbox else config.endpoint.rstrip("/")
    return Remote(endpoint, config.workspace_id)


def recorded_remote(state: State) -> Remote | None:
    return None if state.remote is None else Remote(state.remote, state.workspace_id)


def sandbox_warning(config: Config) -> str | None:
    """A warning when the config says ``sandbox`` but ``PUBLER_API_KEY`` is set."""
    if not (config.uses_sandbox and config.api_key):
        return None
    return (
        "Warning: the endpoint is `sandbox` but PUBLER_API_KEY is set: this run talks to the "
        "local sandbox, NOT to Publer. Set `endpoint:` in contentctl.yaml or CONTENTCTL_ENDPOINT "
        "(https://app.publer.com/api/v1) to reach Publer."
    )


def bind(state: State, remote: Remote) -> list[str]:
    """Record ``remote`` in a state that has none; refuse a state of another remote."""
    recorded = recorded_remote(state)
    if recorded is None:
        adopted = state.exists and bool(state.posts or state.media or state.intents)
        state.remote, state.workspace_id = remote.endpoint, remote.workspace_id
        if adopted:
            return [
                f"The state did not record which Publer it describes; it is bound to "
                f"{remote.describe()} from its next write."
            ]
        return []
    if not matches(recorded, remote):
        raise StateError(
            f"the state describes {recorded.describe()}, but this run talks to "
            f"{remote.describe()}; refusing to compare a state with another Publer",
            hint=f"point the config back at {recorded.endpoint}, or if you moved on purpose, "
            f"run `{REBIND_COMMAND}` (the next plan then reads what the new remote holds)",
        )
    if not state.workspace_id and remote.workspace_id:
        state.workspace_id = remote.workspace_id
    return []


def matches(recorded: Remote, remote: Remote) -> bool:
    if recorded.endpoint != remote.endpoint:
        return False
    # a state written before the workspace was known matches any workspace of its endpoint
    return not (recorded.workspace_id and remote.workspace_id) or (
        recorded.workspace_id == remote.workspace_id
    )


def rebind(state: State, remote: Remote) -> Remote | None:
    """Bind ``state`` to ``remote`` whatever it described; returns what it described before."""
    before = recorded_remote(state)
    state.remote, state.workspace_id = remote.endpoint, remote.workspace_id
    return before
