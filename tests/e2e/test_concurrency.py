"""Two applies at once, and a state file someone broke: a clear refusal, never a corrupt state.

Two real ``contentctl apply`` processes start at the same moment: one holds the
lock and applies, the other exits 4 naming it. A truncated or garbage state
file stops ``plan`` and ``apply`` with one line (exit 1) naming the backup, and
the broken file keeps its bytes, for the user to look at or restore.
"""

from __future__ import annotations

import pytest
from e2e_support import ACCOUNTS, Project, post_yaml

from contentctl.errors import ExitCode
from contentctl.state.store import StateStore

POSTS = {"alpha": "2027-07-01T09:00", "beta": "2027-07-02T09:00", "gamma": "2027-07-03T09:00"}


def write_posts(project: Project) -> None:
    for post_id, at in POSTS.items():
        project.write(f"{post_id}.yaml", post_yaml(post_id, at=at, accounts="[fb, masto]"))


def assert_each_post_once(project: Project) -> None:
    index = project.remote_index()
    aliases = ("fb", "masto")
    wanted = {
        (ACCOUNTS[alias][0], f"Hello from {post_id}") for post_id in POSTS for alias in aliases
    }
    assert {key: len(posts) for key, posts in index.items()} == dict.fromkeys(wanted, 1)


# the sandbox's latency keeps the winner's lock held long after the other run reaches it
@pytest.mark.parametrize("project", [("--rate-limit", "0", "--latency-ms", "150")], indirect=True)
def test_two_applies_at_once_one_runs_the_other_exits_4(project: Project) -> None:
    write_posts(project)
    runs = [project.start("apply", "--auto-approve") for _ in range(2)]
    outputs = [run.communicate(timeout=60) for run in runs]
    codes = [run.returncode for run in runs]
    assert sorted(codes) == [ExitCode.OK, ExitCode.LOCKED], outputs
    winner = runs[codes.index(ExitCode.OK)]
    _out, loser_err = outputs[codes.index(ExitCode.LOCKED)]
    assert "Traceback" not in loser_err
    assert loser_err.startswith(
        f"contentctl: error: the state is locked by another run: pid {winner.pid} on host "
    ), loser_err
    assert "command `apply`" in loser_err
    assert len(loser_err.strip().splitlines()) == 1

    state = StateStore(project.state_path).load()  # validates the file
    assert state.intents == {}
    assert not (project.root / "contentctl.state.json.lock").exists()
    assert_each_post_once(project)
    recorded = {entry.remote_id for _p, _a, entry in state.iter_entries()}
    assert recorded == {post["id"] for post in project.remote_posts()}
    plan = project.run("plan", "--detailed-exitcode")
    assert plan.returncode == ExitCode.OK, plan.stdout + plan.stderr


BROKEN = {
    # a write cut short at a line end, and one cut inside a string
    "truncated": (lambda good: good[: good.rindex(b"\n", 0, len(good) // 2) + 1], "is truncated"),
    "cut": (lambda good: good[: good.index(b'"remote_id": "') + 20], ""),
    "garbage": (lambda _good: b"#!/bin/sh\nrm -rf posts\n", "is not valid JSON"),
}


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_broken_state_is_refused_untouched_naming_the_backup(project: Project, kind: str) -> None:
    write_posts(project)
    first = project.run("apply", "--auto-approve")
    assert first.returncode == ExitCode.OK, first.stdout + first.stderr
    backup = project.root / "contentctl.state.json.backup"
    assert backup.exists()
    breaker, what = BROKEN[kind]
    broken = breaker(project.state_path.read_bytes())
    project.state_path.write_bytes(broken)
    posts_before = project.remote_posts()

    for command in (["plan"], ["apply", "--auto-approve"]):
        result = project.run(*command)
        assert result.returncode == ExitCode.ERROR, (command, result.stdout, result.stderr)
        assert result.stdout == ""
        assert "Traceback" not in result.stderr
        (line,) = result.stderr.splitlines()
        assert line.startswith(f"contentctl: error: state file {project.state_path} {what}")
        assert line.endswith(f"; it was left as it is; the previous version is in {backup}")
        assert project.state_path.read_bytes() == broken
        assert not (project.root / "contentctl.state.json.lock").exists()
    assert project.remote_posts() == posts_before


def test_broken_state_without_a_backup_says_so_plainly(project: Project) -> None:
    write_posts(project)
    project.state_path.write_bytes(b'{"format_version": 1, "serial": ')
    result = project.run("plan")
    assert result.returncode == ExitCode.ERROR
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"contentctl: error: state file {project.state_path} is truncated (")
    assert line.endswith("; it was left as it is")
    assert project.state_path.read_bytes() == b'{"format_version": 1, "serial": '
    assert project.remote_posts() == []
