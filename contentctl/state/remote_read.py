"""When the state last matched what Publer holds: a marker in, "list again or not" out.

An apply that listed Publer (its refresh, the settling of its jobs), had no
blocked change and ended with nothing in flight leaves a state that is what
Publer held. It records
that as ``remote_read`` in the state: Publer's clock when its listing began
(``at``), the command (``by``), the serial of the write that holds the marker
(``serial``), and how many posts Publer then held on the config's accounts
(``posts``, one ``GET /posts?state=all`` page; ``scope`` names those
accounts). A plan soon after checks that count with one request instead of
listing every managed post again (issue 16: one listing per run, and a plan
right after an apply does not list again what the apply just read).

The marker vouches only for the very state it was written with: any other
write (``state push``, ``refresh``, a plan that settled a journal) gives the
state a new serial. It is ignored when older than ``refresh_max_age`` by Publer's
clock or from the future, when the journal holds unsettled bulks, when the
config names other accounts, when Publer now holds another number of posts on
them (a post created or deleted since: a state rolled back to an earlier
apply's file, a team mate's post) and when ``plan --refresh`` asks. What it
cannot see is an edit made on Publer since: the plan says how old its
knowledge is, and ``--refresh`` lists.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypedDict

from contentctl.model import Config


class RemoteReadJSON(TypedDict):
    at: str  # Publer's clock, UTC, "2026-12-02T10:00:00Z"
    by: str  # the command that read it: "apply"
    serial: int  # the state serial written with the marker
    posts: int  # posts Publer held on the scope's accounts (GET /posts?state=all total)
    scope: str  # sha256 of the sorted account ids counted


@dataclass(frozen=True)
class RemoteRead:
    at: datetime
    by: str
    serial: int
    posts: int
    scope: str

    def to_json(self) -> RemoteReadJSON:
        return {
            "at": self.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "by": self.by,
            "serial": self.serial,
            "posts": self.posts,
            "scope": self.scope,
        }

    @classmethod
    def from_json(cls, data: RemoteReadJSON) -> RemoteRead:
        at = datetime.fromisoformat(data["at"])
        return cls(at, data["by"], data["serial"], data["posts"], data["scope"])


def counted_accounts(config: Config) -> list[str]:
    """The Publer ids of the config's accounts: what the count covers."""
    return [account.id for account in config.accounts.values()]


def scope_of(account_ids: Iterable[str]) -> str:
    """The accounts a count covers, as one digest: another config's count is another count."""
    return hashlib.sha256("\n".join(sorted(set(account_ids))).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Reuse:
    """A marker the plan may use once Publer's count agrees: how old it is, for the plan."""

    marker: RemoteRead
    age: float  # seconds, by Publer's clock

    def agrees(self, posts: int | None) -> bool:
        """Whether Publer still holds as many posts as the apply left (None: it did not say)."""
        return posts is not None and posts == self.marker.posts

    def note(self) -> str:
        return (
            f"Publer was read by the {self.marker.by} {_age_text(self.age)} ago "
            f"(state serial {self.marker.serial}, {self.marker.posts} posts on Publer, "
            "unchanged): not listed again. `contentctl plan --refresh` lists it now."
        )


def reusable(
    marker: RemoteRead | None,
    *,
    serial: int,
    unsettled: bool,
    scope: str,
    now: datetime,
    max_age: float,
) -> Reuse | None:
    """The marker if it may describe this state still; None: list Publer.

    The caller then asks Publer for the count (``Reuse.agrees``) before trusting it.
    """
    if marker is None or unsettled or max_age <= 0:
        return None
    if marker.serial != serial or marker.scope != scope:
        return None
    age = (now - marker.at).total_seconds()
    if not 0 <= age <= max_age:
        return None
    return Reuse(marker, age)


def _age_text(seconds: float) -> str:
    whole = int(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes, rest = divmod(whole, 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"
