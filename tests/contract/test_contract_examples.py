"""The examples' apply against the strict sandbox: 0 failures, and every request body pinned.

``tests/golden/examples-requests.json`` is every request the apply of
``examples/content`` sends, recorded from the in-process sandbox: reviewed in
the diff whenever a wire shape changes. Refresh it only on purpose:
    CONTENTCTL_UPDATE_GOLDEN=1 .venv/bin/pytest tests/contract/test_contract_examples.py
Media ids (random on every upload) are written as ``<file name>``.
Over HTTP the same apply runs against ``sandbox serve`` and must fail nothing.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from contract_support import Served

import contentctl.sandbox as sb
from contentctl.apply.applier import Applier
from contentctl.config import load_config
from contentctl.manifest.load import load_repo
from contentctl.plan.build import PlanOptions, build_plan
from contentctl.plan.targets import build_targets
from contentctl.publer import PublerClient
from contentctl.state.store import StateStore

REPO = Path(__file__).parents[2]
GOLDEN = REPO / "tests" / "golden" / "examples-requests.json"
NOW = datetime(2027, 2, 1, 12, 0, tzinfo=UTC)  # before every dated example


class Recording(httpx.BaseTransport):
    """Every non-GET request the client sends, with its JSON body, then the sandbox's answer."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.sent: list[dict[str, Any]] = []
        self.names: dict[str, str] = {}  # media id → "<file name>"

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.method == "GET":
            return response
        path = request.url.path.removeprefix("/api/v1")
        if path == "/media":
            response.read()
            media = response.json()
            self.names[str(media["id"])] = f"<{media['name']}>"
            self.sent.append({"method": request.method, "path": path, "file": media["name"]})
        else:
            body = json.loads(request.content) if request.content else None
            self.sent.append({"method": request.method, "path": path, "body": body})
        return response

    def text(self) -> str:
        out = json.dumps(self.sent, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        for media_id, name in self.names.items():
            out = out.replace(f'"{media_id}"', json.dumps(name))
        return out


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(REPO / "examples" / "content", root)
    return root


def _apply(root: Path, client: PublerClient) -> list[tuple[str, str, str]]:
    config = load_config(root / "contentctl.yaml", environ={})
    loaded = load_repo(config)
    assert loaded.diagnostics == ()
    store = StateStore(config.state_path)
    state = store.load()
    plan = build_plan(build_targets(config, loaded.posts), state, PlanOptions(now=NOW))
    report = Applier(config, store, state, client, now=lambda: NOW).run(plan)
    return report.failed


@pytest.fixture
def in_process(examples: Path) -> Iterator[tuple[Recording, PublerClient]]:
    config = load_config(examples / "contentctl.yaml", environ={})
    transport = sb.in_process_transport(config, db=":memory:", clock=lambda: NOW, rate_limit=None)
    recording = Recording(transport)
    client = PublerClient(sb.IN_PROCESS_BASE_URL, sb.SANDBOX_API_KEY, config.workspace_id or "",
                          transport=recording, sleep=lambda _s: None, poll_interval=0.0,
                          rate_limit=None)  # fmt: skip
    with client:
        yield recording, client
    transport.sandbox.store.close()


def test_the_examples_apply_with_no_failure_and_send_the_golden_bodies(
    examples: Path, in_process: tuple[Recording, PublerClient]
) -> None:
    recording, client = in_process
    assert _apply(examples, client) == []
    text = recording.text()
    if os.environ.get("CONTENTCTL_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(text, encoding="utf-8")
    assert GOLDEN.exists(), f"missing golden {GOLDEN}; run with CONTENTCTL_UPDATE_GOLDEN=1"
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_the_examples_apply_with_no_failure_over_http(examples: Path, served: Served) -> None:
    with httpx.Client(base_url=served.url) as admin:
        auth = {"Authorization": f"Bearer-API {sb.SANDBOX_API_KEY}"}
        assert admin.post("/_sandbox/reset", headers=auth).status_code == 200
        assert admin.post("/_sandbox/clock", json={"now": NOW.isoformat()},
                          headers=auth).status_code == 200  # fmt: skip
    text = (examples / "contentctl.yaml").read_text("utf-8")
    (examples / "contentctl.yaml").write_text(
        text.replace("6650f1c2a1b2c3d4e5f60718", sb.DEFAULT_WORKSPACE_ID), "utf-8"
    )
    client = PublerClient(served.url, sb.SANDBOX_API_KEY, sb.DEFAULT_WORKSPACE_ID,
                          sleep=lambda _s: None, poll_interval=0.0, rate_limit=None)  # fmt: skip
    with client:
        assert _apply(examples, client) == []
