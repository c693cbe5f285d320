"""contentctl.yaml checked like a manifest: ids of Publer's shape, a workspace for a real
endpoint, one alias per account, aliases of the right type.

Each case edits the config of an applied copy of the examples and runs the
commands a user would: one located line (``file:line:col``), exit 1, and the
state file and its backup byte-identical afterwards.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bad_input_support import BadInputRepo, applied_template

from contentctl.config import load_config

COMMANDS = (("validate",), ("plan",), ("apply", "--auto-approve"))
HEX = "(24 lowercase hex characters"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return applied_template(tmp_path_factory.mktemp("applied"))


@pytest.fixture
def repo(template: Path, tmp_path: Path) -> BadInputRepo:
    return BadInputRepo.copy_of(template, tmp_path)


def edit_config(repo: BadInputRepo, pattern: str, replacement: str) -> Path:
    config = repo.root / "contentctl.yaml"
    text, count = re.subn(pattern, replacement, config.read_text("utf-8"), count=1, flags=re.M)
    assert count == 1, pattern
    config.write_text(text, "utf-8")
    return config


def where(config: Path, needle: str) -> tuple[int, int]:
    """1-based line and column of the first ``needle`` in the config."""
    for number, line in enumerate(config.read_text("utf-8").splitlines(), 1):
        if needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(needle)


def refused(repo: BadInputRepo, line: str, env: dict[str, str] | None = None) -> None:
    before = repo.snapshot()
    for command in COMMANDS:
        run = repo.cli(*command, env=env)
        assert (run.code, run.err_lines) == (1, [f"contentctl: error: {line}"]), command
    assert repo.snapshot() == before


def test_a_real_endpoint_in_the_config_needs_a_workspace(repo: BadInputRepo) -> None:
    edit_config(repo, r"^workspace:.*\n", "")
    config = edit_config(repo, r"^endpoint: sandbox", "endpoint: http://127.0.0.1:9/api/v1")
    line, column = where(config, "http://")
    refused(
        repo,
        f"{config}:{line}:{column}: the endpoint http://127.0.0.1:9/api/v1 is not the sandbox, "
        "so it needs a workspace id; set workspace: (24 lowercase hex characters) or "
        "PUBLER_WORKSPACE_ID",
    )


def test_a_real_endpoint_from_the_environment_needs_a_workspace(repo: BadInputRepo) -> None:
    config = edit_config(repo, r"^workspace:.*\n", "")
    refused(
        repo,
        f"{config}:1:1: CONTENTCTL_ENDPOINT http://127.0.0.1:9/api/v1 is not the sandbox, so it "
        "needs a workspace id; set workspace: (24 lowercase hex characters) or "
        "PUBLER_WORKSPACE_ID",
        env={"CONTENTCTL_ENDPOINT": "http://127.0.0.1:9/api/v1", "PUBLER_API_KEY": "k"},
    )


def test_an_api_key_without_an_endpoint_means_publer_and_needs_a_workspace(
    repo: BadInputRepo,
) -> None:
    edit_config(repo, r"^workspace:.*\n", "")
    config = edit_config(repo, r"^endpoint:.*\n", "")
    refused(
        repo,
        f"{config}:1:1: the endpoint https://app.publer.com/api/v1 (the default when "
        "PUBLER_API_KEY is set) is not the sandbox, so it needs a workspace id; set workspace: "
        "(24 lowercase hex characters) or PUBLER_WORKSPACE_ID",
        env={"PUBLER_API_KEY": "k"},
    )


def test_the_sandbox_needs_no_workspace(repo: BadInputRepo) -> None:
    config = edit_config(repo, r"^workspace:.*\n", "")
    assert load_config(config, {}).workspace_id == ""


@pytest.mark.parametrize(
    "workspace", ["ABC", "6650F1C2A1B2C3D4E5F60718", "6650f1c2a1b2c3d4e5f6071"]
)
def test_a_workspace_id_of_the_wrong_shape_is_located(repo: BadInputRepo, workspace: str) -> None:
    config = edit_config(repo, r"^workspace: \S+", f"workspace: {workspace}")
    line, column = where(config, workspace)
    refused(
        repo,
        f"{config}:{line}:{column}: workspace {workspace!r} is not a Publer workspace id "
        f"{HEX}, as in Publer's URLs) [$.workspace]",
    )


def test_a_workspace_id_of_the_wrong_shape_in_the_environment_is_refused(
    repo: BadInputRepo,
) -> None:
    refused(
        repo,
        f"PUBLER_WORKSPACE_ID 'my-workspace' is not a Publer workspace id {HEX})",
        env={"PUBLER_WORKSPACE_ID": "my-workspace"},
    )


def test_an_account_id_of_the_wrong_shape_is_located(repo: BadInputRepo) -> None:
    config = edit_config(repo, r"(kc-x: +\{id: )\w+", r"\g<1>x-account")
    line, column = where(config, "x-account")
    refused(
        repo,
        f"{config}:{line}:{column}: account id 'x-account' is not a Publer account id "
        f"{HEX}, from GET /accounts) [$.accounts.kc-x.id]",
    )


def test_an_alias_of_the_wrong_type_is_located(repo: BadInputRepo) -> None:
    config = edit_config(repo, r"(  kc-x: +)\{[^}]*\}", r'\g<1>"65f0a1b2c3d4e5f6071829aa"')
    line, column = where(config, '"65f0a1b2c3d4e5f6071829aa"')
    refused(
        repo,
        f"{config}:{line}:{column}: account alias 'kc-x' must be a mapping {{id, provider}} "
        "[$.accounts.kc-x]",
    )


def test_an_alias_that_is_not_text_is_located(repo: BadInputRepo) -> None:
    config = edit_config(repo, r"^  kc-x:", "  2027:")
    line, column = where(config, "2027:")
    refused(
        repo,
        f"{config}:{line}:{column}: a mapping key must be text, not the number 2027; quote it: "
        '"2027":',
    )


def test_two_aliases_for_one_account_id_are_located(repo: BadInputRepo) -> None:
    config = repo.root / "contentctl.yaml"
    first = re.search(r"^  kc-facebook: +\{id: (\w+)", config.read_text("utf-8"), re.M)
    assert first is not None
    account_id = first.group(1)
    edit_config(repo, r"(  kc-x: +\{id: )\w+", rf"\g<1>{account_id}")
    line = where(config, "kc-x:")[0]
    column = config.read_text("utf-8").splitlines()[line - 1].index(account_id) + 1
    refused(
        repo,
        f"{config}:{line}:{column}: account id {account_id} already has the alias "
        f"'kc-facebook' (line {where(config, 'kc-facebook:')[0]}); give each account one "
        "alias [$.accounts.kc-x.id]",
    )


def test_a_key_with_no_value_where_a_choice_of_types_is_allowed_is_located(
    repo: BadInputRepo,
) -> None:
    """state: takes a path or a backend mapping; empty, the message names both (found by the
    fuzz test: the list of types used to be an internal error)."""
    config = edit_config(repo, r"^state: .*$", "state:")
    line = where(config, "state:")[0]
    refused(repo, f"{config}:{line}:7: state must be text or a mapping [$.state]")


_EXAMPLE = Path(__file__).parents[2] / "examples" / "content" / "contentctl.yaml"


def _mutations() -> list[dict[str, object]]:
    """The example config, and one wrong field each (every kind of keyword the schema uses)."""
    import copy

    from contentctl.manifest.yamlio import parse_documents

    base = parse_documents(_EXAMPLE.read_text("utf-8"))[0][0]
    alias = next(iter(base["accounts"]))
    changes: list[tuple[tuple[str, ...], object]] = [
        (("workspace",), "not-hex"), (("workspace",), "a" * 24 + "\n"), (("endpoint",), "ftp://x"),
        (("endpoint",), 5), (("timezone",), ""), (("content",), ""), (("extra",), True),
        (("accounts", alias, "provider"), "myspace"), (("accounts", alias, "id"), "Z" * 24),
        (("accounts", "Bad Alias"), {"id": "a" * 24, "provider": "twitter"}),
        (("defaults",), {"batch_size": 0}), (("defaults",), {"batch_size": 501}),
        (("defaults",), {"labels": ["a", "a"]}), (("defaults",), {"method": "later"}),
        (("state",), {"backend": "s3"}), (("state",), {"backend": "postgres"}),
        (("ignore_changes",), ["colour"]), (("refresh_max_age",), -1),
    ]  # fmt: skip
    out = [base]
    for keys, value in changes:
        config = copy.deepcopy(base)
        node = config
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = value
        out.append(config)
    return out


@pytest.mark.parametrize("config", _mutations(), ids=lambda c: str(c)[-40:])
def test_the_fast_config_check_agrees_with_the_one_that_words_the_errors(
    config: dict[str, object],
) -> None:
    # jsonschema-rs says yes or no; jsonschema (imported only then) says why
    from contentctl.manifest.schemas import config_checker, config_validator

    says_valid = config_checker().is_valid(config)
    errors = list(config_validator().iter_errors(config))
    if says_valid:
        assert errors == []  # never skips an error the worded check would report
    assert says_valid == (not errors) or config["workspace"] == "a" * 24 + "\n"
