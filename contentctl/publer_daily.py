"""Publer's daily post limits per social account, a part of the one table of Publer facts.

``publer_facts`` reads these names in and gives them to everyone else (the plan's
warning, the sandbox's jobs): posts per account in any rolling 24 hours, by network,
account type and Publer plan, with Facebook and Instagram stories counted apart.
https://publer.com/docs/getting-started/rate-limits
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

# Posts per social account in a rolling 24 hours, by Publer plan (free, professional,
# business), separate from the request rate limit; the excess fails per account in the
# job. LinkedIn pages and profiles differ; Facebook and Instagram stories have a count
# of their own beside posts and reels. https://publer.com/docs/getting-started/rate-limits
PUBLER_PLANS = ("free", "professional", "business")
DEFAULT_PUBLER_PLAN = "business"
DAILY_LIMITS: Mapping[str, tuple[int, int, int]] = MappingProxyType({
    "facebook": (12, 24, 36), "instagram": (15, 20, 25), "threads": (150, 200, 250),
    "tiktok": (15, 20, 25), "twitter": (25, 50, 100), "mastodon": (25, 50, 100),
    "bluesky": (25, 50, 100), "linkedin": (12, 18, 24), "linkedin/profile": (10, 12, 14),
    "pinterest": (12, 24, 36), "google": (5, 10, 15), "youtube": (5, 10, 15),
    "wordpress": (12, 18, 24), "telegram": (5, 10, 15),
})  # fmt: skip
DAILY_STORY_LIMITS: Mapping[str, tuple[int, int, int]] = MappingProxyType({
    "facebook": (12, 24, 36), "instagram": (15, 20, 25),
})  # fmt: skip
DAILY_LIMIT_MESSAGE = (
    "Daily limit of {limit} {what} in 24 hours reached for this {provider} account"
)
POSTS, STORIES = "posts", "stories"  # what a daily limit counts


def daily_kind(provider: str, entry: Mapping[str, object]) -> str:
    """What a post counts against: ``STORIES`` for a story where stories count apart."""
    details = entry.get("details")
    story = entry.get("type") == "story" or (
        isinstance(details, dict) and details.get("type") == "story"
    )  # the wire says a story as photo or video + details.type (reels-shorts-and-stories)
    return STORIES if story and provider in DAILY_STORY_LIMITS else POSTS


def daily_limit(
    provider: str, account_type: str = "", plan: str = DEFAULT_PUBLER_PLAN, what: str = POSTS
) -> int:
    """Posts (or stories) ``provider`` takes per account in a rolling 24 hours on ``plan``."""
    if what == STORIES:
        limits = DAILY_STORY_LIMITS[provider]
    else:
        limits = DAILY_LIMITS.get(f"{provider}/{account_type}") or DAILY_LIMITS[provider]
    return limits[PUBLER_PLANS.index(plan)]


def daily_limit_message(provider: str, limit: int, what: str = POSTS) -> str:
    return DAILY_LIMIT_MESSAGE.format(limit=limit, what=what, provider=provider)
