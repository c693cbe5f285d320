"""Failed at publish time and awaiting approval: what refresh records and what the plan proposes.

Against the in-process sandbox, whose posts are set to Publer's own states
as `/_sandbox/posts/{id}/state` does. A failed post is drift once, recorded
with Publer's reason; the plan re-posts it where it can be sent now and
blocks it with the choices where its time has passed; removed from the
manifests it is deleted. A post awaiting approval is recorded as pending and
needs nothing; once approved it is scheduled again, without drift.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from apply_support import NOW, Bench, bench, target

from contentctl.apply.refresh import refresh
from contentctl.plan.build import Action, PlanOptions, build_plan
from contentctl.plan.drift import DriftKind
from contentctl.plan.targets import Target
from contentctl.remote_view import RemoteView
from contentctl.state.records import EntryStatus

EXPIRED = "The access token of this account has expired"


def _set_state(b: Bench, post_id: str, state: str, error: str | None = None) -> None:
    entry = b.store.load().entry(post_id, "fb")
    assert entry is not None and entry.remote_id
    post = b.sandbox.post(entry.remote_id)
    assert post is not None
    post.update(state=state, error=error)
    b.sandbox.save_post(post)


def _publish_now(t: Target) -> Target:
    return replace(t, spec={**t.spec, "endpoint": "publish", "account": {}}, given_hash="")


def test_a_failed_post_is_recorded_once_and_proposed_by_what_can_still_be_sent(
    tmp_path: Path,
) -> None:
    ahead, late = target("ahead", minutes=120), target("late", minutes=2)
    with bench(tmp_path) as b:
        b.apply([ahead, late])
        for post_id in ("ahead", "late"):
            _set_state(b, post_id, "failed", EXPIRED)
        state = b.store.load()
        seen = refresh(state, [ahead, late], RemoteView(b.client), now=NOW)
        assert [(d.post_id, d.kind, d.detail) for d in seen.drift] == [
            ("ahead", DriftKind.FAILED, EXPIRED),
            ("late", DriftKind.FAILED, EXPIRED),
        ]
        recorded = seen.state.entry("late", "fb")
        assert recorded is not None
        assert recorded.last_error == f"failed at publish time: {EXPIRED}"
        assert recorded.remote_id == state.entry("late", "fb").remote_id  # type: ignore[union-attr]
        again = refresh(seen.state, [ahead, late], RemoteView(b.client), now=NOW)
        assert again.drift == []  # recorded: drift once

        later = PlanOptions(now=NOW + timedelta(minutes=10))  # late's time has passed
        plan = build_plan([ahead, late, _publish_now(target("gone"))], seen.state, later)
        actions = {c.post_id: (c.action, c.reason) for c in plan.changes}
        assert actions["ahead"] == (
            Action.REPLACE,
            f"failed at publish time: {EXPIRED}; posted again in its place",
        )
        assert actions["late"][0] is Action.BLOCKED
        assert actions["late"][1].endswith(
            "its time has passed: give it a new `at:` (it is then posted again in its place), "
            "make it `method: publish_now`, or remove it from the manifests"
        )
        removed = build_plan([ahead], seen.state, later)
        assert {c.post_id: c.action for c in removed.changes}["late"] is Action.DELETE


def test_a_failed_publish_now_post_is_posted_again(tmp_path: Path) -> None:
    now_post = _publish_now(target("now"))
    with bench(tmp_path) as b:
        b.apply([now_post])
        _set_state(b, "now", "failed", EXPIRED)
        seen = refresh(b.store.load(), [now_post], RemoteView(b.client), now=NOW)
        (change,) = build_plan([now_post], seen.state, PlanOptions(now=NOW)).changes
        assert change.action is Action.REPLACE


def test_awaiting_approval_is_recorded_as_pending_and_approval_clears_it(tmp_path: Path) -> None:
    waiting = target("waiting")
    with bench(tmp_path) as b:
        b.apply([waiting])
        _set_state(b, "waiting", "scheduled_pending")
        seen = refresh(b.store.load(), [waiting], RemoteView(b.client), now=NOW)
        assert [(d.kind, d.detail) for d in seen.drift] == [
            (DriftKind.AWAITING_APPROVAL, "Publer says scheduled_pending")
        ]
        assert seen.state.entry("waiting", "fb").status is EntryStatus.PENDING  # type: ignore[union-attr]
        (change,) = build_plan([waiting], seen.state, PlanOptions(now=NOW)).changes
        assert change.action is Action.NOOP
        _set_state(b, "waiting", "scheduled")
        approved = refresh(seen.state, [waiting], RemoteView(b.client), now=NOW)
        assert approved.drift == []
        assert approved.state.entry("waiting", "fb").status is EntryStatus.SCHEDULED  # type: ignore[union-attr]
