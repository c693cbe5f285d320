"""The postgres state backend against a real PostgreSQL server, driven from several clones.

One server (initdb in a temp folder, see ``backend_support.PgServer``) serves
the session; each test has its own schema. Clones of one bare git remote are
the team's machines, all applying to one served sandbox: the state written
from one is what the others plan against, a lock taken on one stops an apply
on another (exit 4 naming the holder), a holder killed with SIGKILL frees it
(its connection ends), racing applies run one at a time without losing a
serial or posting twice, and ``state migrate`` carries a state from the local
file to postgres, to git and back, serial and lineage kept, byte for byte.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from backend_support import (
    HOST,
    POSTS,
    USER,
    PgServer,
    assert_each_post_once,
    git,
    hold_lock,
    kill,
    make_team,
    serve_sandbox,
)
from e2e_support import Project, Served

from contentctl.errors import ExitCode


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    server = PgServer.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def schema() -> str:
    return f"t_{uuid.uuid4().hex[:12]}"


@pytest.fixture
def env(pg_server: PgServer) -> dict[str, str]:
    return {"CONTENTCTL_DATABASE_URL": pg_server.url}


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Served]:
    server = serve_sandbox(tmp_path)
    try:
        yield server
    finally:
        server.stop()


def query(pg_server: PgServer, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(pg_server.url, autocommit=True) as conn:
        return conn.execute(sql, args).fetchall()


def where(schema: str) -> str:
    return f"postgres state 'default' (schema {schema})"


def test_applied_from_one_clone_planned_from_another(
    tmp_path: Path, sandbox: Served, pg_server: PgServer, schema: str, env: dict[str, str]
) -> None:
    _remote, (alice, bob) = make_team(tmp_path, sandbox, f"{{backend: postgres, schema: {schema}}}")
    applied = alice.run("apply", "--auto-approve", env=env)
    assert applied.returncode == ExitCode.OK, applied.stdout + applied.stderr
    assert applied.stdout.endswith("Apply complete: 6 created, 0 updated, 0 deleted, 0 failed.\n")
    assert_each_post_once(alice)

    rows = query(pg_server, f"SELECT post_id, alias, entry->>'remote_id' FROM {schema}.entries")
    assert sorted((post_id, alias) for post_id, alias, _ in rows) == [
        (post_id, alias) for post_id in sorted(POSTS) for alias in ("fb", "masto")
    ]
    assert {remote for *_, remote in rows} == {post["id"] for post in alice.remote_posts()}
    ((serial, lineage),) = query(pg_server, f"SELECT serial, lineage FROM {schema}.states")
    assert not (alice.root / "contentctl.state.json").exists()

    planned = bob.run("plan", "--detailed-exitcode", env=env)
    assert planned.returncode == ExitCode.OK, planned.stdout + planned.stderr
    assert planned.stdout.endswith("\nNo changes. 6 up to date.\n")
    listed = bob.run("state", "list", env=env)
    assert listed.returncode == ExitCode.OK, listed.stderr
    assert len(listed.stdout.splitlines()) == 6
    assert listed.stderr == f"6 entries, serial {serial}, lineage {lineage}\n"
    shown = bob.run("state", "show", "alpha", env=env)
    assert sorted(json.loads(shown.stdout)) == ["fb", "masto"]


def test_missing_database_url_is_one_line_naming_the_variable(
    tmp_path: Path, sandbox: Served, schema: str
) -> None:
    _remote, (alice, _bob) = make_team(
        tmp_path, sandbox, f"{{backend: postgres, schema: {schema}}}"
    )
    result = alice.run("plan")
    assert result.returncode == ExitCode.ERROR
    assert result.stderr == (
        "contentctl: error: the postgres state backend needs the database URL in the "
        "environment variable CONTENTCTL_DATABASE_URL (hint: e.g. postgresql://contentctl@HOST/DB, "
        "the password in it or in PGPASSWORD)\n"
    )


def test_lock_holds_across_clones_and_a_killed_holder_frees_it(
    tmp_path: Path, sandbox: Served, pg_server: PgServer, schema: str, env: dict[str, str]
) -> None:
    _remote, (alice, bob) = make_team(tmp_path, sandbox, f"{{backend: postgres, schema: {schema}}}")
    holder = hold_lock(alice, env=env)
    try:
        ((recorded, backend_pid),) = query(
            pg_server, f"SELECT holder, backend_pid FROM {schema}.locks"
        )
        assert (recorded["pid"], recorded["host"], recorded["command"]) == (
            holder.pid,
            HOST,
            "apply",
        )
        second = bob.run("apply", "--auto-approve", env=env)
        assert second.returncode == ExitCode.LOCKED, second.stdout + second.stderr
        assert second.stderr == (
            f"contentctl: error: the state is locked by another run: pid {holder.pid} on host "
            f"{HOST} (user {USER}, command `apply`, since {recorded['since']}); the "
            f"{where(schema)} frees it when that run's database connection ends\n"
        )
        refused = bob.run("state", "unlock", env=env)
        assert refused.returncode == ExitCode.ERROR
        assert "its database session is still connected" in refused.stderr
    finally:
        kill(holder)  # SIGKILL: no finally, no atexit; the server sees the connection drop

    third = bob.run("apply", "--auto-approve", "--lock-timeout", "60", env=env)
    assert third.returncode == ExitCode.OK, third.stdout + third.stderr
    assert_each_post_once(bob)
    assert query(pg_server, f"SELECT count(*) FROM {schema}.locks") == [(0,)]
    assert query(
        pg_server, "SELECT count(*) FROM pg_stat_activity WHERE pid = %s", backend_pid
    ) == [(0,)]
    final = alice.run("plan", "--detailed-exitcode", env=env)
    assert final.returncode == ExitCode.OK, final.stdout + final.stderr


def test_racing_applies_run_one_at_a_time_without_losing_a_serial(
    tmp_path: Path, sandbox: Served, pg_server: PgServer, schema: str, env: dict[str, str]
) -> None:
    _remote, team = make_team(
        tmp_path, sandbox, f"{{backend: postgres, schema: {schema}}}", ("alice", "bob", "carol")
    )
    assert team[0].run("state", "list", env=env).returncode == ExitCode.OK  # creates the tables
    # every serial ever stored, in order: a lost or doubled write shows as a gap or a repeat
    with psycopg.connect(pg_server.url, autocommit=True) as conn:
        conn.execute(f"CREATE TABLE {schema}.history (n serial, serial bigint)")
        conn.execute(
            f"CREATE FUNCTION {schema}.remember() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN INSERT INTO {schema}.history (serial) VALUES (NEW.serial); RETURN NEW; END $$"
        )
        conn.execute(
            f"CREATE TRIGGER remember AFTER INSERT OR UPDATE ON {schema}.states "
            f"FOR EACH ROW EXECUTE FUNCTION {schema}.remember()"
        )

    runs = [m.start("apply", "--auto-approve", "--lock-timeout", "120", env=env) for m in team]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [ExitCode.OK] * 3, outputs
    created = [out for out, _ in outputs if "Apply complete: 6 created" in out]
    unchanged = [out for out, _ in outputs if out.endswith("\nNo changes. 6 up to date.\n")]
    assert (len(created), len(unchanged)) == (1, 2), outputs

    history = [
        serial for (serial,) in query(pg_server, f"SELECT serial FROM {schema}.history ORDER BY n")
    ]
    ((final,),) = query(pg_server, f"SELECT serial FROM {schema}.states")
    assert history == list(range(1, final + 1))
    assert_each_post_once(team[0])
    remote_ids = {
        row[0] for row in query(pg_server, f"SELECT entry->>'remote_id' FROM {schema}.entries")
    }
    assert remote_ids == {post["id"] for post in team[0].remote_posts()}


def set_state(project: Project, state: str) -> None:
    config = project.root / "contentctl.yaml"
    lines = [
        f"state: {state}" if line.startswith("state:") else line
        for line in config.read_text("utf-8").splitlines()
    ]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_state_migrate_round_trip_keeps_serial_lineage_and_bytes(
    tmp_path: Path, sandbox: Served, pg_server: PgServer, schema: str, env: dict[str, str]
) -> None:
    remote, (alice,) = make_team(tmp_path, sandbox, "contentctl.state.json", ("alice",))
    applied = alice.run("apply", "--auto-approve", env=env)
    assert applied.returncode == ExitCode.OK, applied.stdout + applied.stderr
    original = alice.state_path.read_bytes()
    document = json.loads(original)
    moved = f"(serial {document['serial']}, lineage {document['lineage']})"

    to_pg = alice.run("state", "migrate", "--to", "postgres", "--schema", schema, env=env)
    assert to_pg.returncode == ExitCode.OK, to_pg.stderr
    assert to_pg.stdout.splitlines()[:5] == [
        f"Migrated the state {moved} from the state file contentctl.state.json to the "
        f"{where(schema)}.",
        "",
        "Now point contentctl.yaml at it:",
        "",
        "state:",
    ]
    assert to_pg.stdout.splitlines()[5:7] == ["  backend: postgres", f"  schema: {schema}"]
    set_state(alice, f"{{backend: postgres, schema: {schema}}}")
    assert alice.run("plan", "--detailed-exitcode", env=env).returncode == ExitCode.OK
    again = alice.run("state", "migrate", "--to", "postgres", "--schema", schema, env=env)
    assert again.returncode == ExitCode.ERROR
    assert (
        again.stderr
        == "contentctl: error: the state is already there (postgres); nothing to migrate\n"
    )

    to_git = alice.run("state", "migrate", "--to", "git", env=env)
    assert to_git.returncode == ExitCode.OK, to_git.stderr
    assert to_git.stdout.splitlines()[0] == (
        f"Migrated the state {moved} from the {where(schema)} to the git branch "
        "contentctl-state on origin."
    )
    on_branch = git(remote, "show", "contentctl-state:contentctl.state.json") + "\n"
    assert on_branch.encode("utf-8") == original
    set_state(alice, "{backend: git}")
    assert alice.run("plan", "--detailed-exitcode", env=env).returncode == ExitCode.OK

    refused = alice.run("state", "migrate", "--to", "local", env=env)
    assert refused.returncode == ExitCode.ERROR
    assert refused.stderr.startswith("contentctl: error: refusing to migrate onto ")
    alice.state_path.unlink()
    to_local = alice.run("state", "migrate", "--to", "local", env=env)
    assert to_local.returncode == ExitCode.OK, to_local.stderr
    assert alice.state_path.read_bytes() == original
    set_state(alice, "contentctl.state.json")
    final = alice.run("plan", "--detailed-exitcode", env=env)
    assert final.returncode == ExitCode.OK, final.stdout + final.stderr
    assert_each_post_once(alice)
