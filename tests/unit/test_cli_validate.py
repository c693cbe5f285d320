"""`contentctl validate` as a user runs it: formats, exit codes, finding the repo."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from contentctl.cli import cli

EXAMPLES = Path(__file__).parents[2] / "examples" / "content"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES, root)
    return root


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_examples_are_clean(repo: Path) -> None:
    code, out, _ = run("-C", str(repo), "validate")
    assert code == 0
    assert out.endswith("29 posts in 8 files: 0 errors, 0 warnings.\n")


def test_errors_are_located_lines_and_exit_1(repo: Path) -> None:
    (repo / "posts" / "zz-bad.yaml").write_text("id: broken\naccounts: [nope]\ntext: hi\n")
    code, out, err = run("-C", str(repo), "validate")
    assert code == 1
    assert "posts/zz-bad.yaml:2:12: error: unknown account alias 'nope'" in out
    assert "Traceback" not in out + err


def test_github_format_prints_annotations(repo: Path) -> None:
    (repo / "posts" / "zz-bad.yaml").write_text("id: broken\naccounts: [nope]\ntext: hi\n")
    code, out, _ = run("-C", str(repo), "validate", "--format", "github")
    assert code == 1
    assert "::error file=posts/zz-bad.yaml,line=2,col=12::unknown account alias 'nope'" in out


def test_json_format_counts(repo: Path) -> None:
    (repo / "posts" / "zz-bad.yaml").write_bytes(b"\x00\x01binary")
    code, out, _ = run("-C", str(repo), "validate", "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert data["valid"] is False and data["errors"] == 1
    (diag,) = data["diagnostics"]
    assert diag["file"] == "posts/zz-bad.yaml" and "binary" in diag["message"]


def test_found_upward_from_a_subfolder_and_from_a_file(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo / "posts")
    code, out, _ = run("validate", "methods.yaml")
    assert code == 0 and "in 1 file:" in out
    monkeypatch.chdir(repo.parent)
    code, out, _ = run("validate", str(repo / "posts" / "methods.yaml"))
    assert code == 0 and "in 1 file:" in out


def test_outside_any_repo_is_one_line_error(tmp_path: Path) -> None:
    code, _, err = run("-C", str(tmp_path), "validate")
    assert code == 1
    assert err.startswith("contentctl: error: no contentctl.yaml found in")
    assert len(err.strip().splitlines()) == 1


def test_file_outside_the_repo_is_an_error(repo: Path, tmp_path: Path) -> None:
    stray = tmp_path / "stray.yaml"
    stray.write_text("id: x\n")
    code, out, _ = run("-C", str(repo), "validate", str(stray))
    assert code == 1
    assert "is outside the repo" in out


def test_broken_config_is_fatal_and_located(repo: Path) -> None:
    (repo / "contentctl.yaml").write_text("workspace: [unclosed\n")
    code, _, err = run("-C", str(repo), "validate")
    assert code == 1
    assert "contentctl.yaml:2:1: YAML syntax" in err or "contentctl.yaml:1:" in err
    assert "Traceback" not in err


def test_schema_command_prints_the_bundled_schema() -> None:
    code, out, _ = run("schema", "post")
    assert code == 0
    assert json.loads(out)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_version_is_fast_path() -> None:
    code, out, _ = run("--version")
    assert code == 0 and out.startswith("contentctl, version ")
