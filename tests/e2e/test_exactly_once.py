"""The fault matrix: kill apply at every dangerous point, re-run, and count what Publer holds.

Each case SIGKILLs a real `contentctl apply` subprocess at one point (the
CONTENTCTL_TEST_KILL_AT hook, or the sandbox's commit-then-drop fault), then
unlocks and re-runs apply to completion, and checks that every planned post
exists exactly once per account, the state matches the remote, and a final
plan is empty.
"""

from __future__ import annotations

import signal

import pytest
from e2e_support import ACCOUNTS, Project, post_yaml

from contentctl.errors import ExitCode

POSTS = {  # post id -> (local time, accounts)
    "alpha": ("2027-03-01T09:00", "[fb, x]"),
    "beta": ("2027-03-02T09:00", "[li]"),
    "gamma": ("2027-03-03T09:00", "[masto, fb]"),
}


def write_posts(project: Project, *, batch_size: int = 1) -> None:
    config = project.root / "contentctl.yaml"
    config.write_text(config.read_text().replace("batch_size: 100", f"batch_size: {batch_size}"))
    for post_id, (at, accounts) in POSTS.items():
        project.write(f"{post_id}.yaml", post_yaml(post_id, at=at, accounts=accounts))


def expected_pairs() -> set[tuple[str, str]]:
    pairs = set()
    for post_id, (_at, accounts) in POSTS.items():
        for alias in accounts.strip("[]").split(", "):
            pairs.add((ACCOUNTS[alias][0], f"Hello from {post_id}"))
    return pairs


def assert_exactly_once(project: Project) -> None:
    remote = project.remote_index()
    duplicates = {k: len(v) for k, v in remote.items() if len(v) > 1}
    assert duplicates == {}, f"posted twice: {duplicates}"
    assert set(remote) == expected_pairs()
    state = project.state()
    recorded = {
        entry["remote_id"] for accounts in state["posts"].values() for entry in accounts.values()
    }
    assert recorded == {p["id"] for p in project.remote_posts()}
    assert state["intents"] == {}
    plan = project.run("plan", "--detailed-exitcode")
    assert plan.returncode == ExitCode.OK, plan.stdout + plan.stderr


def rerun(project: Project) -> None:
    project.run("state", "unlock")  # the killed run's lock; its pid is gone
    result = project.run("apply", "--auto-approve")
    assert result.returncode == ExitCode.OK, result.stdout + result.stderr


KILL_POINTS = [
    "intent-written",  # 1. intent recorded, bulk not sent
    "after-answer",  # 3. answer received, job id not recorded
    "job-id-written",  # job id recorded, not yet polled
    "polling",  # 4. while polling
    "job-complete",  # 5. job done, results not written
    "state-write-mid:2",  # 6. half of the state file written (the job id write)
    "state-write-mid:3",  # 6. … and the results write
    "between-batches:2",  # 7. between two batches of a multi-batch apply
]


# Killed before the bulk left (or before its answer was recorded, when the bulk it follows
# was journaled with that answer): whether it left nobody can tell, and Publer would create
# its posts only when its job runs. The rerun looks and sends nothing of it again; once its
# job cannot be running any more (JOB_GRACE), what is missing is sent.
HELD = {"intent-written", "job-id-written", "between-batches:2"}


@pytest.mark.parametrize("point", KILL_POINTS)
def test_killed_apply_finishes_on_rerun_without_duplicates(project: Project, point: str) -> None:
    write_posts(project)
    killed = project.run("apply", "--auto-approve", env={"CONTENTCTL_TEST_KILL_AT": point})
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
    rerun(project)
    held = project.state()["intents"]
    assert bool(held) == (point in HELD)  # the others' bulks are on Publer: found, settled
    if held:
        waiting = sum(len(intent["items"]) for intent in held.values())
        assert len(project.remote_posts()) == len(expected_pairs()) - waiting  # none sent
        project.server.pass_job_grace()
        rerun(project)
    assert_exactly_once(project)


@pytest.mark.parametrize("project", [("--drop-after-commit", "1")], indirect=True)
def test_commit_then_drop_is_reconciled_not_resent(project: Project) -> None:
    # 2. the sandbox records the bulk, then cuts the connection before answering
    write_posts(project)
    result = project.run("apply", "--auto-approve")
    assert result.returncode == ExitCode.OK, result.stdout + result.stderr
    assert "Outcome of a batch unknown" in result.stderr
    assert project.server.stats()["dropped"] == 1
    assert_exactly_once(project)


@pytest.mark.parametrize("project", [("--drop-after-commit", "1")], indirect=True)
def test_commit_then_drop_then_killed_is_found_on_rerun(project: Project) -> None:
    write_posts(project)
    killed = project.run(
        "apply", "--auto-approve", env={"CONTENTCTL_TEST_KILL_AT": "intent-written:2"}
    )
    assert killed.returncode == -signal.SIGKILL
    rerun(project)  # the dropped bulk is found; the next one, journaled unanswered, is held
    project.server.pass_job_grace()
    rerun(project)
    assert_exactly_once(project)


def test_replace_killed_between_delete_and_create(project: Project) -> None:
    # 8. a time move is delete + create; die in between
    write_posts(project, batch_size=100)
    rerun(project)
    project.write("alpha.yaml", post_yaml("alpha", at="2027-03-01T10:00", accounts="[fb, x]"))
    POSTS_BEFORE = dict(POSTS)
    try:
        POSTS["alpha"] = ("2027-03-01T10:00", "[fb, x]")
        killed = project.run(
            "apply", "--auto-approve", env={"CONTENTCTL_TEST_KILL_AT": "replace-between"}
        )
        assert killed.returncode == -signal.SIGKILL
        assert len(project.remote_posts()) == 3  # alpha's two are deleted, not yet re-created
        plan = project.run("plan")
        assert "2 to create" in plan.stdout
        rerun(project)
        assert_exactly_once(project)
        times = {
            p["scheduled_at"][:16]
            for p in project.remote_posts()
            if p["text"] == "Hello from alpha"
        }
        assert times == {"2027-03-01T09:00"}  # 10:00 Berlin in UTC
    finally:
        POSTS.clear()
        POSTS.update(POSTS_BEFORE)


def test_interrupted_plan_settles_pending_and_says_so(project: Project) -> None:
    write_posts(project, batch_size=100)
    killed = project.run("apply", "--auto-approve", env={"CONTENTCTL_TEST_KILL_AT": "after-answer"})
    assert killed.returncode == -signal.SIGKILL
    project.run("state", "unlock")
    plan = project.run("plan")
    assert plan.returncode == 0, plan.stderr
    assert (
        "5 pending from an interrupted apply: 5 found on Publer, 0 failed, 0 to create"
        in plan.stdout
    )
    assert "Plan: 0 to create" in plan.stdout
    assert_exactly_once(project)


def test_a_bulk_killed_before_any_answer_is_held_until_its_job_cannot_be_running(
    project: Project,
) -> None:
    write_posts(project, batch_size=100)
    killed = project.run(
        "apply", "--auto-approve", env={"CONTENTCTL_TEST_KILL_AT": "intent-written"}
    )
    assert killed.returncode == -signal.SIGKILL
    project.run("state", "unlock")
    plan = project.run("plan")
    assert (
        "5 pending from an interrupted apply: 0 found on Publer, 0 failed, 0 to create, "
        "5 not yet on Publer (a bulk whose answer was lost or never recorded may still be "
        "running; looked for again next run, never sent again within 1 hour of sending)"
    ) in plan.stdout
    assert "Plan: 0 to create" in plan.stdout
    project.server.pass_job_grace()
    plan = project.run("plan")
    assert (
        "5 pending from an interrupted apply: 0 found on Publer, 0 failed, 5 to create"
        in plan.stdout
    )
    assert "Plan: 5 to create" in plan.stdout
    rerun(project)
    assert_exactly_once(project)


def test_a_bulk_killed_after_it_left_is_never_sent_twice_while_its_job_waits(
    project: Project,
) -> None:
    # Publer accepts a bulk at once and creates its posts when the job runs: the rerun
    # finds nothing yet, and must not send it again (it would be posted twice)
    write_posts(project, batch_size=100)
    project.server.admin("faults", {"job_delay_ms": 600_000})
    killed = project.run("apply", "--auto-approve", env={"CONTENTCTL_TEST_KILL_AT": "after-answer"})
    assert killed.returncode == -signal.SIGKILL
    rerun(project)
    assert project.remote_posts() == []  # the job has not run, and nothing was sent again
    project.server.admin("clock", {"advance_seconds": 660})  # the job runs
    rerun(project)
    assert_exactly_once(project)


def test_saved_plan_is_refused_while_an_interrupted_apply_is_unsettled(project: Project) -> None:
    write_posts(project, batch_size=100)
    saved = project.root / "release.plan"
    assert project.run("plan", "--out", str(saved)).returncode == ExitCode.OK
    killed = project.run("apply", "--auto-approve", env={"CONTENTCTL_TEST_KILL_AT": "after-answer"})
    assert killed.returncode == -signal.SIGKILL
    project.run("state", "unlock")
    refused = project.run("apply", str(saved))
    assert refused.returncode == ExitCode.ERROR
    assert "an interrupted apply left work to settle" in refused.stderr
    rerun(project)
    assert_exactly_once(project)
