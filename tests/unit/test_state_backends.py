"""The state backends' small parts: the `state:` setting, lock holders, secrets kept out of sight.

The backends themselves run against a real PostgreSQL and real git remotes in
tests/e2e/test_backend_postgres.py and test_backend_git.py.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from contentctl.config import load_config
from contentctl.errors import ConfigError, StateError
from contentctl.model import Config, StateBackendConfig, StateBackendKind
from contentctl.state.backends import open_backend
from contentctl.state.backends.gitcmd import TOKEN_ENV, _environment
from contentctl.state.backends.holder import Holder

WORKSPACE = "6650f1c2a1b2c3d4e5f60718"


def config_with(tmp_path: Path, state: str) -> Config:
    (tmp_path / "contentctl.yaml").write_text(f"workspace: {WORKSPACE}\nstate: {state}\n", "utf-8")
    return load_config(tmp_path / "contentctl.yaml", environ={})


def test_a_state_path_is_the_local_backend_as_before(tmp_path: Path) -> None:
    config = config_with(tmp_path, "states/team.json")
    assert config.state_backend == StateBackendConfig()
    assert config.state_path == tmp_path.resolve() / "states" / "team.json"


@pytest.mark.parametrize(
    ("state", "settings"),
    [
        ("{backend: local}", StateBackendConfig()),
        (
            "{backend: git, branch: posts-state, lease_minutes: 2}",
            StateBackendConfig(StateBackendKind.GIT, branch="posts-state", lease_minutes=2.0),
        ),
        (
            "{backend: postgres, url_env: TEAM_DB, schema: posts, name: acme}",
            StateBackendConfig(
                StateBackendKind.POSTGRES, url_env="TEAM_DB", schema="posts", name="acme"
            ),
        ),
    ],
)
def test_a_mapping_names_the_backend_and_its_settings(
    tmp_path: Path, state: str, settings: StateBackendConfig
) -> None:
    config = config_with(tmp_path, state)
    assert config.state_backend == settings
    assert config.state_path == tmp_path.resolve() / "contentctl.state.json"


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("{backend: s3}", "2:18: unknown state backend 's3'; backends are: local, git, postgres"),
        (
            "{backend: git, schema: x}",
            "2:23: 'schema' is not a setting of the git state backend (it takes: remote, "
            "branch, lease_minutes) [$.state.schema]",
        ),
        (
            "{backend: postgres, url: postgresql://me:pw@db/x}",
            "2:28: 'url' is not a setting of the postgres state backend",
        ),
        ("{branch: x}", "2:1: state must be a file path, or a mapping that names its backend"),
    ],
)
def test_a_bad_state_setting_is_one_located_error(tmp_path: Path, state: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        config_with(tmp_path, state)
    assert f"contentctl.yaml:{message}" in info.value.message


def test_holder_says_who_where_since_and_which_ci_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_SHA", "0123456789abcdef0123")
    monkeypatch.setenv("GITHUB_RUN_ID", "4242")
    now = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    holder = Holder.for_this_process("apply", lease=timedelta(minutes=10), now=now)
    assert holder.since == "2027-03-01T09:00:00Z"
    assert holder.expires == "2027-03-01T09:10:00Z"
    assert holder.describe().endswith(
        "command `apply`, since 2027-03-01T09:00:00Z, commit 0123456789ab, CI run 4242)"
    )
    assert Holder.from_json(holder.to_json()) == holder
    assert not holder.expired(now + timedelta(minutes=9))
    assert holder.expired(now + timedelta(minutes=10))
    assert holder.renewed(timedelta(minutes=10), now=now + timedelta(minutes=5)).expires == (
        "2027-03-01T09:15:00Z"
    )


def test_a_garbled_holder_reads_as_unknown_and_its_lease_as_run_out() -> None:
    holder = Holder.from_json({"pid": "12", "host": 3, "expires": "soon"})
    assert (holder.pid, holder.host, holder.command) == (0, "unknown", "unknown")
    assert holder.expired()


def test_the_git_token_goes_to_git_through_its_environment_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(TOKEN_ENV, "ghs_not_a_real_token")
    monkeypatch.setenv("GIT_DIR", "/somewhere/else/.git")  # as a pre-commit hook may set it
    env, secrets = _environment()
    basic = base64.b64encode(b"x-access-token:ghs_not_a_real_token").decode()
    assert (env["GIT_CONFIG_COUNT"], env["GIT_CONFIG_KEY_0"]) == ("1", "http.extraheader")
    assert env["GIT_CONFIG_VALUE_0"] == f"AUTHORIZATION: basic {basic}"
    assert TOKEN_ENV not in env and "GIT_DIR" not in env
    assert env["GIT_TERMINAL_PROMPT"] == "0"
    assert secrets == ("ghs_not_a_real_token", basic)


def test_the_git_backend_needs_the_remote_it_names(tmp_path: Path) -> None:
    config = config_with(tmp_path, "{backend: git, remote: upstream}")
    with pytest.raises(ConfigError) as info:
        open_backend(config)
    assert info.value.message == (
        f"the git state backend keeps the state on the remote 'upstream' of the content repo, "
        f"but {tmp_path.resolve()} has no such remote"
    )


def test_the_database_password_never_shows_in_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = config_with(tmp_path, "{backend: postgres}")
    url = f"postgresql://contentctl:hunter2-secret@/posts?host={tmp_path}/no-server-here"
    monkeypatch.setenv("CONTENTCTL_DATABASE_URL", url)
    backend = open_backend(config)
    with pytest.raises(StateError) as info:
        backend.store().load()
    assert info.value.message.startswith(
        "cannot reach the postgres state 'default' (schema contentctl): "
    )
    assert "hunter2" not in info.value.message and url not in info.value.message


def test_the_database_url_comes_from_the_environment_only(tmp_path: Path) -> None:
    config = config_with(tmp_path, "{backend: postgres, url_env: TEAM_DB}")
    with pytest.raises(ConfigError) as info:
        open_backend(config)
    assert info.value.message == (
        "the postgres state backend needs the database URL in the environment variable TEAM_DB"
    )
