"""-C DIR with a folder that is not there: said so, not "no contentctl.yaml found"."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from contentctl.cli import cli


@pytest.mark.parametrize("command", [["validate"], ["plan"], ["calendar"], ["state", "list"]])
def test_a_missing_folder_is_named(tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "nonexistent"
    result = CliRunner().invoke(cli, ["-C", str(missing), *command])
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        f"contentctl: error: no such folder: {missing}\n",
    )


def test_the_folder_is_named_as_it_was_typed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["-C", "missing/posts", "validate"])
    assert (result.exit_code, result.stderr) == (
        1,
        "contentctl: error: no such folder: missing/posts\n",
    )


def test_an_existing_folder_without_a_repo_still_says_no_config(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["-C", str(tmp_path), "validate"])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"contentctl: error: no contentctl.yaml found in {tmp_path}")
