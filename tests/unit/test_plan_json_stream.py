"""``plan --format json`` streamed: the same bytes as the whole document, one change at a time."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from click.testing import CliRunner
from test_render import mixed_plan

from contentctl.cli import cli
from contentctl.plan.saved import plan_to_json
from contentctl.report.plan_json_stream import write_plan_json

EXAMPLES = Path(__file__).parents[2] / "examples" / "content"


def whole(plan: object) -> str:
    return json.dumps(plan_to_json(plan), indent=2, ensure_ascii=False) + "\n"  # type: ignore[arg-type]


def streamed(plan: object) -> tuple[str, int]:
    """The text written, and the longest single piece (what was held at once)."""
    pieces: list[str] = []
    write_plan_json(plan, pieces.append)  # type: ignore[arg-type]
    return "".join(pieces), max(len(piece) for piece in pieces)


def test_every_action_gives_the_same_bytes_as_the_whole_document() -> None:
    plan = mixed_plan()
    text, _ = streamed(plan)
    assert text == whole(plan)
    assert json.loads(text)["changes"]  # the plan does have changes


def test_a_plan_without_changes_notes_or_drift_gives_the_same_bytes() -> None:
    plan = replace(mixed_plan(), changes=(), notes=(), drift=())
    text, _ = streamed(plan)
    assert text == whole(plan)
    assert '"changes": []' in text


def test_no_piece_holds_more_than_one_change() -> None:
    plan = mixed_plan()
    many = replace(plan, changes=plan.changes * 200)
    text, longest = streamed(many)
    assert text == whole(many)
    one_change = max(
        len(json.dumps(c, indent=2, ensure_ascii=False)) for c in plan_to_json(plan)["changes"]
    )
    assert longest <= 2 * one_change + 100  # a change indented, never the document
    assert len(text) > 50 * longest


def test_the_cli_prints_the_streamed_document(tmp_path: Path) -> None:
    import shutil

    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLES, repo)
    runner = CliRunner()
    done = runner.invoke(cli, ["-C", str(repo), "plan", "--no-refresh", "--format", "json"])
    assert done.exit_code == 0, done.output
    document = json.loads(done.stdout)
    assert document["has_changes"] is True
    assert len(document["changes"]) == sum(document["counts"].values())
    assert done.stdout.endswith("\n}\n")
