"""contentctl.yaml: resolved into a Config, or a fatal, located ConfigError."""

# ruff: noqa: E501  (tables of expected messages read best one message per line)

from __future__ import annotations

from pathlib import Path

import pytest

from contentctl.config import find_config, load_config
from contentctl.errors import ConfigError
from contentctl.model import Method, Provider

EXAMPLE = Path(__file__).parents[2] / "examples" / "content" / "contentctl.yaml"

GOOD = """\
workspace: 6650f1c2a1b2c3d4e5f60718
endpoint: sandbox
timezone: Europe/Berlin
content: posts
state: state/contentctl.state.json
accounts:
  acme-fb: {id: 65f0a1b2c3d4e5f607182930, provider: facebook, name: "Acme on Facebook"}
  acme-x: {id: 65f0a1b2c3d4e5f607182931, provider: twitter}
defaults:
  labels: [contentctl, team]
  batch_size: 50
  method: draft
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "contentctl.yaml"
    path.write_text(text, "utf-8")
    return path


def error_of(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path, {})
    message = str(caught.value)
    assert message.startswith(f"{path}:")
    return message.removeprefix(f"{path}:")


def test_a_config_is_resolved(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD), {})
    assert config.workspace_id == "6650f1c2a1b2c3d4e5f60718"
    assert config.uses_sandbox
    assert config.timezone == "Europe/Berlin"
    assert config.content_dir == tmp_path.resolve() / "posts"
    assert config.state_path == tmp_path.resolve() / "state" / "contentctl.state.json"
    assert config.accounts["acme-fb"].provider is Provider.FACEBOOK
    assert config.accounts["acme-fb"].name == "Acme on Facebook"
    assert config.accounts["acme-x"].id == "65f0a1b2c3d4e5f607182931"
    assert config.labels == ("contentctl", "team")
    assert config.batch_size == 50
    assert config.default_method is Method.DRAFT
    assert config.api_key is None


def test_the_environment_overrides_workspace_and_endpoint(tmp_path: Path) -> None:
    env = {
        "PUBLER_WORKSPACE_ID": "aaaaaaaaaaaaaaaaaaaaaaaa",
        "CONTENTCTL_ENDPOINT": "http://127.0.0.1:8080/api/v1/",
        "PUBLER_API_KEY": "secret",
    }
    config = load_config(write(tmp_path, GOOD), env)
    assert config.workspace_id == "aaaaaaaaaaaaaaaaaaaaaaaa"
    assert config.endpoint == "http://127.0.0.1:8080/api/v1"
    assert config.api_key == "secret"
    assert "secret" not in repr(config)


def test_defaults_when_the_config_is_minimal(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "accounts: {}\n"), {})
    assert config.content_dir == tmp_path.resolve() / "content"
    assert config.timezone == "UTC"
    assert config.default_method is Method.SCHEDULED
    assert config.batch_size == 100


def test_the_example_config_loads() -> None:
    config = load_config(EXAMPLE, {})
    assert len(config.accounts) >= 6
    assert len({a.provider for a in config.accounts.values()}) >= 8
    assert config.content_dir == EXAMPLE.parent.resolve() / "posts"


def test_find_config_walks_up(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    deep = tmp_path / "posts" / "2027" / "march"
    deep.mkdir(parents=True)
    assert find_config(deep) == path.resolve()
    manifest = deep / "post.yaml"
    manifest.write_text("id: a\n")
    assert find_config(manifest) == path.resolve()  # `contentctl validate FILE` finds its repo
    assert find_config(path) == path.resolve()
    with pytest.raises(ConfigError, match=r"no contentctl\.yaml found"):
        find_config(Path("/"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "accounts:\n  fb: {id: 65f0a1b2c3d4e5f607182930, provider: myspace}\n",
            "2:48: unknown provider 'myspace'; providers are: facebook, instagram, twitter, "
            "linkedin, pinterest, youtube, tiktok, google, wordpress, telegram, mastodon, "
            "threads, bluesky [$.accounts.fb.provider]",
        ),
        (
            "accounts:\n  ok: {id: 65f0a1b2c3d4e5f607182930, provider: facebook}\n  Bad Alias: {id: 65f0a1b2c3d4e5f607182931, provider: x}\n",
            "3:3: account alias 'Bad Alias' must be lowercase letters, digits, '_' or '-', "
            "starting with a letter or digit [$.accounts.Bad Alias] (and 1 more)",
        ),
        ("timezon: UTC\n", "1:1: unknown key 'timezon' (did you mean 'timezone'?) [$.timezon]"),
        ("workspace: 12\n", "1:12: workspace must be text [$.workspace]"),
        ("accounts:\n  fb: {provider: facebook}\n", "2:3: missing required key 'id' [$.accounts.fb]"),
        ("defaults: {batch_size: 900}\n", "1:24: 900 is greater than the maximum of 500 [$.defaults.batch_size]"),
        (
            "endpoint: ftp://example.com\n",
            "1:11: endpoint must be sandbox or a URL such as https://app.publer.com/api/v1 [$.endpoint]",
        ),
        ("timezone: Mars/Olympus\n", "1:11: unknown IANA timezone 'Mars/Olympus'"),
        ("content: ../../etc\n", "1:10: content path '../../etc' is outside the repo"),
        ("accounts:\n\tfb: {id: a1}\n", "2:1: tab character in indentation; YAML indents with spaces"),
        ("timezone: UTC\ntimezone: Europe/Berlin\n", "2:1: duplicate key 'timezone' (first defined on line 1)"),
        ("accounts: [fb\n", "2:1: YAML syntax: did not find expected ',' or ']'"),
        ("- just\n- a list\n", "1:1: the config must be one YAML mapping"),
        ("", "1:1: the config must be one YAML mapping"),
    ],
)  # fmt: skip
def test_an_invalid_config_is_a_located_fatal_error(
    tmp_path: Path, text: str, expected: str
) -> None:
    assert error_of(tmp_path, text) == expected


def test_an_unreadable_config_is_fatal(tmp_path: Path) -> None:
    (tmp_path / "contentctl.yaml").mkdir()  # a folder where the file should be
    with pytest.raises(ConfigError, match=r"contentctl.yaml: cannot read: Is a directory"):
        load_config(tmp_path / "contentctl.yaml", {})


def test_a_binary_config_is_fatal(tmp_path: Path) -> None:
    path = tmp_path / "contentctl.yaml"
    path.write_bytes(b"accounts: {}\n\x00\x01")
    with pytest.raises(ConfigError, match=r":2:1: binary file \(NUL byte\), not YAML text$"):
        load_config(path, {})
