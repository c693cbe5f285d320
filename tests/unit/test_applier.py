"""The applier in process against the in-process sandbox: what Publer ends up holding.

The fast counterpart of the kill and fault tests in tests/e2e: each test plans
targets against the state on disk, applies the plan through the real client and
checks the state file against what the sandbox really holds.
"""

from __future__ import annotations

from pathlib import Path

from apply_support import ACCOUNTS, NOW, bench, target

import contentctl.sandbox as sb
from contentctl.plan.build import Action
from contentctl.plan.targets import format_utc
from contentctl.state.records import EntryStatus


def test_apply_records_the_ids_the_sandbox_lists_and_plans_nothing_after(tmp_path: Path) -> None:
    targets = [target("a"), target("b", minutes=90), target("a", "x")]
    with bench(tmp_path) as b:
        report = b.apply(targets)
        assert report.summary() == "Apply complete: 3 created, 0 updated, 0 deleted, 0 failed."
        state = b.store.load()
        assert state.intents == {}
        entries = [(t, e) for t in targets if (e := state.entry(*t.key)) is not None]
        recorded = sorted(
            (str(e.remote_id), str(e.account_id), t.text, str(e.scheduled_at)) for t, e in entries
        )
        assert len(recorded) == 3 and recorded == b.remote()
        (job,) = {str(p["job_id"]) for p in b.sandbox.posts()}
        assert {(e.status, e.job_id, e.last_error) for _t, e in entries} == {
            (EntryStatus.SCHEDULED, job, None)
        }
        assert not b.plan(targets).has_changes


def test_bulks_follow_the_batch_size_and_are_all_recorded(tmp_path: Path) -> None:
    targets = [target(f"p{i}", minutes=60 + 2 * i) for i in range(5)]
    with bench(tmp_path, batch_size=2) as b:
        assert b.apply(targets).created == 5
        assert [m for m in b.progress if m.startswith("Submitting")] == [
            "Submitting batch 1/3 (2 posts)…",
            "Submitting batch 2/3 (2 posts)…",
            "Submitting batch 3/3 (1 posts)…",
        ]
        assert len({p["job_id"] for p in b.sandbox.posts()}) == 3
        state = b.store.load()
        assert {str(e.remote_id) for _p, _a, e in state.iter_entries()} == {
            post_id for post_id, *_ in b.remote()
        }


def test_a_lost_create_answer_is_settled_from_the_listing_without_a_duplicate(
    tmp_path: Path,
) -> None:
    targets = [target("a"), target("a", "x"), target("b", minutes=120)]
    with bench(tmp_path, faults=sb.Faults(drop_after_commit=1)) as b:
        report = b.apply(targets)
        assert report.summary() == "Apply complete: 3 created, 0 updated, 0 deleted, 0 failed."
        assert any(m.startswith("Outcome of a batch unknown (") for m in b.progress)
        remote = b.remote()
        assert sorted((account, text) for _id, account, text, _at in remote) == sorted(
            (t.account_id, t.text) for t in targets
        )
        state = b.store.load()
        assert state.intents == {}
        recorded = {(e.remote_id, e.job_id) for _p, _a, e in state.iter_entries()}
        # the job id never reached us: the posts are known by the listing alone
        assert recorded == {(post_id, None) for post_id, *_ in remote}
        assert not b.plan(targets).has_changes


def test_a_failed_job_marks_its_posts_failed_and_the_next_plan_creates_them(
    tmp_path: Path,
) -> None:
    targets = [target("a"), target("a", "x")]
    with bench(tmp_path, faults=sb.Faults(fail_jobs=True)) as b:
        report = b.apply(targets)
        message = "The job failed; no post was created"
        assert report.summary() == "Apply complete: 0 created, 0 updated, 0 deleted, 2 failed."
        assert sorted(report.failed) == [("a", "fb", message), ("a", "x", message)]
        assert b.remote() == []
        state = b.store.load()
        for t in targets:
            entry = state.entry(*t.key)
            assert entry is not None
            assert (entry.status, entry.remote_id, entry.last_error) == (
                EntryStatus.FAILED,
                None,
                message,
            )
            assert entry.job_id is not None and entry.content_hash == t.content_hash
        plan = b.plan(targets)
        assert {(c.action, c.reason) for c in plan.changes} == {
            (Action.CREATE, f"last attempt failed: {message}")
        }


def test_one_refused_post_fails_alone_with_publers_reason(tmp_path: Path) -> None:
    late = target("late", minutes=60)  # the same minute as "a" on the same account
    with bench(tmp_path) as b:
        report = b.apply([target("a"), late])
        assert report.summary() == "Apply complete: 1 created, 0 updated, 0 deleted, 1 failed."
        gap = "There's another post at this time. A one minute gap is required between posts"
        assert report.failed == [("late", "fb", gap)]
        assert [text for _id, _account, text, _at in b.remote()] == ["Hello from a"]
        entry = b.store.load().entry(*late.key)
        assert entry is not None and entry.status is EntryStatus.FAILED


def test_a_bulk_publer_refuses_outright_fails_every_post_in_it(tmp_path: Path) -> None:
    targets = [target("a", bulk_state="someday"), target("b", minutes=90, bulk_state="someday")]
    with bench(tmp_path) as b:
        report = b.apply(targets)
        reason = "Publer rejected POST /posts/schedule (400): Unknown state someday"
        assert sorted(report.failed) == [("a", "fb", reason), ("b", "fb", reason)]
        assert b.remote() == []
        state = b.store.load()
        assert state.intents == {}
        assert {e.status for _p, _a, e in state.iter_entries()} == {EntryStatus.FAILED}


def test_text_edit_updates_in_place_and_keeps_the_remote_id(tmp_path: Path) -> None:
    with bench(tmp_path) as b:
        b.apply([target("a")])
        before = b.store.load().entry("a", "fb")
        assert before is not None
        edited = target("a", text="Hello again")
        assert [c.action for c in b.plan([edited]).changes] == [Action.UPDATE]
        report = b.apply([edited])
        assert report.summary() == "Apply complete: 0 created, 1 updated, 0 deleted, 0 failed."
        after = b.store.load().entry("a", "fb")
        assert after is not None
        assert (after.remote_id, after.content_hash, after.spec) == (
            before.remote_id,
            edited.content_hash,
            edited.spec,
        )
        assert (after.created_at, after.updated_at) == (before.created_at, format_utc(NOW))
        assert [(i, text) for i, _a, text, _at in b.remote()] == [(before.remote_id, "Hello again")]


def test_a_time_change_replaces_the_post_once(tmp_path: Path) -> None:
    with bench(tmp_path) as b:
        b.apply([target("a")])
        old = b.store.load().entry("a", "fb")
        assert old is not None
        moved = target("a", minutes=180)
        assert [c.action for c in b.plan([moved]).changes] == [Action.REPLACE]
        report = b.apply([moved])
        assert report.summary() == "Apply complete: 1 created, 0 updated, 0 deleted, 0 failed."
        new = b.store.load().entry("a", "fb")
        assert new is not None and new.remote_id != old.remote_id
        assert b.remote() == [
            (str(new.remote_id), ACCOUNTS["fb"][0], "Hello from a", str(moved.scheduled_at_text))
        ]


def test_a_post_removed_from_the_manifests_is_deleted_on_publer_and_forgotten(
    tmp_path: Path,
) -> None:
    with bench(tmp_path) as b:
        b.apply([target("keep"), target("gone", minutes=90)])
        kept = b.store.load().entry("keep", "fb")
        report = b.apply([target("keep")])
        assert report.summary() == "Apply complete: 0 created, 0 updated, 1 deleted, 0 failed."
        state = b.store.load()
        assert state.entry("gone", "fb") is None and state.entry("keep", "fb") == kept
        assert [text for _id, _account, text, _at in b.remote()] == ["Hello from keep"]
