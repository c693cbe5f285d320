"""What the emulated Publer holds, in SQLite: JSON objects in, JSON objects out.

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
from datetime import datetime
from pathlib import Path

from contentctl.errors import ConfigError
from contentctl.publer_facts import ACCOUNT_GAP_SECONDS
from contentctl.sandbox.tables import SCHEMA, STATE_FILTERS, PostQuery
from contentctl.sandbox.values import JSONObject

SQLValue = str | int | float | None
Row = tuple[SQLValue, ...]


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
                # WAL's NORMAL: a commit survives the process being killed, only not a
                # power cut, which an emulator need not; no fsync per request
                self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("PRAGMA busy_timeout=10000")
            self._conn.executescript(SCHEMA)
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

    def _rows(self, sql: str, args: Sequence[SQLValue] = ()) -> list[Row]:
        with self._lock:
            rows: list[Row] = self._conn.execute(sql, tuple(args)).fetchall()
            return rows

    def _objects(self, sql: str, args: Sequence[SQLValue] = ()) -> list[JSONObject]:
        """The JSON objects in the first column of each row."""
        return [_object(row[0]) for row in self._rows(sql, args)]

    def _object(self, sql: str, args: Sequence[SQLValue] = ()) -> JSONObject | None:
        found = self._objects(sql, args)
        return found[0] if found else None

    def _number(self, sql: str, args: Sequence[SQLValue] = ()) -> int:
        """The integer in the first column of the first row (0 when there is none)."""
        rows = self._rows(sql, args)
        value = rows[0][0] if rows else 0
        return int(value) if isinstance(value, int | float) else 0

    def _run(self, sql: str, args: Sequence[SQLValue] = ()) -> int:
        with self._lock:
            return self._conn.execute(sql, tuple(args)).rowcount

    # -- users, keys, workspaces, accounts ----------------------------------

    def put_user(self, user: JSONObject, api_key: str) -> None:
        user_id = str(user["id"])
        with self.transaction():
            self._run("INSERT OR REPLACE INTO users VALUES (?, ?)", (user_id, json.dumps(user)))
            self._run("INSERT OR REPLACE INTO api_keys VALUES (?, ?)", (api_key, user_id))

    def user_for_key(self, api_key: str) -> JSONObject | None:
        return self._object(
            "SELECT u.data FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.key = ?",
            (api_key,),
        )

    def put_workspace(self, workspace: JSONObject, owner_id: str) -> None:
        self._run(
            "INSERT OR REPLACE INTO workspaces VALUES (?, ?, ?)",
            (str(workspace["id"]), owner_id, json.dumps(workspace)),
        )

    def workspaces(self, owner_id: str) -> list[JSONObject]:
        return self._objects(
            "SELECT data FROM workspaces WHERE owner_id = ? ORDER BY id", (owner_id,)
        )

    def workspace(self, workspace_id: str) -> JSONObject | None:
        return self._object("SELECT data FROM workspaces WHERE id = ?", (workspace_id,))

    def put_account(self, workspace_id: str, account: JSONObject) -> None:
        account_id = str(account["id"])
        with self.transaction():
            old = self._rows("SELECT seq FROM accounts WHERE id = ?", (account_id,))
            seq = old[0][0] if old else self._next_seq("accounts")
            self._run(
                "INSERT OR REPLACE INTO accounts VALUES (?, ?, ?, ?)",
                (account_id, workspace_id, seq, json.dumps(account)),
            )

    def accounts(self, workspace_id: str) -> list[JSONObject]:
        return self._objects(
            "SELECT data FROM accounts WHERE workspace_id = ? ORDER BY seq", (workspace_id,)
        )

    def _next_seq(self, table: str) -> int:
        return self._number(f"SELECT COALESCE(MAX(seq), 0) + 1 FROM {table}")

    # -- posts ----------------------------------------------------------------

    def add_post(self, workspace_id: str, post: JSONObject) -> None:
        with self.transaction():
            self._write_post(workspace_id, post, self._next_seq("posts"))

    def save_post(self, post: JSONObject) -> None:
        """Rewrite an existing post (its id, workspace and order stay)."""
        with self.transaction():
            query = "SELECT workspace_id, seq FROM posts WHERE id = ?"
            workspace_id, seq = self._rows(query, (str(post["id"]),))[0]
            self._write_post(str(workspace_id), post, seq)

    def _write_post(self, workspace_id: str, post: JSONObject, seq: SQLValue) -> None:
        details = post.get("details")
        kind = details.get("type") if isinstance(details, dict) else None
        self._run(
            "INSERT OR REPLACE INTO posts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                str(post["id"]), seq, workspace_id, _text(post.get("account_id")),
                str(post["state"]), _text(post.get("type")), _text(kind) or _text(post.get("type")),
                _timestamp(post.get("scheduled_at")),
                f"{post.get('title') or ''}\n{post.get('text') or ''}", int(bool(post.get("auto"))),
                int(bool(post.get("recycling"))), json.dumps(post),
            ),
        )  # fmt: skip

    def post(self, post_id: str, workspace_id: str | None = None) -> JSONObject | None:
        rows = self._rows("SELECT data, workspace_id FROM posts WHERE id = ?", (post_id,))
        if not rows or (workspace_id is not None and rows[0][1] != workspace_id):
            return None
        return _object(rows[0][0])

    def find_posts(
        self, query: PostQuery, *, limit: int = -1, offset: int = 0
    ) -> tuple[list[JSONObject], int]:
        """Matching posts (ordered by time, undated last) and how many match in all."""
        where: list[str] = ["1"]
        args: list[SQLValue] = []
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
            total = self._number(f"SELECT COUNT(*) FROM posts WHERE {clause}", args)
            posts = self._objects(
                f"SELECT data FROM posts WHERE {clause} "
                "ORDER BY scheduled_ts IS NULL, scheduled_ts, seq LIMIT ? OFFSET ?",
                [*args, limit, offset],
            )
        return posts, total

    def posts(
        self,
        workspace_id: str | None = None,
        *,
        states: tuple[str, ...] = (),
        account_ids: tuple[str, ...] = (),
        query: str | None = None,
        post_type: str | None = None,
    ) -> list[JSONObject]:
        """Every post matching these ``PostQuery`` fields (for tests and tools)."""
        found = PostQuery(workspace_id, states, account_ids, query=query, post_type=post_type)
        return self.find_posts(found)[0]

    def taken(
        self, account_id: str, when: datetime, gap_seconds: float = ACCOUNT_GAP_SECONDS
    ) -> bool:
        """True if the account has a non-draft post less than ``gap_seconds`` from ``when``."""
        ts = when.timestamp()
        rows = self._rows(
            "SELECT 1 FROM posts WHERE account_id = ? AND scheduled_ts > ? AND scheduled_ts < ? "
            "AND state IN ('scheduled', 'published', 'recurring') LIMIT 1",
            (account_id, ts - gap_seconds, ts + gap_seconds),
        )
        return bool(rows)

    def due_posts(self, now: datetime) -> list[JSONObject]:
        return self._objects(
            "SELECT data FROM posts WHERE state = 'scheduled' AND scheduled_ts <= ? ORDER BY seq",
            (now.timestamp(),),
        )

    def delete_post(self, post_id: str) -> bool:
        return self._run("DELETE FROM posts WHERE id = ?", (post_id,)) > 0

    # -- media, jobs, rate ---------------------------------------------------

    def add_media(self, workspace_id: str, media: JSONObject) -> None:
        with self.transaction():
            self._run(
                "INSERT INTO media VALUES (?, ?, ?, ?, ?)",
                (str(media["id"]), self._next_seq("media"), workspace_id, str(media["type"]),
                 json.dumps(media)),
            )  # fmt: skip

    def media(self, workspace_id: str | None = None) -> list[JSONObject]:
        return self._objects(
            "SELECT data FROM media WHERE ? IS NULL OR workspace_id = ? ORDER BY seq DESC",
            (workspace_id, workspace_id),
        )

    def media_item(self, media_id: str, workspace_id: str) -> JSONObject | None:
        return self._object(
            "SELECT data FROM media WHERE id = ? AND workspace_id = ?", (media_id, workspace_id)
        )

    def add_job(
        self, job_id: str, workspace_id: str, payload: object, *, working_polls: int, failed: bool
    ) -> None:
        self._run(
            "INSERT INTO jobs VALUES (?, ?, 0, ?, ?, ?)",
            (job_id, workspace_id, working_polls, int(failed), json.dumps(payload)),
        )

    def poll_job(self, job_id: str, workspace_id: str) -> tuple[str, object] | None:
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
        if _int(polls) < _int(working):
            return "working", None
        payload_json: object = json.loads(str(payload))
        return ("failed" if failed else "complete"), payload_json

    def add_pending(
        self, job_id: str, workspace_id: str, run_at: datetime, posts: list[JSONObject]
    ) -> None:
        """A job that creates ``posts`` when it runs, at ``run_at``."""
        self._run(
            "INSERT INTO pending_jobs VALUES (?, ?, ?, ?)",
            (job_id, workspace_id, run_at.timestamp(), json.dumps(posts)),
        )

    def due_jobs(self, now: datetime) -> list[tuple[str, str, list[JSONObject]]]:
        """Jobs whose time to run has come: (job id, workspace id, posts), oldest first."""
        rows = self._rows(
            "SELECT id, workspace_id, posts FROM pending_jobs WHERE run_ts <= ? ORDER BY run_ts",
            (now.timestamp(),),
        )
        out: list[tuple[str, str, list[JSONObject]]] = []
        for job_id, workspace_id, posts in rows:
            parsed = json.loads(str(posts))
            out.append((str(job_id), str(workspace_id), parsed if isinstance(parsed, list) else []))
        return out

    def job_ran(self, job_id: str) -> None:
        self._run("DELETE FROM pending_jobs WHERE id = ?", (job_id,))

    def job_pending(self, job_id: str) -> bool:
        return bool(self._rows("SELECT 1 FROM pending_jobs WHERE id = ?", (job_id,)))

    def count_request(self, key: str, window_start: int) -> int:
        """Add one request to ``key``'s window and return the window's count."""
        return self._number(
            "INSERT INTO rate VALUES (?, ?, 1) ON CONFLICT (key, window_start) "
            "DO UPDATE SET count = count + 1 RETURNING count",
            (key, window_start),
        )

    def requests_in(self, key: str, window_start: int) -> int:
        return self._number(
            "SELECT count FROM rate WHERE key = ? AND window_start = ?", (key, window_start)
        )

    def wipe(self) -> None:
        """Forget posts, media, jobs and rate counters; keep users, workspaces, accounts."""
        with self.transaction():
            for table in ("posts", "media", "jobs", "pending_jobs", "rate"):
                self._run(f"DELETE FROM {table}")


def _object(value: SQLValue) -> JSONObject:
    """A stored JSON object (every ``data`` column holds one)."""
    found: object = json.loads(str(value))
    if not isinstance(found, dict):
        raise ValueError(f"the sandbox database holds a non-object: {value!r}")
    return found


def _int(value: SQLValue) -> int:
    return int(value) if isinstance(value, int | float) else 0


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _timestamp(value: object) -> float | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value).timestamp()
    except ValueError:
        return None
