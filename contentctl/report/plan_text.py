"""A Plan in, text out: the human view of a plan, optionally coloured.

Also the pieces the Markdown view shares with it (``SYMBOL``, ``ordered``,
``show_time``, ``short``). Like every view it reads the Plan value and decides
nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from contentctl.plan.build import Action, Change, Plan
from contentctl.publer_facts import text_limit

# Beyond this many changes a terminal gets the summary and where the details are,
# not thousands of lines (--full lists them all).
LIST_AT_MOST = 200

SYMBOL = {
    Action.CREATE: "+",
    Action.ADOPT: "=",
    Action.UPDATE: "~",
    Action.REPLACE: "-/+",
    Action.DELETE: "-",
    Action.BLOCKED: "!",
    Action.NOOP: " ",
}
_COLOUR = {
    Action.CREATE: "32",
    Action.ADOPT: "36",
    Action.UPDATE: "33",
    Action.REPLACE: "35",
    Action.DELETE: "31",
    Action.BLOCKED: "31;1",
    Action.NOOP: "0",
}


def relative(moment: datetime, now: datetime) -> str:
    """'in 3 days', '2 hours ago': coarse, like a reviewer would say it."""
    seconds = (moment - now).total_seconds()
    future = seconds >= 0
    seconds = abs(seconds)
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            span = f"{count} {unit}{'s' if count != 1 else ''}"
            return f"in {span}" if future else f"{span} ago"
    return "now"


def show_time(moment: datetime, zone: str, now: datetime) -> str:
    if zone == "UTC":
        return f"{moment:%Y-%m-%d %H:%M} UTC, {relative(moment, now)}"
    local = moment.astimezone(ZoneInfo(zone))
    utc = moment.strftime("%H:%M UTC")
    return f"{local:%Y-%m-%d %H:%M} {zone} ({utc}), {relative(moment, now)}"


def short(value: object, width: int = 60) -> str:
    text = value if isinstance(value, str) else repr(value)
    text = " ".join(str(text).split())
    return f'"{text[: width - 1]}…"' if len(text) > width else f'"{text}"'


def _heading(change: Change) -> str:
    return f"{change.post_id} @ {change.alias} ({change.provider})"


def _detail_lines(change: Change, now: datetime) -> list[str]:
    lines = []
    if change.reason:
        lines.append(change.reason)
    when = change.scheduled_at
    if when is not None:
        zone = change.target.timezone if change.target is not None else "UTC"
        lines.append(f"at {show_time(when, zone, now)}")
    if change.action is Action.CREATE and change.target is not None:
        text = change.target.text
        limit = text_limit(change.provider)
        count = f"{len(text)}/{limit}" if limit else f"{len(text)}"
        lines.append(f"text ({count} chars): {short(text)}")
    for field in change.fields:
        lines.append(f"~ {field.path}: {short(field.before)} → {short(field.after)}")
    return lines


def render_text(
    plan: Plan, *, color: bool = False, now: datetime | None = None, full: bool = True
) -> str:
    """The plan for a person; not ``full``, a plan of over ``LIST_AT_MOST`` changes is summed up."""
    now = now or plan.created_at
    paint: Callable[[Action, str], str] = (
        (lambda action, s: f"\x1b[{_COLOUR[action]}m{s}\x1b[0m") if color else (lambda _a, s: s)
    )
    out = [f"Remote: {plan.remote}"] if plan.remote else []
    out.append(plan.summary())
    out.extend(plan.notes)
    if plan.refresh_requests is not None:
        out.append(f"Refreshed from Publer in {plan.refresh_requests} requests.")
    out.extend(drift_lines(plan))
    shown = [c for c in plan.changes if c.action is not Action.NOOP]
    unchanged = len(plan.changes) - len(shown)
    if not shown:
        out.append("")
        out.append(f"No changes. {unchanged} up to date.")
        return "\n".join(out) + "\n"
    if not full and len(shown) > LIST_AT_MOST:
        out.append("")
        out.append(
            f"{len(shown)} changes, too many to list here (more than {LIST_AT_MOST}). "
            "See every change with --full, as JSON with `contentctl plan --format json`, "
            "or save the plan with `contentctl plan --out FILE`."
        )
        return "\n".join(out) + "\n"
    out.append("")
    for change in ordered(shown):
        symbol = SYMBOL[change.action]
        out.append(paint(change.action, f"{symbol:>3} {change.action.value:<8} {_heading(change)}"))
        out.extend(f"      {line}" for line in _detail_lines(change, now))
    if unchanged:
        out.append("")
        out.append(f"{unchanged} unchanged.")
    return "\n".join(out) + "\n"


def drift_lines(plan: Plan) -> list[str]:
    """The drift section: what changed on Publer outside contentctl, per post × account."""
    if not plan.drift:
        return []
    out = ["", f"Drift: {len(plan.drift)} changed on Publer outside contentctl:"]
    for drift in sorted(plan.drift, key=lambda d: (d.post_id, d.alias)):
        out.append(f"  ! {drift.line()}")
        for field in drift.fields:
            out.append(f"      ~ {field.path}: {short(field.applied)} → {short(field.remote)}")
    return out


def ordered(changes: Iterable[Change]) -> list[Change]:
    rank = {action: i for i, action in enumerate(Action)}
    return sorted(changes, key=lambda c: (rank[c.action], c.post_id, c.alias))
