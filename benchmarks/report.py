"""The results in, tables and ``BENCHMARKS.md`` out.

``Row`` is one measured command with its reference and target; ``ApplyRow`` one
apply through the served sandbox with the plan after it; ``Results`` holds them
with the verdicts that are not a single ratio (memory growth, refresh cost,
fmt's rewrites, the apply's memory) and the profiles of whatever missed its
target. ``tables`` gives the Markdown tables that ``run`` prints and
``markdown`` writes together with the machine, the method and the verdicts.
"""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from benchmarks.apply_bench import ApplyRun, Step


@dataclass(frozen=True)
class Row:
    group: str  # "plan", "startup" or "refresh"
    name: str
    size: int | None
    layout: str
    median_s: float
    runs: int
    peak_mb: float
    spread: float
    reference: str  # what the ratio divides by
    ratio: float | None = None
    target: float | None = None  # the ratio must be at most this
    argv: tuple[str, ...] = ()
    note: str = ""
    setup: Callable[[], object] | None = None  # run before each run of the command (untimed)

    @property
    def met(self) -> bool | None:
        if self.target is None or self.ratio is None:
            return None
        return self.ratio <= self.target


@dataclass(frozen=True)
class ApplyRow:
    run: ApplyRun
    posts: int
    target: float = 1.2

    @property
    def ratio(self) -> float:
        return self.run.requests / self.run.minimum.total

    @property
    def clean(self) -> bool:
        """The apply created everything and the plan after it found nothing to do."""
        steps = [self.run.apply, *([self.run.plan] if self.run.plan else [])]
        return all(step.sample.returncode == 0 for step in steps)

    @property
    def met(self) -> bool:
        return self.ratio <= self.target and self.run.apply.rate_limited == 0 and self.clean


Verdict = tuple[str, str, bool | None]


@dataclass
class Results:
    rows: list[Row] = field(default_factory=list)
    applies: list[ApplyRow] = field(default_factory=list)
    checks: list[Verdict] = field(default_factory=list)  # targets that are not a row's ratio
    extra: list[str] = field(default_factory=list)  # more result sections (Markdown lines)
    profiles: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def verdicts(self) -> list[Verdict]:
        """(target, measured, met) for every target that this run could check."""
        out: list[Verdict] = []
        for row in self.rows:
            if row.target is not None and row.ratio is not None:
                out.append(
                    (
                        f"{_label(row)}: at most {row.target:g}× {row.reference}",
                        f"{row.ratio:.2f}×",
                        row.met,
                    )
                )
        out += self.memory_growth()
        for apply in self.applies:
            run = apply.run
            both = " and the plan after it" if run.plan else " (alone: no plan after it)"
            summed = f"{run.apply.total} + {run.plan.total} = " if run.plan else ""
            out.append(
                (
                    f"fresh apply of {apply.posts:,} posts ({run.layout}){both}: "
                    f"requests at most {apply.target:g}× the protocol minimum",
                    f"{summed}{run.requests} / {run.minimum.total} = {apply.ratio:.2f}×",
                    apply.ratio <= apply.target,
                )
            )
            if not apply.clean:
                out.append(
                    (
                        f"fresh apply of {apply.posts:,} posts ({run.layout}) creates every post "
                        "and the plan after it has no changes",
                        "see the exit codes under the apply table",
                        False,
                    )
                )
        return out + self.checks

    def memory_growth(self) -> list[Verdict]:
        """Peak MB per 1,000 posts of each command at its smallest and largest size: the
        memory must grow no faster than the posts (the larger size's figure no higher)."""
        out: list[Verdict] = []
        by_command: dict[tuple[str, str], dict[int, float]] = {}
        for row in self.rows:
            if row.group == "plan" and row.size and row.name != "floor":
                by_command.setdefault((row.name, row.layout), {})[row.size] = row.peak_mb
        for (name, layout), peaks in by_command.items():
            if len(peaks) < 2:
                continue
            small, large = min(peaks), max(peaks)
            per = {size: peaks[size] * 1000 / size for size in (small, large)}
            out.append(
                (
                    f"{name} ({layout}): peak MB per 1,000 posts no higher at {large:,} "
                    f"than at {small:,}",
                    f"{per[small]:.1f} → {per[large]:.1f}",
                    per[large] <= per[small] * 1.05,  # 5%: the noise of a resident-set peak
                )
            )
        return out


# What a plan after a 1% edit does beyond the plan without changes (benchmarks/prepare.py
# gives it the parse cache of before the edit): what the measured difference is made of.
_CHANGE_WORK = (
    "cutting the edited files into their posts, parsing the edited posts, writing the "
    "parse cache's additions and planning and printing the updates"
)
# What the plan without changes does that the floor does not (benchmarks/floor.py reads,
# parses, hashes and compares): the parts the profiles below show.
_PLAN_WORK = (
    "the rules (`validate`'s per-post checks), building each target's Publer request, "
    "checking the state's records and the imports; the manifests themselves come from the "
    "parse cache, cheaper than the floor's parse"
)


def gap_causes(rows: Sequence[Row]) -> list[str]:
    """One line per missed plan target: the measured time split into the no-change plan's
    and the change's, each with what it is made of."""
    by_key = {(r.name, r.size, r.layout): r for r in rows}
    out = []
    for row in rows:
        if row.met is not False or row.group != "plan":
            continue
        floor = by_key.get(("floor", row.size, row.layout))
        if floor is None:
            continue
        where = f"{row.name}, {row.size:,} posts ({row.layout})"
        over = row.median_s - floor.median_s
        if row.name == "plan, 1% changed":
            base = by_key.get(("plan, no changes", row.size, row.layout))
            if base is None:
                continue
            change = row.median_s - base.median_s
            cost = (
                f"+ {_ms(change)} ms for the change ({_CHANGE_WORK})"
                if change > 0
                else f"and no measurable cost for the change ({_ms(change)} ms: within the "
                "runs' spread)"
            )
            out.append(
                f"{where}: {_ms(row.median_s)} ms = the plan without changes, "
                f"{_ms(base.median_s)} ms ({base.median_s / floor.median_s:.2f}× the floor), "
                f"{cost}. Over the floor by {_ms(over)} ms: {_PLAN_WORK}."
            )
        elif row.name.startswith("plan"):
            out.append(f"{where}: over the floor by {_ms(over)} ms: {_PLAN_WORK}.")
    return out


def _label(row: Row) -> str:
    size = f" {row.size:,} posts" if row.size else ""
    layout = f" ({row.layout})" if row.layout else ""
    return f"{row.name}{size}{layout}"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}"


def mark(met: bool | None) -> str:
    return {True: "met", False: "**NOT met**", None: "–"}[met]


def _target(row: Row) -> str:
    return f"≤ {row.target:g}× ({mark(row.met)})" if row.target is not None else "–"


def tables(results: Results) -> list[str]:
    lines = [
        "### validate and plan against the floor",
        "",
        "| command | posts | layout | runs | median ms | spread | peak MB | MB / 1,000 posts "
        "| × reference | target |",
        "|---|--:|---|--:|--:|--:|--:|--:|--:|---|",
    ]
    for row in (r for r in results.rows if r.group == "plan"):
        ratio = f"{row.ratio:.2f}" if row.ratio is not None else "1.00"
        per = row.peak_mb * 1000 / row.size if row.size else 0.0
        lines.append(
            f"| {row.name} | {row.size:,} | {row.layout} | {row.runs} | {_ms(row.median_s)} | "
            f"{row.spread:.0%} | {row.peak_mb:.0f} | {per:.1f} | {ratio} | {_target(row)} |"
        )
    lines += [
        "",
        "× reference: × the floor of the same size and layout; for `fmt --check`, × that "
        "repo's `validate`.",
        "",
        "### Startup",
        "",
        "| command | runs | median ms | spread | peak MB | × `import click` | target |",
        "|---|--:|--:|--:|--:|--:|---|",
    ]
    for row in (r for r in results.rows if r.group == "startup"):
        ratio = f"{row.ratio:.2f}" if row.ratio is not None else "1.00"
        lines.append(
            f"| `{row.name}` | {row.runs} | {_ms(row.median_s)} | {row.spread:.0%} | "
            f"{row.peak_mb:.0f} | {ratio} | {_target(row)} |"
        )
    if results.applies:
        lines += [
            "",
            "### Fresh apply through `contentctl sandbox serve`, and the plan right after it",
            "",
            "| posts | layout | remote posts | apply s | apply requests | plan after: s "
            "| plan after: requests | total | protocol minimum | × minimum | 429s "
            "| peak MB (apply / sandbox) | target |",
            "|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|",
        ]
        for a in results.applies:
            r = a.run
            plan_s, plan_n = (
                (f"{r.plan.sample.seconds:,.1f}", str(r.plan.total)) if r.plan else ("–", "–")
            )
            limited = r.apply.rate_limited + (r.plan.rate_limited if r.plan else 0)
            lines.append(
                f"| {a.posts:,} | {r.layout} | {r.minimum.targets:,} | "
                f"{r.apply.sample.seconds:,.1f} | {r.apply.total} | {plan_s} "
                f"| {plan_n} | {r.requests} | {r.minimum.total} | {a.ratio:.2f} | "
                f"{limited} | "
                f"{r.apply.sample.peak_mb:.0f} / {r.server_peak_mb:.0f} | "
                f"≤ {a.target:g}× ({mark(a.ratio <= a.target)}) |"
            )
        lines += ["", "Requests per endpoint, from the sandbox's own `GET /_sandbox/stats`:", ""]
        for a in results.applies:
            r = a.run
            where = f"- {a.posts:,} posts ({r.layout})"
            lines.append(f"{where}, apply: {_endpoints(r.apply.requests)}{_exit(r.apply)}")
            if r.plan is not None:
                planned = _endpoints(r.plan.requests) or "none"
                lines.append(f"{where}, plan after it: {planned}{_exit(r.plan)}")
            lines.append(f"{where}, protocol minimum: {r.minimum.describe()}")
    return lines + (["", *results.extra] if results.extra else [])


def _exit(step: Step) -> str:
    """What a step's exit says when it is not a clean 0: some posts failed, or changes left."""
    code = step.sample.returncode
    meaning = {2: "the plan has changes", 3: "some posts failed"}.get(code, "")
    return "" if code == 0 else f" (**exit {code}**: {meaning})"


def _endpoints(requests: dict[str, int]) -> str:
    return ", ".join(f"{name}: {count}" for name, count in requests.items())


def machine() -> list[str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.partition(":")[2].strip()
                break
    except OSError:
        pass
    versions = []
    for package in ("PyYAML", "jsonschema-rs", "jsonschema", "deepdiff", "httpx", "click"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            continue
    import yaml

    libyaml = "with libyaml" if getattr(yaml, "__with_libyaml__", False) else "WITHOUT libyaml"
    try:
        load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "unknown"
    return [
        f"- CPU: {cpu}, {os.cpu_count()} cores (nproc); load average at the end: {load}",
        f"- Python {platform.python_version()} ({sys.implementation.name}), "
        f"{platform.system()} {platform.release()}",
        f"- Libraries: {', '.join(versions)} (PyYAML {libyaml})",
    ]


def markdown(results: Results, commands: list[str], how: str) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Written by `{how}` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; do not edit by hand.",
        "Times are wall-clock medians of whole processes; spread = (max − min) / median; "
        "peak MB = the process's maximum resident memory (GNU `time -f %M`).",
        "",
        "## Machine",
        "",
        *machine(),
        "",
        "## What was run",
        "",
        *commands,
        "",
        "## Results",
        "",
        *tables(results),
        "",
        "## Targets",
        "",
        "| target | measured | verdict |",
        "|---|--:|---|",
    ]
    for target, measured, met in results.verdicts():
        lines.append(f"| {target} | {measured} | {mark(met)} |")
    if results.notes:
        lines += ["", "## Notes", "", *(f"- {note}" for note in results.notes)]
    gaps = gap_causes(results.rows)
    if gaps:
        lines += ["", "## The gaps and their causes", "", *(f"- {gap}" for gap in gaps)]
    if results.profiles:
        lines += ["", "## Where the time goes in what missed its target (cProfile)", ""]
        for title, profile_lines in results.profiles.items():
            lines += [f"### {title}", "", *profile_lines, ""]
    return "\n".join(lines).rstrip() + "\n"
