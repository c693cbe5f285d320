"""The git state backend against real git remotes: a bare repository on disk and its clones.

The state lives on the remote's ``contentctl-state`` branch, one commit per
write, while ``main`` is protected (a hook refuses every push to it). A lock
taken from one clone stops an apply from another (exit 4 naming the holder
and its lease); a holder killed with SIGKILL stops renewing, and once its
lease runs out the next apply takes over. Racing applies from three clones
run one at a time: the branch is one line of commits, serial 1, 2, 3, …, and
nothing is posted twice. A write the remote refuses is kept in
``contentctl.state.errored.json`` and ``state push`` puts it back.
"""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from backend_support import (
    HOST,
    USER,
    assert_each_post_once,
    git,
    hold_lock,
    kill,
    make_team,
    serve_sandbox,
)
from e2e_support import Served

from contentctl.errors import ExitCode

WHERE = "git branch contentctl-state on origin"


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Served]:
    server = serve_sandbox(tmp_path)
    try:
        yield server
    finally:
        server.stop()


def refuse_pushes(remote: Path, ref: str) -> None:
    hook = remote / "hooks" / "pre-receive"
    hook.write_text(
        "#!/bin/sh\nwhile read old new ref; do\n"
        f'  if [ "$ref" = "{ref}" ]; then echo "protected: $ref"; exit 1; fi\n'
        "done\n",
        encoding="utf-8",
    )
    hook.chmod(0o755)


def serials(remote: Path) -> list[int]:
    """The serial of every commit on the state branch, oldest first."""
    subjects = git(remote, "log", "--reverse", "--format=%s", "contentctl-state").splitlines()
    assert all(s.startswith("contentctl: state serial ") for s in subjects), subjects
    return [int(s.rsplit(" ", 1)[1]) for s in subjects]


def test_state_on_its_branch_while_main_is_protected(tmp_path: Path, sandbox: Served) -> None:
    remote, (alice, bob) = make_team(tmp_path, sandbox, "{backend: git}")
    refuse_pushes(remote, "refs/heads/main")
    main_before = git(remote, "rev-parse", "main")

    applied = alice.run("apply", "--auto-approve")
    assert applied.returncode == ExitCode.OK, applied.stdout + applied.stderr
    assert applied.stdout.endswith("Apply complete: 6 created, 0 updated, 0 deleted, 0 failed.\n")
    assert_each_post_once(alice)
    assert git(remote, "rev-parse", "main") == main_before
    history = serials(remote)
    assert history == list(range(1, len(history) + 1))
    assert git(remote, "rev-list", "--merges", "contentctl-state") == ""
    assert git(remote, "for-each-ref", "--format=%(refname)", "refs/contentctl") == ""  # unlocked
    stored = json.loads(git(remote, "show", "contentctl-state:contentctl.state.json"))
    assert stored["serial"] == history[-1]
    assert {e["remote_id"] for a in stored["posts"].values() for e in a.values()} == {
        post["id"] for post in alice.remote_posts()
    }
    assert git(alice.root, "status", "--porcelain") == ""  # nothing in the working tree

    planned = bob.run("plan", "--detailed-exitcode")
    assert planned.returncode == ExitCode.OK, planned.stdout + planned.stderr
    assert planned.stdout.endswith("\nNo changes. 6 up to date.\n")
    listed = bob.run("state", "list")
    assert listed.stderr == (f"6 entries, serial {stored['serial']}, lineage {stored['lineage']}\n")


def test_lock_holds_across_clones_and_a_killed_holders_lease_runs_out(
    tmp_path: Path, sandbox: Served
) -> None:
    remote, (alice, bob) = make_team(tmp_path, sandbox, "{backend: git, lease_minutes: 0.25}")
    holder = hold_lock(alice)
    try:
        second = bob.run("apply", "--auto-approve")
        lock = json.loads(git(remote, "show", "refs/contentctl/lock:lock.json"))
        assert (lock["pid"], lock["host"], lock["command"]) == (holder.pid, HOST, "apply")
        assert second.returncode == ExitCode.LOCKED, second.stdout + second.stderr
        assert second.stderr == (
            f"contentctl: error: the state is locked by another run: pid {holder.pid} on host "
            f"{HOST} (user {USER}, command `apply`, since {lock['since']}); its lease on the "
            f"{WHERE} runs until {lock['expires']} (a run that died frees it then)\n"
        )
        refused = bob.run("state", "unlock")
        assert refused.returncode == ExitCode.ERROR
        assert f"its lease runs until {lock['expires']}, so that run may still be going" in (
            refused.stderr
        )
    finally:
        kill(holder)

    # nobody renews the dead run's lease: the next apply waits it out and takes over
    third = bob.run("apply", "--auto-approve", "--lock-timeout", "90")
    assert third.returncode == ExitCode.OK, third.stdout + third.stderr
    assert_each_post_once(bob)
    assert git(remote, "for-each-ref", "--format=%(refname)", "refs/contentctl") == ""
    history = serials(remote)
    assert history == list(range(1, len(history) + 1))
    final = alice.run("plan", "--detailed-exitcode")
    assert final.returncode == ExitCode.OK, final.stdout + final.stderr


def test_racing_applies_from_three_clones_run_one_at_a_time(
    tmp_path: Path, sandbox: Served
) -> None:
    remote, team = make_team(tmp_path, sandbox, "{backend: git}", ("alice", "bob", "carol"))
    runs = [member.start("apply", "--auto-approve", "--lock-timeout", "120") for member in team]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [ExitCode.OK] * 3, outputs
    created = [out for out, _ in outputs if "Apply complete: 6 created" in out]
    unchanged = [out for out, _ in outputs if out.endswith("\nNo changes. 6 up to date.\n")]
    assert (len(created), len(unchanged)) == (1, 2), outputs

    history = serials(remote)
    assert history == list(range(1, len(history) + 1))  # one line: no write lost or forked
    assert git(remote, "rev-list", "--count", "contentctl-state") == str(len(history))
    assert_each_post_once(team[0])
    stored = json.loads(git(remote, "show", "contentctl-state:contentctl.state.json"))
    assert {e["remote_id"] for a in stored["posts"].values() for e in a.values()} == {
        post["id"] for post in team[0].remote_posts()
    }


def test_a_refused_write_is_kept_and_state_push_puts_it_back(
    tmp_path: Path, sandbox: Served
) -> None:
    remote, (alice, _bob) = make_team(tmp_path, sandbox, "{backend: git}")
    refuse_pushes(remote, "refs/heads/contentctl-state")
    failed = alice.run("apply", "--auto-approve")
    assert failed.returncode == ExitCode.ERROR, failed.stdout + failed.stderr
    errored = alice.root / "contentctl.state.errored.json"
    (line,) = failed.stderr.splitlines()[-1:]
    assert line.startswith(
        "contentctl: error: could not write the state on the git remote 'origin': "
    )
    assert "protected: refs/heads/contentctl-state" in line
    assert line.endswith(
        f"; the {WHERE} was left as it was. The new state was saved as {errored}: push it back "
        f"with `contentctl state push {errored}` once the problem is fixed"
    )
    assert git(remote, "branch", "--list", "contentctl-state") == ""
    kept = json.loads(errored.read_text("utf-8"))
    assert (kept["serial"], kept["posts"]) == (1, {})
    assert alice.remote_posts() == []  # the state is written before anything is sent

    (remote / "hooks" / "pre-receive").unlink()
    pushed = alice.run("state", "push", str(errored))
    assert pushed.returncode == ExitCode.OK, pushed.stderr
    assert pushed.stdout == f"Pushed {errored} as serial {kept['serial'] + 1}.\n"
    settled = alice.run("apply", "--auto-approve")
    assert settled.returncode == ExitCode.OK, settled.stdout + settled.stderr
    assert_each_post_once(alice)


def test_holder_stopped_then_resumed_releases_the_lock(tmp_path: Path, sandbox: Served) -> None:
    remote, (alice, bob) = make_team(tmp_path, sandbox, "{backend: git}")
    holder = hold_lock(alice)
    holder.send_signal(signal.SIGCONT)
    out, err = holder.communicate(timeout=120)
    assert holder.returncode == ExitCode.OK, out + err
    assert git(remote, "for-each-ref", "--format=%(refname)", "refs/contentctl") == ""
    assert bob.run("plan", "--detailed-exitcode").returncode == ExitCode.OK
