"""A ``Calendar`` in, an iCalendar (RFC 5545) document out, written with ``icalendar``.

One VEVENT per dated post × account: UID ``<post id>.<alias>@contentctl``
(stable across runs, so a calendar app that imports the file again updates
its events instead of adding copies), DTSTART at the local time with its
TZID (and the VTIMEZONE it needs), SUMMARY, DESCRIPTION (the text, how it
repeats, what the plan would do, where it comes from). A recurring post is
one event with an RRULE, so calendar apps show every occurrence; a post the
plan deletes is STATUS:CANCELLED, a dated draft TENTATIVE. Posts with no time
(undated drafts, ideas, publish now, auto) have no place in a calendar file
and are left out. ``icalendar`` is imported here only, when a file is asked
for, so ``contentctl --version`` stays fast.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, time, timedelta
from typing import Any

from contentctl.manifest.times import parse_date
from contentctl.model import Method
from contentctl.plan.build import Action
from contentctl.publer_switches import weekday_of
from contentctl.report.calendar import DRAFT_METHODS, Calendar, Entry, Lane

PRODID = "-//contentctl//calendar//EN"
# Posts have no length; a short block keeps them visible in calendar apps.
EVENT_LENGTH = timedelta(minutes=15)
ZONE_RULES_AHEAD = timedelta(days=5 * 366)
_FREQ = {"daily": "DAILY", "weekly": "WEEKLY", "monthly": "MONTHLY", "yearly": "YEARLY"}
_BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # by weekday_of (publer_switches)


def event_uid(entry: Entry) -> str:
    return f"{entry.post_id}.{entry.alias}@contentctl"


def render_calendar_ics(cal: Calendar, *, name: str) -> bytes:
    """The iCalendar file of ``cal``; ``name`` is the calendar's name in calendar apps."""
    import icalendar

    document = icalendar.Calendar()
    document.add("prodid", PRODID)
    document.add("version", "2.0")
    document.add("calscale", "GREGORIAN")
    document.add("x-wr-calname", name)
    for entry in cal.entries:
        if entry.lane is not Lane.CALENDAR or not entry.occurrences:
            continue
        document.add_component(_event(icalendar, entry, cal))
    if cal.first_day is not None and cal.last_day is not None:
        # the zones' rules for the shown span, and years beyond for rules without an end
        first, last = cal.first_day - timedelta(days=366), cal.last_day + ZONE_RULES_AHEAD
        document.add_missing_timezones(first_date=first, last_date=last)
    data: bytes = document.to_ical()
    return data


def _event(icalendar: Any, entry: Entry, cal: Calendar) -> Any:
    event = icalendar.Event()
    event.add("uid", event_uid(entry))
    event.add("dtstamp", cal.created_at)
    start = entry.local(entry.occurrences[0])
    event.add("dtstart", start)
    event.add("duration", EVENT_LENGTH)
    prefix = "" if entry.change is Action.NOOP else f"[{entry.change.value}] "
    event.add("summary", f"{prefix}{entry.post_id} · {entry.network} @ {entry.alias}")
    event.add("description", _description(entry))
    event.add("categories", [entry.network, entry.method.value])
    if entry.change is Action.DELETE:
        event.add("status", "CANCELLED")
    elif entry.method in DRAFT_METHODS:
        event.add("status", "TENTATIVE")
    else:
        event.add("status", "CONFIRMED")
    if entry.post_link.startswith(("https://", "http://")):
        event.add("url", entry.post_link)
    if entry.method is Method.RECURRING and entry.rule:
        rrule = _rrule(entry.rule, start)
        if rrule:
            event.add("rrule", rrule)
    return event


def _rrule(rule: Mapping[str, Any], start: datetime) -> dict[str, Any]:
    freq = _FREQ.get(str(rule.get("repeat")))
    if freq is None:
        return {}
    rrule: dict[str, Any] = {"freq": freq, "interval": int(rule.get("repeat_rate") or 1)}
    if freq == "WEEKLY" and rule.get("days_of_week"):
        weekdays = sorted({weekday_of(d) for d in rule["days_of_week"]}, key=lambda w: (w + 1) % 7)
        rrule["byday"] = [_BYDAY[w] for w in weekdays]
    if rule.get("end_date"):
        last = parse_date(str(rule["end_date"]))
        # RFC 5545: with a zoned DTSTART, UNTIL is given in UTC
        end = datetime.combine(last, time(23, 59, 59), tzinfo=start.tzinfo)
        rrule["until"] = end.astimezone(UTC)
    return rrule


def _description(entry: Entry) -> str:
    lines = []
    if entry.title:
        lines.append(entry.title)
    if entry.text:
        lines.append(entry.text.rstrip("\n"))
    lines.append("")
    lines.append(
        f"{entry.network} account {entry.alias}"
        + (f" ({entry.account_name})" if entry.account_name else "")
    )
    if entry.repeat:
        lines.append(entry.repeat)
    if entry.change is not Action.NOOP:
        lines.append(f"plan: {entry.change.value}" + (f" ({entry.reason})" if entry.reason else ""))
    if entry.status:
        lines.append(f"state: {entry.status}")
    lines.append(f"source: {entry.source or 'removed from the manifests'}")
    return "\n".join(lines).strip("\n")
