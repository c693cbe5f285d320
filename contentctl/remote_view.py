"""A client in, one scoped view of Publer's posts per run out: listings asked once, shared.

Refresh, adoption and settling an apply all look for posts with ``GET
/posts`` scoped by account, state and time window. ``RemoteView`` asks
Publer for each scope once and serves the rest from what it holds: a window
already listed for a superset of the accounts (and a covering state filter)
is filtered in memory instead of listed again. ``invalidate()`` forgets
everything, for after a bulk create (new posts appear only on Publer).
``requests`` counts the HTTP requests the listings took (pages included),
which the plan reports. ``windows`` merges planned times into few windows,
so the cost follows what is managed, not the size of the workspace.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from contentctl.plan.targets import parse_utc
from contentctl.publer import PublerClient, RemotePost

PAD = timedelta(minutes=10)  # slack around planned times: Publer's clock, rounding
MERGE_GAP = timedelta(days=2)  # times closer than this are listed in one window


@dataclass(frozen=True)
class Scope:
    """One listing: accounts (empty: all), a state filter, an optional window and text query."""

    accounts: frozenset[str]
    state: str = "all"
    start: datetime | None = None
    end: datetime | None = None
    query: str | None = None

    def covers(self, other: Scope) -> bool:
        if self.query is not None and self.query != other.query:
            return False
        if self.accounts and not (other.accounts and other.accounts <= self.accounts):
            return False
        if self.state != "all" and self.state != other.state:
            return False
        if self.start is None or self.end is None:
            return True
        return (
            other.start is not None
            and other.end is not None
            and self.start <= other.start
            and other.end <= self.end
        )

    def holds(self, post: RemotePost) -> bool:
        """Whether ``post`` (from a covering listing) belongs in this narrower scope."""
        if self.accounts and post.account_id not in self.accounts:
            return False
        if self.state != "all" and not (post.state or "scheduled").startswith(self.state):
            return False
        if self.start is not None and self.end is not None:
            if not post.scheduled_at:
                return False
            when = parse_utc(post.scheduled_at)
            if not self.start <= when <= self.end:
                return False
        return self.query is None or self.query.lower() in post.text.lower()


class RemoteView:
    """The posts Publer listed this run, by scope; ask ``posts(scope)`` as often as needed."""

    def __init__(self, client: PublerClient) -> None:
        self.client = client
        self._listed: list[tuple[Scope, list[RemotePost]]] = []
        self.requests = 0
        self.listings = 0

    def posts(self, scope: Scope) -> list[RemotePost]:
        for known, posts in self._listed:
            if known.covers(scope):
                return [post for post in posts if scope.holds(post)]
        before = self.client.request_count
        listed = self.client.list_posts(
            state=scope.state,
            account_ids=sorted(scope.accounts),
            start=scope.start,
            end=scope.end,
            query=scope.query,
        )
        self.requests += self.client.request_count - before
        self.listings += 1
        self._listed.append((scope, listed))
        return listed

    def gather(self, scopes: Iterable[Scope]) -> list[RemotePost]:
        """Every post of every scope, each once."""
        seen: dict[str, RemotePost] = {}
        for scope in scopes:
            for post in self.posts(scope):
                seen.setdefault(post.id, post)
        return list(seen.values())

    def invalidate(self) -> None:
        self._listed.clear()


def windows(times: Sequence[datetime], *, pad: timedelta = PAD) -> list[tuple[datetime, datetime]]:
    """Planned times merged into windows (padded, joined when closer than ``MERGE_GAP``)."""
    merged: list[tuple[datetime, datetime]] = []
    for when in sorted(times):
        start, end = when - pad, when + pad
        if merged and start - merged[-1][1] <= MERGE_GAP:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
