"""What the emulated Publer holds, in SQLite: plain dicts in, plain dicts out.

One ``Store`` owns one connection (a file in WAL mode, or ``:memory:``) behind
a re-entrant lock, so the threaded server and the in-process transport can
share it; ``transaction()`` wraps a request in ``BEGIN IMMEDIATE`` so another
process on the same file waits instead of corrupting it. Posts keep their
full JSON object plus indexed columns for the ``GET /posts`` filters.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from contentctl.errors import ConfigError

_SCHEMA = """
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
CREATE TABLE IF NOT EXISTS media (id TEXT PRIMARY KEY, seq INTEGER NOT NULL,
    workspace_id TEXT NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL,
    polls INTEGER NOT NULL, working_polls INTEGER NOT NULL, failed INTEGER NOT NULL,
    payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rate (key TEXT NOT NULL, window_start INTEGER NOT NULL,
    count INTEGER NOT NULL, PRIMARY KEY (key, window_start));
"""

# GET /posts ``state`` values (publer-api.md section 6) and the rows each one selects.
_NOTHING = "0"
STATE_FILTERS: dict[str, str] = {
    "all": "1",
    "scheduled": "state = 'scheduled'",
    "scheduled_approved": "state = 'scheduled'",
    "published": "state = 'published'",
    "published_posted": "state = 'published'",
    "draft": "state IN ('draft', 'draft_private', 'draft_public')",
    "draft_dated": "state = 'draft' AND scheduled_ts IS NOT NULL",
    "draft_undated": "state = 'draft' AND scheduled_ts IS NULL",
    "draft_private": "state = 'draft_private'",
    "draft_public": "state = 'draft_public'",
    "failed": "state = 'failed'",
    "recycling": "recycling = 1",
    "recycling_active": "recycling = 1",
    "recurring": "state = 'recurring'",
}
for _suffix in ("pending", "declined", "reauth", "locked"):
    STATE_FILTERS[f"scheduled_{_suffix}"] = _NOTHING
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


class Store:
    """The sandbox database. Every method is safe to call from any thread."""

    def __init__(self, path: Path | str) -> None:
        target = str(path)
        if target != ":memory:":
            Path(target).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = sqlite3.connect(
                target, isolation_level=None, check_same_thread=False, timeout=10.0
            )
            if target != ":memory:":
                self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA busy_timeout=10000")
            self._conn.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise ConfigError(f"cannot open the sandbox database {target}: {exc}") from None
        self._lock = threading.RLock()
        self._depth = 0

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic unit; nested calls join the outer one."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self._conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")
            finally:
                self._depth = 0

    def _rows(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._conn.execute(sql, tuple(args)).fetchall()

    def _run(self, sql: str, args: Sequence[Any] = ()) -> int:
        with self._lock:
            return self._conn.execute(sql, tuple(args)).rowcount

    # -- users, keys, workspaces, accounts ----------------------------------

    def put_user(self, user: dict[str, Any], api_key: str) -> None:
        with self.transaction():
            self._run("INSERT OR REPLACE INTO users VALUES (?, ?)", (user["id"], json.dumps(user)))
            self._run("INSERT OR REPLACE INTO api_keys VALUES (?, ?)", (api_key, user["id"]))

    def user_for_key(self, api_key: str) -> dict[str, Any] | None:
        rows = self._rows(
            "SELECT u.data FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.key = ?",
            (api_key,),
        )
        return json.loads(rows[0][0]) if rows else None

    def put_workspace(self, workspace: dict[str, Any], owner_id: str) -> None:
        self._run(
            "INSERT OR REPLACE INTO workspaces VALUES (?, ?, ?)",
            (workspace["id"], owner_id, json.dumps(workspace)),
        )

    def workspaces(self, owner_id: str) -> list[dict[str, Any]]:
        rows = self._rows("SELECT data FROM workspaces WHERE owner_id = ? ORDER BY id", (owner_id,))
        return [json.loads(r[0]) for r in rows]

    def workspace(self, workspace_id: str) -> dict[str, Any] | None:
        rows = self._rows("SELECT data FROM workspaces WHERE id = ?", (workspace_id,))
        return json.loads(rows[0][0]) if rows else None

    def put_account(self, workspace_id: str, account: dict[str, Any]) -> None:
        with self.transaction():
            old = self._rows("SELECT seq FROM accounts WHERE id = ?", (account["id"],))
            seq = old[0][0] if old else self._next_seq("accounts")
            self._run(
                "INSERT OR REPLACE INTO accounts VALUES (?, ?, ?, ?)",
                (account["id"], workspace_id, seq, json.dumps(account)),
            )

    def accounts(self, workspace_id: str) -> list[dict[str, Any]]:
        rows = self._rows(
            "SELECT data FROM accounts WHERE workspace_id = ? ORDER BY seq", (workspace_id,)
        )
        return [json.loads(r[0]) for r in rows]

    def _next_seq(self, table: str) -> int:
        return int(self._rows(f"SELECT COALESCE(MAX(seq), 0) + 1 FROM {table}")[0][0])

    # -- posts ----------------------------------------------------------------

    def add_post(self, workspace_id: str, post: dict[str, Any]) -> None:
        with self.transaction():
            self._write_post(workspace_id, post, self._next_seq("posts"))

    def save_post(self, post: dict[str, Any]) -> None:
        """Rewrite an existing post (its id, workspace and order stay)."""
        with self.transaction():
            ws, seq = self._rows("SELECT workspace_id, seq FROM posts WHERE id = ?", (post["id"],))[
                0
            ]
            self._write_post(ws, post, seq)

    def _write_post(self, workspace_id: str, post: dict[str, Any], seq: int) -> None:
        details = post.get("details") or {}
        kind = details.get("type") if isinstance(details, dict) else None
        self._run(
            "INSERT OR REPLACE INTO posts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                post["id"], seq, workspace_id, post.get("account_id"), post["state"],
                post.get("type"), kind or post.get("type"), _timestamp(post.get("scheduled_at")),
                f"{post.get('title') or ''}\n{post.get('text') or ''}", int(bool(post.get("auto"))),
                int(bool(post.get("recycling"))), json.dumps(post),
            ),
        )  # fmt: skip

    def post(self, post_id: str, workspace_id: str | None = None) -> dict[str, Any] | None:
        rows = self._rows("SELECT data, workspace_id FROM posts WHERE id = ?", (post_id,))
        if not rows or (workspace_id is not None and rows[0][1] != workspace_id):
            return None
        found: dict[str, Any] = json.loads(rows[0][0])
        return found

    def find_posts(
        self, query: PostQuery, *, limit: int = -1, offset: int = 0
    ) -> tuple[list[dict[str, Any]], int]:
        """Matching posts (ordered by time, undated last) and how many match in all."""
        where: list[str] = ["1"]
        args: list[Any] = []
        if query.workspace_id is not None:
            where.append("workspace_id = ?")
            args.append(query.workspace_id)
        if query.states:
            where.append("(" + " OR ".join(STATE_FILTERS[s] for s in query.states) + ")")
        if query.account_ids:
            where.append(f"account_id IN ({','.join('?' * len(query.account_ids))})")
            args.extend(query.account_ids)
        if query.since is not None and query.until is not None:
            where.append("scheduled_ts BETWEEN ? AND ?")
            args.extend([query.since.timestamp(), query.until.timestamp()])
        if query.query:
            where.append("instr(lower(text), lower(?)) > 0")
            args.append(query.query)
        if query.post_type:
            where.append("(type = ? OR post_type = ?)")
            args.extend([query.post_type, query.post_type])
        clause = " AND ".join(where)
        with self._lock:
            total = int(self._rows(f"SELECT COUNT(*) FROM posts WHERE {clause}", args)[0][0])
            rows = self._rows(
                f"SELECT data FROM posts WHERE {clause} "
                "ORDER BY scheduled_ts IS NULL, scheduled_ts, seq LIMIT ? OFFSET ?",
                [*args, limit, offset],
            )
        return [json.loads(r[0]) for r in rows], total

    def posts(self, workspace_id: str | None = None, **filters: Any) -> list[dict[str, Any]]:
        """Every post matching ``PostQuery`` fields given as keywords (for tests and tools)."""
        return self.find_posts(PostQuery(workspace_id=workspace_id, **filters))[0]

    def taken(self, account_id: str, when: datetime, gap_seconds: float = 60.0) -> bool:
        """True if the account has a non-draft post less than ``gap_seconds`` from ``when``."""
        ts = when.timestamp()
        rows = self._rows(
            "SELECT 1 FROM posts WHERE account_id = ? AND scheduled_ts > ? AND scheduled_ts < ? "
            "AND state IN ('scheduled', 'published', 'recurring') LIMIT 1",
            (account_id, ts - gap_seconds, ts + gap_seconds),
        )
        return bool(rows)

    def due_posts(self, now: datetime) -> list[dict[str, Any]]:
        rows = self._rows(
            "SELECT data FROM posts WHERE state = 'scheduled' AND scheduled_ts <= ? ORDER BY seq",
            (now.timestamp(),),
        )
        return [json.loads(r[0]) for r in rows]

    def delete_post(self, post_id: str) -> bool:
        return self._run("DELETE FROM posts WHERE id = ?", (post_id,)) > 0

    # -- media, jobs, rate ---------------------------------------------------

    def add_media(self, workspace_id: str, media: dict[str, Any]) -> None:
        with self.transaction():
            self._run(
                "INSERT INTO media VALUES (?, ?, ?, ?, ?)",
                (media["id"], self._next_seq("media"), workspace_id, media["type"],
                 json.dumps(media)),
            )  # fmt: skip

    def media(self, workspace_id: str | None = None) -> list[dict[str, Any]]:
        rows = self._rows(
            "SELECT data FROM media WHERE ? IS NULL OR workspace_id = ? ORDER BY seq DESC",
            (workspace_id, workspace_id),
        )
        return [json.loads(r[0]) for r in rows]

    def media_item(self, media_id: str, workspace_id: str) -> dict[str, Any] | None:
        rows = self._rows(
            "SELECT data FROM media WHERE id = ? AND workspace_id = ?", (media_id, workspace_id)
        )
        return json.loads(rows[0][0]) if rows else None

    def add_job(
        self, job_id: str, workspace_id: str, payload: Any, *, working_polls: int, failed: bool
    ) -> None:
        self._run(
            "INSERT INTO jobs VALUES (?, ?, 0, ?, ?, ?)",
            (job_id, workspace_id, working_polls, int(failed), json.dumps(payload)),
        )

    def poll_job(self, job_id: str, workspace_id: str) -> tuple[str, Any] | None:
        """Count one poll; ``(status, payload)`` with status working, complete or failed."""
        with self.transaction():
            rows = self._rows(
                "SELECT polls, working_polls, failed, payload FROM jobs "
                "WHERE id = ? AND workspace_id = ?",
                (job_id, workspace_id),
            )
            if not rows:
                return None
            polls, working, failed, payload = rows[0]
            self._run("UPDATE jobs SET polls = polls + 1 WHERE id = ?", (job_id,))
        if polls < working:
            return "working", None
        return ("failed" if failed else "complete"), json.loads(payload)

    def count_request(self, key: str, window_start: int) -> int:
        """Add one request to ``key``'s window and return the window's count."""
        rows = self._rows(
            "INSERT INTO rate VALUES (?, ?, 1) ON CONFLICT (key, window_start) "
            "DO UPDATE SET count = count + 1 RETURNING count",
            (key, window_start),
        )
        return int(rows[0][0])

    def requests_in(self, key: str, window_start: int) -> int:
        rows = self._rows(
            "SELECT count FROM rate WHERE key = ? AND window_start = ?", (key, window_start)
        )
        return int(rows[0][0]) if rows else 0

    def wipe(self) -> None:
        """Forget posts, media, jobs and rate counters; keep users, workspaces, accounts."""
        with self.transaction():
            for table in ("posts", "media", "jobs", "rate"):
                self._run(f"DELETE FROM {table}")


def _timestamp(value: Any) -> float | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value).timestamp()
    except ValueError:
        return None
