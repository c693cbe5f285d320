"""Property: random kills between random edits never post twice and never lose a post.

Hypothesis draws a few posts (2–5, one or two accounts each) and rounds of
edits (text edits, time moves, removals, additions); each round's
``contentctl apply`` is killed at a random point of the fault matrix (or
loses a bulk's answer after the commit, or runs clean), then re-run to
completion. After every completed run the sandbox holds each wanted post
exactly once per account, the state records exactly what it holds, and the
last plan is empty. One served sandbox per example, over real HTTP.
"""

from __future__ import annotations

import json
import shutil
import signal
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from e2e_support import ACCOUNTS, CONFIG, Project, serve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contentctl.errors import ExitCode
from contentctl.state.store import StateStore

ALIASES = ["fb", "x", "li", "masto"]
DAYS = range(1, 21)  # one post a day, so no two posts meet within a minute on an account
KILLS = [
    None,  # a clean run
    "drop",  # the sandbox commits a bulk, then cuts the connection before answering
    "intent-written",
    "after-answer",
    "job-id-written",
    "polling",
    "job-complete",
    "state-write-mid:2",
    "between-batches:1",
    "after-delete",
    "replace-between",
]


@dataclass(frozen=True)
class Post:
    day: int
    accounts: tuple[str, ...]
    text: str


Posts = dict[str, Post]


@st.composite
def accounts(draw: st.DrawFn) -> tuple[str, ...]:
    return tuple(draw(st.lists(st.sampled_from(ALIASES), min_size=1, max_size=2, unique=True)))


@st.composite
def edited(draw: st.DrawFn, posts: Posts, round_no: int) -> Posts:
    free = [day for day in DAYS if day not in {p.day for p in posts.values()}]
    out: Posts = {}
    for post_id, post in posts.items():
        kind = draw(st.sampled_from(["keep", "text", "time", "remove"]))
        if kind == "text":
            post = replace(post, text=f"{post_id} says hello, take {round_no}")
        elif kind == "time":
            post = replace(post, day=free.pop(draw(st.integers(0, len(free) - 1))))
        if kind != "remove":
            out[post_id] = post
    for number in range(draw(st.integers(0, 2))):
        post_id = f"new{round_no}{number}"
        day = free.pop(draw(st.integers(0, len(free) - 1)))
        out[post_id] = Post(day, draw(accounts()), f"{post_id} says hello")
    return out


@st.composite
def scenarios(draw: st.DrawFn) -> list[tuple[Posts, str | None]]:
    """Rounds of (the manifests to apply, where to kill that apply)."""
    days = draw(st.lists(st.sampled_from(DAYS), min_size=2, max_size=5, unique=True))
    posts = {f"p{i}": Post(day, draw(accounts()), f"p{i} says hello") for i, day in enumerate(days)}
    rounds = [(posts, draw(st.sampled_from(KILLS)))]
    for round_no in range(1, draw(st.integers(1, 2)) + 1):
        posts = draw(edited(posts, round_no))
        rounds.append((posts, draw(st.sampled_from(KILLS))))
    return rounds


def write(project: Project, posts: Posts) -> None:
    shutil.rmtree(project.root / "posts", ignore_errors=True)
    for post_id, post in posts.items():
        manifest = {
            "id": post_id,
            "at": f"2027-08-{post.day:02d}T09:00",
            "accounts": list(post.accounts),
            "type": "status",
            "text": post.text,
        }
        project.write(f"{post_id}.yaml", json.dumps(manifest))  # JSON is YAML


def apply_killed(project: Project, kill: str | None) -> None:
    env: dict[str, str] = {}
    if kill == "drop":
        project.server.admin("faults", {"drop_after_commit": 1})
    elif kill is not None:
        env["CONTENTCTL_TEST_KILL_AT"] = kill
    result = project.run("apply", "--auto-approve", env=env)
    project.server.admin("faults", {"drop_after_commit": 0})
    # a kill point this round's plan never reaches lets the run finish
    assert result.returncode in (ExitCode.OK, -signal.SIGKILL), result.stdout + result.stderr
    if result.returncode == -signal.SIGKILL:
        # what `contentctl state unlock` does: the killed run's pid is gone
        (project.root / "contentctl.state.json.lock").unlink()
        result = project.run("apply", "--auto-approve")
        assert result.returncode == ExitCode.OK, result.stdout + result.stderr
        if StateStore(project.state_path).load().intents:
            # a bulk journaled without an answer is held until its job cannot be running
            project.server.pass_job_grace()
            result = project.run("apply", "--auto-approve")
            assert result.returncode == ExitCode.OK, result.stdout + result.stderr


def assert_exactly_once(project: Project, posts: Posts) -> None:
    wanted = sorted(
        (ACCOUNTS[alias][0], post.text, f"2027-08-{post.day:02d}")
        for post in posts.values()
        for alias in post.accounts
    )
    remote = project.remote_posts()
    # 09:00 in Berlin is 07:00 UTC in August: the same day
    assert sorted((p["account_id"], p["text"], p["scheduled_at"][:10]) for p in remote) == wanted
    state = StateStore(project.state_path).load()
    assert state.intents == {}
    recorded = sorted(str(e.remote_id) for _p, _a, e in state.iter_entries())
    assert recorded == sorted(p["id"] for p in remote)


@settings(
    max_examples=6,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(rounds=scenarios())
def test_random_kills_between_edits_never_duplicate_or_lose(
    rounds: list[tuple[Posts, str | None]],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        root.mkdir()
        (root / "contentctl.yaml").write_text(
            CONFIG.replace("batch_size: 100", "batch_size: 2"), "utf-8"
        )
        server = serve(root, "--rate-limit", "0")
        try:
            project = Project(root, server)
            for posts, kill in rounds:
                write(project, posts)
                apply_killed(project, kill)
                assert_exactly_once(project, posts)
            plan = project.run("plan", "--detailed-exitcode")
            assert plan.returncode == ExitCode.OK, plan.stdout + plan.stderr
        finally:
            server.stop()
