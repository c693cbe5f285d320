"""The calendar of examples/content as a person sees it: opened in Debian's Chromium.

The examples are applied to the embedded sandbox, then edited (a text, a time,
a removed post, a new post with hostile text) so the plan has every kind of
change. The page's DOM, as Chromium builds it, must list every post and
account at its local time, computed here from the manifests alone; its
highlights must be the actions `contentctl plan --format json` reports; the
screenshot is kept under tmp_path; the ICS file is read back with icalendar.
"""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "content"
CHROMIUM = Path("/usr/bin/chromium")
HOSTILE = '<script>document.title="owned"</script> & <b>"bold"</b> @everyone'
UNTIMED = {"draft", "draft_private", "draft_public"}  # without `at`: the drafts lane


def contentctl(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "contentctl", "-C", str(repo), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result


def chromium(*args: str) -> subprocess.CompletedProcess[str]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run scripts/ensure-chromium.sh (`make test` runs it first)"
        )
    return subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


# -- what the manifests say, read here without contentctl ----------------------------------


@dataclass(frozen=True)
class Expected:
    dated: set[tuple[str, str, str, str]] = field(default_factory=set)  # post, alias, iso, shown
    lanes: set[tuple[str, str, str]] = field(default_factory=set)  # lane id, post, alias


def _local(value: str, zone: ZoneInfo) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed.astimezone(zone) if parsed.tzinfo else parsed.replace(tzinfo=zone)


def _weekly(rule: dict[str, Any], clock: datetime, zone: ZoneInfo) -> list[datetime]:
    assert rule["repeat"] == "weekly", "this test reads only the weekly rules the examples use"
    # a day name, or Publer's number: 0 = Sunday, as Publer's "every Monday" = [1]
    names = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
    days = {names.index(d) if isinstance(d, str) else int(d) for d in rule["days_of_week"]}
    day, last = date.fromisoformat(rule["start_date"]), date.fromisoformat(rule["end_date"])
    out = []
    while day <= last:
        if day.isoweekday() % 7 in days:
            out.append(datetime.combine(day, clock.time(), tzinfo=zone))
        day += timedelta(days=1)
    return out


def expected_from_manifests(repo: Path) -> Expected:
    config = yaml.load((repo / "contentctl.yaml").read_text("utf-8"), Loader=yaml.BaseLoader)
    expected = Expected()
    for path in sorted((repo / config["content"]).rglob("*.yaml")):
        for document in yaml.load_all(path.read_text("utf-8"), Loader=yaml.BaseLoader):
            for post in document.get("posts", [document]):
                zone = ZoneInfo(post.get("timezone", config["timezone"]))
                method = post.get("method", "scheduled")
                # an account entry is an alias or {alias, labels}
                entries = post.get("accounts") or ["idea"]
                aliases = [a if isinstance(a, str) else a["alias"] for a in entries]
                if "at" not in post:
                    lane = "lane-drafts" if method in UNTIMED else "lane-untimed"
                    expected.lanes.update((lane, post["id"], alias) for alias in aliases)
                    continue
                first = _local(post["at"], zone)
                moments = (
                    _weekly(post["recurring"], first, zone) if method == "recurring" else [first]
                )
                for moment in moments:
                    shown = f"{moment:%H:%M} {moment.tzname()}"
                    iso = moment.isoformat(timespec="minutes")
                    expected.dated.update((post["id"], alias, iso, shown) for alias in aliases)
    return expected


# -- what the browser shows -----------------------------------------------------------------


@dataclass
class Shown:
    view: str  # "month", "week" or the lane's id
    post: str
    account: str
    change: str
    time_attr: str = ""
    time_text: str = ""
    text: str = ""


class EntryParser(HTMLParser):
    """Every li.entry of the dumped DOM, with the view it is in and its <time>."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[Shown] = []
        self.views: list[tuple[int, str]] = []  # (depth, view) of open view sections
        self.depth = 0
        self.current: Shown | None = None
        self.entry_depth = -1
        self.in_time = False
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.tags.append(tag)
        self.depth += 1
        classes = values.get("class", "").split()
        if tag == "section" and "month-view" in classes:
            self.views.append((self.depth, "month"))
        elif tag == "section" and "week-view" in classes:
            self.views.append((self.depth, "week"))
        elif tag == "section" and values.get("id", "").startswith("lane-"):
            self.views.append((self.depth, values["id"]))
        if tag == "li" and "entry" in classes:
            self.current = Shown(
                view=self.views[-1][1],
                post=values["data-post"],
                account=values["data-account"],
                change=values["data-change"],
            )
            self.entry_depth = self.depth
        if tag == "time" and self.current is not None:
            self.current.time_attr = values["datetime"]
            self.in_time = True

    def handle_endtag(self, tag: str) -> None:
        self.tags.pop()
        if tag == "time":
            self.in_time = False
        if self.current is not None and self.depth == self.entry_depth and tag == "li":
            self.entries.append(self.current)
            self.current = None
        if self.views and self.views[-1][0] == self.depth:
            self.views.pop()
        self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.current is not None:
            self.current.text += data
            if self.in_time:
                self.current.time_text += data


def edit_examples(repo: Path) -> None:
    """After an apply: one text edited, one time moved, one post removed, one post added."""
    video = repo / "posts" / "video.yaml"
    video.write_text(video.read_text("utf-8").replace("15 seconds of spring.", "20 seconds."))
    local = repo / "posts" / "local.yaml"
    local.write_text(
        local.read_text("utf-8").replace("at: 2027-03-16T07:30", "at: 2027-03-16T08:15")
    )
    methods = repo / "posts" / "methods.yaml"
    text = methods.read_text("utf-8")
    methods.write_text(text[: text.index("  # A GIF for the chattier channels.")])
    (repo / "posts" / "extra.yaml").write_text(
        "id: hostile-text\nat: 2027-03-09T12:00\naccounts: [kc-mastodon]\ntype: status\n"
        f"text: {json.dumps(HOSTILE)}\n",
        encoding="utf-8",
    )


def test_the_browser_shows_every_post_and_account_at_its_local_time(tmp_path: Path) -> None:
    repo = tmp_path / "content"
    shutil.copytree(EXAMPLES, repo)
    contentctl(repo, "apply", "--auto-approve")
    edit_examples(repo)
    plan = json.loads(contentctl(repo, "plan", "--format", "json").stdout)
    actions = {(c["post_id"], c["alias"]): c["action"] for c in plan["changes"]}
    assert {"create", "update", "replace", "delete"} <= set(actions.values())
    made = contentctl(repo, "calendar", "--out", "cal.html", "--ics", "cal.ics")
    posts = len({post for post, _ in actions})  # the manifests' posts and the removed one
    assert made.stdout == (
        f"Wrote the calendar of {posts} posts to cal.html\nWrote the iCalendar file to cal.ics\n"
    )
    page = repo / "cal.html"

    dom = chromium("--dump-dom", page.as_uri()).stdout
    parser = EntryParser()
    parser.feed(dom)
    shown = parser.entries
    expected = expected_from_manifests(repo)
    assert expected.dated and expected.lanes
    removed = {("steam-gif", "kc-mastodon"), ("steam-gif", "kc-telegram")}
    for view in ("month", "week"):
        in_view = [e for e in shown if e.view == view]
        seen = {(e.post, e.account, e.time_attr, e.time_text) for e in in_view}
        kept = {e for e in seen if (e[0], e[1]) not in removed}
        assert kept == expected.dated, view
        gone = {(e.post, e.account, e.change) for e in in_view if (e.post, e.account) in removed}
        assert gone == {(p, a, "delete") for p, a in removed}, view  # at its old time, marked
    lanes = {(e.view, e.post, e.account) for e in shown if e.view.startswith("lane-")}
    assert lanes == expected.lanes
    for entry in shown:
        alias = "-" if entry.account == "idea" else entry.account
        assert entry.change == actions[(entry.post, alias)], entry
    # the hostile text is shown as written, not run or rendered
    assert 'document.title="owned"' not in dom.split("<body>")[0]
    assert "<script" not in dom.lower()
    hostile = [e for e in shown if e.post == "hostile-text"]
    assert hostile and all(HOSTILE in e.text for e in hostile)

    screenshot = tmp_path / "calendar.png"
    chromium(
        "--hide-scrollbars", "--window-size=1400,1800", f"--screenshot={screenshot}", page.as_uri()
    )
    header = screenshot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", header[16:24]) == (1400, 1800)

    events = icalendar.Calendar.from_ical((repo / "cal.ics").read_bytes()).walk("VEVENT")
    by_uid = {str(e["UID"]): e for e in events}
    firsts: dict[tuple[str, str], str] = {}
    for post, alias, iso, _ in sorted(expected.dated):
        firsts.setdefault((post, alias), iso)
    for post, alias in removed:
        firsts[(post, alias)] = "2027-03-22T15:00+01:00"
    assert set(by_uid) == {f"{post}.{alias}@contentctl" for post, alias in firsts}
    for (post, alias), iso in firsts.items():
        event = by_uid[f"{post}.{alias}@contentctl"]
        start = event.decoded("DTSTART")
        assert start.isoformat(timespec="minutes") == iso
        zone = "America/New_York" if post == "poll-favourite-blend" else "Europe/Berlin"
        assert event["DTSTART"].params["TZID"] == zone
        assert post in str(event["SUMMARY"])
        assert str(event["STATUS"]) == (
            "CANCELLED"
            if (post, alias) in removed
            else "TENTATIVE"
            if post == "draft-team-portrait"
            else "CONFIRMED"
        )
    matcha = by_uid["monday-matcha.kc-telegram@contentctl"]
    assert matcha["RRULE"].to_ical() == b"FREQ=WEEKLY;UNTIL=20270628T215959Z;INTERVAL=1;BYDAY=MO"
    assert "Matcha Monday" in str(matcha["DESCRIPTION"])
    assert str(by_uid["hostile-text.kc-mastodon@contentctl"]["DESCRIPTION"]).startswith(HOSTILE)
