"""Publer's daily post limits per social account: a planned post and the counts in, a failure out.

Publer takes a fixed number of posts per social account in any rolling 24 hours
(by network, account type and Publer plan: ``publer_facts.DAILY_LIMITS``) and
fails the excess per account inside a ``complete`` job, never as an HTTP error
(docs/publer-api.md §1). ``over_daily_limit`` is that rule for one planned
post; ``day_counter`` counts a list of posts, ``store_day_counter`` the posts a
workspace holds (and those its pending jobs will create), read per request.
https://publer.com/docs/getting-started/rate-limits
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from contentctl import publer_facts as facts
from contentctl.sandbox.options import parse_time
from contentctl.sandbox.tables import PostQuery

if TYPE_CHECKING:
    from contentctl.sandbox.jobs import Planned
    from contentctl.sandbox.store import Store

DAY = timedelta(hours=24)  # Publer's daily limits are per rolling 24 hours
# (account id, what, t) → the account's posts (or stories) in the 24 hours up to t
DayCount = Callable[[str, str, datetime], int]
_UNTIMED = ("draft", "draft_private", "draft_public")
# The stored states a daily limit counts: what is or will be published.
_COUNTED = ("scheduled", "published", "recurring")
_FOREVER = datetime.max.replace(tzinfo=UTC)
_TICK = timedelta(microseconds=1)


def over_daily_limit(
    planned: Planned,
    account: Mapping[str, object],
    day_count: DayCount,
    claimed: Sequence[tuple[str, datetime]],
    plan: str = facts.DEFAULT_PUBLER_PLAN,
) -> str | None:
    """Publer's failure when the account already has its plan's posts (or stories) in the
    rolling 24 hours up to the planned time (the store's, plus ``claimed``: what and when,
    earlier in this request)."""
    when = planned.scheduled_at
    if when is None or planned.state == "draft":
        return None
    provider, account_id = str(account["provider"]), str(account["id"])
    if provider not in facts.DAILY_LIMITS:
        return None
    what = facts.daily_kind(provider, planned.content)
    limit = facts.daily_limit(provider, str(account.get("type") or ""), plan, what)
    window = [t for w, t in claimed if w == what and when - DAY < t <= when]
    if day_count(account_id, what, when) + len(window) < limit:
        return None
    return facts.daily_limit_message(provider, limit, what)


def stored_kind(post: Mapping[str, object]) -> str:
    """What a stored post counts against (``publer_facts.daily_kind`` of its network entry)."""
    return facts.daily_kind(str(post.get("network") or post.get("provider") or ""), post)


def day_counter(posts: Iterable[Mapping[str, object]]) -> DayCount:
    """``day_count`` over these posts (drafts and ideas are not counted)."""
    times: dict[tuple[str, str], list[datetime]] = {}
    for post in posts:
        when = parse_time(post.get("scheduled_at"))
        if when is not None and post.get("state") not in _UNTIMED:
            key = (str(post.get("account_id")), stored_kind(post))
            times.setdefault(key, []).append(when)

    def count(account_id: str, what: str, when: datetime) -> int:
        return sum(1 for t in times.get((account_id, what), []) if when - DAY < t <= when)

    return count


def store_day_counter(store: Store, workspace_id: str) -> DayCount:
    """``day_count`` over the workspace's stored posts and its jobs not run yet."""
    pending = day_counter(
        post
        for _job, workspace, posts in store.due_jobs(_FOREVER)
        if workspace == workspace_id
        for post in posts
    )

    def stored(account_id: str, when: datetime, post_type: str | None = None) -> int:
        query = PostQuery(workspace_id, _COUNTED, (account_id,), when - DAY + _TICK, when,
                          post_type=post_type)  # fmt: skip
        return store.find_posts(query, limit=0)[1]

    def count(account_id: str, what: str, when: datetime) -> int:
        stories = stored(account_id, when, "story")  # a story's details.type (reels-shorts-…)
        mine = stories if what == facts.STORIES else stored(account_id, when) - stories
        return mine + pending(account_id, what, when)

    return count
