"""``make bench``: options in, a printed table of medians and ratios and ``BENCHMARKS.md`` out.

    python -m benchmarks.run                      # everything, in under 15 minutes
    python -m benchmarks.run --quick --out X.md   # the smoke: 100 posts, one run
    python -m benchmarks.run --sizes 10000 --runs 5 --apply-sizes 1000

Measures, as whole processes: ``validate``, ``plan --no-refresh`` (no changes
and 1% changed) and the floor (``benchmarks/floor.py``) at each size and
layout; ``fmt``; ``--version`` against ``python -c "import click"``; fresh
applies through a served sandbox with the plan after each; one larger apply
whose repo then serves the plan with refresh against the in-process sandbox.
Commands that miss a time target are profiled once with cProfile (at the
smallest size that missed, while the time budget lasts).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from benchmarks import floor
from benchmarks.apply_bench import LATENCY_MS, RATE_LIMIT, ApplyRun, apply_once
from benchmarks.generate import Layout, edited_indices
from benchmarks.measure import compile_sources, contentctl_argv, run_once, time_command
from benchmarks.prepare import OUT, Prepared, prepare, small_repo
from benchmarks.profiling import profile
from benchmarks.report import ApplyRow, Results, markdown, tables
from benchmarks.scenarios import bench_fmt, bench_refresh, big_apply, row

ROOT = Path(__file__).resolve().parent.parent
FLOOR_SCRIPT = Path(floor.__file__).resolve()
PLAN_TARGET = 1.5
PLAN_TARGET_SIZE = 10_000
VERSION_TARGET = 1.5
BIG = 100_000  # sizes from here on are timed big_runs times
PROFILE_BUDGET_S = 14 * 60  # no profile that would end after this much of the run starts


@dataclass(frozen=True)
class Settings:
    sizes: tuple[int, ...] = (10_000, 100_000)
    layouts: tuple[Layout, ...] = (Layout.BATCH, Layout.CAMPAIGN)
    runs: int = 2
    big_runs: int = 1
    apply_sizes: tuple[int, ...] = (1_000,)
    big_apply: int = 10_000  # 0: none
    big_apply_latency_ms: int = 10
    fmt_size: int = 1_000
    profile: bool = True
    out: Path = ROOT / "BENCHMARKS.md"
    work: Path = OUT
    how: str = "make bench"


def bench_plans(
    settings: Settings,
    prepared: dict[tuple[int, Layout], Prepared],
    results: Results,
    log: Callable[[str], None],
) -> None:
    for (size, layout), ready in sorted(prepared.items()):
        state = ready.repo / "contentctl.state.json"
        entries = state.read_text(encoding="utf-8").count('"content_hash"')
        results.notes.append(
            f"{size:,} posts ({layout.value}): {entries:,} post × account entries; the state "
            f"file is {state.stat().st_size / 1e6:.1f} MB."
        )
        check = run_once([sys.executable, str(FLOOR_SCRIPT), str(ready.changed)])
        wanted = f"{size} posts, {len(edited_indices(size))} changed"
        if check.stdout.strip() != wanted:
            raise RuntimeError(f"the floor saw {check.stdout.strip()!r}, not {wanted!r}")
        runs = settings.big_runs if size >= BIG else settings.runs
        target = PLAN_TARGET if size >= PLAN_TARGET_SIZE else None
        repo, changed = str(ready.repo), str(ready.changed)
        plan = ("plan", "--no-refresh", "--detailed-exitcode")
        log(f"  {size:,} {layout.value}: floor, validate, plan, plan 1% changed ({runs} runs)")
        base = time_command([sys.executable, str(FLOOR_SCRIPT), repo], runs=runs, warmup=0)
        results.rows.append(row("plan", "floor", base, size=size, layout=layout.value))
        for name, argv, expect, setup in (
            ("validate", contentctl_argv("-C", repo, "validate"), (0,), None),
            ("plan, no changes", contentctl_argv("-C", repo, *plan), (0,), None),
            ("plan, 1% changed", contentctl_argv("-C", changed, *plan), (2,), ready.reset),
        ):
            timing = time_command(argv, runs=runs, warmup=0, expect=expect, setup=setup)
            results.rows.append(row("plan", name, timing, size=size, layout=layout.value,
                                    reference="the floor", base=base, target=target,
                                    setup=setup))  # fmt: skip


def bench_startup(settings: Settings, results: Results, log: Callable[[str], None]) -> None:
    log("Startup…")
    runs = max(settings.runs * 3, 1)
    click = time_command([sys.executable, "-c", "import click"], runs=runs, warmup=1)
    small = str(small_repo(5, settings.work))
    results.rows.append(row("startup", 'python -c "import click"', click))
    for name, argv, target in (
        ("contentctl --version", contentctl_argv("--version"), VERSION_TARGET),
        ("contentctl validate (5 posts)", contentctl_argv("-C", small, "validate"), None),
    ):
        timing = time_command(argv, runs=runs, warmup=1)
        results.rows.append(
            row("startup", name, timing, reference="`import click`", base=click, target=target)
        )


def bench_applies(settings: Settings, results: Results, log: Callable[[str], None]) -> None:
    """The fresh applies, each with the plan after it."""
    for size in settings.apply_sizes:
        for layout in (x for x in (Layout.BATCH, Layout.CAMPAIGN) if x in settings.layouts):
            log(f"Applying {size:,} new posts ({layout.value}) through the served sandbox…")
            done = apply_once(size, settings.work / "apply", layout=layout)
            results.applies.append(ApplyRow(done, size))
            listed = done.refreshed.requests.get("GET /posts", 0) if done.refreshed else 0
            pages = done.minimum.pages
            results.checks.append(
                (
                    f"refresh cost: `plan --refresh` after the apply manages {size:,} posts "
                    f"({done.minimum.targets:,} remote posts, {layout.value}): its `GET /posts` "
                    f"against ceil(remote posts / 20)",
                    f"{listed} / {pages} = {listed / pages:.2f}×",
                    None,
                )
            )


def bench_big(settings: Settings, results: Results, log: Callable[[str], None]) -> ApplyRun | None:
    """The large apply (its repo and sandbox then serve the plan with refresh)."""
    if not settings.big_apply:
        return None
    return big_apply(settings.big_apply, settings.work / "apply", results, log,
                     latency_ms=settings.big_apply_latency_ms)  # fmt: skip


def profile_misses(
    started: float, budget_s: float, results: Results, log: Callable[[str], None]
) -> None:
    seen: set[str] = set()
    for missed in sorted((r for r in results.rows if r.met is False), key=lambda r: r.size or 0):
        expected = 3 * missed.median_s  # under cProfile, a command takes two to three times longer
        if missed.name in seen or time.perf_counter() - started + expected > budget_s:
            continue
        seen.add(missed.name)
        log(f"Profiling {missed.name} ({missed.size or ''} {missed.layout})…")
        argv = list(missed.argv)
        args = argv[argv.index("-m") + 2 :] if "-m" in argv[:2] else argv[1:]
        title = missed.name + (f", {missed.size:,} posts, {missed.layout}" if missed.size else "")
        if missed.setup is not None:
            missed.setup()  # the cache as the timed runs had it
        results.profiles[title] = profile(args)


def commands(settings: Settings) -> list[str]:
    sizes = ", ".join(f"{s:,}" for s in settings.sizes)
    big = [s for s in settings.sizes if s >= BIG]
    runs = f"{settings.runs} timed runs" + (
        f" ({settings.big_runs} at {', '.join(f'{s:,}' for s in big)} posts; so few to fit "
        "the whole benchmark in 15 minutes)"
        if big
        else ""
    )
    return [
        f"- Repos of {sizes} posts in the layouts {', '.join(x.value for x in settings.layouts)}: "
        "`batch` (100 posts per file) from `benchmarks/generate.py` (~21 lines and ~790 bytes "
        "per post: unicode text, network overrides, photo and link posts, 8 accounts on 8 "
        "networks, about 1.6 accounts per post); `campaign` from "
        "`benchmarks/generate_campaign.py` (campaign files of 20-50 posts in month folders, "
        "all 13 networks, every content type and method, long multilingual texts, comments, "
        "in fmt's canonical form).",
        "- Each repo's state is written by `benchmarks/state_writer.py`, not by an apply: "
        "contentctl's own loader and targets, every target recorded as a created post with a "
        "made-up remote id, written by contentctl's `StateStore` (so contentctl's own format, "
        "holding what `plan --no-refresh` compares; the unchanged repo's plan must exit 0). "
        "Writing it fills the repo's parse cache as a first plan would. Repos and states are "
        "cached under `benchmarks/out/` by a digest of the generator and preparation code "
        "(the state also by contentctl's source digest).",
        "- Order: the applies (below; the small ones in one thread, the large one in another, "
        "each with its own served sandbox) run while the repos are prepared: their requests "
        "and memory are the targets, not their wall times, which are longer for it. "
        "Everything timed against a reference runs after, one command at a time.",
        f"- Each command: {runs}, no warm-up run (the repo was just written or read, and its "
        "parse cache filled); the median is shown. The 1%-changed copy gets the unchanged "
        "repo's parse cache back before every run, so each run is the first plan after the "
        "edit. Startup rows: 3× as many runs after one warm-up.",
        "- `contentctl -C REPO validate`; `contentctl -C REPO plan --no-refresh "
        "--detailed-exitcode` (exit 0: no changes; no Publer read, as the floor reads none); "
        "the same on the copy with 1% of the posts' texts edited (exit 2).",
        "- The floor: `python benchmarks/floor.py REPO` (read every file, parse with libyaml "
        "`CSafeLoader`, sha256 of each post's sorted-key compact JSON, load the state, compare).",
        "- Bytecode: this environment sets `PYTHONDONTWRITEBYTECODE=1`, but a pip install has "
        "`.pyc` files; so `contentctl/` and `benchmarks/` are byte-compiled first and every "
        'measured process (the floor, `python -c "import click"` and contentctl alike) runs '
        "without that variable.",
        f"- fmt, on a fresh {settings.fmt_size:,}-post campaign repo: `fmt --check` with no fmt "
        "cache (a fresh clone or CI: `.contentctl/` is not committed; 1 run) and cached, "
        "against `validate` of the same repo; then 3 files put out of fmt's form and `fmt`.",
        '- Startup: `python -c "import click"`, `contentctl --version`, and `contentctl validate` '
        "on a 5-post repo.",
        f"- Apply: `contentctl sandbox serve --db :memory: --latency-ms {LATENCY_MS} "
        f"--rate-limit {RATE_LIMIT} --no-daily-limits`, `contentctl apply --auto-approve` of a "
        "fresh repo (`batch_size: 500`) over HTTP, then `contentctl plan --detailed-exitcode` "
        "(refresh on, exit 0: it trusts the apply's read once Publer's count agrees), then "
        "`plan --refresh` for the refresh cost; requests per endpoint from the sandbox's own "
        "`GET /_sandbox/stats`. The rate limit is raised from Publer's 100 to "
        f"{RATE_LIMIT:,} requests per 2-minute window (the client follows the sandbox's "
        "`X-RateLimit-Limit`), so no window is waited out; the request counts are real. "
        "The generated schedules are denser than Publer's daily posts per account, hence "
        "`--no-daily-limits`. Minimum (`benchmarks/protocol.py`, from the protocol, not the "
        "code): per lane (endpoint and bulk state) ceil(bulk posts / 500) bulks, 2 polls per "
        "job, 1 upload per media file, ceil(remote posts / 20) `GET /posts` pages to read "
        "back what was created (jobs return no ids).",
        f"- The {settings.big_apply:,}-post apply: the same with `--latency-ms "
        f"{settings.big_apply_latency_ms}`, without the served plan after it (minutes of "
        "listing), and the sandbox's database in the repo's `.contentctl/sandbox.db`; then "
        "`contentctl state rebind --to-current-remote` (to the in-process sandbox) and "
        "`python -m benchmarks.unthrottled -C REPO plan` (contentctl's "
        f"CLI; the in-process sandbox's limit raised to {RATE_LIMIT:,} per window, daily "
        "limits off) beside `plan --no-refresh`.",
    ]


T = TypeVar("T")


def attempt(
    results: Results,
    log: Callable[[str], None],
    what: str,
    part: Callable[..., T],
    *args: Any,
    **options: Any,
) -> T | None:
    """``part(*args, results, log, **options)``; a failure is reported and the rest still runs."""
    try:
        return part(*args, results, log, **options)
    except Exception as exc:
        lines = str(exc).strip().splitlines() or [type(exc).__name__]
        log(f"{what} FAILED: {lines[0]}")
        results.checks.append((f"{what} ran to the end", f"failed: {lines[0][:300]}", False))
        results.notes.append(f"{what} failed: " + " / ".join(lines[-6:])[:1500])
        return None


def run_benchmark(settings: Settings, log: Callable[[str], None] = print) -> Results:
    """Run everything in ``settings``, write the report to ``settings.out``; return the results."""
    results = Results()
    started = time.perf_counter()
    compile_sources(ROOT / "contentctl", ROOT / "benchmarks")
    log(f"Preparing {', '.join(f'{s:,}' for s in settings.sizes)}-post repos, and meanwhile "
        "the applies (their requests and memory are measured, not their times)…")  # fmt: skip
    with ThreadPoolExecutor(max_workers=2) as side:  # each apply has its own served sandbox
        applied = side.submit(attempt, results, log, "the applies", bench_applies, settings)
        large = side.submit(attempt, results, log, "the large apply", bench_big, settings)
        prepared = prepare(settings.sizes, settings.layouts, settings.work, log=log)
        applied.result()
        big = large.result()
    results.applies.sort(key=lambda a: (a.posts, a.run.layout))
    generated = sum(ready.generated for ready in prepared.values())
    written = sum(ready.state_written for ready in prepared.values())
    prepared_s = time.perf_counter() - started
    attempt(results, log, "startup", bench_startup, settings)
    attempt(results, log, "validate and plan", bench_plans, settings, prepared)
    if settings.fmt_size:
        attempt(results, log, "fmt", bench_fmt, settings.fmt_size, settings.runs, settings.work)
    if big is not None:
        runs = max(1, settings.big_runs)
        attempt(results, log, "plan with refresh", bench_refresh, big, settings.work / "apply",
                runs=runs)  # fmt: skip
    if settings.profile:
        attempt(results, log, "profiles", profile_misses, started, PROFILE_BUDGET_S)
    minutes = (time.perf_counter() - started) / 60
    results.notes.append(
        f"The whole benchmark took {minutes:.1f} minutes; of the {len(prepared)} repos "
        f"(size × layout), {generated} were generated and {written} given a state in this run "
        f"({_how_cold(generated, written, len(prepared))}; "
        f"{prepared_s / 60:.1f} minutes to the first timed plan), the rest came from the cache "
        "under `benchmarks/out/`."
    )
    settings.out.write_text(markdown(results, commands(settings), settings.how), encoding="utf-8")
    return results


def _how_cold(generated: int, written: int, repos: int) -> str:
    if generated == repos:
        return "cold"
    return "warm" if generated == written == 0 else "partly from the cache"


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
    add = parser.add_argument
    add("--quick", action="store_true", help="100 posts, one run (the smoke)")
    add("--sizes", type=_sizes, default=Settings.sizes, help="e.g. 10000,100000")
    add("--layouts", type=_layouts, default=Settings.layouts, help="batch,campaign (or single)")
    add("--runs", type=int, default=Settings.runs)
    add("--big-runs", type=int, default=Settings.big_runs, help=f"runs at {BIG:,} posts and up")
    add("--apply-sizes", type=_sizes, default=Settings.apply_sizes, help="empty to skip")
    add("--big-apply", type=int, default=Settings.big_apply, help="0 to skip")
    add("--fmt-size", type=int, default=Settings.fmt_size, help="0 to skip")
    add("--no-profile", action="store_true")
    add("--out", type=Path, default=Settings.out, help="the report to write")
    add("--work", type=Path, default=Settings.work, help="generated repos, cache")
    args = parser.parse_args(argv)
    given = list(argv if argv is not None else sys.argv[1:])
    how = "make bench" if not given else "python -m benchmarks.run " + " ".join(given)
    common = {"layouts": args.layouts, "out": args.out, "work": args.work, "how": how}
    if args.quick:
        return Settings(sizes=(100,), runs=1, big_runs=1, apply_sizes=(100,), big_apply=200,
                        fmt_size=100, profile=False, **common)  # fmt: skip
    return Settings(
        sizes=args.sizes,
        runs=args.runs,
        big_runs=args.big_runs,
        apply_sizes=args.apply_sizes,
        big_apply=args.big_apply,
        fmt_size=args.fmt_size,
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
        verdict = {True: "met    ", False: "NOT MET", None: "       "}[met]
        print(f"  {verdict}  {target}: {measured}")
    print(f"\nWrote {settings.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
