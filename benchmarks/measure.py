"""Timing whole processes: a command line in, wall-time samples and peak memory out.

Each run is its own child process. Peak memory comes from ``/usr/bin/time -f %M``
(GNU time) when it exists: a child forked straight from this process would inherit
this process's own high-water mark in ``ru_maxrss`` (Linux copies it across fork
and exec), and this process grows large while it prepares 10,000-post states.
Without GNU time, ``os.wait4``'s ``ru_maxrss`` is used. Output goes to temporary
files rather than pipes, so a chatty command cannot block on a full pipe.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Sample:
    seconds: float
    peak_mb: float
    returncode: int
    stdout: str
    stderr: str


@dataclass(frozen=True)
class Timing:
    """The runs of one command after its warm-up."""

    argv: tuple[str, ...]
    samples: tuple[Sample, ...]

    @property
    def median(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def spread(self) -> float:
        """(max - min) / median: how steady the runs were."""
        times = [s.seconds for s in self.samples]
        return (max(times) - min(times)) / self.median if self.median else 0.0

    @property
    def peak_mb(self) -> float:
        return max(s.peak_mb for s in self.samples)


class CommandFailed(RuntimeError):
    """A benchmarked command ended with an exit code it should not have."""


# Not passed on: Publer credentials, and PYTHONDONTWRITEBYTECODE (which this environment
# sets), so every measured Python, the floor's and contentctl's alike, runs from .pyc files
# as a pip install has them (``compile_sources`` writes contentctl's and the benchmark's).
_DROPPED = (
    "PUBLER_API_KEY",
    "PUBLER_WORKSPACE_ID",
    "CONTENTCTL_ENDPOINT",
    "PYTHONDONTWRITEBYTECODE",
)


def bench_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for benchmarked commands: no Publer credentials, no colour, bytecode on."""
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED}
    env["NO_COLOR"] = "1"
    env.update(extra or {})
    return env


GNU_TIME = Path("/usr/bin/time")


def with_peak_memory(argv: Sequence[str], report: Path) -> list[str]:
    """``argv`` under GNU time, which writes the command's peak RSS (KiB) to ``report``."""
    if GNU_TIME.exists():
        return [str(GNU_TIME), "-f", "%M", "-o", str(report), *argv]
    return list(argv)


def peak_mb(report: Path, fallback_kib: int) -> float:
    """The peak GNU time wrote (its last word; it may first say how the command exited)."""
    try:
        return int(report.read_text(encoding="utf-8").split()[-1]) / 1024
    except (OSError, ValueError, IndexError):
        return fallback_kib / 1024


def run_once(
    argv: Sequence[str],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    expect: tuple[int, ...] = (0,),
) -> Sample:
    """Run ``argv`` once; raise ``CommandFailed`` unless its exit code is in ``expect``."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.TemporaryDirectory() as folder,
    ):
        report = Path(folder) / "peak"
        started = time.perf_counter()
        child = subprocess.Popen(
            with_peak_memory(argv, report),
            cwd=cwd,
            env=dict(env or bench_env()),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
        )
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        sample = Sample(
            seconds,
            peak_mb(report, usage.ru_maxrss),
            child.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
        )
    if sample.returncode not in expect:
        raise CommandFailed(
            f"{' '.join(argv)} exited {sample.returncode} (expected {expect}):\n"
            f"{sample.stdout[-2000:]}{sample.stderr[-2000:]}"
        )
    return sample


def time_command(
    argv: Sequence[str],
    *,
    runs: int,
    warmup: int = 1,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    expect: tuple[int, ...] = (0,),
    setup: Callable[[], object] | None = None,
) -> Timing:
    """``warmup`` untimed runs (page cache, .pyc files), then ``runs`` timed ones; ``setup``
    (untimed) before every run, e.g. to put a cache back as it was."""
    samples = []
    for number in range(warmup + runs):
        if setup is not None:
            setup()
        sample = run_once(argv, cwd=cwd, env=env, expect=expect)
        if number >= warmup:
            samples.append(sample)
    return Timing(tuple(argv), tuple(samples))


def compile_sources(*folders: Path) -> None:
    """Byte-compile ``folders`` (as pip does at install) so no measured run compiles them."""
    import compileall

    for folder in folders:
        compileall.compile_dir(str(folder), quiet=1, workers=1)


def contentctl_argv(*args: str) -> list[str]:
    """The installed ``contentctl`` entry point (what users run), beside this Python."""
    script = Path(sys.executable).with_name("contentctl")
    return [str(script), *args] if script.exists() else [sys.executable, "-m", "contentctl", *args]
