"""The sandbox's SQLite tables, and the ``GET /posts`` filters as SQL.

``SCHEMA`` creates every table and the indexes its queries use (a bulk of 500
at 100,000 stored posts stays fast); ``STATE_FILTERS`` maps each ``state``
value Publer documents to the rows it selects; ``PostQuery`` is a checked
listing request. Used by ``store`` and ``endpoints``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS api_keys (key TEXT PRIMARY KEY, user_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS workspaces (id TEXT PRIMARY KEY, owner_id TEXT NOT NULL,
    data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL,
    seq INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS posts (id TEXT PRIMARY KEY, seq INTEGER NOT NULL,
    workspace_id TEXT NOT NULL, account_id TEXT, state TEXT NOT NULL, type TEXT,
    post_type TEXT, scheduled_ts REAL, text TEXT, auto INTEGER NOT NULL,
    recycling INTEGER NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS posts_ws ON posts (workspace_id, scheduled_ts);
CREATE INDEX IF NOT EXISTS posts_account ON posts (account_id, scheduled_ts);
CREATE INDEX IF NOT EXISTS posts_state ON posts (state, scheduled_ts);
CREATE INDEX IF NOT EXISTS posts_seq ON posts (seq);
DROP INDEX IF EXISTS posts_listing;
CREATE INDEX IF NOT EXISTS posts_listing_covered ON posts (workspace_id, scheduled_ts IS NULL,
    scheduled_ts, seq, state, account_id);
CREATE TABLE IF NOT EXISTS media (id TEXT PRIMARY KEY, seq INTEGER NOT NULL,
    workspace_id TEXT NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS media_seq ON media (seq);
CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL,
    polls INTEGER NOT NULL, working_polls INTEGER NOT NULL, failed INTEGER NOT NULL,
    payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pending_jobs (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL,
    run_ts REAL NOT NULL, posts TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rate (key TEXT NOT NULL, window_start INTEGER NOT NULL,
    count INTEGER NOT NULL, PRIMARY KEY (key, window_start));
"""

# GET /posts ``state`` values (docs/publer-api.md §6) and the rows each one selects.
_NOTHING = "0"
STATE_FILTERS: dict[str, str] = {
    "all": "1",
    "scheduled": "state IN ('scheduled', 'scheduled_pending')",
    "scheduled_approved": "state = 'scheduled'",
    "published": "state = 'published'",
    "published_posted": "state = 'published'",
    "draft": "state IN ('draft', 'draft_private', 'draft_public')",
    "draft_dated": "state = 'draft' AND scheduled_ts IS NOT NULL",
    "draft_undated": "state = 'draft' AND scheduled_ts IS NULL",
    "draft_private": "state = 'draft_private'",
    "draft_public": "state = 'draft_public'",
    "failed": "state = 'failed'",
    "scheduled_pending": "state = 'scheduled_pending'",  # awaiting approval (/_sandbox/posts)
    "recycling": "recycling = 1",
    "recycling_active": "recycling = 1",
    "recurring": "state = 'recurring'",
}
for _suffix in ("pending", "declined", "reauth", "locked"):
    STATE_FILTERS.setdefault(f"scheduled_{_suffix}", _NOTHING)
    STATE_FILTERS[f"recycling_{_suffix}"] = _NOTHING
for _name in ("published_deleted", "published_hidden", "recycling_paused", "recycling_expired",
              "recycling_failed"):  # fmt: skip
    STATE_FILTERS[_name] = _NOTHING


@dataclass(frozen=True)
class PostQuery:
    """The filters of ``GET /posts``, already checked."""

    workspace_id: str | None = None
    states: tuple[str, ...] = ()
    account_ids: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    query: str | None = None
    post_type: str | None = None
