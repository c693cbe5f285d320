"""One manifest applied in process, with every request body the client sent kept.

``applied`` copies the examples' ``contentctl.yaml`` and media (the sandbox's own
accounts) into ``tmp_path``, writes one manifest, loads, plans and applies it
against the in-process sandbox (clock frozen at ``NOW``), and returns what was
sent (``POST /posts/schedule`` bulks, ``/media/from-url`` bodies), the posts the
sandbox holds, its media, the apply's failures and the calendar of the plan.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

import contentctl.sandbox as sb
from contentctl.apply.applier import Applier
from contentctl.config import load_config
from contentctl.manifest.load import load_repo
from contentctl.plan.build import PlanOptions, build_plan
from contentctl.plan.targets import build_targets
from contentctl.publer import PublerClient
from contentctl.report.calendar import Calendar, build_calendar
from contentctl.state.store import StateStore

EXAMPLES = Path(__file__).parents[2] / "examples" / "content"
NOW = datetime(2027, 2, 1, 12, 0, tzinfo=UTC)


class _Recording(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.sent: list[tuple[str, Any]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/v1")
        if request.method == "POST" and path != "/media":
            self.sent.append((path, json.loads(request.content) if request.content else None))
        return self.inner.handle_request(request)


@dataclass
class Applied:
    sent: list[tuple[str, Any]]  # (path, JSON body) of every POST but uploads
    posts: list[dict[str, Any]]  # what the sandbox holds
    failed: list[tuple[str, str, str]]
    media: dict[str, dict[str, Any]]  # the sandbox's media library by id
    calendar: Calendar  # of the plan that was applied

    def calendar_days(self) -> list[str]:
        """The local dates the calendar places the posts on."""
        return sorted(
            str(moment.astimezone(ZoneInfo(entry.timezone)).date())
            for entry in self.calendar.entries
            for moment in entry.occurrences
        )

    def bulks(self) -> list[dict[str, Any]]:
        return [body["bulk"] for path, body in self.sent if path == "/posts/schedule"]

    def entry(self, provider: str) -> dict[str, Any]:
        """The network entry of the one bulk post sent."""
        (bulk,) = self.bulks()
        (post,) = bulk["posts"]
        return dict(post["networks"][provider])


def applied(tmp_path: Path, manifest: str) -> Applied:
    root = tmp_path / "content"
    root.mkdir(parents=True)
    shutil.copy(EXAMPLES / "contentctl.yaml", root)
    shutil.copytree(EXAMPLES / "media", root / "media")
    (root / "posts").mkdir()
    (root / "posts" / "p.yaml").write_text(manifest, "utf-8")
    config = load_config(root / "contentctl.yaml", environ={})
    loaded = load_repo(config)
    assert [d.message for d in loaded.diagnostics] == []
    transport = sb.in_process_transport(config, db=":memory:", clock=lambda: NOW, rate_limit=None)
    recording = _Recording(transport)
    client = PublerClient(sb.IN_PROCESS_BASE_URL, sb.SANDBOX_API_KEY, config.workspace_id or "",
                          transport=recording, sleep=lambda _s: None, poll_interval=0.0,
                          rate_limit=None)  # fmt: skip
    try:
        with client:
            store = StateStore(config.state_path)
            state = store.load()
            plan = build_plan(build_targets(config, loaded.posts), state, PlanOptions(now=NOW))
            calendar = build_calendar(plan, config)
            report = Applier(config, store, state, client, now=lambda: NOW).run(plan)
        sandbox = transport.sandbox.store
        media = {str(m["id"]): dict(m) for m in sandbox.media()}
        posts = [dict(p) for p in sandbox.posts()]
        return Applied(recording.sent, posts, report.failed, media, calendar)
    finally:
        transport.sandbox.store.close()
