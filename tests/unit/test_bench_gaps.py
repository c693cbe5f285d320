"""BENCHMARKS.md names each missed plan target's cause from the measured rows."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # benchmarks/ is beside contentctl/, not installed

from benchmarks.report import Row, gap_causes  # noqa: E402


def row(name: str, seconds: float, ratio: float | None = None) -> Row:
    target = 1.5 if ratio is not None else None
    return Row("plan", name, 10_000, "batch", seconds, 2, 100.0, 0.0, "floor", ratio, target)


def test_a_missed_one_percent_plan_is_split_into_the_plan_and_the_change() -> None:
    rows = [
        row("floor", 1.0),
        row("plan, no changes", 1.4, 1.4),
        row("plan, 1% changed", 1.6, 1.6),
    ]
    (line,) = gap_causes(rows)
    assert line.startswith(
        "plan, 1% changed, 10,000 posts (batch): 1,600 ms = the plan without changes, "
        "1,400 ms (1.40× the floor), + 200 ms for the change (cutting the edited files"
    )
    assert "Over the floor by 600 ms: the rules" in line


def test_met_targets_have_no_gap_line() -> None:
    rows = [
        row("floor", 1.0),
        row("plan, no changes", 1.4, 1.4),
        row("plan, 1% changed", 1.45, 1.45),
    ]
    assert gap_causes(rows) == []


def test_a_change_cheaper_than_the_noise_is_not_given_a_negative_cost() -> None:
    rows = [row("floor", 1.0), row("plan, no changes", 1.7, 1.7), row("plan, 1% changed", 1.6, 1.6)]
    no_change, one_percent = gap_causes(rows)
    assert "no measurable cost for the change (-100 ms: within the runs' spread)" in one_percent
    assert no_change.startswith("plan, no changes, 10,000 posts (batch): over the floor by 700 ms")
