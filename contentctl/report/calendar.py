"""A Plan in, a ``Calendar`` out: every post × account placed at its local time.

The calendar is read off the same ``Plan`` that ``contentctl plan`` shows (its
targets are the manifests' posts, its ``before`` entries the state's remote
ids and links, its actions what apply would change), so it needs no remote.
Each ``Entry`` keeps its post's IANA timezone: it is shown on its local date at
its local time. Posts with no time go to a lane: drafts and ideas, or "no fixed
time" (publish now, auto-scheduled within a range). Recurring posts are
expanded into their occurrences (up to ``end_date``, or ``RECURRING_DAYS``
from ``start_date`` when there is none); recycling posts sit at their first
publication with a label saying how they repeat. ``calendar_to_json`` is the
versioned JSON of ``contentctl calendar --format json``; ``calendar_html`` and
``calendar_ics`` render the same value.
"""

from __future__ import annotations

import calendar as stdlib_calendar
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from contentctl.manifest.times import parse_date
from contentctl.model import Config, Method
from contentctl.plan.build import Action, Change, Plan
from contentctl.plan.targets import NO_ACCOUNT, Endpoint, parse_utc
from contentctl.publer_switches import DAY_NAMES, weekday_of

CALENDAR_FORMAT_VERSION = 1
RECURRING_DAYS = 90  # how far a recurring post without end_date is shown
MAX_OCCURRENCES = 400  # per post × account: a daily rule must not make the page huge

NETWORK_NAMES: Mapping[str, str] = {
    "facebook": "Facebook",
    "instagram": "Instagram",
    "twitter": "X",
    "linkedin": "LinkedIn",
    "pinterest": "Pinterest",
    "youtube": "YouTube",
    "tiktok": "TikTok",
    "google": "Google Business",
    "wordpress": "WordPress",
    "telegram": "Telegram",
    "mastodon": "Mastodon",
    "threads": "Threads",
    "bluesky": "Bluesky",
    "default": "Idea",
}
# By Python's weekday (0 = Monday); a rule's days are read through
# ``publer_switches.weekday_of`` (day names, or Publer's numbers as the switch counts them).
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DRAFT_METHODS = frozenset({Method.DRAFT, Method.DRAFT_PRIVATE, Method.DRAFT_PUBLIC})


class Lane(StrEnum):
    """Where an entry is shown."""

    CALENDAR = "calendar"  # at its local time
    DRAFTS = "drafts"  # undated drafts and ideas
    UNTIMED = "untimed"  # publish now, auto-scheduled: Publer decides when


@dataclass(frozen=True)
class Entry:
    """One post on one account (or an idea), as the calendar shows it."""

    post_id: str
    alias: str  # NO_ACCOUNT for an idea
    account_name: str
    account_id: str | None
    provider: str  # "default" for an idea
    method: Method
    lane: Lane
    timezone: str
    at: datetime | None  # UTC: the post's time (its first occurrence)
    occurrences: tuple[datetime, ...]  # UTC instants placed on the calendar
    repeat: str  # how it repeats or why it has no time; "" for a plain post
    kind: str  # the content type Publer gets
    title: str
    text: str
    change: Action
    reason: str
    status: str  # from the state; "" before the first apply
    remote_id: str
    post_link: str
    source: str  # file:line:col; "" for a post removed from the manifests
    rule: Mapping[str, Any] | None = None  # a recurring post's rule, as the manifest says it

    @property
    def network(self) -> str:
        return NETWORK_NAMES.get(self.provider, self.provider)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)


@dataclass(frozen=True)
class Calendar:
    entries: tuple[Entry, ...]
    first_day: date | None  # the shown range, in local dates; None when nothing is dated
    last_day: date | None
    created_at: datetime
    summary: str  # the plan's one-line summary
    notes: tuple[str, ...] = ()


def format_local(moment: datetime) -> str:
    """ "09:00 CET": how the page shows a local time (the zone's abbreviation)."""
    return moment.strftime("%H:%M %Z")


def build_calendar(plan: Plan, config: Config, *, notes: Sequence[str] = ()) -> Calendar:
    """Every change of ``plan`` (no-ops included) as an entry, sorted by time."""
    entries = [_entry(change, config) for change in plan.changes]
    dated = [e.local(m).date() for e in entries for m in e.occurrences]
    entries.sort(key=_order)
    return Calendar(
        entries=tuple(entries),
        first_day=min(dated, default=None),
        last_day=max(dated, default=None),
        created_at=plan.created_at,
        summary=plan.summary(),
        notes=(*plan.notes, *notes),
    )


def _order(entry: Entry) -> tuple[bool, datetime, str, str]:
    # dated entries by time; undated ones after them, by id
    first = entry.occurrences[0] if entry.occurrences else _UNDATED
    return (not entry.occurrences, first, entry.post_id, entry.alias)


_UNDATED = datetime.min.replace(tzinfo=UTC)


def _entry(change: Change, config: Config) -> Entry:
    before = change.before
    if change.target is not None:
        target = change.target
        spec: Mapping[str, Any] = target.spec
        timezone, at, source = target.timezone, target.scheduled_at, target.source
        account_id = target.account_id
    else:  # removed from the manifests: what the state says was applied
        spec = _recorded(before, "spec") or {}
        timezone, source = config.timezone, ""
        when = _recorded(before, "scheduled_at")
        at = parse_utc(when) if when else None
        account_id = _recorded(before, "account_id")
    method = method_of(spec)
    network: Mapping[str, Any] = spec.get("network") or {}
    options: Mapping[str, Any] = spec.get("post") or {}
    account = config.accounts.get(change.alias)
    occurrences: tuple[datetime, ...] = ()
    if at is not None:
        occurrences = (at,)
        if method is Method.RECURRING and "recurring" in options:
            occurrences = recurring_occurrences(at, timezone, options["recurring"])
    if at is not None:
        lane = Lane.CALENDAR
    else:
        lane = Lane.DRAFTS if method in DRAFT_METHODS else Lane.UNTIMED
    return Entry(
        post_id=change.post_id,
        alias=change.alias,
        account_name=account.name if account is not None else "",
        account_id=account_id,
        provider=change.provider or str(_recorded(before, "provider") or ""),
        method=method,
        lane=lane,
        timezone=timezone,
        at=at,
        occurrences=occurrences,
        repeat=repeat_label(method, options, has_time=at is not None),
        kind=str(network.get("type") or ""),
        title=str(network.get("title") or ""),
        text=str(network.get("text") or ""),
        change=change.action,
        reason=change.reason,
        status=str(_recorded(before, "status") or ""),
        remote_id=str(_recorded(before, "remote_id") or ""),
        post_link=str(_recorded(before, "post_link") or ""),
        source=source,
        rule=options.get("recurring") if method is Method.RECURRING else None,
    )


def _recorded(before: object, name: str) -> Any:
    """A field of the state's entry behind a change (None before the first apply)."""
    if before is None:
        return None
    if isinstance(before, Mapping):  # a plan read back from a file keeps entries as JSON
        return before.get(name)
    return getattr(before, name, None)


def method_of(spec: Mapping[str, Any]) -> Method:
    """The publishing method a target's spec was built from (targets._BULK_STATE, inverted)."""
    if spec.get("endpoint") == Endpoint.PUBLISH.value:
        return Method.PUBLISH_NOW
    state = spec.get("bulk_state")
    if state in (Method.DRAFT, Method.DRAFT_PRIVATE, Method.DRAFT_PUBLIC, Method.RECURRING):
        return Method(state)
    options = spec.get("post") or {}
    if options.get("auto"):
        return Method.AUTO
    if "recycling" in options:
        return Method.RECYCLING
    return Method.SCHEDULED


def repeat_label(method: Method, options: Mapping[str, Any], *, has_time: bool) -> str:
    """How a post repeats, or why it has no time, in a few words."""
    if method is Method.RECURRING and "recurring" in options:
        return _recurring_label(options["recurring"])
    if method is Method.RECYCLING and "recycling" in options:
        return _recycling_label(options["recycling"])
    if method is Method.AUTO:
        window = options.get("range") or {}
        # the wire sends timestamps (the range's first and last second); the page shows days
        start, end = (_day(window.get(k)) for k in ("start_date", "end_date"))
        span = f"between {start} and {end}" if end else f"from {start}"
        return f"auto: Publer picks a slot {span}" if start else "auto: Publer picks a slot"
    if method is Method.PUBLISH_NOW:
        return "publishes when apply runs"
    if method is Method.DRAFT:
        return "draft: not published" if has_time else "draft without a time"
    if method is Method.DRAFT_PRIVATE:
        return "idea (private)"
    if method is Method.DRAFT_PUBLIC:
        return "idea (public)"
    return ""


def _every(rate: int, unit: str) -> str:
    return f"every {unit}" if rate == 1 else f"every {rate} {unit}s"


def _recurring_label(rule: Mapping[str, Any]) -> str:
    repeat = str(rule.get("repeat", ""))
    unit = {"daily": "day", "weekly": "week", "monthly": "month", "yearly": "year"}.get(repeat)
    label = f"repeats {_every(int(rule.get('repeat_rate') or 1), unit)}" if unit else "repeats"
    days = rule.get("days_of_week")
    if days:
        weekdays = sorted({weekday_of(d) for d in days}, key=lambda w: (w + 1) % 7)
        label += " on " + ", ".join(WEEKDAY_NAMES[w] for w in weekdays)
    end = _day(rule.get("end_date"))
    if end:
        return f"{label} until {end}"
    return f"{label}, no end date (shown for {RECURRING_DAYS} days)"


def _day(value: object) -> str | None:
    """A date, or a timestamp's date (``2027-04-30T23:59:59+02:00`` → ``2027-04-30``)."""
    return str(value)[:10] if value else None


def _recycling_label(rule: Mapping[str, Any]) -> str:
    gap, freq = rule.get("gap"), str(rule.get("gap_freq", "")).lower()
    label = f"recycling: re-shared {_every(int(gap), freq)}" if gap and freq else "recycling"
    if rule.get("expire_count"):
        label += f", {rule['expire_count']} times"
    if rule.get("expire_date"):
        label += f", until {rule['expire_date']}"
    return label


def recurring_occurrences(
    at: datetime, timezone: str, rule: Mapping[str, Any]
) -> tuple[datetime, ...]:
    """UTC instants of a recurring rule, each at ``at``'s local time of day in ``timezone``.

    Dates run from ``start_date`` to ``end_date`` (or ``RECURRING_DAYS`` later),
    at most ``MAX_OCCURRENCES``; the wall-clock time is kept across DST changes.
    """
    zone = ZoneInfo(timezone)
    clock = at.astimezone(zone).time()
    start = parse_date(str(rule["start_date"]))
    end_value = rule.get("end_date")
    end = parse_date(str(end_value)) if end_value else start + timedelta(days=RECURRING_DAYS)
    moments = []
    for day in _rule_dates(rule, start, end):
        moments.append(_at_local(day, clock, zone))
        if len(moments) >= MAX_OCCURRENCES:
            break
    return tuple(moments)


def _at_local(day: date, clock: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def _rule_dates(rule: Mapping[str, Any], start: date, end: date) -> Iterator[date]:
    repeat = rule.get("repeat")
    rate = max(1, int(rule.get("repeat_rate") or 1))
    if repeat == "daily":
        day = start
        while day <= end:
            yield day
            day += timedelta(days=rate)
    elif repeat == "weekly":
        days = rule.get("days_of_week") or [DAY_NAMES[start.weekday()]]
        wanted = {weekday_of(d) for d in days}  # publer_switches.RECURRING_DAY_NUMBERING
        week = start - timedelta(days=start.weekday())
        while week <= end:
            for offset in range(7):
                day = week + timedelta(days=offset)
                if offset in wanted and start <= day <= end:
                    yield day
            week += timedelta(weeks=rate)
    elif repeat in ("monthly", "yearly"):
        step = rate if repeat == "monthly" else 12 * rate
        index = 0
        while True:
            months = start.month - 1 + index * step
            year, month = start.year + months // 12, months % 12 + 1
            if date(year, month, 1) > end:
                return
            if start.day <= stdlib_calendar.monthrange(year, month)[1]:
                day = date(year, month, start.day)
                if day <= end:
                    yield day
            index += 1


def calendar_to_json(cal: Calendar) -> dict[str, Any]:
    """The versioned document of ``contentctl calendar --format json``."""
    return {
        "format_version": CALENDAR_FORMAT_VERSION,
        "entries": [_entry_json(entry) for entry in cal.entries],
    }


def _entry_json(entry: Entry) -> dict[str, Any]:
    def local(moment: datetime | None) -> str | None:
        return None if moment is None else entry.local(moment).isoformat(timespec="minutes")

    return {
        "post_id": entry.post_id,
        "alias": None if entry.alias == NO_ACCOUNT else entry.alias,
        "account_name": entry.account_name,
        "account_id": entry.account_id,
        "provider": entry.provider,
        "network": entry.network,
        "method": entry.method.value,
        "lane": entry.lane.value,
        "timezone": entry.timezone,
        "at": local(entry.at),
        "at_utc": None if entry.at is None else entry.at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "occurrences": [local(moment) for moment in entry.occurrences],
        "repeat": entry.repeat or None,
        "type": entry.kind,
        "title": entry.title,
        "text": entry.text,
        "change": entry.change.value,
        "reason": entry.reason,
        "status": entry.status or None,
        "remote_id": entry.remote_id or None,
        "post_link": entry.post_link or None,
        "source": entry.source or None,
    }
