"""``contentctl apply`` against a served sandbox: a size in, wall time and request counts out.

Each run starts ``contentctl sandbox serve`` (in-memory database, 50 ms added
latency, the rate limit on at its default 100 requests per 2 minutes) on a free
port, applies a fresh repo of new posts through it over HTTP, reads the
sandbox's ``GET /_sandbox/stats`` (requests per endpoint, 429s sent) and stops
the server it started. The minimum is what Publer cannot do without:
ceil(posts / 500) bulks, two polls per job (the sandbox, like Publer, answers
"working" once before "complete"), one upload per media file, and listing the
created posts back at 20 per page (Publer's jobs return no post ids, so that is
the only way to learn them).
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

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

LATENCY_MS = 50
BULK = 500
PAGE = 20
WORKING_POLLS = 1


@dataclass(frozen=True)
class ApplyRun:
    posts: int
    targets: int
    sample: Sample
    requests: int
    by_endpoint: dict[str, int]
    rate_limited: int
    server_peak_mb: float
    media: int = 0  # media files the posts name (each is uploaded once)
    layout: str = Layout.BATCH.value

    @property
    def minimum(self) -> int:
        jobs = math.ceil(self.posts / BULK)
        return jobs * (1 + 1 + WORKING_POLLS) + self.media + math.ceil(self.targets / PAGE)


def count_targets(repo: Path) -> tuple[int, int]:
    """Posts × accounts in a generated repo (what apply creates on Publer; an idea with
    no account is one post) and the media files its posts name."""
    total, media = 0, set()
    for path in sorted((repo / "posts").rglob("*.yaml")):
        for document in yaml.load_all(path.read_bytes(), Loader=yaml.CSafeLoader):
            for post in document.get("posts", [document]):
                total += len(post.get("accounts") or [None])
                media.update(item["path"] for item in post.get("media", ()) if "path" in item)
    return total, len(media)


class Served:
    """``contentctl sandbox serve`` in a child process, stopped on exit."""

    def __init__(self, repo: Path, latency_ms: int) -> None:
        argv = contentctl_argv("-C", str(repo), "sandbox", "serve", "--port", "0",
                               "--db", ":memory:", "--latency-ms", str(latency_ms),
                               "--no-daily-limits")  # fmt: skip  # the repos post more a day
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

    def stats(self) -> dict[str, Any]:
        url = self.env["CONTENTCTL_ENDPOINT"] + "/_sandbox/stats"
        request = urllib.request.Request(
            url, headers={"Authorization": f"Bearer-API {self.env['PUBLER_API_KEY']}"}
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            stats: dict[str, Any] = json.loads(answer.read())
        return stats

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
    size: int, work: Path, *, latency_ms: int = LATENCY_MS, layout: Layout = Layout.BATCH
) -> ApplyRun:
    repo = fresh_repo(size, layout, work / f"apply-{size}-{layout.value}")
    targets, media = count_targets(repo)
    served = Served(repo, latency_ms)
    try:
        env = bench_env(served.env)
        sample = run_once(contentctl_argv("-C", str(repo), "apply", "--auto-approve"), env=env)
        stats = served.stats()
    finally:
        served.stop()
    return ApplyRun(
        size,
        targets,
        sample,
        int(stats["total"]),
        dict(stats["requests"]),
        int(stats["rate_limited"]),
        served.peak_mb,
        media,
        layout.value,
    )


if __name__ == "__main__":
    started = time.perf_counter()
    result = apply_once(int(sys.argv[1]), Path(sys.argv[2]))
    print(
        result.posts,
        result.targets,
        f"{result.sample.seconds:.1f}s",
        result.requests,
        result.minimum,
        result.by_endpoint,
        result.rate_limited,
        result.sample.stderr[-500:],
    )
