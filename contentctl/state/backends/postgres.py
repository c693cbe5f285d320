"""The postgres backend: the state in tables, checked writes, a lock that dies with its run.

``PostgresBackend(config, settings)`` connects with the URL in the environment
variable ``settings.url_env`` (never in a file, never in a message) and keeps
each state under its ``name`` in three tables of ``settings.schema``:
``states`` (serial, lineage and the document's other members), ``entries`` (one row per post ×
account) and ``locks`` (who holds the lock). A write is one transaction that
locks the ``states`` row and goes on only if its serial is still the one the
run read; it rewrites only the entries that changed. The lock is a
session-level advisory lock (``pg_try_advisory_lock``) held by a connection
of its own: when the holder's process dies its connection closes and the
server frees the lock, whatever machine it ran on. Its ``locks`` row tells
everyone else who holds it. psycopg is imported only here.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any

from contentctl.errors import ConfigError, StateError, StateLockedError
from contentctl.model import Config, StateBackendConfig, StateBackendKind
from contentctl.state.backends.docstore import (
    BackendUnavailableError,
    DocumentStore,
    MigratesByDocument,
    checked,
)
from contentctl.state.backends.holder import UNLOCK_COMMAND, Holder, wait_for_lock
from contentctl.state.records import StateJSON
from contentctl.state.store import StateStore

if TYPE_CHECKING:
    import psycopg

_TABLES = """
CREATE SCHEMA IF NOT EXISTS {schema};
CREATE TABLE IF NOT EXISTS {schema}.states (
    name text PRIMARY KEY,
    lineage text NOT NULL,
    serial bigint NOT NULL,
    -- every other member of the document but posts (format_version, workspace,
    -- remote, media, journal), so a member a newer contentctl adds is kept too
    members jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS {schema}.entries (
    state text NOT NULL REFERENCES {schema}.states (name) ON DELETE CASCADE,
    post_id text NOT NULL,
    alias text NOT NULL,
    entry jsonb NOT NULL,
    PRIMARY KEY (state, post_id, alias)
);
CREATE TABLE IF NOT EXISTS {schema}.locks (
    state text PRIMARY KEY,
    holder jsonb NOT NULL,
    backend_pid integer NOT NULL
);
"""
_UPSERT_ENTRY = (
    "INSERT INTO {schema}.entries (state, post_id, alias, entry) VALUES (%s, %s, %s, %s) "
    "ON CONFLICT (state, post_id, alias) DO UPDATE SET entry = EXCLUDED.entry"
)


def _key(schema: str, name: str) -> int:
    """The advisory lock's key: stable, positive, and distinct per schema and state name."""
    digest = hashlib.sha256(f"contentctl-state\0{schema}\0{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 2


def _canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


class PostgresBackend(MigratesByDocument):
    kind = StateBackendKind.POSTGRES

    def __init__(self, config: Config, settings: StateBackendConfig) -> None:
        url = os.environ.get(settings.url_env, "").strip()
        if not url:
            raise ConfigError(
                f"the postgres state backend needs the database URL in the environment "
                f"variable {settings.url_env}",
                hint="e.g. postgresql://contentctl@HOST/DB, the password in it or in PGPASSWORD",
            )
        self._url = url
        self.name = settings.name
        self.schema = settings.schema
        self.where = f"postgres state {settings.name!r} (schema {settings.schema})"
        self._errored = config.state_path.with_name(config.state_path.stem + ".errored.json")
        self._lock_key = _key(settings.schema, settings.name)
        self._store = DocumentStore(self, self._errored)
        # the entries as last read or written, so a write sends only what changed
        self._rows: dict[tuple[str, str], str] = {}
        self._rows_serial: int | None = None
        self._ready = False

    def store(self) -> StateStore:
        return self._store

    # -- connections ---------------------------------------------------------------

    def _connect(self) -> psycopg.Connection[Any]:
        import psycopg

        try:
            conn = psycopg.connect(
                self._url, autocommit=True, connect_timeout=15, application_name="contentctl"
            )
        except psycopg.Error as exc:
            raise BackendUnavailableError(
                f"cannot reach the {self.where}: {self._redact(exc)}"
            ) from None
        if not self._ready:
            try:
                with conn.transaction():
                    # one creator at a time: CREATE … IF NOT EXISTS races with itself
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", (self._lock_key ^ 1,))
                    conn.execute(self._sql(_TABLES))
            except psycopg.Error as exc:
                conn.close()
                raise BackendUnavailableError(
                    f"cannot create the tables of the {self.where}: {self._redact(exc)}"
                ) from None
            self._ready = True
        return conn

    @contextmanager
    def _session(self, what: str) -> Iterator[psycopg.Connection[Any]]:
        import psycopg

        conn = self._connect()
        try:
            yield conn
        except psycopg.Error as exc:
            raise BackendUnavailableError(
                f"could not {what} the {self.where}: {self._redact(exc)}"
            ) from None
        finally:
            conn.close()

    def _sql(self, text: str) -> Any:
        from psycopg import sql

        return sql.SQL(text).format(schema=sql.Identifier(self.schema))

    def _redact(self, exc: BaseException) -> str:
        message = " ".join(str(exc).split())
        for secret in (self._url, *self._passwords()):
            if secret:
                message = message.replace(secret, "***")
        return message

    def _passwords(self) -> tuple[str, ...]:
        from psycopg.conninfo import conninfo_to_dict

        try:
            found = conninfo_to_dict(self._url).get("password")
        except Exception:  # an unparsable URL has nothing more to hide
            return ()
        return (str(found),) if found else ()

    # -- the document --------------------------------------------------------------

    def read(self) -> StateJSON | None:
        with self._session("read") as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            row = conn.execute(
                self._sql("SELECT lineage, serial, members FROM {schema}.states WHERE name = %s"),
                (self.name,),
            ).fetchone()
            if row is None:
                self._rows, self._rows_serial = {}, None
                return None
            entries = conn.execute(
                self._sql("SELECT post_id, alias, entry FROM {schema}.entries WHERE state = %s"),
                (self.name,),
            ).fetchall()
        lineage, serial, members = row
        posts: dict[str, dict[str, Any]] = {}
        rows: dict[tuple[str, str], str] = {}
        for post_id, alias, entry in entries:
            posts.setdefault(post_id, {})[alias] = entry
            rows[(post_id, alias)] = _canonical(entry)
        self._rows, self._rows_serial = rows, serial
        found = {**members, "lineage": lineage, "posts": posts, "serial": serial}
        document = checked(found, source=f"the {self.where}")  # as a state file is, on load
        return document

    def write(self, document: StateJSON, *, expected: int | None) -> None:
        from psycopg.types.json import Jsonb

        rows = {
            (post_id, alias): _canonical(entry)
            for post_id, accounts in document["posts"].items()
            for alias, entry in accounts.items()
        }
        with self._session("write") as conn, conn.transaction():
            found = conn.execute(
                self._sql("SELECT serial FROM {schema}.states WHERE name = %s FOR UPDATE"),
                (self.name,),
            ).fetchone()
            stored = None if found is None else int(found[0])
            if stored != expected:
                raise self._conflict(stored, expected)
            members = {
                key: value
                for key, value in document.items()
                if key not in ("lineage", "posts", "serial")
            }
            values = (document["lineage"], document["serial"], Jsonb(members), self.name)
            if stored is None:
                conn.execute(
                    self._sql(
                        "INSERT INTO {schema}.states (lineage, serial, members, name) "
                        "VALUES (%s, %s, %s, %s)"
                    ),
                    values,
                )
            else:
                conn.execute(
                    self._sql(
                        "UPDATE {schema}.states SET lineage = %s, serial = %s, members = %s, "
                        "updated_at = now() WHERE name = %s"
                    ),
                    values,
                )
            known = self._rows if self._rows_serial == stored and stored is not None else None
            if known is None and stored is not None:
                conn.execute(
                    self._sql("DELETE FROM {schema}.entries WHERE state = %s"), (self.name,)
                )
                known = {}
            known = known or {}
            gone = [key for key in known if key not in rows]
            changed = [key for key, text in rows.items() if known.get(key) != text]
            with conn.cursor() as cursor:
                if gone:
                    cursor.executemany(
                        self._sql(
                            "DELETE FROM {schema}.entries "
                            "WHERE state = %s AND post_id = %s AND alias = %s"
                        ),
                        [(self.name, post_id, alias) for post_id, alias in gone],
                    )
                if changed:
                    cursor.executemany(
                        self._sql(_UPSERT_ENTRY),
                        [
                            (self.name, post_id, alias, Jsonb(document["posts"][post_id][alias]))
                            for post_id, alias in changed
                        ],
                    )
        self._rows, self._rows_serial = rows, document["serial"]

    def _conflict(self, stored: int | None, expected: int | None) -> StateError:
        if stored is None:
            return StateError(
                f"refusing to write the {self.where}: it was removed since this run read it "
                f"at serial {expected}; nothing was written"
            )
        if expected is None:
            return StateError(
                f"refusing to write the {self.where}: another run created it since (serial "
                f"{stored}); nothing was written, run the command again"
            )
        return StateError(
            f"refusing to overwrite the {self.where}: it is at serial {stored} but this run "
            f"started from serial {expected}, so another run wrote it since; nothing was "
            "written, run the command again"
        )

    # -- the lock ------------------------------------------------------------------

    def lock(self, command: str, *, timeout: float = 0.0) -> AbstractContextManager[object]:
        return self._held(command, timeout)

    @contextmanager
    def _held(self, command: str, timeout: float) -> Iterator[Holder]:
        import psycopg

        conn = self._connect()  # its session holds the lock: it lives as long as the lock
        try:

            def try_once() -> bool:
                row = conn.execute("SELECT pg_try_advisory_lock(%s)", (self._lock_key,)).fetchone()
                return bool(row and row[0])

            waited = wait_for_lock(try_once, timeout=timeout)
            if waited is None:
                raise self._locked_error(conn, timeout)
            holder = Holder.for_this_process(command)
            conn.execute(
                self._sql(
                    "INSERT INTO {schema}.locks (state, holder, backend_pid) "
                    "VALUES (%s, %s, pg_backend_pid()) ON CONFLICT (state) DO UPDATE "
                    "SET holder = EXCLUDED.holder, backend_pid = EXCLUDED.backend_pid"
                ),
                (self.name, json.dumps(holder.to_json())),
            )
        except psycopg.Error as exc:
            conn.close()
            raise BackendUnavailableError(
                f"could not lock the {self.where}: {self._redact(exc)}"
            ) from None
        except BaseException:
            conn.close()
            raise
        try:
            yield holder
        finally:
            try:
                conn.execute(
                    self._sql(
                        "DELETE FROM {schema}.locks WHERE state = %s AND backend_pid = "
                        "pg_backend_pid()"
                    ),
                    (self.name,),
                )
                conn.execute("SELECT pg_advisory_unlock(%s)", (self._lock_key,))
            except psycopg.Error:
                pass  # closing the session below frees the lock all the same
            finally:
                conn.close()

    def _holder(self, conn: psycopg.Connection[Any]) -> tuple[Holder, int, bool] | None:
        """Who the ``locks`` row names, their backend pid, and whether they still hold it."""
        row = conn.execute(
            self._sql(
                "SELECT l.holder, l.backend_pid, EXISTS (SELECT 1 FROM pg_locks p "
                "WHERE p.locktype = 'advisory' AND p.granted AND p.pid = l.backend_pid "
                "AND p.classid = %s AND p.objid = %s AND p.objsubid = 1) "
                "FROM {schema}.locks l WHERE l.state = %s"
            ),
            (self._lock_key >> 32, self._lock_key & 0xFFFFFFFF, self.name),
        ).fetchone()
        if row is None:
            return None
        data, backend_pid, live = row
        return Holder.from_json(data if isinstance(data, dict) else {}), int(backend_pid), live

    def _locked_error(self, conn: psycopg.Connection[Any], timeout: float) -> StateLockedError:
        found = self._holder(conn)
        if found is not None and found[2]:
            message = f"the state is locked by another run: {found[0].describe()}"
        else:  # between its lock and its row, or gone a moment ago
            message = "the state is locked by another run (it has not said who it is yet)"
        if timeout > 0:
            message += f"; waited {timeout:g}s"
        return StateLockedError(
            message + f"; the {self.where} frees it when that run's database connection ends"
        )

    def unlock(self, *, force: bool) -> Holder:
        with self._session("unlock") as conn:
            found = self._holder(conn)
            if found is None:
                raise StateError(f"the {self.where} is not locked")
            holder, backend_pid, live = found
            if live:
                if not force:
                    raise StateError(
                        f"not removing the lock held by {holder.describe()}: its database "
                        "session is still connected (the lock frees itself when that run ends); "
                        f"if you are sure no run is using the state, use `{UNLOCK_COMMAND} --force`"
                    )
                conn.execute("SELECT pg_terminate_backend(%s)", (backend_pid,))
            conn.execute(
                self._sql("DELETE FROM {schema}.locks WHERE state = %s AND backend_pid = %s"),
                (self.name, backend_pid),
            )
        return holder
