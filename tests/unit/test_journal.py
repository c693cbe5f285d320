"""Settling the intent journal in process against the in-process sandbox.

Each test leaves the state as an interrupted apply would (an intent journaled;
the bulk sent or not; its job id known or not), settles it as the next run does
and checks the entries against what the sandbox really holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from apply_support import NOW, Bench, bench, target, utc

from contentctl.apply.bulks import bulk_post, intent_item
from contentctl.apply.journal import JOB_GRACE, remote_status, settle_pending
from contentctl.plan.targets import Target, format_utc
from contentctl.state.records import EntryStatus, Intent, State

HOUR = JOB_GRACE + timedelta(minutes=1)  # a crash older than the grace


def journal(
    state: State, targets: Sequence[Target], job_id: str | None = None, *, age: timedelta = HOUR
) -> None:
    """The intent the applier writes before it sends ``targets`` as one bulk, ``age`` ago
    (by default past ``JOB_GRACE``: a bulk with no job id then is surely not running)."""
    items = tuple(intent_item(t, index) for index, t in enumerate(targets))
    created = format_utc(NOW - age)
    state.intents["batch-1"] = Intent(created, "schedule", "scheduled", job_id, items)


def send(b: Bench, targets: Sequence[Target]) -> str:
    """The bulk as the applier sends it; Publer's job id."""
    return b.client.schedule({"state": "scheduled", "posts": [bulk_post([t], {}) for t in targets]})


def settle(b: Bench, state: State) -> list[str]:
    _, notes = settle_pending(state, b.client, now=lambda: NOW, after_each=b.store.write)
    return notes


def test_an_intent_whose_job_completed_is_recorded_with_its_job(tmp_path: Path) -> None:
    targets = [target("a"), target("b", "x", minutes=90)]
    with bench(tmp_path) as b:
        state = b.store.load()
        journal(state, targets)
        job_id = send(b, targets)
        state.intents["batch-1"] = replace(state.intents["batch-1"], job_id=job_id)
        assert settle(b, state) == [
            "2 pending from an interrupted apply: 2 found on Publer, 0 failed, 0 to create"
        ]
        saved = b.store.load()
        assert saved.intents == {}
        recorded = sorted(
            (str(e.remote_id), str(e.account_id), t.text, str(e.scheduled_at))
            for t in targets
            if (e := saved.entry(*t.key)) is not None
        )
        assert recorded == b.remote()
        for t in targets:
            entry = saved.entry(*t.key)
            assert entry is not None
            assert (entry.status, entry.job_id, entry.spec, entry.content_hash) == (
                EntryStatus.SCHEDULED,
                job_id,
                t.spec,
                t.content_hash,
            )
            assert entry.created_at == entry.updated_at == format_utc(NOW)
        assert not b.plan(targets).has_changes


def test_a_bulk_whose_answer_was_lost_is_found_by_account_time_and_text(tmp_path: Path) -> None:
    targets = [target("a"), target("b", minutes=90)]
    with bench(tmp_path) as b:
        state = b.store.load()
        journal(state, targets)  # no job id: the answer never came
        send(b, targets)
        assert settle(b, state) == [
            "2 pending from an interrupted apply: 2 found on Publer, 0 failed, 0 to create"
        ]
        saved = b.store.load()
        assert {(e.remote_id, e.job_id) for _p, _a, e in saved.iter_entries()} == {
            (post_id, None) for post_id, *_ in b.remote()
        }


def test_a_job_the_remote_forgot_falls_back_to_the_listing(tmp_path: Path) -> None:
    targets = [target("a")]
    with bench(tmp_path) as b:
        state = b.store.load()
        journal(state, targets, job_id="0000000000000000deadbeef")
        send(b, targets)
        assert settle(b, state) == [
            "1 pending from an interrupted apply: 1 found on Publer, 0 failed, 0 to create"
        ]
        entry = b.store.load().entry("a", "fb")
        assert entry is not None and [entry.remote_id] == [i for i, *_ in b.remote()]


def test_an_intent_never_sent_is_missing_and_the_next_apply_creates_it_once(
    tmp_path: Path,
) -> None:
    targets = [target("a"), target("b", "x")]
    with bench(tmp_path) as b:
        state = b.store.load()
        journal(state, targets)
        assert settle(b, state) == [
            "2 pending from an interrupted apply: 0 found on Publer, 0 failed, 2 to create"
        ]
        saved = b.store.load()
        assert (saved.intents, saved.posts) == ({}, {})
        assert b.apply(targets).created == 2
        assert sorted(text for _id, _account, text, _at in b.remote()) == [
            "Hello from a",
            "Hello from b",
        ]


def test_an_intent_with_no_answer_is_held_while_its_job_may_still_run(tmp_path: Path) -> None:
    # the run that journaled it died before any answer: the request may have left, and
    # Publer creates a job's posts only when the job runs, so not listed is not absent
    targets = [target("a"), target("b", "x")]
    with bench(tmp_path) as b:
        state = b.store.load()
        journal(state, targets, age=JOB_GRACE - timedelta(minutes=1))
        assert settle(b, state) == [
            "2 pending from an interrupted apply: 0 found on Publer, 0 failed, 0 to create, "
            "2 not yet on Publer (a bulk whose answer was lost or never recorded may still be "
            "running; looked for again next run, never sent again within 1 hour of sending)"
        ]
        saved = b.store.load()
        assert [len(i.items) for i in saved.intents.values()] == [2]  # kept, not resent
        assert b.remote() == []


def test_a_post_failed_by_the_job_is_recorded_failed_with_publers_reason(tmp_path: Path) -> None:
    good, late = target("good"), target("late", minutes=-5)
    with bench(tmp_path) as b:
        state = b.store.load()
        journal(state, [good, late])
        job_id = send(b, [good, late])
        state.intents["batch-1"] = replace(state.intents["batch-1"], job_id=job_id)
        assert settle(b, state) == [
            "2 pending from an interrupted apply: 1 found on Publer, 1 failed, 0 to create"
        ]
        saved = b.store.load()
        failed, found = saved.entry(*late.key), saved.entry(*good.key)
        assert failed is not None and found is not None
        assert (failed.status, failed.remote_id, failed.last_error, failed.job_id) == (
            EntryStatus.FAILED,
            None,
            "Posts cannot be backdated",
            job_id,
        )
        assert [(found.remote_id, utc(str(found.scheduled_at)))] == [
            (i, at) for i, _account, _text, at in b.remote()
        ]


def test_a_remote_post_already_recorded_is_not_claimed_twice(tmp_path: Path) -> None:
    first = target("first", text="Same words")
    with bench(tmp_path) as b:
        b.apply([first])
        recorded = b.store.load().entry("first", "fb")
        state = b.store.load()
        twin = target("twin", text="Same words")  # same account, time and text, never sent
        journal(state, [twin])
        assert settle(b, state) == [
            "1 pending from an interrupted apply: 0 found on Publer, 0 failed, 1 to create"
        ]
        saved = b.store.load()
        assert saved.entry("twin", "fb") is None
        assert saved.entry("first", "fb") == recorded


@pytest.mark.parametrize(
    ("listed", "status"),
    [
        (None, EntryStatus.SCHEDULED),
        ("scheduled_approved", EntryStatus.SCHEDULED),
        ("published_posted", EntryStatus.PUBLISHED),
        ("Draft_Dated", EntryStatus.DRAFT),
        ("draft_public", EntryStatus.DRAFT),
        ("recycling_active", EntryStatus.RECYCLING),
        ("recurring", EntryStatus.RECURRING),
        ("failed", EntryStatus.FAILED),
        ("something new", EntryStatus.SCHEDULED),
    ],
)
def test_publers_post_states_map_to_entry_statuses(listed: str | None, status: EntryStatus) -> None:
    assert remote_status(listed) is status
