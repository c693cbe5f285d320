"""A state bound to its remote: recorded on first use, another remote refused, rebind on purpose."""

from __future__ import annotations

from pathlib import Path

import pytest

from contentctl.errors import StateError
from contentctl.plan.binding import Remote, bind, current_remote, rebind, sandbox_warning
from contentctl.state.records import Entry, EntryStatus, new_state
from contentctl.state.store import StateStore

SANDBOX = Remote("sandbox", "ws1")
PUBLER = Remote("https://app.publer.com/api/v1", "ws1")


def _entry() -> Entry:
    return Entry(
        "acc", "facebook", "r1", EntryStatus.SCHEDULED, "ab" * 32, {}, None, None, None, None,
        "2027-01-01T00:00:00Z", "2027-01-01T00:00:00Z",
    )  # fmt: skip


def test_a_new_state_is_bound_silently_and_written_with_its_remote(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "s.json")
    state = store.load()
    assert bind(state, SANDBOX) == []
    state.set_entry("p", "fb", _entry())
    store.write(state)
    loaded = store.load()
    assert (loaded.remote, loaded.workspace_id) == ("sandbox", "ws1")
    assert bind(loaded, SANDBOX) == []


def test_another_remote_is_refused_naming_both() -> None:
    state = new_state("ws1")
    bind(state, SANDBOX)
    with pytest.raises(StateError) as caught:
        bind(state, PUBLER)
    assert caught.value.message == (
        "the state describes sandbox (workspace ws1), but this run talks to "
        "https://app.publer.com/api/v1 (workspace ws1); refusing to compare a state with "
        "another Publer"
    )
    assert caught.value.hint is not None
    assert "contentctl state rebind --to-current-remote" in caught.value.hint
    with pytest.raises(StateError):
        bind(state, Remote("sandbox", "ws2"))


def test_rebind_moves_the_state_and_says_where_from() -> None:
    state = new_state("ws1")
    bind(state, SANDBOX)
    assert rebind(state, PUBLER) == SANDBOX
    assert bind(state, PUBLER) == []


def test_an_old_state_without_a_remote_is_adopted_and_the_plan_says_so(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    store = StateStore(path)
    state = store.load()
    state.set_entry("p", "fb", _entry())
    store.write(state)  # no remote: as an older contentctl wrote it
    assert '"remote"' not in path.read_text("utf-8")
    old = store.load()
    assert bind(old, PUBLER) == [
        "The state did not record which Publer it describes; it is bound to "
        "https://app.publer.com/api/v1 (workspace ws1) from its next write."
    ]
    store.write(old)
    assert store.load().remote == "https://app.publer.com/api/v1"


def test_current_remote_and_the_sandbox_warning(tmp_path: Path) -> None:
    from dataclasses import replace

    from contentctl.config import load_config

    (tmp_path / "contentctl.yaml").write_text(
        "workspace: 6650f1c2a1b2c3d4e5f60719\nendpoint: sandbox\naccounts:\n"
        "  fb: {id: 65f0a1b2c3d4e5f607180001, provider: facebook}\n",
        encoding="utf-8",
    )
    config = load_config(tmp_path / "contentctl.yaml", {})
    assert current_remote(config) == Remote("sandbox", "6650f1c2a1b2c3d4e5f60719")
    assert current_remote(config).line() == "Remote: sandbox (workspace 6650f1c2a1b2c3d4e5f60719)"
    assert sandbox_warning(config) is None
    keyed = replace(config, api_key="k")
    assert sandbox_warning(keyed) == (
        "Warning: the endpoint is `sandbox` but PUBLER_API_KEY is set: this run talks to the "
        "local sandbox, NOT to Publer. Set `endpoint:` in contentctl.yaml or CONTENTCTL_ENDPOINT "
        "(https://app.publer.com/api/v1) to reach Publer."
    )
    served = replace(config, endpoint="http://127.0.0.1:9/api/v1/")
    assert current_remote(served) == Remote("http://127.0.0.1:9/api/v1", "6650f1c2a1b2c3d4e5f60719")
