"""contentctl init: the files a new content repo gets, and what they do."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner
from pre_commit.clientlib import load_config as load_pre_commit_config

from contentctl.cli import cli
from contentctl.config import load_config
from contentctl.errors import ConfigError
from contentctl.manifest.fmt import format_text
from contentctl.manifest.scaffold import init_repo
from contentctl.manifest.schemas import editor_schema, schema
from contentctl.manifest.yamlio import parse_documents
from contentctl.validate.checks import check_repo

HOOKS_FILE = Path(__file__).resolve().parents[2] / ".pre-commit-hooks.yaml"
EXPECTED = [
    ".contentctl/schemas/config.schema.json",
    ".contentctl/schemas/post.repo.schema.json",
    ".contentctl/schemas/post.schema.json",
    ".github/workflows/contentctl-apply.yml",
    ".github/workflows/contentctl-plan.yml",
    ".gitignore",
    ".pre-commit-config.yaml",
    ".vscode/extensions.json",
    ".vscode/settings.json",
    "content/launch.yaml",
    "content/welcome.yaml",
    "contentctl.yaml",
]


def read_yaml(path: Path) -> Any:
    # yamlio's loader: `on:` stays the key "on" (PyYAML alone would read True)
    (doc, _, _), *more = parse_documents(path.read_text(encoding="utf-8"))
    assert not more
    return doc


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_init_into_an_empty_folder_writes_the_whole_repo(tmp_path: Path) -> None:
    written = init_repo(tmp_path / "repo")
    relative = sorted(p.relative_to(tmp_path / "repo").as_posix() for p in written)
    assert relative == EXPECTED
    on_disk = sorted(
        p.relative_to(tmp_path / "repo").as_posix()
        for p in (tmp_path / "repo").rglob("*")
        if p.is_file()
    )
    assert on_disk == EXPECTED


def test_init_refuses_to_overwrite_and_then_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "contentctl.yaml").write_text("workspace: mine\n", encoding="utf-8")
    (tmp_path / "content" / "welcome.yaml").write_text("id: mine\n", encoding="utf-8")

    with pytest.raises(ConfigError) as info:
        init_repo(tmp_path)
    assert "content/welcome.yaml, contentctl.yaml" in str(info.value)
    assert info.value.hint == "pass --force to overwrite them"
    assert (tmp_path / "contentctl.yaml").read_text(encoding="utf-8") == "workspace: mine\n"
    assert sorted(p.name for p in tmp_path.rglob("*")) == [
        "content",
        "contentctl.yaml",
        "welcome.yaml",
    ]

    init_repo(tmp_path, force=True)
    assert "workspace: mine" not in (tmp_path / "contentctl.yaml").read_text(encoding="utf-8")
    assert (tmp_path / ".github/workflows/contentctl-plan.yml").is_file()


def test_init_into_a_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "repo").write_text("", encoding="utf-8")
    with pytest.raises(ConfigError, match="is not a folder"):
        init_repo(tmp_path / "repo")


@pytest.mark.parametrize(
    "workspace_id", [None, "5f0c9d8e7a6b5c4d3e2f1a0b", "123456789012345678901234"]
)
def test_scaffolded_repo_loads_and_validates_clean(
    tmp_path: Path, workspace_id: str | None
) -> None:
    init_repo(tmp_path, workspace_id=workspace_id)
    config = load_config(tmp_path / "contentctl.yaml", environ={})

    assert config.endpoint == "sandbox"
    assert config.workspace_id == (workspace_id or config.workspace_id)
    assert len(config.workspace_id) == 24
    assert len(config.accounts) >= 3
    assert all(len(a.id) == 24 and int(a.id, 16) >= 0 for a in config.accounts.values())

    result, diagnostics = check_repo(config, now=datetime(2026, 6, 1, tzinfo=UTC))
    assert diagnostics == ()
    posts = sorted(result.posts, key=lambda p: p.id)
    assert [p.id for p in posts] == ["launch-2027", "welcome"]
    for path in (tmp_path / "content").glob("*.yaml"):
        assert read_yaml(path)["at"].startswith("2027-")
    times = {read_yaml(p)["at"] for p in (tmp_path / "content").glob("*.yaml")}
    accounts = [set(read_yaml(p)["accounts"]) for p in (tmp_path / "content").glob("*.yaml")]
    assert len(times) == 2
    assert not accounts[0] & accounts[1]


def test_scaffolded_yaml_is_commented_and_already_formatted(tmp_path: Path) -> None:
    init_repo(tmp_path)
    for name in ("contentctl.yaml", "content/welcome.yaml", "content/launch.yaml"):
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert format_text(text) == text, name
    config = (tmp_path / "contentctl.yaml").read_text(encoding="utf-8")
    for key in ("workspace", "endpoint", "timezone", "content", "state", "accounts", "defaults"):
        above = config.split(f"\n{key}:")[0].rstrip().splitlines()[-1]
        assert above.startswith("#"), f"{key} has no comment explaining it"


def test_gitignore_hides_lock_and_local_files_but_not_state_or_errored(tmp_path: Path) -> None:
    init_repo(tmp_path)
    git(tmp_path, "init", "--quiet")
    names = [
        ".contentctl/sandbox.db",
        "contentctl.state.json.lock",
        "contentctl.state.json.backup",
        "contentctl-calendar.html",
        "contentctl.state.json",
        "contentctl.state.errored.json",
        ".contentctl/schemas/post.repo.schema.json",
    ]
    for name in names:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("{}", encoding="utf-8")
    done = subprocess.run(
        ["git", "check-ignore", *names], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.stdout.split() == names[:4]


def test_pre_commit_config_uses_the_project_hooks(tmp_path: Path) -> None:
    init_repo(tmp_path)
    config = load_pre_commit_config(str(tmp_path / ".pre-commit-config.yaml"))
    (repo,) = config["repos"]
    assert repo["repo"] == "https://github.com/contentctl/contentctl"
    assert repo["rev"] == "v0.1.0"
    provided = {hook["id"] for hook in yaml.safe_load(HOOKS_FILE.read_text(encoding="utf-8"))}
    assert [hook["id"] for hook in repo["hooks"]] == ["contentctl-validate", "contentctl-fmt"]
    assert {hook["id"] for hook in repo["hooks"]} <= provided


# -- schemas for editors, offline ---------------------------------------------------


MODELINE = "# yaml-language-server: $schema="
ALIASES = ["acme-bluesky", "acme-facebook", "acme-linkedin", "acme-mastodon"]


def test_manifests_and_vscode_point_at_the_local_schema_files(tmp_path: Path) -> None:
    init_repo(tmp_path)
    wanted = {
        "contentctl.yaml": ".contentctl/schemas/config.schema.json",
        "content/welcome.yaml": ".contentctl/schemas/post.repo.schema.json",
        "content/launch.yaml": ".contentctl/schemas/post.repo.schema.json",
    }
    for name, schema_file in wanted.items():
        first = (tmp_path / name).read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith(MODELINE), name
        target = (tmp_path / name).parent / first.removeprefix(MODELINE)
        assert target.resolve() == (tmp_path / schema_file).resolve(), name
    settings = json.loads((tmp_path / ".vscode/settings.json").read_text(encoding="utf-8"))
    assert settings["yaml.schemas"] == {
        "./.contentctl/schemas/post.repo.schema.json": ["content/*.yaml", "content/**/*.yaml"],
        "./.contentctl/schemas/config.schema.json": ["contentctl.yaml"],
    }
    for schema_file in settings["yaml.schemas"]:
        assert (tmp_path / schema_file).is_file()


def test_the_repo_schema_offers_the_aliases_and_no_message_has_a_placeholder(
    tmp_path: Path,
) -> None:
    init_repo(tmp_path)
    folder = tmp_path / ".contentctl/schemas"
    repo = json.loads((folder / "post.repo.schema.json").read_text(encoding="utf-8"))
    entry = repo["$defs"]["account_entry"]  # an alias, or {alias, labels}
    assert entry["anyOf"][1]["properties"]["alias"] == entry["anyOf"][0]
    assert entry["anyOf"][0] == {
        "type": "string",
        "enum": ALIASES,
        "errorMessage": "unknown account alias; the aliases of contentctl.yaml are: "
        + ", ".join(ALIASES),
    }
    for name in ("post.schema.json", "config.schema.json", "post.repo.schema.json"):
        text = (folder / name).read_text(encoding="utf-8")
        assert "{key}" not in text and "{value}" not in text, name
        jsonschema.Draft202012Validator.check_schema(json.loads(text))
    post = json.loads((folder / "post.schema.json").read_text(encoding="utf-8"))
    names = post["$defs"]["post"]["properties"]["networks"]["propertyNames"]
    assert names["errorMessage"] == (
        "unknown provider; providers are: facebook, instagram, twitter, linkedin, pinterest, "
        "youtube, tiktok, google, wordpress, telegram, mastodon, threads, bluesky"
    )
    assert post == editor_schema("post")
    assert {k: v for k, v in post.items() if k != "$defs"} == {
        k: v for k, v in schema("post").items() if k != "$defs"
    }


def test_validate_still_names_the_unknown_provider_key(tmp_path: Path) -> None:
    init_repo(tmp_path)
    welcome = tmp_path / "content/welcome.yaml"
    welcome.write_text(
        welcome.read_text(encoding="utf-8") + "networks:\n  facebok:\n    text: Hi\n", "utf-8"
    )
    result = CliRunner().invoke(cli, ["-C", str(tmp_path), "validate"])
    assert (result.exit_code, result.stdout.splitlines()[0]) == (
        1,
        "content/welcome.yaml:19:3: error: unknown provider 'facebok'; providers are: facebook, "
        "instagram, twitter, linkedin, pinterest, youtube, tiktok, google, wordpress, telegram, "
        "mastodon, threads, bluesky (did you mean 'facebook'?) [$.networks.facebok]",
    )


def test_schema_write_refreshes_the_schemas_for_the_repos_aliases(tmp_path: Path) -> None:
    init_repo(tmp_path)
    config = tmp_path / "contentctl.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("  acme-bluesky:", "  acme-threads:"), "utf-8"
    )
    result = CliRunner().invoke(cli, ["-C", str(tmp_path / "content"), "schema", "--write"])
    assert (result.exit_code, result.stdout) == (
        0,
        f"wrote {tmp_path}/.contentctl/schemas/config.schema.json\n"
        f"wrote {tmp_path}/.contentctl/schemas/post.schema.json\n"
        f"wrote {tmp_path}/.contentctl/schemas/post.repo.schema.json\n",
    )
    repo = json.loads((tmp_path / ".contentctl/schemas/post.repo.schema.json").read_text("utf-8"))
    assert repo["$defs"]["account_entry"]["anyOf"][0]["enum"] == [
        "acme-facebook",
        "acme-linkedin",
        "acme-mastodon",
        "acme-threads",
    ]


def test_schema_write_into_a_folder_given(tmp_path: Path) -> None:
    init_repo(tmp_path)
    result = CliRunner().invoke(cli, ["-C", str(tmp_path), "schema", "--write", "editor"])
    assert (result.exit_code, result.stdout) == (
        0,
        "wrote editor/config.schema.json\nwrote editor/post.schema.json\n"
        "wrote editor/post.repo.schema.json\n",
    )
    printed = CliRunner().invoke(cli, ["schema", "post"]).stdout
    assert printed == (tmp_path / "editor/post.schema.json").read_text(encoding="utf-8")
    (tmp_path / "file").write_text("", encoding="utf-8")
    refused = CliRunner().invoke(cli, ["-C", str(tmp_path), "schema", "--write", "file"])
    assert (refused.exit_code, refused.stderr) == (
        1,
        f"contentctl: error: {tmp_path}/file: exists and is not a folder\n",
    )
