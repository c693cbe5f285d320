"""The project's .pre-commit-hooks.yaml: what a content repo's pre-commit runs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pre_commit.clientlib import load_manifest

HOOKS_FILE = Path(__file__).resolve().parents[2] / ".pre-commit-hooks.yaml"
# the subcommands the hooks may call; cli.py defines them, with file arguments
SUBCOMMANDS_TAKING_FILES = {"validate", "fmt"}


def hooks() -> dict[str, dict[str, Any]]:
    loaded = yaml.safe_load(HOOKS_FILE.read_text(encoding="utf-8"))
    assert isinstance(loaded, list)
    return {hook["id"]: hook for hook in loaded}


def test_pre_commit_itself_accepts_the_manifest() -> None:
    manifest = load_manifest(str(HOOKS_FILE))
    assert {hook["id"] for hook in manifest} == {"contentctl-validate", "contentctl-fmt"}


@pytest.mark.parametrize(
    ("hook_id", "subcommand"), [("contentctl-validate", "validate"), ("contentctl-fmt", "fmt")]
)
def test_each_hook_runs_a_real_contentctl_subcommand_on_the_staged_files(
    hook_id: str, subcommand: str
) -> None:
    hook = hooks()[hook_id]
    program, command, *rest = hook["entry"].split()
    assert (program, command, rest) == ("contentctl", subcommand, [])
    assert command in SUBCOMMANDS_TAKING_FILES
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True


@pytest.mark.parametrize("hook_id", ["contentctl-validate", "contentctl-fmt"])
def test_hooks_see_manifests_but_not_workflow_or_pre_commit_files(hook_id: str) -> None:
    hook = hooks()[hook_id]
    files, exclude = re.compile(hook["files"]), re.compile(hook["exclude"])

    def selected(path: str) -> bool:
        return bool(files.search(path)) and not exclude.search(path)

    for path in ("contentctl.yaml", "content/launch.yaml", "content/2027/q1.yml"):
        assert selected(path), path
    for path in (
        "README.md",
        "media/a.png",
        ".github/workflows/contentctl-plan.yml",
        ".pre-commit-config.yaml",
        "contentctl.state.json",
    ):
        assert not selected(path), path
