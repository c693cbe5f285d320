"""``contentctl apply`` against a served sandbox: a size in, wall time and request counts out.

Each run starts ``contentctl sandbox serve`` (50 ms added latency) on a free
port, applies a fresh repo of new posts through it over HTTP, then runs the
plan right after it (with refresh, as users run it: it must find no changes;
it trusts the apply's read after one count), then `plan --refresh` (the listing),
reads the sandbox's own ``GET /_sandbox/stats`` (requests per endpoint, 429s
sent) after each, and stops the server it started. The rate limit is raised
from Publer's 100 requests per 2 minutes to ``RATE_LIMIT`` per 2 minutes (the
client follows the sandbox's ``X-RateLimit-Limit``): waiting out windows would
only add minutes of sleep; the request counts are the real ones. The generated
schedules are denser than Publer's daily posts per account (the plans say so in
a note), so the sandbox runs with ``--no-daily-limits``. The minimum is the
protocol's (``benchmarks/protocol.py``).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.generate import Layout
from benchmarks.measure import (
    Sample,
    bench_env,
    contentctl_argv,
    peak_mb,
    run_once,
    with_peak_memory,
)
from benchmarks.prepare import fresh_repo
from benchmarks.protocol import Minimum, minimum

LATENCY_MS = 50
RATE_LIMIT = 5_000  # per 2-minute window: Publer's is 100
_REFRESH = re.compile(r"Refreshed from Publer in ([\d,]+) requests")  # what plan prints


@dataclass(frozen=True)
class Step:
    """One command against the served sandbox, with the requests the sandbox counted for it."""

    sample: Sample
    requests: dict[str, int]
    rate_limited: int

    @property
    def total(self) -> int:
        return sum(self.requests.values())


@dataclass(frozen=True)
class ApplyRun:
    layout: str
    minimum: Minimum
    apply: Step
    plan: Step | None  # the plan right after the apply (refresh on), if it was run
    server_peak_mb: float
    # then `plan --refresh`: the listing the plan after trusts the apply's read instead of
    refreshed: Step | None = None

    @property
    def requests(self) -> int:
        return self.apply.total + (self.plan.total if self.plan else 0)


def refresh_requests(output: str) -> int | None:
    """The requests a plan says its refresh took (None when it does not say)."""
    found = _REFRESH.search(output)
    if found is None:
        return None
    return int(found.group(1).replace(",", ""))


class Served:
    """``contentctl sandbox serve`` in a child process, stopped on exit."""

    def __init__(
        self,
        repo: Path,
        latency_ms: int = LATENCY_MS,
        *,
        rate_limit: int = RATE_LIMIT,
        db: Path | None = None,
    ) -> None:
        argv = contentctl_argv("-C", str(repo), "sandbox", "serve", "--port", "0",
                               "--db", str(db) if db else ":memory:",
                               "--latency-ms", str(latency_ms),
                               "--rate-limit", str(rate_limit), "--no-daily-limits")  # fmt: skip
        self._folder = tempfile.TemporaryDirectory()
        self._report = Path(self._folder.name) / "peak"
        self.process = subprocess.Popen(
            with_peak_memory(argv, self._report),
            env=bench_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.env: dict[str, str] = {}
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if "export " in line:
                name, _, value = line.strip().removeprefix("export ").partition("=")
                self.env[name] = value
            if len(self.env) == 3:
                break
        if len(self.env) != 3:
            self.stop()
            raise RuntimeError(f"the sandbox did not start: {' '.join(argv)}")
        self.peak_mb = 0.0
        self._seen: Counter[str] = Counter()
        self._limited = 0

    def stats(self) -> dict[str, Any]:
        url = self.env["CONTENTCTL_ENDPOINT"] + "/_sandbox/stats"
        request = urllib.request.Request(
            url, headers={"Authorization": f"Bearer-API {self.env['PUBLER_API_KEY']}"}
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            stats: dict[str, Any] = json.loads(answer.read())
        return stats

    def run(self, *args: str, expect: tuple[int, ...] = (0,)) -> Step:
        """``contentctl ARGS`` against this sandbox, with what the sandbox counted for it."""
        sample = run_once(contentctl_argv(*args), env=bench_env(self.env), expect=expect)
        stats = self.stats()
        now = Counter({k: int(v) for k, v in stats["requests"].items()})
        step = Step(sample, dict(sorted((now - self._seen).items())),
                    int(stats["rate_limited"]) - self._limited)  # fmt: skip
        self._seen, self._limited = now, int(stats["rate_limited"])
        return step

    def stop(self) -> None:
        """SIGTERM to the server (GNU time's child, when it runs under GNU time), then reap."""
        pid = self.process.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            children = []
        os.kill(int(children[0]) if children else pid, signal.SIGTERM)
        _pid, _status, usage = os.wait4(pid, 0)
        self.peak_mb = peak_mb(self._report, usage.ru_maxrss)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._folder.cleanup()


def apply_once(
    size: int,
    work: Path,
    *,
    latency_ms: int = LATENCY_MS,
    layout: Layout = Layout.BATCH,
    keep_db: bool = False,
    plan_after: bool = True,
) -> ApplyRun:
    """A fresh repo of ``size`` posts applied, then planned; ``keep_db`` leaves the sandbox's
    database in the repo's ``.contentctl/sandbox.db`` (where the in-process sandbox reads)."""
    repo = fresh_repo(size, layout, work / f"apply-{size}-{layout.value}")
    wanted = minimum(repo)
    db = repo / ".contentctl" / "sandbox.db" if keep_db else None
    if db is not None:
        db.parent.mkdir(parents=True, exist_ok=True)
    served = Served(repo, latency_ms, db=db)
    try:
        applied = served.run("-C", str(repo), "apply", "--auto-approve", expect=(0, 3))
        planned = refreshed = None
        if plan_after:  # exit 3 (some posts failed) or 2 (changes after) is reported, not fatal
            planned = served.run("-C", str(repo), "plan", "--detailed-exitcode", expect=(0, 2))
            refreshed = served.run(
                "-C", str(repo), "plan", "--refresh", "--detailed-exitcode", expect=(0, 2)
            )
    finally:
        served.stop()
    return ApplyRun(layout.value, wanted, applied, planned, served.peak_mb, refreshed)


if __name__ == "__main__":
    done = apply_once(int(sys.argv[1]), Path(sys.argv[2]), layout=Layout(sys.argv[3]))
    print(done.minimum.describe())
    print(f"apply {done.apply.sample.seconds:.1f}s {done.apply.total} {done.apply.requests}")
    if done.plan is not None:
        print(f"plan {done.plan.sample.seconds:.1f}s {done.plan.total} {done.plan.requests}")
        print(done.plan.sample.stdout[-1500:])
