"""The benchmark's quick mode (100 posts, one run; a 200-post apply) end to end, into a temp folder.

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
    "| floor | 100 | batch |",
    "| validate | 100 | batch |",
    "| plan, no changes | 100 | batch |",
    "| plan, 1% changed | 100 | batch |",
    "| floor | 100 | campaign |",
    "| validate | 100 | campaign |",
    "| plan, no changes | 100 | campaign |",
    "| plan, 1% changed | 100 | campaign |",
    "| validate | 100 | campaign (fmt) |",
    "| fmt --check, no fmt cache | 100 | campaign (fmt) |",
    "| fmt --check, cached | 100 | campaign (fmt) |",
    '| `python -c "import click"` |',
    "| `contentctl --version` |",
    "| `contentctl validate (5 posts)` |",
)
APPLIES = (("100", "batch"), ("100", "campaign"), ("200", "batch"))


@pytest.mark.slow
def test_quick_bench_reports_every_row_with_numeric_ratios(tmp_path: Path) -> None:
    report = tmp_path / "BENCHMARKS.md"
    repo_report = ROOT / "BENCHMARKS.md"
    before = repo_report.read_bytes() if repo_report.exists() else None

    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--quick", "--out", str(report),
         "--work", str(tmp_path / "work")],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
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
    lines = written.splitlines()
    apply_rows = [line for line in lines if line.startswith(("| 100 |", "| 200 |"))]
    assert [tuple(c.strip() for c in r.split("|")[1:3]) for r in apply_rows] == list(APPLIES)
    for row in apply_rows:
        cells = [cell.strip() for cell in row.split("|")[1:-1]]
        applied, total, minimum = (int(cells[i]) for i in (4, 7, 8))
        planned = 0 if row.startswith("| 200 |") else int(cells[6])  # no plan after the big one
        assert applied + planned == total >= minimum > 0, row
        assert re.fullmatch(r"\d+\.\d\d", cells[9]) and cells[10] == "0", row
    for posts, layout in APPLIES:  # per endpoint, from the sandbox's own statistics
        apply_line = next(x for x in lines if x.startswith(f"- {posts} posts ({layout}), apply:"))
        assert re.search(r"POST /posts/schedule: \d+", apply_line), apply_line
        assert re.search(r"GET /posts: \d+", apply_line), apply_line
        after = f"- {posts} posts ({layout}), plan after it: "
        assert any(x.startswith(after) for x in lines) == (posts == "100"), after
        if posts == "100":  # it trusts the apply's read: Publer's count, not a listing
            # (and asks the workspace's Publer plan once: the generated schedules pass the
            # Free plan's daily limits, and the note names the plan)
            said = [x for x in lines if x.startswith(after)]
            assert said == [f"{after}GET /accounts: 1, GET /posts: 1, GET /workspaces: 1"], said
    refresh = next(x for x in lines if x.startswith("| `plan` (refresh, in-process sandbox) |"))
    requests, pages = (int(c.strip()) for c in refresh.split("|")[5:7])
    assert requests >= pages == 17  # 333 remote posts, 20 a page
    fmt = next(x for x in lines if x.startswith("| fmt of a 100-post repo"))
    assert fmt.endswith("| 3 rewritten, all canonical | met |"), fmt
    assert any(x.startswith("| refresh cost: `plan --refresh` after the apply") for x in lines)
    assert any(x.startswith("| client peak memory of the 200-post apply") for x in lines)
    assert "## Machine" in written and "## Targets" in written
    after = repo_report.read_bytes() if repo_report.exists() else None
    assert after == before  # the repo's own BENCHMARKS.md is never touched by the smoke
