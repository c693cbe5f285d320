"""Publer's daily per-account limits, warned about at plan time (contentctl/plan/limits.py).

https://publer.com/docs/getting-started/rate-limits: per social account, in any rolling 24
hours, by network and plan (Business by default).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from contentctl.plan.limits import daily_limit_notes, publer_plan
from contentctl.plan.targets import Target, format_utc

START = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)


def target(n: int, alias: str = "kc-google", provider: str = "google", *, minutes: int = 30,
           bulk_state: str = "scheduled") -> Target:  # fmt: skip
    when = format_utc(START + timedelta(minutes=minutes * n))
    spec = {"endpoint": "schedule", "bulk_state": bulk_state, "post": {},
            "network": {"type": "status", "text": f"post {n}"},
            "account": {"scheduled_at": when}}  # fmt: skip
    return Target(f"p{n}", alias, "a" * 24, provider, "UTC", "posts/p.yaml:1:1", spec)


def test_an_account_past_its_daily_limit_is_named_with_its_busiest_day() -> None:
    targets = [target(n) for n in range(16)]  # 16 Google posts in 8 hours; Business takes 15
    assert daily_limit_notes(targets) == [
        "kc-google (google) would have 16 posts in the 24 hours from 2027-03-01T08:00:00Z; "
        "Publer's business plan takes 15 a day per google account and fails the rest"
    ]
    assert daily_limit_notes(targets[:15]) == []


def test_the_window_rolls_and_drafts_do_not_count() -> None:
    spread = [target(n, minutes=24 * 60 // 15 + 1) for n in range(40)]  # 15 per 24 h at most
    assert daily_limit_notes(spread) == []
    drafts = [target(n, bulk_state="draft") for n in range(20)]
    assert daily_limit_notes(drafts) == []


def test_the_publer_plan_is_business_unless_told() -> None:
    assert publer_plan({}) == "business"
    assert publer_plan({"CONTENTCTL_PUBLER_PLAN": "Free"}) == "free"
    assert publer_plan({"CONTENTCTL_PUBLER_PLAN": "enterprise"}) == "business"
    targets = [target(n) for n in range(6)]
    assert daily_limit_notes(targets, "free") == [
        "kc-google (google) would have 6 posts in the 24 hours from 2027-03-01T08:00:00Z; "
        "Publer's free plan takes 5 a day per google account and fails the rest"
    ]
