"""Publer's clock, not ours: the offset read from every answer's Date header, and what it decides.

The client keeps the offset remote − local (the median of the last answers,
whole seconds); the plan judges missed times and the lead Publer needs by
Publer's clock, the journal's hour for a lost answer too, and a plan says one
line when the clocks are more than 30 s apart.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from client_support import Clock, make_client

import contentctl.sandbox as sb
from contentctl.apply.journal import job_may_run
from contentctl.config import load_config
from contentctl.model import Config, JSONObject, Provider
from contentctl.pipeline import plan_against
from contentctl.plan.build import Action, PlanOptions
from contentctl.plan.targets import format_utc
from contentctl.publer import PublerClient
from contentctl.publer.clock import RemoteClock, describe_seconds, parse_http_date
from contentctl.remote_view import RemoteView
from contentctl.state.records import LOST_ANSWER, Intent, State

WORKSPACE = "6650f1c2a1b2c3d4e5f60718"
FB = sb.default_account_id(Provider.FACEBOOK)


def http_date(posix: float) -> str:
    return format_datetime(datetime.fromtimestamp(posix, UTC), usegmt=True)


def dated(skew: float, clock: Clock) -> httpx.MockTransport:
    """Answers whose Date is ``skew`` seconds off the fake local clock."""
    clock.t = 1_700_000_000.5  # Date truncates to the second: a half second off each way

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=[], headers={"Date": http_date(clock.t + skew)})

    return httpx.MockTransport(handler)


@pytest.mark.parametrize("skew", [300, -300, 0])
def test_the_client_reads_publers_time_from_the_date_of_each_answer(skew: int) -> None:
    clock = Clock()
    client = make_client(dated(skew, clock).handler, clock)
    assert client.clock.offset is None
    assert client.remote_now() == datetime.fromtimestamp(clock.t, UTC)  # ours before any answer
    client.accounts()
    assert client.clock.offset == skew
    assert client.remote_now() == datetime.fromtimestamp(clock.t + skew, UTC)
    assert client.request_count == 1


def test_the_offset_is_the_median_of_the_last_answers_so_one_slow_answer_does_not_move_it() -> None:
    local = 1_700_000_000.5
    clock = RemoteClock(lambda: local)
    for remote in (local + 300, local + 301, local + 299, local - 40, local + 300):
        clock.observe(http_date(remote))
    assert clock.offset == 300
    for _ in range(5):  # only the last few count: Publer's clock moved
        clock.observe(http_date(local - 120))
    assert clock.offset == -120


def test_an_answer_without_a_readable_date_changes_nothing() -> None:
    clock = RemoteClock(lambda: 1_700_000_000.0)
    for value in (None, "", "yesterday", "Mon, 99 Foo 2026 25:61:00 GMT"):
        clock.observe(value)
    assert clock.offset is None
    assert (
        parse_http_date("Wed, 02 Dec 2026 03:00:00 GMT")
        == datetime(2026, 12, 2, 3, tzinfo=UTC).timestamp()
    )


def test_a_skew_over_30_seconds_is_one_line_naming_it_and_a_small_one_says_nothing() -> None:
    local = 1_700_000_000.5
    notes = {}
    for skew in (29, -30, 31, 300, -300, 3725):
        clock = RemoteClock(lambda: local)
        clock.observe(http_date(local + skew))
        notes[skew] = clock.skew_note()
    assert notes[29] is None
    assert notes[-30] is None
    assert notes[31] == (
        "Warning: Publer's clock is 31 s ahead of this machine's; times are judged by "
        "Publer's clock (missed times, the minute Publer needs)."
    )
    assert notes[300] is not None and notes[300].startswith(
        "Warning: Publer's clock is 5 min ahead of this machine's;"
    )
    assert notes[-300] is not None and notes[-300].startswith(
        "Warning: Publer's clock is 5 min behind this machine's;"
    )
    assert describe_seconds(3725) == "1 h 2 min 5 s"


@pytest.mark.parametrize(("skew", "may_run"), [(0, True), (-300, True), (300, False)])
def test_the_hour_a_lost_answer_may_still_run_is_counted_on_publers_clock(
    skew: int, may_run: bool
) -> None:
    clock = Clock()
    client = make_client(dated(skew, clock).handler, clock)
    client.accounts()
    sent = datetime.fromtimestamp(clock.t, UTC) - timedelta(minutes=57)  # by Publer's clock
    intent = Intent(format_utc(sent), "schedule", "scheduled", f"{LOST_ANSWER}{format_utc(sent)}",
                    ())  # fmt: skip
    # 57 minutes ago on Publer's clock: 62 when Publer is 5 minutes ahead of us
    assert job_may_run(intent, client.remote_now()) is may_run


def _config(tmp_path: Path) -> Config:
    (tmp_path / "contentctl.yaml").write_text(
        f"workspace: {WORKSPACE}\nendpoint: sandbox\ntimezone: Europe/Berlin\ncontent: posts\n"
        f"accounts:\n  fb: {{id: {FB}, provider: facebook}}\n",
        encoding="utf-8",
    )
    return load_config(tmp_path / "contentctl.yaml", {})


@contextmanager
def skewed_sandbox(config: Config, skew: timedelta) -> Iterator[PublerClient]:
    transport = sb.in_process_transport(
        config, db=":memory:", clock=lambda: datetime.now(UTC) + skew, rate_limit=None
    )
    with PublerClient(
        sb.IN_PROCESS_BASE_URL, sb.SANDBOX_API_KEY, WORKSPACE, transport=transport
    ) as client:
        yield client


@pytest.mark.parametrize(
    ("minutes", "action"), [(5, Action.BLOCKED), (-5, Action.CREATE), (0, Action.CREATE)]
)
def test_a_post_ahead_of_our_clock_but_behind_publers_is_missed_not_sent(
    tmp_path: Path, minutes: int, action: Action
) -> None:
    config = _config(tmp_path)
    at = (datetime.now(UTC) + timedelta(minutes=3)).astimezone(ZoneInfo("Europe/Berlin"))
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "soon.yaml").write_text(
        f"id: soon\nat: {at:%Y-%m-%dT%H:%M}\naccounts: [fb]\ntext: Soon\n", encoding="utf-8"
    )
    with skewed_sandbox(config, timedelta(minutes=minutes)) as client:
        plan = plan_against(
            config, State(0, "lineage", WORKSPACE), PlanOptions(), view=RemoteView(client)
        ).plan
    (change,) = plan.changes
    assert change.action is action
    if action is Action.BLOCKED:
        assert change.reason.startswith("missed: its time ")
    side = {5: "ahead of", -5: "behind"}.get(minutes)
    warnings = [n for n in plan.notes if n.startswith("Warning: Publer's clock")]
    assert warnings == ([] if side is None else [
        f"Warning: Publer's clock is 5 min {side} this machine's; times are judged by "
        "Publer's clock (missed times, the minute Publer needs)."
    ])  # fmt: skip


def test_apply_does_not_send_a_post_whose_time_came_inside_the_lead_since_the_plan(
    tmp_path: Path,
) -> None:
    """Planned while 90 s ahead; by the time apply sends, Publer's clock has it 30 s ahead."""
    from apply_support import NOW, bench, target

    from contentctl.apply.applier import Applier
    from contentctl.plan.build import build_plan

    soon, later = target("soon"), target("later", minutes=60)
    at: JSONObject = {"scheduled_at": format_utc(NOW + timedelta(seconds=90))}
    soon = replace(soon, spec={**soon.spec, "account": at}, given_hash="")
    with bench(tmp_path) as b:
        plan = build_plan([soon, later], b.store.load(), PlanOptions(now=NOW))
        assert [c.action for c in plan.changes] == [Action.CREATE, Action.CREATE]
        applier = Applier(b.config, b.store, b.store.load(), b.client, b.progress.append,
                          lambda: NOW + timedelta(seconds=60))  # fmt: skip
        report = applier.run(plan)
        assert report.summary() == "Apply complete: 1 created, 0 updated, 0 deleted, 0 failed."
        assert [p["text"] for p in b.sandbox.posts()] == ["Hello from later"]
        assert (
            "Not sent: soon @ fb: its time is no longer a minute ahead on Publer's clock (missed)"
            in b.progress
        )
        a_minute_on = PlanOptions(now=NOW + timedelta(minutes=1))
        again = build_plan([soon, later], b.store.load(), a_minute_on)
        assert {c.post_id: c.action for c in again.changes}["soon"] is Action.BLOCKED
