"""Targets in, the notes a plan shows when an account would pass Publer's daily post limit.

Publer takes a fixed number of posts per social account in any rolling 24
hours (by network and plan; ``publer_facts.DAILY_LIMITS``) and fails the
excess inside the job. ``daily_limit_notes`` finds, per account, the busiest
24 hours of what the manifests ask for and says so before anything is sent.
The Publer plan is Business unless ``CONTENTCTL_PUBLER_PLAN`` says free or
professional. https://publer.com/docs/getting-started/rate-limits
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from contentctl import publer_facts as facts
from contentctl.plan.targets import Target, format_utc

DAY = timedelta(hours=24)
_TIMED = ("scheduled", "recurring")  # drafts and ideas are not published


def publer_plan(environ: Mapping[str, str]) -> str:
    """The Publer plan whose limits apply: ``CONTENTCTL_PUBLER_PLAN``, else Business."""
    wanted = environ.get("CONTENTCTL_PUBLER_PLAN", "").strip().lower()
    return wanted if wanted in facts.PUBLER_PLANS else facts.DEFAULT_PUBLER_PLAN


def daily_limit_notes(
    targets: Sequence[Target], plan: str = facts.DEFAULT_PUBLER_PLAN
) -> list[str]:
    """One note per account whose busiest 24 hours hold more posts than the plan allows."""
    times: dict[tuple[str, str], list[datetime]] = {}
    for target in targets:
        when = target.scheduled_at
        if (
            when is not None
            and target.bulk_state in _TIMED
            and target.provider in facts.DAILY_LIMITS
        ):
            times.setdefault((target.alias, target.provider), []).append(when)
    notes = []
    for (alias, provider), found in sorted(times.items()):
        limit = facts.daily_limit(provider, plan=plan)
        count, start = _busiest(sorted(found))
        if count > limit:
            notes.append(
                f"{alias} ({provider}) would have {count} posts in the 24 hours from "
                f"{format_utc(start)}; Publer's {plan} plan takes {limit} a day per {provider} "
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
