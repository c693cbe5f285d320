"""``make bench``: options in, a printed table of medians and ratios and ``BENCHMARKS.md`` out.

    python -m benchmarks.run                      # 1,000 and 10,000 posts, 5 runs each
    python -m benchmarks.run --quick --out X.md   # the smoke: 100 posts, one run
    python -m benchmarks.run --sizes 1000 --runs 7 --apply-sizes 1000

Measures, as whole processes: ``validate``, ``plan`` (no changes and 1% changed)
and the floor (``benchmarks/floor.py``) for both layouts; ``--version`` and a
5-post ``validate`` against ``python -c "import click"``; ``apply`` of new posts
against a served sandbox with latency and the rate limit on. Commands that miss
a time target are profiled once with cProfile and the profile goes in the report.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks import floor
from benchmarks.apply_bench import LATENCY_MS, apply_once
from benchmarks.generate import Layout, edited_indices
from benchmarks.measure import Timing, contentctl_argv, run_once, time_command
from benchmarks.prepare import OUT, prepare, small_repo
from benchmarks.profiling import profile
from benchmarks.report import ApplyRow, Results, Row, markdown, tables

ROOT = Path(__file__).resolve().parent.parent
FLOOR_SCRIPT = Path(floor.__file__).resolve()
PLAN_TARGET = 1.5
PLAN_TARGET_SIZE = 10_000
VERSION_TARGET = 1.5
FMT_TARGET = 1.5  # "about what validate costs"


@functools.cache
def plan_flags() -> tuple[str, ...]:
    """``--no-refresh`` where plan has it: the floor reads no Publer, so neither does plan."""
    shown = run_once(contentctl_argv("plan", "--help"))
    return ("--no-refresh",) if "--no-refresh" in shown.stdout else ()


@dataclass(frozen=True)
class Settings:
    sizes: tuple[int, ...] = (1_000, 10_000)
    layouts: tuple[Layout, ...] = tuple(Layout)
    runs: int = 5
    warmup: int = 1
    apply_sizes: tuple[int, ...] = (1_000, 10_000)
    apply_runs: int = 5  # for sizes up to 1,000; larger applies run once (rate-limit windows)
    profile: bool = True
    out: Path = ROOT / "BENCHMARKS.md"
    work: Path = OUT
    how: str = "make bench"


def _row(
    group: str,
    name: str,
    timing: Timing,
    *,
    size: int | None = None,
    layout: str = "",
    reference: str = "",
    base: Timing | None = None,
    target: float | None = None,
) -> Row:
    ratio = timing.median / base.median if base is not None else None
    return Row(
        group,
        name,
        size,
        layout,
        timing.median,
        len(timing.samples),
        timing.peak_mb,
        timing.spread,
        reference,
        ratio,
        target,
        timing.argv,
    )


def bench_plans(settings: Settings, results: Results, log: Callable[[str], None]) -> None:
    for size in settings.sizes:
        log(f"Preparing {size:,}-post repos (generated once and cached)…")
        for prepared in prepare(size, settings.layouts, settings.work):
            layout = prepared.layout.value
            if prepared.layout in (Layout.BATCH, Layout.CAMPAIGN):
                state = prepared.repo / "contentctl.state.json"
                entries = state.read_text(encoding="utf-8").count('"content_hash"')
                results.notes.append(
                    f"{size:,} posts ({layout}): {entries:,} post × account entries; the state "
                    f"file (`contentctl.state.json`, which stores each applied spec) is "
                    f"{state.stat().st_size / 1e6:.1f} MB."
                )
            check = run_once([sys.executable, str(FLOOR_SCRIPT), str(prepared.changed)])
            wanted = f"{size} posts, {len(edited_indices(size))} changed"
            if check.stdout.strip() != wanted:
                raise RuntimeError(f"the floor saw {check.stdout.strip()!r}, not {wanted!r}")

            def timed(
                argv: list[str], expect: tuple[int, ...] = (0,), where: str = f"{size:,} {layout}"
            ) -> Timing:
                log(f"  {where}: {' '.join(argv[-4:])}")
                return time_command(argv, runs=settings.runs, warmup=settings.warmup, expect=expect)

            base = timed([sys.executable, str(FLOOR_SCRIPT), str(prepared.repo)])
            target = PLAN_TARGET if size >= PLAN_TARGET_SIZE else None
            repo, changed = str(prepared.repo), str(prepared.changed)
            plan = ("plan", *plan_flags(), "--detailed-exitcode")
            cases = [
                ("validate", contentctl_argv("-C", repo, "validate"), (0,)),
                ("plan, no changes", contentctl_argv("-C", repo, *plan), (0,)),
                ("plan, 1% changed", contentctl_argv("-C", changed, *plan), (2,)),
            ]
            results.rows.append(_row("plan", "floor", base, size=size, layout=layout))
            validated = None
            for name, argv, expect in cases:
                timing = timed(argv, expect)
                validated = validated or timing
                results.rows.append(
                    _row(
                        "plan",
                        name,
                        timing,
                        size=size,
                        layout=layout,
                        reference="the floor",
                        base=base,
                        target=target,
                    )
                )
            if prepared.layout is Layout.CAMPAIGN:  # written in fmt's form: --check passes
                fmt = timed(contentctl_argv("-C", repo, "fmt", "--check"))
                results.rows.append(
                    _row("plan", "fmt --check (× validate)", fmt, size=size, layout=layout,
                         reference="validate", base=validated, target=FMT_TARGET)
                )  # fmt: skip


def bench_startup(settings: Settings, results: Results, log: Callable[[str], None]) -> None:
    log("Startup…")
    runs, warmup = max(settings.runs * 3, 1), settings.warmup
    click = time_command([sys.executable, "-c", "import click"], runs=runs, warmup=warmup)
    small = str(small_repo(5, settings.work))
    results.rows.append(_row("startup", 'python -c "import click"', click))
    for name, argv, target in (
        ("contentctl --version", contentctl_argv("--version"), VERSION_TARGET),
        ("contentctl validate (5 posts)", contentctl_argv("-C", small, "validate"), None),
    ):
        timing = time_command(argv, runs=runs, warmup=warmup)
        results.rows.append(
            _row("startup", name, timing, reference="`import click`", base=click, target=target)
        )


def bench_applies(settings: Settings, results: Results, log: Callable[[str], None]) -> None:
    layouts = [layout for layout in (Layout.BATCH, Layout.CAMPAIGN) if layout in settings.layouts]
    for layout, size in ((layout, size) for layout in layouts for size in settings.apply_sizes):
        # the campaign shape needs more than one rate-limit window even at 1,000: one run
        small = size <= 1_000 and layout is Layout.BATCH
        runs = settings.apply_runs if small else 1
        done = []
        for number in range(1, runs + 1):
            log(
                f"Applying {size:,} new posts ({layout.value}) through the served sandbox "
                f"({number}/{runs})…"
            )
            done.append(apply_once(size, settings.work / "apply", layout=layout))
        last = done[-1]
        results.applies.append(
            ApplyRow(
                layout=layout.value,
                posts=size,
                targets=last.targets,
                runs=runs,
                median_s=statistics.median(r.sample.seconds for r in done),
                requests=max(r.requests for r in done),
                minimum=last.minimum,
                rate_limited=max(r.rate_limited for r in done),
                peak_mb=max(r.sample.peak_mb for r in done),
                server_peak_mb=max(r.server_peak_mb for r in done),
                by_endpoint=last.by_endpoint,
            )
        )


def profile_misses(results: Results, log: Callable[[str], None]) -> None:
    for row in results.rows:
        if row.met is False:
            log(f"Profiling {row.name} ({row.size or ''} {row.layout})…")
            argv = list(row.argv)
            args = argv[argv.index("-m") + 2 :] if "-m" in argv[:2] else argv[1:]
            title = f"{row.name}" + (f", {row.size:,} posts, {row.layout}" if row.size else "")
            results.profiles[title] = profile(args)


def commands(settings: Settings) -> list[str]:
    sizes = ", ".join(f"{s:,}" for s in settings.sizes)
    return [
        f"- Repos of {sizes} posts in the layouts {', '.join(x.value for x in settings.layouts)}. "
        "`single` (one post per file) and `batch` (100 per file) come from "
        "`benchmarks/generate.py` (~21 lines and ~790 bytes per post: unicode text, network "
        "overrides, photo and link posts, 8 accounts on 8 networks, about 1.6 accounts per post); "
        "`campaign` from `benchmarks/generate_campaign.py` (campaign files of 20-50 posts in "
        "month folders, all 13 networks, every content type and method, long multilingual "
        "texts, comments, written in fmt's canonical form). Each shape's state was written by "
        "contentctl's own apply (`benchmarks/prepare.py`: the real `Applier` and client "
        "against the in-process sandbox, rate limit off).",
        f"- Each command: {settings.warmup} warm-up run, then {settings.runs} timed runs; the "
        "median is shown. Startup rows: 3× as many runs.",
        "- `contentctl -C REPO validate`; `contentctl -C REPO plan --no-refresh "
        "--detailed-exitcode` (exit 0: no changes; no Publer read, as the floor reads none); "
        "the same on a copy with 1% of the posts' texts edited (exit 2); on the campaign shape "
        "`contentctl fmt --check` against validate (its warm-up run fills fmt's cache).",
        "- The floor: `python benchmarks/floor.py REPO` (read every file, parse with libyaml "
        "`CSafeLoader`, sha256 of each post's sorted-key compact JSON, load the state, compare).",
        '- Startup: `python -c "import click"`, `contentctl --version`, and `contentctl validate` '
        "on a 5-post repo.",
        f"- Apply: `contentctl sandbox serve --db :memory: --latency-ms {LATENCY_MS}` (rate limit "
        "on: 100 requests / 2 min), then `contentctl apply --auto-approve` of a fresh repo "
        "(`batch_size: 500`) over HTTP; requests and 429s from `GET /_sandbox/stats`. Minimum = "
        "ceil(posts / 500) bulks + 2 polls per job + 1 upload per media file + "
        "ceil(targets / 20) `GET /posts` pages (jobs return no post ids; 20 per page). "
        f"Sizes up to 1,000: {settings.apply_runs} runs; larger: 1 run.",
    ]


def run_benchmark(settings: Settings, log: Callable[[str], None] = print) -> Results:
    """Run everything in ``settings``, write the report to ``settings.out``; return the results."""
    results = Results()
    started = time.perf_counter()
    bench_startup(settings, results, log)
    bench_plans(settings, results, log)
    bench_applies(settings, results, log)
    if settings.profile:
        profile_misses(results, log)
    results.notes.append(
        f"The whole benchmark took {(time.perf_counter() - started) / 60:.1f} minutes "
        "(repos and states come from a cache under `benchmarks/out/` after the first run)."
    )
    settings.out.write_text(markdown(results, commands(settings), settings.how), encoding="utf-8")
    return results


def _sizes(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",") if part.strip())


def _layouts(text: str) -> tuple[Layout, ...]:
    return tuple(Layout(part.strip()) for part in text.split(",") if part.strip())


def parse_settings(argv: Sequence[str] | None = None) -> Settings:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="100 posts, one run (the smoke)")
    parser.add_argument("--sizes", type=_sizes, default=Settings.sizes, help="e.g. 1000,10000")
    parser.add_argument(
        "--layouts",
        type=_layouts,
        default=Settings.layouts,
        help="repo shapes: " + ",".join(layout.value for layout in Layout),
    )
    parser.add_argument("--runs", type=int, default=Settings.runs)
    parser.add_argument(
        "--apply-sizes",
        type=_sizes,
        default=Settings.apply_sizes,
        help="posts per apply run; empty to skip",
    )
    parser.add_argument("--apply-runs", type=int, default=Settings.apply_runs)
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--out", type=Path, default=Settings.out, help="the report to write")
    parser.add_argument("--work", type=Path, default=Settings.work, help="generated repos, cache")
    args = parser.parse_args(argv)
    how = (
        "make bench"
        if argv is None and len(sys.argv) == 1
        else "python -m benchmarks.run " + (" ".join(argv if argv is not None else sys.argv[1:]))
    )
    common = {"layouts": args.layouts, "out": args.out, "work": args.work, "how": how}
    if args.quick:
        return Settings(
            sizes=(100,), runs=1, warmup=0, apply_sizes=(100,), apply_runs=1, profile=False,
            **common,
        )  # fmt: skip
    return Settings(
        sizes=args.sizes,
        runs=args.runs,
        warmup=1,
        apply_sizes=args.apply_sizes,
        apply_runs=args.apply_runs,
        profile=not args.no_profile,
        **common,
    )


def main(argv: Sequence[str] | None = None) -> int:
    settings = parse_settings(argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    results = run_benchmark(settings, log)
    print("\n".join(tables(results)))
    print("\nTargets:")
    for target, measured, met in results.verdicts():
        print(f"  {'met    ' if met else 'NOT MET'}  {target}: {measured}")
    print(f"\nWrote {settings.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
