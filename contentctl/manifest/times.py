"""Manifest times in, aware UTC datetimes out.

``resolve_at`` reads a post's ``at``: ISO 8601 with an offset (or ``Z``) is
taken as written; a local time (``2027-03-01T09:00``, ``2027-03-01 09:00``)
is read in an IANA timezone with ``zoneinfo``. A local time that does not
exist (the spring DST gap) or exists twice (the autumn overlap) is refused,
naming both instants it could mean, because guessing would publish an hour
off. A time outside ``EARLIEST``..``LATEST`` is refused too: near the ends of
the calendar a zone's offset would carry it past year 1 or 9999 (Python's
``OverflowError``), and before 1970 nothing can be scheduled. ``parse_date``
reads the dates of ranges and repeat rules. Problems are raised as
``TimeParseError`` (a ValueError) for the caller to locate.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

AT_PATTERN = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$"
_AT = re.compile(AT_PATTERN)
# Two days inside datetime's range: every instant between can be shown in every zone
# (offsets stay under 26 hours) and written as four-digit-year UTC.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime.max.replace(tzinfo=UTC) - timedelta(days=2)


class TimeParseError(ValueError):
    """A time or date that cannot be read; the message is for the user."""


def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name``, or TimeParseError."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # OSError: a folder of the zone database ("Europe") or a name too long for a path
        raise TimeParseError(f"unknown IANA timezone {name!r}") from None


def resolve_at(value: str, timezone: str) -> datetime:
    """``at`` as an aware UTC datetime; local times are read in ``timezone``."""
    if not _AT.match(value):
        raise TimeParseError(
            f"{value!r} is not a time like 2027-03-01T09:00 or 2027-03-01T09:00:00+01:00"
        )
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise TimeParseError(f"{value!r} is not a valid date and time: {exc}") from None
    try:
        if parsed.tzinfo is not None:
            moment = parsed.astimezone(UTC)
        else:
            moment = _local_to_utc(parsed, zone(timezone), timezone)
    except OverflowError:
        moment = None  # past year 1 or 9999 once the offset is applied
    if moment is None or not EARLIEST <= moment <= LATEST:
        raise TimeParseError(
            f"{value!r} is outside the times contentctl can schedule "
            f"({EARLIEST:%Y-%m-%d} to {LATEST:%Y-%m-%d} UTC)"
        )
    return moment


def _local_to_utc(local: datetime, tz: ZoneInfo, name: str) -> datetime:
    early = local.replace(tzinfo=tz, fold=0)
    late = local.replace(tzinfo=tz, fold=1)
    if early.utcoffset() == late.utcoffset():
        return early.astimezone(UTC)
    shown = local.isoformat(timespec="minutes" if local.second == 0 else "seconds")
    first, second = sorted((early.astimezone(UTC), late.astimezone(UTC)))
    if early.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != local:
        # In the gap each fold reads the wall time with the offset of one side of
        # the jump; the two results are real instants an hour apart.
        raise TimeParseError(
            f"{shown} does not exist in {name} (the clocks skip it at the DST change); "
            f"write {_iso(first, tz)} or {_iso(second, tz)}"
        )
    raise TimeParseError(
        f"{shown} is ambiguous in {name} (it happens twice at the DST change): "
        f"{_iso(first, tz)} or {_iso(second, tz)}; write the offset"
    )


def _iso(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).isoformat(timespec="seconds")


def parse_date(value: str) -> date:
    """The calendar date of ``2027-03-01`` (or of a datetime string)."""
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        return datetime.fromisoformat(value).date()
    except ValueError as exc:
        raise TimeParseError(f"{value!r} is not a valid date: {exc}") from None
