"""Apply progress: time left that counts the rate limit, plain lines, the bar, big plans."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest

from contentctl.apply.events import ApplyEvent, EventKind
from contentctl.plan.build import Plan, PlanOptions, build_plan
from contentctl.plan.targets import Target, spec_hash
from contentctl.report.plan_text import LIST_AT_MOST, render_text
from contentctl.report.progress import (
    ApplyProgress,
    BarProgress,
    PlainProgress,
    progress_line,
    time_left,
)
from contentctl.state.records import Entry
from contentctl.state.store import State

NOW = datetime(2027, 1, 1, 12, 0, tzinfo=UTC)
LINEAGE = "00000000-0000-4000-8000-000000000000"


def target(i: int, text: str = "Hello") -> Target:
    spec = {
        "endpoint": "schedule",
        "bulk_state": "scheduled",
        "network": {"type": "status", "text": f"{text} {i}"},
        "post": {},
        "account": {"scheduled_at": (NOW + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M:%SZ")},
    }
    return Target(
        f"p{i:04d}", "fb", "fb-id", "facebook", "UTC", "p.yaml:1:1", spec, spec_hash(spec)
    )


def plan_of(creates: int = 0, updates: int = 0) -> Plan:
    state = State(serial=1, lineage=LINEAGE, workspace_id="ws")
    targets = [target(i) for i in range(creates)]
    for i in range(creates, creates + updates):
        old = target(i, "Old")
        state.set_entry(
            old.post_id,
            old.alias,
            Entry.from_json(
                {
                    "account_id": old.account_id,
                    "provider": old.provider,
                    "remote_id": f"r{i}",
                    "status": "scheduled",
                    "content_hash": old.content_hash,
                    "spec": dict(old.spec),
                    "scheduled_at": old.spec["account"]["scheduled_at"],  # type: ignore[index]
                    "job_id": "j",
                    "post_link": None,
                    "last_error": None,
                    "created_at": "2026-12-01T00:00:00Z",
                    "updated_at": "2026-12-01T00:00:00Z",
                }
            ),
        )
        targets.append(target(i))
    return build_plan(targets, state, PlanOptions(now=NOW))


def updated(i: int) -> ApplyEvent:
    return ApplyEvent(EventKind.POST_UPDATED, f"p{i:04d}", "fb", f"r{i}", "update")


def test_time_left_reads_like_a_person_would_say_it() -> None:
    assert [time_left(s) for s in (None, 0.2, 40, 61, 360, 3900)] == [
        "estimating time left",
        "about 1 s left",
        "about 40 s left",
        "about 2 min left",
        "about 6 min left",
        "about 1 h 5 min left",
    ]


def test_the_rate_limit_sets_the_floor_of_the_time_left() -> None:
    progress = ApplyProgress.for_plan(plan_of(updates=2000), batch_size=100, now=0.0)
    assert (progress.total, progress.updates, progress.batches) == (2000, 2000, 0)
    for i in range(200):
        progress.record(updated(i))
    # 200 done after 130 s (one pause): the pace says 20 min, but the 2000th request can
    # go out no sooner than 19 windows of 120 s after the start
    assert progress.seconds_left(130.0) == 19 * 120 - 130
    assert progress_line(progress, 130.0) == "Applied 200/2000 posts, about 36 min left"
    assert progress.seconds_left(19 * 120 + 5) == pytest.approx((19 * 120 + 5) / 200 * 1800)


def test_the_pace_wins_when_it_is_slower_than_the_rate_limit() -> None:
    progress = ApplyProgress.for_plan(plan_of(creates=1000), batch_size=100, now=0.0)
    assert (progress.batches, progress.requests_left) == (10, 30)
    for _ in range(5):
        progress.record(ApplyEvent(EventKind.JOB_DONE, posts=100))
    for i in range(500):
        progress.record(ApplyEvent(EventKind.POST_CREATED, f"p{i:04d}", "fb", "r", "create"))
    assert progress.seconds_left(300.0) == 300.0
    assert progress_line(progress, 300.0) == "Applied 500/1000 posts, about 5 min left"


def test_the_bar_moves_with_each_job_though_one_listing_settles_them_all_at_the_end() -> None:
    # Apply waits for every job, then reads the posts back in one listing: the posts'
    # own events all come after the last job, so a job's posts count when it is done.
    progress = ApplyProgress.for_plan(plan_of(creates=300), batch_size=100, now=0.0)
    progress.record(ApplyEvent(EventKind.JOB_DONE, posts=100))
    assert (progress.done, progress_line(progress, 10.0)) == (
        100, "Applied 100/300 posts, about 20 s left"
    )  # fmt: skip
    progress.record(ApplyEvent(EventKind.JOB_DONE, posts=100))
    progress.record(ApplyEvent(EventKind.JOB_DONE, posts=100))
    assert progress.done == 300
    for i in range(299):
        progress.record(ApplyEvent(EventKind.POST_CREATED, f"p{i:04d}", "fb", "r", "create"))
    progress.record(ApplyEvent(EventKind.POST_FAILED, "p0299", "fb", None, "create", "no"))
    assert (progress.done, progress.failed, progress.ahead) == (300, 1, 0)
    assert progress_line(progress, 30.0) == "Applied 300/300 posts (1 failed)"


def test_plain_progress_prints_whole_lines_at_each_tenth_and_drops_per_post_lines() -> None:
    lines: list[str] = []
    shown = PlainProgress(
        ApplyProgress.for_plan(plan_of(updates=20), batch_size=100, now=0.0),
        lines.append,
        clock=lambda: 10.0,
    )
    for i in range(20):
        shown.message(f"Updating {i + 1}/20: p{i:04d} @ fb")
        shown.event(updated(i))
    shown.message("Rate limit: pausing 12s before the next request to Publer…")
    # 2 done in 10 s: 90 s for the other 18; 4 done: 40 s for the other 16
    assert lines[:2] == [
        "Applied 2/20 posts, about 2 min left",
        "Applied 4/20 posts, about 40 s left",
    ]
    assert lines[-2:] == [
        "Applied 20/20 posts",
        "Rate limit: pausing 12s before the next request to Publer…",
    ]
    assert len(lines) == 11
    assert not any("\x1b" in line or "\r" in line for line in lines)


def test_the_bar_shows_done_total_and_time_left_on_a_terminal() -> None:
    stream = io.StringIO()
    bar = BarProgress(
        ApplyProgress.for_plan(plan_of(updates=4), batch_size=100, now=0.0), stream, lambda: 4.0
    )
    bar.event(updated(0))
    bar.message("Deleting 3 posts…")
    bar.close()
    drawn = stream.getvalue()
    assert "Applying" in drawn and "1/4" in drawn and "25%" in drawn
    assert "about 12 s left" in drawn
    assert "Deleting 3 posts…" in drawn
    assert "\x1b[" in drawn  # a terminal bar: the control characters a pipe never gets


@pytest.mark.parametrize(("count", "listed"), [(LIST_AT_MOST, True), (LIST_AT_MOST + 1, False)])
def test_a_big_plan_is_summed_up_unless_asked_for_in_full(count: int, listed: bool) -> None:
    plan = plan_of(creates=count)
    text = render_text(plan, now=NOW, full=False)
    assert ("  + create   p0000 @ fb (facebook)" in text) is listed
    folded = (
        f"{count} changes, too many to list here (more than 200). See every change with --full, "
        "as JSON with `contentctl plan --format json`, or save the plan with "
        "`contentctl plan --out FILE`."
    )
    assert (folded in text.splitlines()) is not listed
    assert render_text(plan, now=NOW, full=True).count("+ create") == count
