"""Timing whole processes: a command line in, wall-time samples and peak memory out.

Each run is its own child process, started with ``subprocess.Popen`` and reaped
with ``os.wait4``, which gives that child's own ``ru_maxrss`` (peak resident
memory, in KiB on Linux) without mixing in earlier children. Output goes to
temporary files rather than pipes, so a chatty command cannot block on a full pipe.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
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


def bench_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for benchmarked commands: no Publer credentials, no colour."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PUBLER_API_KEY", "PUBLER_WORKSPACE_ID", "CONTENTCTL_ENDPOINT")
    }
    env["NO_COLOR"] = "1"
    env.update(extra or {})
    return env


def run_once(
    argv: Sequence[str],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    expect: tuple[int, ...] = (0,),
) -> Sample:
    """Run ``argv`` once; raise ``CommandFailed`` unless its exit code is in ``expect``."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(
            list(argv),
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
            usage.ru_maxrss / 1024,
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
) -> Timing:
    """``warmup`` untimed runs (page cache, .pyc files), then ``runs`` timed ones."""
    for _ in range(warmup):
        run_once(argv, cwd=cwd, env=env, expect=expect)
    samples = tuple(run_once(argv, cwd=cwd, env=env, expect=expect) for _ in range(runs))
    return Timing(tuple(argv), samples)


def contentctl_argv(*args: str) -> list[str]:
    """The installed ``contentctl`` entry point (what users run), beside this Python."""
    script = Path(sys.executable).with_name("contentctl")
    return [str(script), *args] if script.exists() else [sys.executable, "-m", "contentctl", *args]
