"""Both sides of every switch where Publer's pages disagree (docs/publer-api.md §8).

Each switch is flipped with monkeypatch; the test applies one manifest in process
and checks the bulk body the applier sent and what the sandbox (which reads the
same switch) made of it: the documented choice and the other one are both a shape
contentctl sends and the sandbox takes. Over HTTP the served sandbox keeps the
default side, so the flip is in process only; the default side is also pinned
over HTTP by tests/contract (the examples' golden bodies and
test_contract_youtube_privacy.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import icalendar
import pytest
from switch_support import NOW, applied

from contentctl import publer_facts as facts
from contentctl import publer_switches as switches
from contentctl.report.calendar_ics import render_calendar_ics

HEAD = "at: 2027-03-01T10:00\n"
FACEBOOK_LABELS = f"id: labelled\n{HEAD}accounts: [kc-facebook]\ntext: hi\nlabels: [spring]\n"
LINK = (f"id: linked\n{HEAD}accounts: [kc-facebook]\ntype: link\ntext: read\n"
        "url: https://kettleandcrane.example/blog\n")  # fmt: skip
DOCUMENT = (f"id: deck\n{HEAD}accounts: [kc-linkedin]\ntype: pdf\ntitle: Menu\ntext: flip\n"
            "media:\n  - path: media/tasting-menu.pdf\n")  # fmt: skip
EVENT = (f"id: evening\n{HEAD}accounts: [kc-google]\ntype: event\ntext: come\n"
         "media:\n  - path: media/tasting-room.png\n"
         "details: {title: Tasting, start: '2027-03-25T18:30:00+01:00'}\n")  # fmt: skip
VIDEO = (f"id: guide\n{HEAD}accounts: [kc-youtube]\ntype: video\ntitle: Guide\ntext: how\n"
         "media:\n  - path: media/brew-guide.mp4\ndetails: {privacy: unlisted}\n")  # fmt: skip
SHORT = (f"id: pour\n{HEAD}accounts: [kc-youtube]\ntype: short\ntitle: Pour\ntext: s\n"
         "media:\n  - path: media/first-pour-short.mp4\ndetails: {privacy: private}\n")  # fmt: skip

CASES: list[tuple[str, str, object, str, Any]] = [
    # (switch, manifest, value, provider, what the bulk post holds)
    ("LABELS_ON", FACEBOOK_LABELS, "post", "facebook",
     {"labels": ["contentctl", "spring"], "account_labels": None}),
    ("LABELS_ON", FACEBOOK_LABELS, "accounts", "facebook",
     {"labels": None, "account_labels": ["contentctl", "spring"]}),
    ("LINK_AS_OBJECT", LINK, True, "facebook",
     {"type": "link", "link": {"url": "https://kettleandcrane.example/blog"}, "url": None}),
    ("LINK_AS_OBJECT", LINK, False, "facebook",
     {"type": "link", "link": None, "url": "https://kettleandcrane.example/blog"}),
    ("DOCUMENT_WIRE_TYPE", DOCUMENT, "photo", "linkedin",
     {"type": "photo", "details": {"type": "document"}}),
    ("DOCUMENT_WIRE_TYPE", DOCUMENT, "document", "linkedin", {"type": "document", "details": None}),
    ("GOOGLE_WIRE_TYPE", EVENT, "photo", "google", {"type": "photo", "details.type": "event"}),
    ("GOOGLE_WIRE_TYPE", EVENT, "event", "google", {"type": "event", "details.type": None}),
    ("YOUTUBE_VIDEO_PRIVACY", VIDEO, "top", "youtube",
     {"type": "video", "privacy": "unlisted", "details": None}),
    ("YOUTUBE_VIDEO_PRIVACY", VIDEO, "details", "youtube",
     {"type": "video", "privacy": None, "details": {"privacy": "unlisted"}}),
    # a Short keeps details.privacy whichever way the video switch is set
    ("YOUTUBE_VIDEO_PRIVACY", SHORT, "top", "youtube",
     {"privacy": None, "details": {"type": "short", "privacy": "private"}}),
    ("YOUTUBE_VIDEO_PRIVACY", SHORT, "details", "youtube",
     {"privacy": None, "details": {"type": "short", "privacy": "private"}}),
]  # fmt: skip


def _module(name: str) -> object:
    return switches if hasattr(switches, name) else facts


@pytest.mark.parametrize(("switch", "manifest", "value", "provider", "expected"), CASES)
def test_each_side_of_a_switch_is_sent_and_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    switch: str, manifest: str, value: object, provider: str, expected: dict[str, Any],
) -> None:  # fmt: skip
    monkeypatch.setattr(_module(switch), switch, value)
    run = applied(tmp_path, manifest)
    assert run.failed == []
    (bulk,) = run.bulks()
    (post,) = bulk["posts"]
    entry = post["networks"][provider]
    (account,) = post["accounts"]
    seen = {
        "labels": post.get("labels"),
        "account_labels": account.get("labels"),
        **{key: entry.get(key) for key in expected if key not in ("labels", "account_labels")},
    }
    seen["details.type"] = (entry.get("details") or {}).get("type")
    assert {key: seen[key] for key in expected} == expected
    (held,) = run.posts
    assert (held["account_id"], held["state"]) == (account["id"], "scheduled")


def test_a_misplaced_youtube_privacy_fails_the_way_publer_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # contentctl sends the video's privacy at the top; a sandbox reading the other page
    # refuses it per account inside the complete job, nothing is created
    from contentctl.sandbox import networks

    monkeypatch.setattr(networks, "switches", _Flipped())
    run = applied(tmp_path, VIDEO)
    assert [message for _post, _alias, message in run.failed] == [
        "A YouTube video takes details.privacy, not privacy"
    ]
    assert run.posts == []


class _Flipped:
    """``publer_switches`` as the sandbox would read it with the other video placement."""

    YOUTUBE_VIDEO_PRIVACY = "details"
    YOUTUBE_PRIVACY_VALUES = switches.YOUTUBE_PRIVACY_VALUES


WEEKLY = ("id: tea\nmethod: recurring\nat: 2027-03-01T09:00\naccounts: [kc-facebook]\ntext: tea\n"
          "recurring: {repeat: weekly, days_of_week: %s, start_date: 2027-03-01, "
          "end_date: 2027-03-14}\n")  # fmt: skip


@pytest.mark.parametrize(
    ("numbering", "names_sent", "numbers_shown", "label", "byday"),
    [
        # the recurring page's example: [1] is every Monday, 0 is Sunday
        ("sunday_0", [1, 0], ["2027-03-01", "2027-03-02", "2027-03-08", "2027-03-09"],
         "repeats every week on Monday, Tuesday until 2027-03-14", ["MO", "TU"]),
        # OAS: 0 is Monday, 6 is Sunday
        ("monday_0", [0, 6], ["2027-03-02", "2027-03-03", "2027-03-09", "2027-03-10"],
         "repeats every week on Tuesday, Wednesday until 2027-03-14", ["TU", "WE"]),
    ],
)  # fmt: skip
def test_day_numbering_turns_names_into_publers_numbers_and_numbers_into_the_calendar(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    numbering: str, names_sent: list[int], numbers_shown: list[str], label: str, byday: list[str],
) -> None:  # fmt: skip
    monkeypatch.setattr(switches, "RECURRING_DAY_NUMBERING", numbering)
    names = applied(tmp_path / "names", WEEKLY % "[monday, sunday]")
    assert names.failed == []
    (post,) = names.bulks()[0]["posts"]
    assert post["recurring"]["days_of_week"] == names_sent
    assert names.calendar_days() == ["2027-03-01", "2027-03-07", "2027-03-08", "2027-03-14"]
    # Publer's numbers as written ([1, 2]) go as written; the calendar reads them as
    # the switch counts: Monday and Tuesday, or Tuesday and Wednesday
    numbers = applied(tmp_path / "numbers", WEEKLY % "[1, 2]")
    assert numbers.failed == []
    (post,) = numbers.bulks()[0]["posts"]
    assert post["recurring"]["days_of_week"] == [1, 2]
    assert numbers.calendar_days() == numbers_shown
    assert [entry.repeat for entry in numbers.calendar.entries] == [label]
    ics = icalendar.Calendar.from_ical(render_calendar_ics(numbers.calendar, name="repo"))
    (event,) = ics.walk("VEVENT")
    assert event["RRULE"]["BYDAY"] == byday


def test_validate_says_where_a_youtube_privacy_outside_youtubes_values_is(tmp_path: Path) -> None:
    from manifest_support import make_repo

    from contentctl.validate.checks import check_repo

    text = ("id: v\nat: 2027-03-05T09:00\naccounts: [yt]\ntype: video\ntitle: T\ntext: x\n"
            "media:\n  - path: media/clip.mp4\nnetworks:\n  youtube:\n"
            "    details: {privacy: PUBLIC_TO_EVERYONE}\n")  # fmt: skip
    config = make_repo(tmp_path, {"content/p.yaml": text})
    _, diagnostics = check_repo(config, now=NOW)
    assert [d.render() for d in diagnostics] == [
        "content/p.yaml:11:24: error: YouTube privacy is one of public, private, unlisted, not "
        "'PUBLIC_TO_EVERYONE' [$.networks.youtube.details.privacy]"
    ]
