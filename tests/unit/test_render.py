"""The three views of one mixed plan, against golden files.

Refresh the goldens only on purpose, then review the diff:
    CONTENTCTL_UPDATE_GOLDEN=1 .venv/bin/pytest tests/unit/test_render.py
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from contentctl.plan.build import Action, Plan, PlanOptions, build_plan
from contentctl.plan.saved import plan_from_json, plan_to_json
from contentctl.plan.targets import Target, spec_hash
from contentctl.report.plan_markdown import MARKER, render_markdown
from contentctl.report.plan_text import relative, render_text
from contentctl.state.records import Entry
from contentctl.state.store import State

GOLDEN = Path(__file__).parents[1] / "golden"
NOW = datetime(2027, 1, 1, 12, 0, tzinfo=UTC)


def target(
    post_id: str, alias: str, provider: str, text: str, at: datetime, **network: Any
) -> Target:
    spec = {
        "endpoint": "schedule",
        "bulk_state": "scheduled",
        "network": {"type": "status", "text": text, **network},
        "post": {"labels": ["contentctl"]},
        "account": {"scheduled_at": at.strftime("%Y-%m-%dT%H:%M:%SZ")},
    }
    return Target(
        post_id,
        alias,
        f"{alias}-id",
        provider,
        "Europe/Berlin",
        f"posts/{post_id}.yaml:1:1",
        spec,
        spec_hash(spec),
    )


def entry(t: Target, status: str = "scheduled", remote: str = "r") -> dict[str, Any]:
    return {
        "account_id": t.account_id,
        "provider": t.provider,
        "remote_id": f"{remote}-{t.alias}",
        "status": status,
        "content_hash": t.content_hash,
        "spec": dict(t.spec),
        "scheduled_at": t.spec["account"]["scheduled_at"],
        "job_id": "j",
        "post_link": None,
        "last_error": None,
        "created_at": "2026-12-01T00:00:00Z",
        "updated_at": "2026-12-01T00:00:00Z",
    }


def mixed_plan() -> Plan:
    soon = NOW + timedelta(days=3, hours=2)
    new = target(
        "launch",
        "acme-fb",
        "facebook",
        "Launch day! Our spring blend is here.",
        soon,
        media=[{"path": "media/spring.png", "sha256": "ab" * 32, "type": "photo"}],
    )
    old_text = target("teaser", "acme-li", "linkedin", "Something is coming.", soon)
    new_text = target("teaser", "acme-li", "linkedin", "Something green is coming on Friday.", soon)
    old_time = target("poll", "acme-x", "twitter", "Which blend?", soon)
    new_time = target("poll", "acme-x", "twitter", "Which blend?", soon + timedelta(hours=5))
    gone = target("retired", "acme-masto", "mastodon", "Old news", soon)
    live_old = target("hello", "acme-x", "twitter", "Hello", NOW - timedelta(days=2))
    live_new = target("hello", "acme-x", "twitter", "Hello there", NOW - timedelta(days=2))
    same = target("same", "acme-fb", "facebook", "Nothing changes", soon)
    state = State(serial=3, lineage="00000000-0000-4000-8000-000000000000", workspace_id="ws")
    for t, status in (
        (old_text, "scheduled"),
        (old_time, "scheduled"),
        (gone, "scheduled"),
        (live_old, "published"),
        (same, "scheduled"),
    ):
        state.set_entry(t.post_id, t.alias, Entry.from_json(entry(t, status)))  # type: ignore[arg-type]
    targets = [new, new_text, new_time, live_new, same]
    plan = build_plan(targets, state, PlanOptions(now=NOW))
    return replace(plan, remote="sandbox (workspace 6650f1c2a1b2c3d4e5f60718)")


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("CONTENTCTL_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden {path}; run with CONTENTCTL_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


def test_mixed_plan_has_every_action() -> None:
    plan = mixed_plan()
    assert plan.counts == {
        "create": 1,
        "adopt": 0,
        "update": 1,
        "replace": 1,
        "delete": 1,
        "no-op": 1,
        "blocked": 1,
    }


def test_text_golden() -> None:
    check_golden("plan.txt", render_text(mixed_plan(), now=NOW))


def test_text_colour_only_when_asked() -> None:
    assert "\x1b[" not in render_text(mixed_plan(), now=NOW)
    assert "\x1b[32m" in render_text(mixed_plan(), color=True, now=NOW)


def test_json_golden_and_round_trip() -> None:
    data = plan_to_json(mixed_plan())
    check_golden("plan.json", json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    again = plan_to_json(plan_from_json(json.loads(json.dumps(data))))
    assert again == data
    assert data["has_changes"] is True and data["format_version"] == 1


def test_markdown_golden() -> None:
    check_golden("plan.md", render_markdown(mixed_plan(), now=NOW))


def test_markdown_of_2000_changes_stays_under_github_limit_and_says_what_it_folded() -> None:
    at = NOW + timedelta(days=10)
    targets = [
        target(
            f"post-{i:04d}",
            "acme-fb",
            "facebook",
            "Lorem ipsum dolor sit amet " * 8,
            at + timedelta(minutes=i),
        )
        for i in range(2000)
    ]
    state = State(serial=0, lineage="00000000-0000-4000-8000-000000000000", workspace_id="ws")
    text = render_markdown(build_plan(targets, state, PlanOptions(now=NOW)), now=NOW)
    assert len(text) < 65_000
    assert text.startswith(MARKER)
    assert "**Plan: 2000 to create, 0 to update, 0 to replace, 0 to delete, 0 blocked.**" in text
    shown = text.count("<details>")
    assert 0 < shown < 2000
    assert text.endswith(
        f"\n_{2000 - shown} more posts ({2000 - shown} changes) are not shown to stay under "
        "GitHub's comment limit; every change is in the JSON plan "
        "(`contentctl plan --format json`, the plan.json artifact)._\n"
    )


def test_markdown_has_one_section_per_post_listing_its_accounts() -> None:
    at = NOW + timedelta(days=2)
    networks = [("acme-fb", "facebook"), ("acme-li", "linkedin"), ("acme-masto", "mastodon")]
    targets = [target("launch", a, p, "Same words everywhere", at) for a, p in networks]
    targets.append(target("launch", "acme-x", "twitter", "Short for X", at))
    state = State(serial=0, lineage="00000000-0000-4000-8000-000000000000", workspace_id="ws")
    text = render_markdown(build_plan(targets, state, PlanOptions(now=NOW)), now=NOW)
    assert text.count("<details>") == 1
    assert (
        "<summary><b>create</b> <code>launch</code> on <code>acme-fb</code>, "
        "<code>acme-li</code>, <code>acme-masto</code>, <code>acme-x</code></summary>"
    ) in text
    for alias, provider in [*networks, ("acme-x", "twitter")]:
        assert (
            f"- `+` **create** on `{alias}` ({provider}), "
            "2027-01-03 13:00 Europe/Berlin (12:00 UTC), in 2 days\n"
        ) in text
    assert (
        "**Text** on `acme-fb`, `acme-li`, `acme-masto`: 21/10000 characters on facebook, "
        "21/3000 characters on linkedin, 21/500 characters on mastodon\n\n"
        "```text\nSame words everywhere\n```"
    ) in text
    assert "**Text** on `acme-x`: 11/280 weighted characters" in text


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(days=3, hours=1), "in 3 days"),
        (timedelta(hours=-2), "2 hours ago"),
        (timedelta(minutes=1), "in 1 minute"),
        (timedelta(seconds=5), "now"),
    ],
)
def test_relative_times(delta: timedelta, expected: str) -> None:
    assert relative(NOW + delta, NOW) == expected


def test_no_changes_text() -> None:
    state = State(serial=1, lineage="00000000-0000-4000-8000-000000000000", workspace_id="ws")
    plan = build_plan([], state, PlanOptions(now=NOW))
    assert render_text(plan) == (
        "Plan: 0 to create, 0 to update, 0 to replace, 0 to delete, 0 blocked.\n\n"
        "No changes. 0 up to date.\n"
    )
    assert Action.NOOP not in {c.action for c in plan.changes}
