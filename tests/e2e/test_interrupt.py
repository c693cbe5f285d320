"""Ctrl-C during apply: the bulk in flight is recorded, no new one is sent, exit 130.

A real ``contentctl apply`` gets SIGINT (what Ctrl-C sends) as soon as it says
it is submitting its first batch, while the slowed-down sandbox is still
answering; then a second apply finishes the work, each post exactly once.
"""

from __future__ import annotations

import signal

import pytest
from e2e_support import ACCOUNTS, Project, post_yaml

from contentctl.errors import ExitCode
from contentctl.plan.targets import fingerprint
from contentctl.state.store import StateStore

POSTS = {  # post id -> (local time, accounts); batches of 2 posts, so 3 batches
    "one": ("2027-06-01T09:00", "[fb, x]"),
    "two": ("2027-06-02T09:00", "[li]"),
    "three": ("2027-06-03T09:00", "[masto]"),
    "four": ("2027-06-04T09:00", "[fb]"),
    "five": ("2027-06-05T09:00", "[x, li]"),
    "six": ("2027-06-06T09:00", "[masto]"),
}
FIRST_BATCH = {("one", "fb"), ("one", "x"), ("two", "li")}


def write_posts(project: Project) -> None:
    config = project.root / "contentctl.yaml"
    config.write_text(config.read_text().replace("batch_size: 100", "batch_size: 2"))
    for post_id, (at, accounts) in POSTS.items():
        project.write(f"{post_id}.yaml", post_yaml(post_id, at=at, accounts=accounts))


def expected() -> set[tuple[str, str]]:
    return {
        (ACCOUNTS[alias][0], f"Hello from {post_id}")
        for post_id, (_at, accounts) in POSTS.items()
        for alias in accounts.strip("[]").split(", ")
    }


# jobs run at once (--job-delay 0): the test reads the sandbox's database right after the
# Ctrl-C, before any request would let a delayed job run
@pytest.mark.parametrize(
    "project", [("--rate-limit", "0", "--job-delay", "0", "--latency-ms", "400")], indirect=True
)
def test_ctrl_c_records_the_batch_in_flight_and_exits_130(project: Project) -> None:
    write_posts(project)
    apply = project.start("apply", "--auto-approve")
    assert apply.stderr is not None
    seen = []
    for line in apply.stderr:
        seen.append(line)
        if line.startswith("Submitting batch 1/3"):
            apply.send_signal(signal.SIGINT)  # the sandbox takes 400 ms to answer this bulk
            break
    out, rest = apply.communicate(timeout=60)
    stderr = "".join(seen) + rest
    assert apply.returncode == ExitCode.INTERRUPTED, out + stderr
    assert "Traceback" not in stderr
    assert stderr.rstrip().endswith(
        "contentctl: interrupted: 1 batch sent and recorded, no new ones sent; "
        "the next plan or apply finishes the work"
    )
    assert "Submitting batch 2/3" not in stderr
    assert not (project.root / "contentctl.state.json.lock").exists()

    # the state is valid and holds the bulk that was sent, with its job id
    state = StateStore(project.state_path).load()
    remote = project.remote_posts()
    assert {(p["account_id"], p["text"]) for p in remote} == {
        (ACCOUNTS[alias][0], f"Hello from {post_id}") for post_id, alias in FIRST_BATCH
    }
    (intent,) = state.intents.values()
    assert intent.job_id == remote[0]["job_id"]
    assert {(i.post_id, i.alias) for i in intent.items} == FIRST_BATCH
    assert {(i.account_id, i.fingerprint) for i in intent.items} == {
        (p["account_id"], fingerprint(p["text"])) for p in remote
    }

    project.server.admin("faults", {"latency_ms": 0})
    rerun = project.run("apply", "--auto-approve")
    assert rerun.returncode == ExitCode.OK, rerun.stdout + rerun.stderr
    assert "3 pending from an interrupted apply: 3 found on Publer" in rerun.stdout
    index = project.remote_index()
    assert {key: len(posts) for key, posts in index.items()} == dict.fromkeys(expected(), 1)
    after = StateStore(project.state_path).load()
    assert after.intents == {}
    recorded = {e.remote_id for _p, _a, e in after.iter_entries()}
    assert recorded == {p["id"] for p in project.remote_posts()}
    plan = project.run("plan", "--detailed-exitcode")
    assert plan.returncode == ExitCode.OK, plan.stdout + plan.stderr


@pytest.mark.parametrize(
    "project",
    [("--rate-limit", "0", "--job-delay", "0", "--stuck-polls", "5", "--latency-ms", "100")],
    indirect=True,
)
def test_ctrl_c_while_polling_stops_at_once_and_keeps_the_job_ids(project: Project) -> None:
    write_posts(project)
    apply = project.start("apply", "--auto-approve")
    assert apply.stderr is not None
    seen = []
    for line in apply.stderr:
        seen.append(line)
        if line.startswith("Waiting for job"):  # every bulk sent; 5 more polls to go
            apply.send_signal(signal.SIGINT)
            break
    out, rest = apply.communicate(timeout=60)
    stderr = "".join(seen) + rest
    assert apply.returncode == ExitCode.INTERRUPTED, out + stderr
    assert "Traceback" not in stderr
    assert "interrupted: 3 batches sent and recorded" in stderr
    assert not (project.root / "contentctl.state.json.lock").exists()
    state = StateStore(project.state_path).load()
    assert len(state.intents) == 3
    assert all(intent.job_id for intent in state.intents.values())
    assert len(project.remote_posts()) == len(expected())

    project.server.admin("faults", {"latency_ms": 0})
    rerun = project.run("apply", "--auto-approve")
    assert rerun.returncode == ExitCode.OK, rerun.stdout + rerun.stderr
    assert "8 pending from an interrupted apply: 8 found on Publer" in rerun.stdout
    assert "Plan: 0 to create" in rerun.stdout
    index = project.remote_index()
    assert {key: len(posts) for key, posts in index.items()} == dict.fromkeys(expected(), 1)
