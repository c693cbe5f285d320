"""contentctl calendar: entries from the plan, recurring rules, the HTML page, ICS and JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import icalendar
import pytest
from click.testing import CliRunner, Result

from contentctl.cli import cli
from contentctl.config import load_config
from contentctl.model import Method
from contentctl.plan.build import Action, Change, Plan
from contentctl.report.calendar import (
    Lane,
    build_calendar,
    calendar_to_json,
    method_of,
    recurring_occurrences,
    repeat_label,
)
from contentctl.report.calendar_html import render_calendar_html
from contentctl.report.calendar_ics import render_calendar_ics

CONFIG = """\
workspace: 6650f1c2a1b2c3d4e5f60718
endpoint: sandbox
timezone: Europe/Berlin
content: posts
accounts:
  fb: {id: 65f0a1b2c3d4e5f607180001, provider: facebook, name: ACME on Facebook}
  masto: {id: 65f0a1b2c3d4e5f607180004, provider: mastodon}
"""
POSTS = """\
posts:
  - id: launch
    at: 2099-03-01T09:00
    accounts: [fb, masto]
    type: status
    text: "Launch <b>day</b> & \\"more\\""
  - id: in-new-york
    at: 2099-03-01T09:00
    timezone: America/New_York
    accounts: [masto]
    type: status
    text: Hello New York
  - id: weekly
    method: recurring
    at: 2099-03-02T08:00
    accounts: [fb]
    type: status
    text: Every Monday
    recurring: {repeat: weekly, days_of_week: [1], start_date: 2099-03-02, end_date: 2099-03-23}
  - id: idea
    method: draft_private
    text: Some day
  - id: soon
    method: publish_now
    accounts: [masto]
    text: Right away
"""


def repo(tmp_path: Path, posts: str = POSTS) -> Path:
    (tmp_path / "posts").mkdir()
    (tmp_path / "contentctl.yaml").write_text(CONFIG, "utf-8")
    (tmp_path / "posts" / "p.yaml").write_text(posts, "utf-8")
    return tmp_path


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["-C", str(root), *args])


def entries_json(root: Path) -> list[dict[str, Any]]:
    result = run(root, "calendar", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["format_version"] == 1
    assert list(document) == ["format_version", "entries"]
    entries: list[dict[str, Any]] = document["entries"]
    return entries


# -- recurring rules ----------------------------------------------------------------


def local_times(rule: dict[str, Any], at: str = "2099-03-02T07:00:00+00:00") -> list[str]:
    moments = recurring_occurrences(datetime.fromisoformat(at), "Europe/Berlin", rule)
    return [m.astimezone(UTC).isoformat(timespec="minutes") for m in moments]


def test_weekly_days_count_from_sunday_and_keep_the_wall_clock_across_dst() -> None:
    rule = {
        "repeat": "weekly",
        "days_of_week": [0, 1],
        "start_date": "2099-03-22",
        "end_date": "2099-04-06",
    }
    # 08:00 in Berlin: 07:00 UTC in winter, 06:00 UTC from 29 March 2099 on
    assert local_times(rule, "2099-03-22T07:00:00+00:00") == [
        "2099-03-22T07:00+00:00",  # Sunday
        "2099-03-23T07:00+00:00",  # Monday
        "2099-03-29T06:00+00:00",
        "2099-03-30T06:00+00:00",
        "2099-04-05T06:00+00:00",
        "2099-04-06T06:00+00:00",
    ]


def test_every_other_day_and_monthly_on_a_day_some_months_lack() -> None:
    daily = {
        "repeat": "daily",
        "repeat_rate": 2,
        "start_date": "2099-01-01",
        "end_date": "2099-01-07",
    }
    assert [t[:10] for t in local_times(daily)] == [
        "2099-01-01",
        "2099-01-03",
        "2099-01-05",
        "2099-01-07",
    ]
    monthly = {"repeat": "monthly", "start_date": "2099-01-31", "end_date": "2099-05-31"}
    assert [t[:10] for t in local_times(monthly)] == ["2099-01-31", "2099-03-31", "2099-05-31"]
    yearly = {
        "repeat": "yearly",
        "repeat_rate": 2,
        "start_date": "2099-06-01",
        "end_date": "2104-01-01",
    }
    assert [t[:10] for t in local_times(yearly)] == ["2099-06-01", "2101-06-01", "2103-06-01"]


def test_a_rule_without_end_date_is_shown_for_90_days_and_says_so() -> None:
    rule = {"repeat": "weekly", "start_date": "2099-03-02"}  # a Monday: weekly on Mondays
    times = local_times(rule)
    assert (times[0][:10], times[-1][:10], len(times)) == ("2099-03-02", "2099-05-25", 13)
    assert repeat_label(Method.RECURRING, {"recurring": rule}, has_time=True) == (
        "repeats every week, no end date (shown for 90 days)"
    )


@pytest.mark.parametrize(
    ("method", "options", "label"),
    [
        (
            Method.RECURRING,
            {
                "recurring": {
                    "repeat": "weekly",
                    "repeat_rate": 2,
                    "days_of_week": [5, 1],
                    "start_date": "2099-01-01",
                    "end_date": "2099-02-01",
                }
            },
            "repeats every 2 weeks on Monday, Friday until 2099-02-01",
        ),
        (
            Method.RECYCLING,
            {"recycling": {"gap": 4, "gap_freq": "Week", "expire_count": 6}},
            "recycling: re-shared every 4 weeks, 6 times",
        ),
        (
            Method.AUTO,
            {"auto": True, "range": {"start_date": "2099-04-01", "end_date": "2099-04-30"}},
            "auto: Publer picks a slot between 2099-04-01 and 2099-04-30",
        ),
        (Method.PUBLISH_NOW, {}, "publishes when apply runs"),
        (Method.DRAFT, {}, "draft without a time"),
        (Method.DRAFT_PUBLIC, {}, "idea (public)"),
        (Method.SCHEDULED, {}, ""),
    ],
)
def test_repeat_labels(method: Method, options: dict[str, Any], label: str) -> None:
    assert repeat_label(method, options, has_time=False) == label


@pytest.mark.parametrize(
    ("spec", "method"),
    [
        ({"endpoint": "publish", "bulk_state": "scheduled"}, Method.PUBLISH_NOW),
        ({"endpoint": "schedule", "bulk_state": "draft_public"}, Method.DRAFT_PUBLIC),
        ({"endpoint": "schedule", "bulk_state": "recurring"}, Method.RECURRING),
        ({"endpoint": "schedule", "bulk_state": "scheduled", "post": {"auto": True}}, Method.AUTO),
        (
            {"endpoint": "schedule", "bulk_state": "scheduled", "post": {"recycling": {}}},
            Method.RECYCLING,
        ),
        (
            {"endpoint": "schedule", "bulk_state": "scheduled", "post": {"labels": ["a"]}},
            Method.SCHEDULED,
        ),
    ],
)
def test_the_method_is_read_back_from_the_spec(spec: dict[str, Any], method: Method) -> None:
    assert method_of(spec) == method


# -- entries through the CLI ----------------------------------------------------------


def test_json_lists_every_post_and_account_at_its_local_time(tmp_path: Path) -> None:
    entries = entries_json(repo(tmp_path))
    shown = [(e["post_id"], e["alias"], e["lane"], e["at"], e["change"]) for e in entries]
    assert shown == [
        ("launch", "fb", "calendar", "2099-03-01T09:00+01:00", "create"),
        ("launch", "masto", "calendar", "2099-03-01T09:00+01:00", "create"),
        ("in-new-york", "masto", "calendar", "2099-03-01T09:00-05:00", "create"),
        ("weekly", "fb", "calendar", "2099-03-02T08:00+01:00", "create"),
        ("idea", None, "drafts", None, "create"),
        ("soon", "masto", "untimed", None, "create"),
    ]
    weekly = entries[3]
    assert weekly["occurrences"] == [
        "2099-03-02T08:00+01:00",
        "2099-03-09T08:00+01:00",
        "2099-03-16T08:00+01:00",
        "2099-03-23T08:00+01:00",
    ]
    assert weekly["repeat"] == "repeats every week on Monday until 2099-03-23"
    assert entries[0] | {"source": None} == {
        "post_id": "launch",
        "alias": "fb",
        "account_name": "ACME on Facebook",
        "account_id": "65f0a1b2c3d4e5f607180001",
        "provider": "facebook",
        "network": "Facebook",
        "method": "scheduled",
        "lane": "calendar",
        "timezone": "Europe/Berlin",
        "at": "2099-03-01T09:00+01:00",
        "at_utc": "2099-03-01T08:00:00Z",
        "occurrences": ["2099-03-01T09:00+01:00"],
        "repeat": None,
        "type": "status",
        "title": "",
        "text": 'Launch <b>day</b> & "more"',
        "change": "create",
        "reason": "",
        "status": None,
        "remote_id": None,
        "post_link": None,
        "source": None,
    }
    assert entries[0]["source"] == "posts/p.yaml:2:5"


def test_json_leaves_stdout_to_the_document_and_writes_no_page(tmp_path: Path) -> None:
    root = repo(tmp_path)
    result = run(root, "calendar", "--format", "json", "--ics", "cal.ics")
    assert result.exit_code == 0
    assert result.stderr == "Wrote the iCalendar file to cal.ics\n"
    assert not (root / "contentctl-calendar.html").exists()
    assert (root / "cal.ics").exists()


def test_the_page_goes_beside_contentctl_yaml_by_default(tmp_path: Path) -> None:
    root = repo(tmp_path)
    result = run(root / "posts", "calendar")
    assert (result.exit_code, result.stdout) == (
        0,
        f"Wrote the calendar of 5 posts to {root / 'contentctl-calendar.html'}\n",
    )
    page = (root / "contentctl-calendar.html").read_text("utf-8")
    assert page.startswith("<!doctype html>")
    assert "<script" not in page and "http://" not in page and "https://" not in page


def test_invalid_manifests_are_refused_as_plan_refuses_them(tmp_path: Path) -> None:
    root = repo(tmp_path, "id: broken\nat: 2099-03-01T09:00\naccounts: [fb]\ntype: status\n")
    result = run(root, "calendar")
    assert result.exit_code == 1
    assert result.stderr == (
        "contentctl: error: the manifests have errors (posts/p.yaml:1:1: error: a status post "
        "needs text [$]); run `contentctl validate`\n"
    )


# -- the page and the ICS, from a plan with every kind of change -----------------------------


def plan_with_changes(tmp_path: Path) -> tuple[Any, Plan]:
    from contentctl import pipeline
    from contentctl.plan.build import PlanOptions
    from contentctl.state.store import StateStore

    root = repo(tmp_path)
    config = load_config(root / "contentctl.yaml", {})
    now = datetime(2098, 1, 1, tzinfo=UTC)
    plan, _ = pipeline.make_plan(config, StateStore(config.state_path).load(), PlanOptions(now=now))
    first, *rest = plan.changes
    removed = Change(
        "gone",
        "fb",
        "facebook",
        Action.DELETE,
        "removed from the manifests",
        before={
            "provider": "facebook",
            "account_id": "65f0a1b2c3d4e5f607180001",
            "scheduled_at": "2099-03-05T16:30:00Z",
            "status": "scheduled",
            "remote_id": "r-1",
            "post_link": "javascript:alert(1)",
            "spec": {
                "endpoint": "schedule",
                "bulk_state": "scheduled",
                "network": {"type": "status", "text": "Old </li> text"},
            },
        },
    )
    blocked = Change(
        first.post_id, first.alias, first.provider, Action.BLOCKED, "published", target=first.target
    )
    changes = (blocked, *rest, removed)
    return config, Plan(changes, now, "", 0)


def test_the_page_highlights_changes_and_escapes_every_text(tmp_path: Path) -> None:
    config, plan = plan_with_changes(tmp_path)
    cal = build_calendar(plan, config)
    page = render_calendar_html(cal, title="<repo>")
    assert "<title>&lt;repo&gt;</title>" in page
    assert "Launch &lt;b&gt;day&lt;/b&gt; &amp; &quot;more&quot;" in page
    assert "<b>day" not in page and "Old </li>" not in page and "javascript:" not in page
    gone = [line for line in page.split("<li ") if 'data-post="gone"' in line]
    assert len(gone) == 2  # month and week view, at its old local time
    assert all(
        "change-delete" in li and '<time datetime="2099-03-05T17:30+01:00">17:30 CET' in li
        for li in gone
    )
    blocked = [li for li in page.split("<li ") if 'data-post="launch" data-account="fb"' in li]
    assert all('class="entry net-facebook change-blocked method-scheduled"' in li for li in blocked)
    lanes = page.split("<aside>")[1]
    assert 'data-post="idea" data-account="idea"' in lanes
    assert 'data-post="soon" data-account="masto"' in lanes
    assert "Plan: 5 to create, 0 to update, 0 to replace, 1 to delete, 1 blocked." in page


def test_the_ics_has_one_event_per_dated_post_and_account(tmp_path: Path) -> None:
    config, plan = plan_with_changes(tmp_path)
    cal = build_calendar(plan, config)
    parsed = icalendar.Calendar.from_ical(render_calendar_ics(cal, name="repo"))
    events = {str(e["UID"]): e for e in parsed.walk("VEVENT")}
    assert sorted(events) == [
        "gone.fb@contentctl",
        "in-new-york.masto@contentctl",
        "launch.fb@contentctl",
        "launch.masto@contentctl",
        "weekly.fb@contentctl",
    ]
    ny = events["in-new-york.masto@contentctl"]
    assert ny["DTSTART"].to_ical() == b"20990301T090000"
    assert ny["DTSTART"].params["TZID"] == "America/New_York"
    assert str(ny["SUMMARY"]) == "[create] in-new-york · Mastodon @ masto"
    assert str(ny["DESCRIPTION"]) == (
        "Hello New York\n\nMastodon account masto\nplan: create\nsource: posts/p.yaml:7:5"
    )
    assert str(events["gone.fb@contentctl"]["STATUS"]) == "CANCELLED"
    assert "URL" not in events["gone.fb@contentctl"]  # only http(s) links are kept
    assert events["weekly.fb@contentctl"]["RRULE"].to_ical() == (
        b"FREQ=WEEKLY;UNTIL=20990323T225959Z;INTERVAL=1;BYDAY=MO"
    )
    assert {tz["TZID"] for tz in parsed.walk("VTIMEZONE")} == {"Europe/Berlin", "America/New_York"}


def test_idea_and_untimed_entries_are_in_their_lanes(tmp_path: Path) -> None:
    config, plan = plan_with_changes(tmp_path)
    cal = build_calendar(plan, config)
    lanes = {(e.post_id, e.lane) for e in cal.entries if e.lane is not Lane.CALENDAR}
    assert lanes == {("idea", Lane.DRAFTS), ("soon", Lane.UNTIMED)}
    assert (cal.first_day, cal.last_day) == (
        datetime(2099, 3, 1).date(),
        datetime(2099, 3, 23).date(),
    )
    assert [e["post_id"] for e in calendar_to_json(cal)["entries"]][-2:] == ["idea", "soon"]


def test_version_does_not_import_the_calendar_libraries() -> None:
    code = (
        "import sys; from contentctl.cli import main\n"
        "try: main(['--version'])\n"
        "except SystemExit: pass\n"
        "print(sorted(m for m in ('icalendar', 'contentctl.report.calendar') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines()[-1] == "[]"
