"""Targets in, the notes a plan shows when an account would pass Publer's daily post limit.

Publer takes a fixed number of posts per social account in any rolling 24
hours (by network, account type and plan; ``publer_facts.DAILY_LIMITS``, with
Facebook and Instagram stories counted apart) and fails the excess inside the
job. ``daily_limit_notes`` finds, per account, the busiest 24 hours of what the
manifests ask for and says so before anything is sent. Which plan: the
workspace's ``plan`` in ``GET /workspaces``, asked only when some account's
busiest day is past the smallest plan's limit (``workspace_plan``); where Publer
does not say, ``CONTENTCTL_PUBLER_PLAN`` (``Config.publer_plan``), else Business.
https://publer.com/docs/getting-started/rate-limits
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta

from contentctl import publer_facts as facts
from contentctl.plan.targets import Target, format_utc

DAY = timedelta(hours=24)
_TIMED = ("scheduled", "recurring")  # drafts and ideas are not published


def workspace_plan(
    workspaces: Sequence[Mapping[str, object]], workspace_id: str, fallback: str | None
) -> str:
    """The plan ``GET /workspaces`` gives the workspace; else ``fallback``, else Business."""
    for workspace in workspaces:
        if str(workspace.get("id")) == workspace_id:
            plan = str(workspace.get("plan") or "").strip().lower()
            if plan in facts.PUBLER_PLANS:
                return plan
    return fallback or facts.DEFAULT_PUBLER_PLAN


def daily_limit_notes(
    targets: Sequence[Target],
    plan: str | Callable[[], str] = facts.DEFAULT_PUBLER_PLAN,
    account_types: Mapping[str, str] | None = None,
) -> list[str]:
    """One note per account (and stories apart) whose busiest 24 hours hold more posts
    than the plan allows. ``plan`` is called only when some account may be over;
    ``account_types``: alias → the type ``GET /accounts`` gives (LinkedIn profiles differ).
    """
    types = account_types or {}
    times: dict[tuple[str, str, str], list[datetime]] = {}
    for target in targets:
        when = target.scheduled_at
        if (
            when is not None
            and target.bulk_state in _TIMED
            and target.provider in facts.DAILY_LIMITS
        ):
            what = facts.daily_kind(target.provider, target.network)
            times.setdefault((target.alias, target.provider, what), []).append(when)
    busiest = []
    for (alias, provider, what), found in sorted(times.items()):
        count, start = _busiest(sorted(found))
        lowest = facts.daily_limit(provider, types.get(alias, ""), facts.PUBLER_PLANS[0], what)
        if count > lowest:
            busiest.append((alias, provider, what, count, start))
    if not busiest:
        return []
    name = plan() if callable(plan) else plan
    notes = []
    for alias, provider, what, count, start in busiest:
        account_type = types.get(alias, "")
        limit = facts.daily_limit(provider, account_type, name, what)
        if count > limit:
            kind = f"{provider} {account_type}" if f"{provider}/{account_type}" in (
                facts.DAILY_LIMITS) else provider  # fmt: skip
            notes.append(
                f"{alias} ({provider}) would have {count} {what} in the 24 hours from "
                f"{format_utc(start)}; Publer's {name} plan takes {limit} a day per {kind} "
                "account and fails the rest"
            )
    return notes


def _busiest(times: list[datetime]) -> tuple[int, datetime]:
    """The most posts in any 24 hours, and when that window starts."""
    best, start, low = 0, times[0], 0
    for high, when in enumerate(times):
        while when - times[low] >= DAY:
            low += 1
        if high - low + 1 > best:
            best, start = high - low + 1, times[low]
    return best, start
