"""Why a command is slow: its command line in, the largest costs from one cProfile run out.

Runs ``python -m cProfile -o FILE -m contentctl ARGS`` as a child process and
summarises the profile two ways: self time per module (which stage
dominates) and the functions with the most self time.
"""

from __future__ import annotations

import pstats
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from benchmarks.measure import run_once


def _module(filename: str) -> str:
    """A file as the package or module people know it by."""
    if filename.startswith("<") or filename == "~":
        return "builtins / C extensions"
    parts = Path(filename).parts
    if "site-packages" in parts:
        return parts[parts.index("site-packages") + 1].removesuffix(".py")
    if "contentctl" in parts:
        return "contentctl/" + "/".join(parts[len(parts) - parts[::-1].index("contentctl") :])
    stdlib = [i for i, part in enumerate(parts) if part.startswith("python3")]
    if stdlib and stdlib[-1] + 1 < len(parts):
        return "stdlib " + parts[stdlib[-1] + 1].removesuffix(".py")
    return Path(filename).name


def _function(key: tuple[str, int, str]) -> str:
    filename, line, name = key
    if filename == "~":
        return name
    return f"{_module(filename)}:{line}({name})"


def profile(args: Sequence[str], *, expect: tuple[int, ...] = (0, 2), top: int = 8) -> list[str]:
    """Markdown lines: total, self time by module, then the top functions by self time."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "run.prof"
        argv = [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "contentctl", *args]
        run_once(argv, expect=expect)
        stats = pstats.Stats(str(out))
    raw = stats.stats  # type: ignore[attr-defined]
    total = sum(entry[2] for entry in raw.values()) or 1e-9
    by_module: Counter[str] = Counter()
    for key, entry in raw.items():
        by_module[_module(key[0])] += entry[2]
    waiting = sum(e[2] for k, e in raw.items() if "acquire" in k[2] and "lock" in k[2])
    note = (
        f" {waiting / total:.0%} of it is the main process waiting on a lock: work running in "
        "worker processes (multiprocessing), which this profile of the main process cannot see."
        if waiting > 0.2 * total
        else ""
    )
    lines = [
        f"Profiled total (self time, under cProfile): {total:.2f} s.{note}",
        "",
        "| module | self time s | share |",
        "|---|--:|--:|",
    ]
    for module, seconds in by_module.most_common(top):
        lines.append(f"| `{module}` | {seconds:.2f} | {seconds / total:.0%} |")
    lines += ["", "| function | calls | self s | cumulative s |", "|---|--:|--:|--:|"]
    ranked = sorted(raw.items(), key=lambda item: item[1][2], reverse=True)[:top]
    for key, (_cc, calls, self_time, cumulative, _callers) in ranked:
        lines.append(f"| `{_function(key)}` | {calls} | {self_time:.2f} | {cumulative:.2f} |")
    return lines
