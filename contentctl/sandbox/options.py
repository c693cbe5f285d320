"""A bulk post's scheduling options in, a 400 out when Publer's pages say they are malformed.

``check_schedule_options`` reads ``recurring`` and ``recycling`` as the facts
table spells them (``publer_facts.RECURRING_*``, ``RECYCLING_GAP_FREQ``);
``RequestRejected`` (here so the job rules and this module share it)
carries Publer's ``{"errors": [...]}``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from contentctl import publer_facts as facts
from contentctl.sandbox.values import JSONObject, as_object


class RequestRejected(Exception):
    """The request is refused synchronously with ``status`` and Publer's ``errors`` list."""

    def __init__(self, status: int, *errors: str) -> None:
        super().__init__("; ".join(errors))
        self.status = status
        self.errors = list(errors)


def parse_time(value: object) -> datetime | None:
    """An aware datetime from ISO 8601 (``Z`` or an offset; none means UTC), else None."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def check_schedule_options(where: str, post: JSONObject, state: str) -> None:
    """``recurring`` and ``recycling`` as their pages define them, or a 400.

    Recurring (RECUR, current page; OAS marks start_date, end_date, repeat and
    repeat_rate required): a timestamped ``start_date``, ``repeat`` of
    daily/weekly/monthly/yearly, a whole ``repeat_rate``, ``days_of_week`` 0-6.
    Recycling (RECYCLE): a whole ``gap``, ``gap_freq`` Day/Week/Month, a whole
    ``expire_count`` if given.
    """
    recurring, recycling = post.get("recurring"), post.get("recycling")
    if state == "recurring" and not isinstance(recurring, dict):
        raise RequestRejected(400, f"{where}.recurring is required")
    if recurring is not None:
        rec = as_object(recurring)
        start = rec.get("start_date")
        if not isinstance(start, str) or "T" not in start or parse_time(start) is None:
            raise RequestRejected(400, f"{where}.recurring.start_date must be a timestamp")
        end = rec.get("end_date")
        if end is not None and (not isinstance(end, str) or parse_time(end) is None):
            raise RequestRejected(400, f"{where}.recurring.end_date must be a timestamp")
        if rec.get("repeat") not in facts.RECURRING_REPEATS:
            choices = ", ".join(facts.RECURRING_REPEATS)
            raise RequestRejected(400, f"{where}.recurring.repeat must be one of {choices}")
        rate = rec.get("repeat_rate")
        if not isinstance(rate, int) or isinstance(rate, bool) or rate < 1:
            raise RequestRejected(400, f"{where}.recurring.repeat_rate must be a whole number")
        low, high = facts.RECURRING_DAY_NUMBERS
        days = rec.get("days_of_week", [])
        if not isinstance(days, list) or not all(
            isinstance(d, int) and low <= d <= high for d in days
        ):
            raise RequestRejected(400, f"{where}.recurring.days_of_week takes {low} to {high}")
    if recycling is not None:
        rec = as_object(recycling)
        gap, count = rec.get("gap"), rec.get("expire_count")
        if not isinstance(gap, int) or gap < 1:
            raise RequestRejected(400, f"{where}.recycling.gap must be a whole number")
        if rec.get("gap_freq") not in facts.RECYCLING_GAP_FREQ:
            choices = ", ".join(facts.RECYCLING_GAP_FREQ)
            raise RequestRejected(400, f"{where}.recycling.gap_freq must be one of {choices}")
        if count is not None and (not isinstance(count, int) or count < 1):
            raise RequestRejected(400, f"{where}.recycling.expire_count must be a whole number")
        if rec.get("solo") is not None and not isinstance(rec.get("solo"), bool):
            raise RequestRejected(400, f"{where}.recycling.solo must be true or false")
        for key in ("start_date", "expire_date"):  # the page: "YYYY-MM-DD"
            if rec.get(key) is not None and not _is_date(rec.get(key)):
                raise RequestRejected(400, f"{where}.recycling.{key} must be a date (YYYY-MM-DD)")


def _is_date(value: object) -> bool:
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        return False
    return True
