"""build_plan: targets against recorded state → actions, with field diffs."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from contentctl.plan.build import Action, PlanOptions, build_plan, diff_specs, manifests_digest
from contentctl.plan.targets import Target, spec_hash
from contentctl.state.records import Entry, EntryStatus
from contentctl.state.store import new_state

NOW = datetime(2027, 1, 1, 12, 0, tzinfo=UTC)


def target(
    post_id: str = "p1",
    alias: str = "acme-fb",
    provider: str = "facebook",
    text: str = "Hello",
    at: datetime | None = NOW + timedelta(days=3),
    **network: Any,
) -> Target:
    spec = {
        "endpoint": "schedule",
        "bulk_state": "scheduled",
        "network": {"type": "status", "text": text, **network},
        "post": {"labels": ["contentctl"]},
        "account": {} if at is None else {"scheduled_at": at.strftime("%Y-%m-%dT%H:%M:%SZ")},
    }
    return Target(
        post_id,
        alias,
        "a" * 24,
        provider,
        "Europe/Berlin",
        "posts/p.yaml:1:1",
        spec,
        spec_hash(spec),
    )


def recorded(
    t: Target, status: EntryStatus = EntryStatus.SCHEDULED, remote_id: str | None = "r1"
) -> Entry:
    return Entry(
        account_id=t.account_id,
        provider=t.provider,
        remote_id=remote_id,
        status=status,
        content_hash=t.content_hash,
        spec=dict(t.spec),
        scheduled_at=t.scheduled_at_text,
        job_id="j1",
        post_link=None,
        last_error=None,
        created_at="2026-12-01T00:00:00Z",
        updated_at="2026-12-01T00:00:00Z",
    )


def plan_of(targets: list[Target], entries: list[tuple[Target, Entry]], **opts: Any):
    state = new_state("ws")
    for t, entry in entries:
        state.set_entry(t.post_id, t.alias, entry)
    return build_plan(targets, state, PlanOptions(now=NOW, **opts))


def only(plan):
    (change,) = [c for c in plan.changes]
    return change


def test_new_target_is_a_create() -> None:
    plan = plan_of([target()], [])
    assert only(plan).action is Action.CREATE
    assert plan.summary() == "Plan: 1 to create, 0 to update, 0 to replace, 0 to delete, 0 blocked."
    assert plan.has_changes


def test_unchanged_target_is_a_noop_and_plan_has_no_changes() -> None:
    t = target()
    plan = plan_of([t], [(t, recorded(t))])
    assert only(plan).action is Action.NOOP
    assert not plan.has_changes


def test_text_change_on_scheduled_post_is_an_update_with_field_diff() -> None:
    old, new = target(text="Hello"), target(text="Hello, world")
    change = only(plan_of([new], [(old, recorded(old))]))
    assert change.action is Action.UPDATE
    assert [(f.path, f.before, f.after) for f in change.fields] == [
        ("network.text", "Hello", "Hello, world")
    ]


def test_time_change_is_a_replace_naming_the_field() -> None:
    old, new = target(), target(at=NOW + timedelta(days=4))
    change = only(plan_of([new], [(old, recorded(old))]))
    assert change.action is Action.REPLACE
    assert "account.scheduled_at" in change.reason


def test_media_change_is_a_replace() -> None:
    old = target(media=[{"path": "a.png", "sha256": "1"}])
    new = target(media=[{"path": "a.png", "sha256": "2"}])
    change = only(plan_of([new], [(old, recorded(old))]))
    assert change.action is Action.REPLACE
    assert [f.path for f in change.fields] == ["network.media"]


def test_removed_post_is_a_delete_and_failed_one_is_forgotten() -> None:
    gone, failed = target("gone"), target("failed")
    plan = plan_of(
        [], [(gone, recorded(gone)), (failed, recorded(failed, EntryStatus.FAILED, None))]
    )
    actions = {c.post_id: (c.action, c.reason) for c in plan.changes}
    assert actions["gone"] == (Action.DELETE, "removed from the manifests")
    assert actions["failed"][0] is Action.DELETE
    assert "never created" in actions["failed"][1]


def test_failed_entry_is_created_again_with_its_error() -> None:
    t = target()
    entry = replace(recorded(t, EntryStatus.FAILED, None), last_error="Posts cannot be backdated")
    change = only(plan_of([t], [(t, entry)]))
    assert change.action is Action.CREATE
    assert change.reason == "last attempt failed: Posts cannot be backdated"
    assert change.before == entry


def test_deleted_entry_is_created_again_without_a_reason() -> None:
    t = target()
    change = only(plan_of([t], [(t, recorded(t, EntryStatus.DELETED, None))]))
    assert (change.action, change.reason, change.before) == (Action.CREATE, "", None)


def test_published_twitter_text_edit_is_blocked_with_reason() -> None:
    old = target(provider="twitter", alias="acme-x", text="a")
    new = target(provider="twitter", alias="acme-x", text="b")
    change = only(plan_of([new], [(old, recorded(old, EntryStatus.PUBLISHED))]))
    assert change.action is Action.BLOCKED
    assert "twitter allows no edits once published (only labels)" in change.reason
    assert not plan_of([new], [(old, recorded(old, EntryStatus.PUBLISHED))]).has_changes


def test_published_linkedin_text_edit_is_an_update() -> None:
    old = target(provider="linkedin", alias="acme-li", text="a")
    new = target(provider="linkedin", alias="acme-li", text="b")
    assert (
        only(plan_of([new], [(old, recorded(old, EntryStatus.PUBLISHED))])).action is Action.UPDATE
    )


def test_scheduled_post_whose_time_passed_counts_as_published() -> None:
    old = target(provider="twitter", alias="acme-x", text="a", at=NOW - timedelta(hours=1))
    new = target(provider="twitter", alias="acme-x", text="b", at=NOW - timedelta(hours=1))
    assert only(plan_of([new], [(old, recorded(old))])).action is Action.BLOCKED


def test_replace_published_flag_turns_blocked_into_replace() -> None:
    old = target(provider="twitter", alias="acme-x", text="a")
    new = target(provider="twitter", alias="acme-x", text="b")
    plan = plan_of([new], [(old, recorded(old, EntryStatus.PUBLISHED))], replace_published=True)
    assert only(plan).action is Action.REPLACE


def test_published_post_removed_is_blocked_unless_flag() -> None:
    t = target()
    assert only(plan_of([], [(t, recorded(t, EntryStatus.PUBLISHED))])).action is Action.BLOCKED
    plan = plan_of([], [(t, recorded(t, EntryStatus.PUBLISHED))], delete_published=True)
    assert only(plan).action is Action.DELETE


def test_account_removed_from_post_deletes_only_that_account() -> None:
    fb, x = target(alias="acme-fb"), target(alias="acme-x", provider="twitter")
    plan = plan_of([fb], [(fb, recorded(fb)), (x, recorded(x, remote_id="r2"))])
    actions = {c.alias: c.action for c in plan.changes}
    assert actions == {"acme-fb": Action.NOOP, "acme-x": Action.DELETE}


def test_manifests_digest_changes_with_content_not_order() -> None:
    a, b = target("a"), target("b")
    assert manifests_digest([a, b]) == manifests_digest([b, a])
    assert manifests_digest([a, b]) != manifests_digest([a, target("b", text="other")])


def test_diff_specs_reports_nested_change_as_its_field() -> None:
    before = {"network": {"details": {"type": "reel", "audio": "x"}}}
    after = {"network": {"details": {"type": "reel", "audio": "y"}}}
    (field,) = diff_specs(before, after)
    assert field.path == "network.details"
    assert field.after == {"type": "reel", "audio": "y"}
