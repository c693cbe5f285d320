"""Adoption, refresh and refused deletes in process, against the in-process sandbox.

A lost state is adopted back instead of posted again; edits and deletes made
on Publer show as drift and the plan proposes the repair; a delete Publer
refuses is blocked, never followed by a second copy.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from apply_support import ACCOUNTS, NOW, bench, target

from contentctl.apply.applier import Applier
from contentctl.apply.refresh import refresh
from contentctl.model import JSONObject
from contentctl.plan.build import Action, PlanOptions, build_plan
from contentctl.plan.drift import DriftKind
from contentctl.plan.targets import Target, format_utc, spec_hash
from contentctl.remote_view import RemoteView
from contentctl.state.records import State


def auto_target(post_id: str, *, days: int = 10) -> Target:
    """An auto-scheduled post: Publer queues it in its range, and will not delete it."""
    spec: JSONObject = {
        "endpoint": "schedule",
        "bulk_state": "scheduled",
        "network": {"type": "status", "text": f"Queued {post_id}"},
        "post": {
            "labels": ["contentctl"],
            "auto": True,
            "range": {
                "start_date": format_utc(NOW + timedelta(days=1)),
                "end_date": format_utc(NOW + timedelta(days=days)),
            },
        },
        "account": {},
    }
    account = ACCOUNTS["fb"][0]
    return Target(post_id, "fb", account, "facebook", "UTC", "posts/a.yaml:1:1", spec,
                  spec_hash(spec))  # fmt: skip


def run(b_apply: Applier, state: State, targets: list[Target]) -> None:
    b_apply.run(build_plan(targets, state, PlanOptions(now=NOW)))


def test_a_lost_state_is_adopted_back_not_posted_again(tmp_path: Path) -> None:
    same = "Weekly reminder: the shop opens at nine."
    targets = [target(f"week-{i}", text=same, minutes=60 * 24 * 7 * (i + 1)) for i in range(3)]
    targets += [target("other", "x"), auto_target("queued")]
    with bench(tmp_path) as b:
        first = b.apply(targets)
        assert (first.created, first.adopted, first.failed) == (5, 0, [])
        recorded = {(p, a): e.remote_id for p, a, e in b.store.load().iter_entries()}
        b.store.path.unlink()  # the state is lost
        again = b.apply(targets)
        assert again.summary() == (
            "Apply complete: 0 created, 5 adopted, 0 updated, 0 deleted, 0 failed."
        )
        assert len(b.sandbox.posts()) == 5
        adopted = {(p, a): e.remote_id for p, a, e in b.store.load().iter_entries()}
        assert adopted == recorded  # each post found again as itself, none swapped


def test_remote_edits_and_deletes_are_drift_and_the_plan_repairs_them(tmp_path: Path) -> None:
    targets = [target("edited"), target("deleted", "x"), target("kept", minutes=120)]
    with bench(tmp_path) as b:
        b.apply(targets)
        state = b.store.load()
        edited = b.sandbox.post(str(state.entry("edited", "fb").remote_id))  # type: ignore[union-attr]
        assert edited is not None
        edited["text"] = "Changed in Publer"
        b.sandbox.save_post(edited)
        b.sandbox.delete_post(str(state.entry("deleted", "x").remote_id))  # type: ignore[union-attr]
        view = RemoteView(b.client)
        refreshed = refresh(state, targets, view, now=NOW)
        kinds = {(d.post_id, d.kind) for d in refreshed.drift}
        assert kinds == {("edited", DriftKind.EDITED), ("deleted", DriftKind.DELETED)}
        (edit,) = [d for d in refreshed.drift if d.kind is DriftKind.EDITED]
        assert [(f.path, f.applied, f.remote) for f in edit.fields] == [
            ("network.text", "Hello from edited", "Changed in Publer")
        ]
        assert refreshed.requests == view.requests > 0
        plan = build_plan(targets, refreshed.state, PlanOptions(now=NOW), found=refreshed.found)
        actions = {c.post_id: c.action for c in plan.changes}
        assert actions == {"edited": Action.UPDATE, "deleted": Action.CREATE, "kept": Action.NOOP}
        Applier(b.config, b.store, refreshed.state, b.client, now=lambda: NOW).run(plan)
        texts = sorted(str(p["text"]) for p in b.sandbox.posts())
        assert texts == ["Hello from deleted", "Hello from edited", "Hello from kept"]


def test_a_lost_state_and_an_edit_on_publer_update_the_post_back_not_a_copy(
    tmp_path: Path,
) -> None:
    targets = [target("edited"), target("kept", minutes=120)]
    with bench(tmp_path) as b:
        b.apply(targets)
        remote_id = str(b.store.load().entry("edited", "fb").remote_id)  # type: ignore[union-attr]
        edited = b.sandbox.post(remote_id)
        assert edited is not None
        edited["text"] = "Changed in Publer"
        b.sandbox.save_post(edited)
        b.store.path.unlink()  # the state is lost
        refreshed = refresh(b.store.load(), targets, RemoteView(b.client), now=NOW)
        plan = build_plan(targets, refreshed.state, PlanOptions(now=NOW), found=refreshed.found)
        (update,) = [c for c in plan.changes if c.post_id == "edited"]
        assert (update.action, update.remote_id, update.reason) == (
            Action.UPDATE,
            remote_id,
            f"on Publer at this minute as post {remote_id} (scheduled), edited there: "
            "taken back and updated",
        )
        assert [(f.path, f.before, f.after) for f in update.fields] == [
            ("network.text", "Changed in Publer", "Hello from edited")
        ]
        report = Applier(b.config, b.store, refreshed.state, b.client, now=lambda: NOW).run(plan)
        assert report.summary() == (
            "Apply complete: 0 created, 1 adopted, 1 updated, 0 deleted, 0 failed."
        )
        assert sorted(str(p["text"]) for p in b.sandbox.posts()) == [
            "Hello from edited",
            "Hello from kept",
        ]
        entry = b.store.load().entry("edited", "fb")
        assert entry is not None and entry.remote_id == remote_id


def test_a_refused_delete_is_blocked_and_never_followed_by_a_copy(tmp_path: Path) -> None:
    with bench(tmp_path) as b:
        b.apply([auto_target("queued")])
        changed = auto_target("queued", days=20)  # a new range: Publer cannot edit it in place
        plan = b.plan([changed])
        assert [c.action for c in plan.changes] == [Action.REPLACE]
        report = b.apply([changed])
        assert len(b.sandbox.posts()) == 1
        assert [m for _, _, m in report.failed] == [
            f"Publer refused to delete post {b.sandbox.posts()[0]['id']} (Publer does not "
            "delete queued (auto-scheduled) posts)"
        ]
        after = b.plan([changed])
        assert [c.action for c in after.changes] == [Action.BLOCKED]
        assert after.changes[0].reason.endswith(
            "it stays as it is and no second copy is made: delete it in Publer (the next plan "
            "then sees it gone), or change the manifest back"
        )
        b.apply([changed])
        assert len(b.sandbox.posts()) == 1


def test_a_missed_time_is_a_decision_shown_once_not_a_failure_every_apply(tmp_path: Path) -> None:
    late = target("late", minutes=-10)  # its time passed before it was ever created
    with bench(tmp_path) as b:
        plan = b.plan([late])
        (change,) = plan.changes
        assert change.action is Action.BLOCKED
        assert change.reason == (
            f"missed: its time {late.scheduled_at_text} passed before it could be created; give "
            "it a new `at:`, make it `method: publish_now`, or remove it from the manifests"
        )
        assert not plan.has_changes
        for _ in range(2):
            report = b.apply([late])
            assert report.summary() == (
                "Apply complete: 0 created, 0 updated, 0 deleted, 0 failed."
            )
        assert b.sandbox.posts() == []


def test_fields_named_in_ignore_changes_are_not_drift(tmp_path: Path) -> None:
    targets = [target("edited")]
    with bench(tmp_path) as b:
        b.apply(targets)
        state = b.store.load()
        post = b.sandbox.post(str(state.entry("edited", "fb").remote_id))  # type: ignore[union-attr]
        assert post is not None
        post["text"] = "Changed in Publer on purpose"
        b.sandbox.save_post(post)
        kept = refresh(state, targets, RemoteView(b.client), now=NOW, ignore={"text"})
        assert kept.drift == []
        seen = refresh(state, targets, RemoteView(b.client), now=NOW)
        assert [d.kind for d in seen.drift] == [DriftKind.EDITED]


def test_ignore_changes_is_read_from_the_config(tmp_path: Path) -> None:
    from contentctl.config import load_config

    (tmp_path / "contentctl.yaml").write_text(
        "workspace: 6650f1c2a1b2c3d4e5f60718\nendpoint: sandbox\nignore_changes: [labels, text]\n"
        "accounts:\n  fb: {id: 65f0a1b2c3d4e5f607180001, provider: facebook}\n",
        encoding="utf-8",
    )
    assert load_config(tmp_path / "contentctl.yaml", {}).ignore_changes == ("labels", "text")


def test_a_post_publer_published_is_recorded_with_its_link_and_no_change(tmp_path: Path) -> None:
    targets = [target("soon", minutes=30)]
    with bench(tmp_path) as b:
        b.apply(targets)
        b.transport.sandbox.clock.advance(3600)  # Publer's time passes the post's
        state = b.store.load()
        refreshed = refresh(state, targets, RemoteView(b.client), now=NOW + timedelta(hours=1))
        (drift,) = refreshed.drift
        entry = refreshed.state.entry("soon", "fb")
        assert entry is not None and entry.status.value == "published"
        assert drift.kind is DriftKind.PUBLISHED and drift.detail == entry.post_link
        assert entry.post_link and entry.post_link.endswith(str(entry.remote_id))
        plan = build_plan(targets, refreshed.state, PlanOptions(now=NOW + timedelta(hours=1)))
        assert [c.action for c in plan.changes] == [Action.NOOP]
