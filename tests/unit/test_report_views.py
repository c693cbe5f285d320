"""Views chosen by name: the registries of ``contentctl.report`` and the CLI's --format.

The golden files pin each view's output (test_render.py); these tests pin the
choosing: every name the CLI offers has a view, ``render_plan`` and
``render_diagnostics`` give what the view gives, and ``plan`` prints it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from test_render import NOW, mixed_plan

from contentctl.cli import cli
from contentctl.model import Diagnostic, Severity
from contentctl.plan.saved import plan_to_json
from contentctl.report import (
    DIAGNOSTICS_VIEWS,
    PLAN_VIEWS,
    render_diagnostics,
    render_plan,
)
from contentctl.report.plan_markdown import MARKER, render_markdown
from contentctl.report.plan_text import render_text

EXAMPLES = Path(__file__).parents[2] / "examples" / "content"
GOLDEN = Path(__file__).parents[1] / "golden"
DIAGS = (
    Diagnostic(
        "posts/a.yaml", 2, 12, Severity.ERROR, "unknown account alias 'nope'", "$.accounts[0]"
    ),
    Diagnostic("posts/b.yaml", 1, 1, Severity.WARNING, "100% of\nthe text", "$.text"),
)


def format_choices(command: str) -> list[str]:
    sub = cli.commands[command]
    (option,) = [p for p in sub.params if p.name == "fmt"]
    assert isinstance(option.type, click.Choice)
    return list(option.type.choices)


def test_the_cli_offers_exactly_the_registered_views() -> None:
    assert format_choices("plan") == list(PLAN_VIEWS) == ["text", "json", "markdown"]
    assert format_choices("validate") == list(DIAGNOSTICS_VIEWS) == ["text", "json", "github"]


def test_render_plan_picks_the_view_by_name() -> None:
    plan = mixed_plan()
    assert render_plan(plan, "text", now=NOW) == (GOLDEN / "plan.txt").read_text("utf-8")
    assert render_plan(plan, "text", color=True, now=NOW) == render_text(plan, color=True, now=NOW)
    assert render_plan(plan, "markdown", now=NOW) == (GOLDEN / "plan.md").read_text("utf-8")
    assert render_plan(plan, "markdown", color=True, now=NOW) == render_markdown(plan, now=NOW)
    # What `plan --format json` printed before views had names: the saved-plan document.
    expected = json.dumps(plan_to_json(plan), indent=2, ensure_ascii=False) + "\n"
    assert render_plan(plan, "json") == expected


def test_render_diagnostics_picks_the_view_by_name() -> None:
    assert render_diagnostics(DIAGS, "text", files=2, posts=3) == (
        "posts/a.yaml:2:12: error: unknown account alias 'nope' [$.accounts[0]]\n"
        "posts/b.yaml:1:1: warning: 100% of\nthe text [$.text]\n"
        "3 posts in 2 files: 1 error, 1 warning.\n"
    )
    assert render_diagnostics((), "text", files=1, posts=1) == (
        "1 post in 1 file: 0 errors, 0 warnings.\n"
    )
    assert render_diagnostics(DIAGS, "github", files=2, posts=3) == (
        "::error file=posts/a.yaml,line=2,col=12::unknown account alias 'nope' [$.accounts[0]]\n"
        "::warning file=posts/b.yaml,line=1,col=1::100%25 of%0Athe text [$.text]\n"
    )
    data = json.loads(render_diagnostics(DIAGS, "json", files=2, posts=3))
    assert {k: v for k, v in data.items() if k != "diagnostics"} == {
        "format_version": 1,
        "valid": False,
        "files": 2,
        "posts": 3,
        "errors": 1,
        "warnings": 1,
    }
    assert data["diagnostics"][1] == {
        "file": "posts/b.yaml",
        "line": 1,
        "column": 1,
        "severity": "warning",
        "message": "100% of\nthe text",
        "path": "$.text",
    }


def test_an_unknown_view_name_is_a_callers_bug() -> None:
    with pytest.raises(
        ValueError, match=r"no plan view named 'html' \(known: text, json, markdown\)"
    ):
        render_plan(mixed_plan(), "html")
    with pytest.raises(ValueError, match=r"no diagnostics view named 'sarif'"):
        render_diagnostics(DIAGS, "sarif", files=0, posts=0)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES, root)
    return root


def test_plan_prints_the_view_its_format_names(repo: Path) -> None:
    runner = CliRunner()
    out = {
        fmt: runner.invoke(cli, ["-C", str(repo), "plan", "--format", fmt, "--out", f"{fmt}.plan"])
        for fmt in PLAN_VIEWS
    }
    assert [result.exit_code for result in out.values()] == [0, 0, 0]
    text, markdown = out["text"].stdout, out["markdown"].stdout
    remote = "Remote: sandbox (workspace 6650f1c2a1b2c3d4e5f60718)\n"
    assert text.startswith(
        f"{remote}Plan: 48 to create, 0 to update, 0 to replace, 0 to delete, 0 blocked.\n"
    )
    assert text.endswith(
        "\nSaved the plan to text.plan. Apply exactly it with: contentctl apply text.plan\n"
    )
    assert markdown.startswith(f"{MARKER}\n{remote}\n### contentctl plan\n")
    assert "Saved the plan" not in markdown
    saved = json.loads((repo / "json.plan").read_text("utf-8"))
    shown = json.loads(out["json"].stdout)
    assert shown["changes"] == saved["changes"] and shown["format_version"] == 1
