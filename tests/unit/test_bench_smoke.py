"""The benchmark's quick mode (100 posts, one run) end to end, into a temporary folder.

Run as ``make bench`` runs it (``python -m benchmarks.run`` from the repo root), since
``benchmarks`` is a folder of the repo, not part of the installed package.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

ROWS = (
    "| floor | 100 | single |",
    "| validate | 100 | single |",
    "| plan, no changes | 100 | single |",
    "| plan, 1% changed | 100 | single |",
    "| floor | 100 | batch |",
    "| validate | 100 | batch |",
    "| plan, no changes | 100 | batch |",
    "| plan, 1% changed | 100 | batch |",
    "| floor | 100 | campaign |",
    "| validate | 100 | campaign |",
    "| plan, no changes | 100 | campaign |",
    "| plan, 1% changed | 100 | campaign |",
    "| fmt --check (× validate) | 100 | campaign |",
    '| `python -c "import click"` |',
    "| `contentctl --version` |",
    "| `contentctl validate (5 posts)` |",
)


@pytest.mark.slow
def test_quick_bench_reports_every_row_with_numeric_ratios(tmp_path: Path) -> None:
    report = tmp_path / "BENCHMARKS.md"
    repo_report = ROOT / "BENCHMARKS.md"
    before = repo_report.read_bytes() if repo_report.exists() else None

    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--quick", "--out", str(report),
         "--work", str(tmp_path / "work")],
        cwd=ROOT, capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip

    assert done.returncode == 0, done.stderr[-3000:]
    printed = done.stdout
    written = report.read_text(encoding="utf-8")
    for text in (printed, written):
        for row in ROWS:
            assert any(line.startswith(row) for line in text.splitlines()), row
    for line in written.splitlines():
        if line.startswith(ROWS):
            ratio = line.split("|")[-3].strip()  # the "× floor" / "× import click" column
            assert re.fullmatch(r"\d+\.\d\d", ratio), line
    apply_rows = [line for line in written.splitlines() if line.startswith("| 100 |")]
    assert [row.split("|")[2].strip() for row in apply_rows] == ["batch", "campaign"]
    for row in apply_rows:
        cells = [cell.strip() for cell in row.split("|")[1:-1]]
        requests, minimum, ratio, rate_limited = cells[6], cells[7], cells[8], cells[9]
        assert int(requests) >= int(minimum) > 0
        assert re.fullmatch(r"\d+\.\d\d", ratio)
        assert rate_limited == "0"
    assert "## Machine" in written and "## Targets" in written
    after = repo_report.read_bytes() if repo_report.exists() else None
    assert after == before  # the repo's own BENCHMARKS.md is never touched by the smoke
