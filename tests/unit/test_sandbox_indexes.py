"""The sandbox's hot queries use an index at 100,000 stored posts (no scans per insert).

A bulk of 500 inserts 500 posts: each one asks for the next ``seq`` and whether
the account already has a post within a minute; a listing reads pages in time
order. Without an index each of those scans (and sorts) the whole table, which
at 100,000 posts made bulk answers outlast the client's timeout. The queries
checked are the ones the store really runs (caught with SQLite's trace hook).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

import pytest

from contentctl.sandbox.store import Store
from contentctl.sandbox.tables import PostQuery

POSTS = 100_000
WORKSPACE = "64a5c0de5a0dbee5c0ffee00"
ACCOUNTS = [f"65f0a1b2c3d4e5f6071829{n:02x}" for n in range(13)]
START = datetime(2031, 1, 1, tzinfo=UTC).timestamp()


@pytest.fixture(scope="module")
def store() -> Store:
    store = Store(":memory:")
    rows = (
        (f"p{n:06d}", n, WORKSPACE, ACCOUNTS[n % 13], "scheduled", "status", "status",
         START + 60 * n, f"\npost {n}", 0, 0, json.dumps({"id": f"p{n:06d}"}))
        for n in range(1, POSTS + 1)
    )  # fmt: skip
    with store.transaction():
        store._conn.executemany(
            "INSERT INTO posts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
        )
    return store


def plans_of(store: Store, action: object) -> list[str]:
    """The query plan of every SELECT that ``action()`` runs, one string per statement."""
    statements: list[str] = []
    store._conn.set_trace_callback(statements.append)
    try:
        action()  # type: ignore[operator]
    finally:
        store._conn.set_trace_callback(None)
    plans = []
    for sql in statements:
        if sql.lstrip().upper().startswith("SELECT"):
            rows = store._conn.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()
            plans.append(" | ".join(str(row[-1]) for row in rows))
    assert plans, "the action ran no SELECT"
    return plans


def test_the_table_holds_the_posts(store: Store) -> None:
    assert store._number("SELECT COUNT(*) FROM posts") == POSTS


def test_the_next_sequence_number_is_read_from_an_index(store: Store) -> None:
    (plan,) = plans_of(store, lambda: store._next_seq("posts"))
    assert "posts_seq" in plan, plan
    assert store._next_seq("posts") == POSTS + 1


def test_the_one_minute_gap_check_searches_the_account_index(store: Store) -> None:
    when = datetime.fromtimestamp(START + 60 * 500, UTC)
    (plan,) = plans_of(store, lambda: store.taken(ACCOUNTS[500 % 13], when))
    assert plan.startswith("SEARCH posts USING INDEX posts_account"), plan
    assert store.taken(ACCOUNTS[500 % 13], when)


def test_a_page_of_the_listing_needs_neither_a_scan_nor_a_sort(store: Store) -> None:
    query = PostQuery(workspace_id=WORKSPACE, states=("all",))
    plans = plans_of(store, lambda: store.find_posts(query, limit=20, offset=99_960))
    count, listing = plans
    assert count.startswith("SEARCH posts USING COVERING INDEX"), count
    assert listing.startswith("SEARCH posts USING INDEX posts_listing"), listing
    assert "TEMP B-TREE" not in listing, listing  # read in order from the index, not sorted
    page, total = store.find_posts(query, limit=20, offset=99_960)
    assert total == POSTS
    assert [post["id"] for post in page] == [f"p{n:06d}" for n in range(99_961, 99_981)]


def test_a_page_filtered_by_state_reads_the_state_from_the_index_not_each_row(
    store: Store,
) -> None:
    # a refresh lists by state: skipping 99,960 rows must not read each row to test it
    query = PostQuery(workspace_id=WORKSPACE, states=("scheduled",))
    count, listing = plans_of(store, lambda: store.find_posts(query, limit=20, offset=99_960))
    assert count.startswith("SEARCH posts USING COVERING INDEX posts_listing_covered"), count
    assert listing.startswith("SEARCH posts USING INDEX posts_listing_covered"), listing
    assert "TEMP B-TREE" not in listing, listing


def test_an_existing_database_gets_the_indexes_when_opened(tmp_path: object) -> None:
    path = f"{tmp_path}/old.db"
    old = sqlite3.connect(path)
    old.execute(
        "CREATE TABLE posts (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, workspace_id TEXT "
        "NOT NULL, account_id TEXT, state TEXT NOT NULL, type TEXT, post_type TEXT, "
        "scheduled_ts REAL, text TEXT, auto INTEGER NOT NULL, recycling INTEGER NOT NULL, "
        "data TEXT NOT NULL)"
    )
    old.commit()
    old.close()
    reopened = Store(path)
    try:
        names = {row[0] for row in reopened._rows("SELECT name FROM sqlite_master")}
    finally:
        reopened.close()
    assert {"posts_seq", "posts_listing_covered", "posts_account", "media_seq"} <= names
