"""One contract suite, two sandboxes: every test runs in process and over real HTTP.

``remote`` is a fresh sandbox for each test, with its clock frozen at ``NOW``:
in process, a new ``in_process_transport``; over HTTP, one
``python -m contentctl sandbox serve --port 0`` subprocess per session (URL
read from its first stdout line), wiped through ``/_sandbox/reset`` between
tests and sent SIGTERM at the end (it must exit 0). ``make_remote`` starts a
dedicated sandbox with given CLI fault flags, to check that they reach it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from contract_support import (
    MODES,
    MakeRemote,
    Remote,
    Served,
    _client,
    _finish_setup,
    _project,
    spawn,
)

import contentctl.sandbox as sb

# The in-process clients send what a served client sends; taken once, not a client per test.
with _client("http://127.0.0.1") as _headers_of:
    HEADERS = dict(_headers_of.headers)


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    server = spawn(tmp_path_factory.mktemp("served"))
    yield server
    server.stop()


@pytest.fixture(params=MODES)
def remote(request: pytest.FixtureRequest, tmp_path: Path, served: Served) -> Iterator[Remote]:
    if request.param == "inprocess":
        config = _project(tmp_path)
        transport = sb.in_process_transport(config, db=":memory:")  # the served one has a file
        client = httpx.Client(transport=transport, base_url=sb.IN_PROCESS_BASE_URL,
                              headers=HEADERS)  # fmt: skip
    else:
        client = _client(served.url)
        # every fault back to its default, new ones included: a test that set one (a job
        # delay, say) must not leave it for the next test on this worker's server
        defaults = dataclasses.asdict(sb.Faults())
        for what, body in (("reset", None), ("faults", defaults), ("rate_limit", {"limit": 100}),
                           ("variants", {"job_create": "plain", "create_status": 200,
                                         "job_status": "flat", "complete_word": "complete",
                                         "failures": "by_index", "working_polls": 1})):  # fmt: skip
            response = client.post(f"/_sandbox/{what}", json=body)
            assert response.status_code == 200, response.text
    try:
        yield _finish_setup(Remote(request.param, client, sb.DEFAULT_WORKSPACE_ID,
                                   sb.SANDBOX_API_KEY))  # fmt: skip
    finally:
        client.close()


@pytest.fixture(params=MODES)
def make_remote(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MakeRemote]:
    """Start a dedicated sandbox: ``make_remote(rate_limit=5, faults=sb.Faults(...))``."""
    started: list[tuple[httpx.Client, Served | None]] = []

    def make(*, rate_limit: int | None = 100, faults: sb.Faults | None = None) -> Remote:
        faults = faults or sb.Faults()
        folder = tmp_path / f"sandbox{len(started)}"
        folder.mkdir()
        server: Served | None = None
        if request.param == "inprocess":
            transport = sb.in_process_transport(_project(folder), db=folder / "sandbox.db",
                                                faults=faults, rate_limit=rate_limit)  # fmt: skip
            client = httpx.Client(transport=transport, base_url=sb.IN_PROCESS_BASE_URL,
                                  headers=HEADERS)  # fmt: skip
        else:
            flags = ["--rate-limit", str(rate_limit or 0), "--latency-ms", str(faults.latency_ms),
                     "--error-rate", str(faults.error_rate), "--burst-429", str(faults.burst_429),
                     "--stuck-polls", str(faults.stuck_polls), "--seed", str(faults.random_seed),
                     "--drop-after-commit", str(faults.drop_after_commit)]  # fmt: skip
            if faults.fail_jobs:
                flags.append("--fail-jobs")
            server = spawn(folder, *flags)
            client = _client(server.url)
        started.append((client, server))
        remote = Remote(request.param, client, sb.DEFAULT_WORKSPACE_ID, sb.SANDBOX_API_KEY)
        # The admin endpoints are neither faulted nor rate limited, so setup is safe here.
        return _finish_setup(remote)

    yield make
    for client, server in started:
        client.close()
        if server is not None:
            server.stop()
