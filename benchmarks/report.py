"""The results in, tables and ``BENCHMARKS.md`` out.

``Row`` is one measured command with its reference and target; ``Results``
holds every row plus the apply runs and the profiles of whatever missed its
target. ``tables`` gives the Markdown tables printed by ``run`` and written by
``write_markdown`` together with the machine, the commands and the verdicts.
"""

from __future__ import annotations

import math
import os
import platform
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

RATE_LIMIT = 100  # requests per window, the sandbox's (and Publer's) default
RATE_WINDOW_S = 120


@dataclass(frozen=True)
class Row:
    group: str  # "plan", "startup" or "apply"
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

    @property
    def met(self) -> bool | None:
        if self.target is None or self.ratio is None:
            return None
        return self.ratio <= self.target


@dataclass(frozen=True)
class ApplyRow:
    layout: str
    posts: int
    targets: int
    runs: int
    median_s: float
    requests: int
    minimum: int
    rate_limited: int
    peak_mb: float
    server_peak_mb: float
    by_endpoint: dict[str, int]
    target: float = 1.2

    @property
    def ratio(self) -> float:
        return self.requests / self.minimum

    @property
    def waiting_floor_s(self) -> int:
        """Seconds the rate limit alone imposes: every full window of the minimum is waited out."""
        return (math.ceil(self.minimum / RATE_LIMIT) - 1) * RATE_WINDOW_S

    @property
    def met(self) -> bool:
        return self.ratio <= self.target and self.rate_limited == 0


@dataclass
class Results:
    rows: list[Row] = field(default_factory=list)
    applies: list[ApplyRow] = field(default_factory=list)
    memory_limit_mb: float = 300.0
    memory_size: int = 10_000
    profiles: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def verdicts(self) -> list[tuple[str, str, bool | None]]:
        """(target, measured, met) for every target that this run could check."""
        out: list[tuple[str, str, bool | None]] = []
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
        for row in self.rows:
            if row.group == "plan" and row.size == self.memory_size and row.name.startswith("plan"):
                out.append(
                    (
                        f"{_label(row)}: peak memory under {self.memory_limit_mb:g} MB",
                        f"{row.peak_mb:.0f} MB",
                        row.peak_mb < self.memory_limit_mb,
                    )
                )
        for apply in self.applies:
            out.append(
                (
                    f"apply {apply.posts:,} posts ({apply.layout}): requests at most "
                    f"{apply.target:g}× minimum",
                    f"{apply.requests} / {apply.minimum} = {apply.ratio:.2f}×",
                    apply.ratio <= apply.target,
                )
            )
            out.append(
                (
                    f"apply {apply.posts:,} posts ({apply.layout}): no 429 received",
                    f"{apply.rate_limited} × 429",
                    apply.rate_limited == 0,
                )
            )
        return out

    def memory_growth(self) -> list[tuple[str, str, bool | None]]:
        """Peak MB per 1,000 posts of each command at its smallest and largest size: the
        memory must grow no faster than the posts (the larger size's figure no higher)."""
        out: list[tuple[str, str, bool | None]] = []
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


def _label(row: Row) -> str:
    size = f" {row.size:,} posts" if row.size else ""
    layout = f" ({row.layout})" if row.layout else ""
    return f"{row.name}{size}{layout}"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}"


def _mark(met: bool | None) -> str:
    return {True: "met", False: "**NOT met**", None: "–"}[met]


def tables(results: Results) -> list[str]:
    lines = [
        "### validate and plan against the floor",
        "",
        "| command | posts | layout | median ms | spread | peak MB | × floor | target |",
        "|---|--:|---|--:|--:|--:|--:|---|",
    ]
    for row in (r for r in results.rows if r.group == "plan"):
        ratio = f"{row.ratio:.2f}" if row.ratio is not None else "1.00"
        target = f"≤ {row.target:g}× ({_mark(row.met)})" if row.target is not None else "–"
        lines.append(
            f"| {row.name} | {row.size:,} | {row.layout} | {_ms(row.median_s)} | "
            f"{row.spread:.0%} | {row.peak_mb:.0f} | {ratio} | {target} |"
        )
    lines += [
        "",
        "### Startup",
        "",
        "| command | median ms | spread | peak MB | × `import click` | target |",
        "|---|--:|--:|--:|--:|---|",
    ]
    for row in (r for r in results.rows if r.group == "startup"):
        ratio = f"{row.ratio:.2f}" if row.ratio is not None else "1.00"
        target = f"≤ {row.target:g}× ({_mark(row.met)})" if row.target is not None else "–"
        lines.append(
            f"| `{row.name}` | {_ms(row.median_s)} | {row.spread:.0%} | "
            f"{row.peak_mb:.0f} | {ratio} | {target} |"
        )
    if results.applies:
        lines += [
            "",
            "### apply against `contentctl sandbox serve --latency-ms 50` (rate limit on)",
            "",
            "| posts | layout | targets | runs | median wall s | rate-limit floor s | requests "
            "| minimum | × minimum "
            "| 429s | peak MB (client / server) | target |",
            "|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|",
        ]
        for a in results.applies:
            lines.append(
                f"| {a.posts:,} | {a.layout} | {a.targets:,} | {a.runs} | {a.median_s:,.1f} | "
                f"{a.waiting_floor_s} | "
                f"{a.requests} | {a.minimum} | {a.ratio:.2f} | {a.rate_limited} | "
                f"{a.peak_mb:.0f} / {a.server_peak_mb:.0f} | ≤ {a.target:g}×, "
                f"no 429 ({_mark(a.met)}) |"
            )
        lines += [
            "",
            "Rate-limit floor: the full 2-minute windows that the minimum number of "
            "requests must wait out at 100 requests per window.",
            "",
            "Requests per endpoint (last run of each size):",
            "",
        ]
        for a in results.applies:
            parts = ", ".join(f"{name}: {count}" for name, count in a.by_endpoint.items())
            lines.append(f"- {a.posts:,} posts ({a.layout}): {parts}")
    return lines


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
    return [
        f"- CPU: {cpu}, {os.cpu_count()} cores (nproc)",
        f"- Python {platform.python_version()} ({sys.implementation.name}), "
        f"{platform.system()} {platform.release()}",
        f"- Libraries: {', '.join(versions)} (PyYAML {libyaml})",
    ]


def markdown(results: Results, commands: list[str], how: str) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Written by `{how}` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; do not edit by hand.",
        "Times are wall-clock medians of whole processes after a warm-up run; "
        "spread = (max − min) / median; peak MB = the process's maximum resident memory "
        "(GNU `time -f %M`).",
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
        lines.append(f"| {target} | {measured} | {_mark(met)} |")
    if results.notes:
        lines += ["", "## Notes", "", *(f"- {note}" for note in results.notes)]
    if results.profiles:
        lines += ["", "## Where the time goes in what missed its target (cProfile)", ""]
        for title, profile_lines in results.profiles.items():
            lines += [f"### {title}", "", *profile_lines, ""]
    return "\n".join(lines).rstrip() + "\n"


def write_markdown(path: Path, results: Results, commands: list[str], how: str) -> None:
    path.write_text(markdown(results, commands, how), encoding="utf-8")
