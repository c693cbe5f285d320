"""The marker an apply leaves when the state is what Publer holds, and when a plan may trust it.

The plan skips its listing only for the very state the apply wrote (same serial), with
nothing in flight, the same accounts, younger than ``refresh_max_age`` by Publer's clock
and not from the future, and only while Publer's count of posts agrees.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from contentctl.state.records import State, new_state
from contentctl.state.remote_read import RemoteRead, reusable, scope_of

AT = datetime(2026, 12, 2, 10, 0, 0, tzinfo=UTC)
SCOPE = scope_of(["65a1f0c2b3d4e5f601a2b3c1", "65a1f0c2b3d4e5f601a2b3c2"])
MARKER = RemoteRead(AT, "apply", 7, 12, SCOPE)


def use(marker: RemoteRead | None = MARKER, **changes: object) -> object:
    settings: dict[str, object] = {
        "serial": 7,
        "unsettled": False,
        "scope": SCOPE,
        "now": AT + timedelta(seconds=42),
        "max_age": 300,
    }
    settings.update(changes)
    return reusable(marker, **settings)  # type: ignore[arg-type]


def test_a_fresh_marker_of_this_very_state_is_trusted_and_says_how_old_it_is() -> None:
    reuse = use()
    assert reuse is not None
    assert reuse.note() == (
        "Publer was read by the apply 42 s ago (state serial 7, 12 posts on Publer, "
        "unchanged): not listed again. `contentctl plan --refresh` lists it now."
    )
    assert reuse.agrees(12)
    assert not reuse.agrees(13)  # a post created since: a rolled-back state, a team mate's post
    assert not reuse.agrees(11)  # one deleted since
    assert not reuse.agrees(None)  # Publer gave no total: list
    later = use(now=AT + timedelta(seconds=150))
    assert later is not None and "2 min 30 s ago" in later.note()


@pytest.mark.parametrize(
    ("why", "changes"),
    [
        ("another write since (its serial moved on)", {"serial": 8}),
        ("bulks in the journal, not settled", {"unsettled": True}),
        ("older than refresh_max_age", {"now": AT + timedelta(seconds=301)}),
        (
            "from the future (a clock that disagrees, a restored file)",
            {"now": AT - timedelta(seconds=1)},
        ),
        ("refresh_max_age 0: list on every plan", {"max_age": 0}),
        ("the config names other accounts", {"scope": scope_of(["65a1f0c2b3d4e5f601a2b3c1"])}),
    ],
)
def test_the_plan_lists_again_when(why: str, changes: dict[str, object]) -> None:
    assert use(**changes) is None, why


def test_no_marker_is_no_trust() -> None:
    assert use(None) is None


def test_at_the_limit_itself_it_is_still_trusted() -> None:
    assert use(now=AT + timedelta(seconds=300)) is not None
    assert use(now=AT) is not None


def test_the_marker_round_trips_through_the_state_document() -> None:
    state = new_state("65a1f0c2b3d4e5f601a2b3c0")
    state.remote_read = MARKER
    document = state.to_json()
    assert document["remote_read"] == {
        "at": "2026-12-02T10:00:00Z",
        "by": "apply",
        "serial": 7,
        "posts": 12,
        "scope": SCOPE,
    }
    assert State.from_json(document).remote_read == MARKER


def test_the_scope_is_the_set_of_accounts_whatever_their_order() -> None:
    assert scope_of(["b", "a", "a"]) == scope_of(["a", "b"]) != scope_of(["a"])
