"""The benchmark's scenarios beyond single commands: fmt, the 10,000-post apply and refresh.

``bench_fmt``: on a fresh campaign repo (written in fmt's form), ``validate``,
``fmt --check`` with no fmt cache (a fresh clone, CI: ``.contentctl/`` is not
committed) and with the cache the first run filled; then a few files are put
out of fmt's form and ``fmt`` must rewrite exactly those (bytes and mtimes of
every other file unchanged, the edited ones back to their canonical bytes).

``big_apply``: a fresh repo applied through ``sandbox serve`` (its database
kept in the repo's ``.contentctl/sandbox.db``, where the in-process sandbox
reads; no served plan after it, for time); ``bench_refresh``: then ``state
rebind`` to the
in-process sandbox and the plan with refresh against it
(``benchmarks/unthrottled.py``: the in-process sandbox with a raised rate
limit) beside ``plan --no-refresh`` of the same repo.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from pathlib import Path

from benchmarks.apply_bench import ApplyRun, apply_once, refresh_requests
from benchmarks.generate import Layout
from benchmarks.measure import Timing, contentctl_argv, run_once, time_command
from benchmarks.prepare import fresh_repo
from benchmarks.protocol import PAGE
from benchmarks.report import ApplyRow, Results, Row, mark

ROOT = Path(__file__).resolve().parent.parent
FMT_TARGET = 1.5  # "about what validate costs"
APPLY_MEMORY_TARGET = 2.0  # client peak during apply, × the plan's
FMT_CACHE = Path(".contentctl") / "cache" / "fmt.json"
OUT_OF_FORM = ("    labels: [", "    labels:   [")


def row(
    group: str,
    name: str,
    timing: Timing,
    *,
    size: int | None = None,
    layout: str = "",
    reference: str = "",
    base: Timing | None = None,
    target: float | None = None,
    note: str = "",
    setup: Callable[[], object] | None = None,
) -> Row:
    ratio = timing.median / base.median if base is not None else None
    return Row(group, name, size, layout, timing.median, len(timing.samples), timing.peak_mb,
               timing.spread, reference, ratio, target, timing.argv, note, setup)  # fmt: skip


def bench_fmt(
    size: int, runs: int, work: Path, results: Results, log: Callable[[str], None]
) -> None:
    repo = fresh_repo(size, Layout.CAMPAIGN, work / f"fmt-{size}")
    where = f"{size:,} campaign"
    log(f"  {where}: validate, fmt --check (no cache, then cached), fmt of 3 edited files")
    validate = time_command(contentctl_argv("-C", str(repo), "validate"), runs=runs, warmup=0)
    check = contentctl_argv("-C", str(repo), "fmt", "--check")

    def no_cache() -> None:
        (repo / FMT_CACHE).unlink(missing_ok=True)

    cold = time_command(check, runs=1, warmup=0, setup=no_cache)
    warm = time_command(check, runs=runs, warmup=0)
    results.rows += [
        row("plan", "validate", validate, size=size, layout="campaign (fmt)"),
        row("plan", "fmt --check, no fmt cache", cold, size=size, layout="campaign (fmt)",
            reference="validate", base=validate, target=FMT_TARGET, setup=no_cache),
        row("plan", "fmt --check, cached", warm, size=size, layout="campaign (fmt)",
            reference="validate", base=validate, target=FMT_TARGET),
    ]  # fmt: skip
    files = sorted((repo / "posts").rglob("*.yaml"))
    before = {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in files}
    edited = [files[i * len(files) // 3] for i in range(3)]
    for path in edited:
        text = path.read_text(encoding="utf-8")
        if OUT_OF_FORM[0] not in text:
            raise RuntimeError(f"{path}: no line to put out of fmt's form")
        path.write_text(text.replace(*OUT_OF_FORM), encoding="utf-8")
    stamps = {path: path.stat().st_mtime_ns for path in files}
    run_once(contentctl_argv("-C", str(repo), "fmt"))
    rewritten = [path for path in files if path.stat().st_mtime_ns != stamps[path]]
    restored = all(path.read_bytes() == before[path][0] for path in files)
    met = rewritten == edited and restored
    results.checks.append(
        (
            f"fmt of a {size:,}-post repo ({len(files)} files) with {len(edited)} files out "
            "of fmt's form rewrites only those, back to their canonical bytes",
            f"{len(rewritten)} rewritten"
            + ("" if rewritten == edited else f" ({', '.join(p.name for p in rewritten)})")
            + (", all canonical" if restored else ", NOT canonical"),
            met,
        )
    )


def big_apply(
    size: int, work: Path, results: Results, log: Callable[[str], None], *, latency_ms: int
) -> ApplyRun:
    """The fresh apply of ``size`` posts whose repo and sandbox ``bench_refresh`` then plans."""
    log(f"Applying {size:,} new posts (batch) through the served sandbox…")
    done = apply_once(
        size, work, layout=Layout.BATCH, keep_db=True, latency_ms=latency_ms, plan_after=False
    )
    results.applies.append(ApplyRow(done, size))
    return done


def bench_refresh(
    done: ApplyRun, work: Path, results: Results, log: Callable[[str], None], *, runs: int
) -> None:
    size = done.minimum.posts
    apply_row = next(a for a in results.applies if a.run is done)
    repo = work / f"apply-{size}-batch"
    run_once(contentctl_argv("-C", str(repo), "state", "rebind", "--to-current-remote"))
    log(f"  {size:,} batch: plan with refresh (in-process sandbox) and plan --no-refresh")
    refresh_argv = [sys.executable, "-m", "benchmarks.unthrottled", "-C", str(repo), "plan",
                    "--detailed-exitcode"]  # fmt: skip
    refreshed = time_command(refresh_argv, runs=runs, warmup=0, cwd=ROOT, expect=(0, 2))
    plain = time_command(
        contentctl_argv("-C", str(repo), "plan", "--no-refresh", "--detailed-exitcode"),
        runs=runs,
        warmup=0,
        expect=(0, 2),
    )
    for name, timing in (("plan with refresh", refreshed), ("plan --no-refresh", plain)):
        code = timing.samples[-1].returncode
        results.checks.append(
            (f"{name} of the {size:,} applied posts finds no changes", f"exit {code}", code == 0)
        )
    requests = refresh_requests(refreshed.samples[-1].stdout)
    pages = math.ceil(done.minimum.targets / PAGE)
    results.rows += [
        row("refresh", "plan --no-refresh", plain, size=size, layout="batch (applied)"),
        row("refresh", "plan, refresh from the in-process sandbox", refreshed, size=size,
            layout="batch (applied)", reference="--no-refresh", base=plain,
            note=f"{requests} requests" if requests is not None else "requests not printed"),
    ]  # fmt: skip
    if requests is not None:
        results.checks.append(
            (
                f"plan with refresh of {size:,} managed posts ({done.minimum.targets:,} remote "
                f"posts, in-process sandbox): requests against ceil(remote posts / {PAGE})",
                f"{requests} / {pages} = {requests / pages:.2f}×",
                None,
            )
        )
    peak, plan_peak = done.apply.sample.peak_mb, plain.peak_mb
    results.checks.append(
        (
            f"client peak memory of the {size:,}-post apply at most "
            f"{APPLY_MEMORY_TARGET:g}× the plan's (--no-refresh, same repo)",
            f"{peak:.0f} / {plan_peak:.0f} MB = {peak / plan_peak:.2f}×",
            peak <= APPLY_MEMORY_TARGET * plan_peak,
        )
    )
    results.extra += [
        f"### Plan with refresh, {size:,} managed posts",
        "",
        "| command | runs | median ms | peak MB | refresh requests | pages needed "
        "| × --no-refresh |",
        "|---|--:|--:|--:|--:|--:|--:|",
        f"| `plan --no-refresh` | {len(plain.samples)} | {plain.median * 1000:,.0f} | "
        f"{plain.peak_mb:.0f} | – | – | 1.00 |",
        f"| `plan` (refresh, in-process sandbox) | {len(refreshed.samples)} | "
        f"{refreshed.median * 1000:,.0f} | {refreshed.peak_mb:.0f} | {requests} | {pages} | "
        f"{refreshed.median / plain.median:.2f} |",
        "",
        f"The {size:,}-post apply: {mark(apply_row.ratio <= apply_row.target)} on requests "
        f"({apply_row.ratio:.2f}× the minimum); client peak {peak:.0f} MB against the plan's "
        f"{plan_peak:.0f} MB.",
        "",
    ]
