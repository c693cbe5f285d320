"""The remote is the truth, through the CLI against `contentctl sandbox serve`.

A state is bound to the Publer it describes, and the plan and apply name it
in their first line. A state deleted, rolled back or of another lineage is
adopted back from Publer for every publishing method (publish-now included),
never posted twice; edits and deletes made on Publer are drift that apply
repairs; a delete Publer refuses is never followed by a copy; a Publer clock
5 minutes ahead or behind changes nothing; a job that runs only after its
answer was lost is waited for, not sent again. Posts are counted in the
sandbox's own database.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from e2e_support import ACCOUNTS, REPO, WORKSPACE, Project, post_yaml, serve

from contentctl.errors import ExitCode

EXAMPLES = REPO / "examples" / "content"


@pytest.fixture
def examples(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Project]:
    """The examples repo (every publishing method) and its own served sandbox."""
    root = tmp_path / "repo"
    shutil.copytree(
        EXAMPLES, root, ignore=shutil.ignore_patterns(".contentctl", "contentctl.state.json*")
    )
    # no rate limit: the sandbox's window is real time, the test's waits are scaled down
    server = serve(root, "--rate-limit", "0", *getattr(request, "param", ()))
    try:
        yield Project(root, server)
    finally:
        server.stop()


def apply_ok(project: Project) -> str:
    result = project.run("apply", "--auto-approve")
    assert result.returncode == ExitCode.OK, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def summary(stdout: str) -> str:
    return next(line for line in stdout.splitlines() if line.startswith("Apply complete:"))


def once_each(project: Project, expected: int) -> None:
    """Every post × account exactly once on Publer, the state matching it, the next plan empty."""
    posts = project.remote_posts()
    seen: dict[tuple[Any, ...], int] = {}
    for post in posts:
        key = (post["account_id"], post["text"], post.get("type"))
        seen[key] = seen.get(key, 0) + 1
    assert {k: n for k, n in seen.items() if n > 1} == {}, "posted twice"
    assert len(posts) == expected
    state = project.state()
    recorded = {e["remote_id"] for accounts in state["posts"].values() for e in accounts.values()}
    assert recorded == {post["id"] for post in posts}
    assert state["intents"] == {}
    plan = project.run("plan", "--detailed-exitcode")
    assert plan.returncode == ExitCode.OK, plan.stdout[-3000:] + plan.stderr[-2000:]


def test_the_wrong_remote_is_refused_naming_both_and_rebind_moves_on_purpose(
    project: Project,
) -> None:
    project.write("alpha.yaml", post_yaml("alpha"))
    applied = project.run("apply", "--auto-approve")
    assert applied.returncode == ExitCode.OK, applied.stdout + applied.stderr
    served = f"{project.server.url} (workspace {WORKSPACE})"
    assert applied.stdout.splitlines()[0] == f"Remote: {served}"
    assert project.state()["remote"] == project.server.url
    assert project.state()["workspace_id"] == WORKSPACE

    # the same repo pointed at another Publer (here the embedded sandbox): refused
    other = {"CONTENTCTL_ENDPOINT": "sandbox", "PUBLER_API_KEY": ""}
    for command in (("plan",), ("apply", "--auto-approve")):
        refused = project.run(*command, env=other)
        assert refused.returncode == ExitCode.ERROR, refused.stdout + refused.stderr
        assert refused.stdout == ""
        assert refused.stderr.splitlines()[-1] == (
            f"contentctl: error: the state describes {served}, but this run talks to "
            f"sandbox (workspace {WORKSPACE}); refusing to compare a state with another Publer "
            f"(hint: point the config back at {project.server.url}, or if you moved on purpose, "
            "run `contentctl state rebind --to-current-remote` (the next plan then reads what "
            "the new remote holds))"
        )
    rebound = project.run("state", "rebind", "--to-current-remote", env=other)
    assert rebound.returncode == ExitCode.OK, rebound.stderr
    assert rebound.stdout.startswith(
        f"Rebound the state from {served} to sandbox (workspace {WORKSPACE}) (serial "
    )
    planned = project.run("plan", env=other)
    assert planned.returncode == ExitCode.OK, planned.stderr
    assert planned.stdout.splitlines()[0] == f"Remote: sandbox (workspace {WORKSPACE})"


def test_a_sandbox_config_with_an_api_key_set_warns_loudly(project: Project) -> None:
    project.write("alpha.yaml", post_yaml("alpha"))
    planned = project.run("plan", env={"CONTENTCTL_ENDPOINT": "", "PUBLER_API_KEY": "k-123"})
    assert planned.returncode == ExitCode.OK, planned.stderr
    assert planned.stdout.splitlines()[0] == f"Remote: sandbox (workspace {WORKSPACE})"
    assert planned.stderr.splitlines()[0] == (
        "Warning: the endpoint is `sandbox` but PUBLER_API_KEY is set: this run talks to the "
        "local sandbox, NOT to Publer. Set `endpoint:` in contentctl.yaml or CONTENTCTL_ENDPOINT "
        "(https://app.publer.com/api/v1) to reach Publer."
    )


def _lose(project: Project, how: str, older: str) -> None:
    path = project.state_path
    if how == "deleted":
        path.unlink()
    elif how == "rolled back":  # e.g. CI could not push the state of the last apply back
        assert json.loads(older)["serial"] < project.state()["serial"]
        path.write_text(older, encoding="utf-8")
    else:  # another lineage: a state of another repository, bound to this remote
        now = project.state()
        other = {**now, "lineage": str(uuid.uuid4()), "serial": 3, "posts": {}, "intents": {}}
        path.write_text(json.dumps(other), encoding="utf-8")


@pytest.mark.parametrize("how", ["deleted", "rolled back", "another lineage"])
def test_a_lost_state_is_adopted_back_for_every_method_never_posted_twice(
    examples: Project, how: str
) -> None:
    methods = examples.root / "posts" / "methods.yaml"  # every method but plain scheduled
    kept = methods.read_text("utf-8")
    methods.unlink()
    apply_ok(examples)
    older = examples.state_path.read_text("utf-8")  # before the methods were applied
    methods.write_text(kept, encoding="utf-8")
    apply_ok(examples)
    created = len(examples.remote_posts())
    assert created > 30
    _lose(examples, how, older)
    plan = examples.run("plan")
    assert plan.returncode == ExitCode.OK, plan.stderr
    assert plan.stdout.splitlines()[1].startswith("Plan: 0 to create, ")
    assert "to adopt" in plan.stdout.splitlines()[1]
    again = summary(apply_ok(examples))
    assert again.startswith("Apply complete: 0 created, ")
    once_each(examples, created)


def _api(project: Project, method: str, path: str, **kwargs: Any) -> Any:
    with httpx.Client(headers=project.server.headers()) as client:
        response = client.request(method, f"{project.server.url}{path}", **kwargs)
        response.raise_for_status()
        return response.json()


def test_edits_and_deletes_made_on_publer_are_drift_and_apply_repairs_them(
    project: Project,
) -> None:
    project.write("alpha.yaml", post_yaml("alpha", accounts="[fb, x]"))
    project.write("beta.yaml", post_yaml("beta", at="2027-03-02T09:00", accounts="[li]"))
    apply_ok(project)
    entries = project.state()["posts"]
    edited, deleted = entries["alpha"]["fb"]["remote_id"], entries["beta"]["li"]["remote_id"]
    _api(project, "PUT", f"/posts/{edited}", json={"post": {"text": "Edited in Publer"}})
    _api(project, "DELETE", "/posts", params=[("post_ids[]", deleted)])
    plan = project.run("plan")
    assert plan.returncode == ExitCode.OK, plan.stderr
    lines = plan.stdout.splitlines()
    drift = lines.index("Drift: 2 changed on Publer outside contentctl:")
    assert lines[drift + 1 : drift + 4] == [
        "  ! alpha @ fb: edited outside contentctl (network.text)",
        '      ~ network.text: "Hello from alpha" → "Edited in Publer"',
        f"  ! beta @ li: deleted outside contentctl (post {deleted})",
    ]
    assert lines[1] == "Plan: 1 to create, 1 to update, 0 to replace, 0 to delete, 0 blocked."
    assert "  + create   beta @ li (linkedin)" in lines
    assert "  ~ update   alpha @ fb (facebook)" in lines
    assert lines[2].startswith("Refreshed from Publer in ") and lines[2].endswith(" requests.")
    applied = apply_ok(project)
    assert summary(applied) == "Apply complete: 1 created, 1 updated, 0 deleted, 0 failed."
    texts = sorted((p["account_id"], p["text"]) for p in project.remote_posts())
    assert texts == sorted(
        [
            (ACCOUNTS["fb"][0], "Hello from alpha"),
            (ACCOUNTS["x"][0], "Hello from alpha"),
            (ACCOUNTS["li"][0], "Hello from beta"),
        ]
    )
    once_each(project, 3)


QUEUED = """\
id: queued
method: auto
range: {{start_date: 2027-04-01, end_date: {end}}}
accounts: [fb]
text: "Brew tip: rinse your teapot first."
"""


def test_a_delete_publer_refuses_is_blocked_and_never_followed_by_a_copy(
    project: Project,
) -> None:
    project.write("queued.yaml", QUEUED.format(end="2027-04-30"))
    apply_ok(project)
    (remote_id,) = [p["id"] for p in project.remote_posts()]
    project.write("queued.yaml", QUEUED.format(end="2027-05-31"))  # a new range: a replace
    refused = project.run("apply", "--auto-approve")
    assert refused.returncode == ExitCode.PARTIAL, refused.stdout + refused.stderr
    assert refused.stdout.splitlines()[-1] == (
        f"  failed: queued @ fb: Publer refused to delete post {remote_id} (Publer does not "
        "delete queued (auto-scheduled) posts)"
    )
    for _ in range(2):
        plan = project.run("plan", "--detailed-exitcode")
        assert plan.returncode == ExitCode.OK, plan.stdout + plan.stderr
        assert "  ! blocked  queued @ fb (facebook)" in plan.stdout.splitlines()
        again = project.run("apply", "--auto-approve")
        assert again.returncode == ExitCode.OK, again.stdout + again.stderr
        assert [p["id"] for p in project.remote_posts()] == [remote_id]


@pytest.mark.parametrize(
    "examples", [("--clock-skew", "300"), ("--clock-skew", "-300")], indirect=True,
    ids=["publer 5 min ahead", "publer 5 min behind"],
)  # fmt: skip
def test_a_publer_clock_five_minutes_off_changes_nothing(examples: Project) -> None:
    created = int(summary(apply_ok(examples)).split(": ")[1].split(" ")[0])
    for _ in range(2):
        result = examples.run("apply", "--auto-approve")
        assert result.returncode == ExitCode.OK, result.stdout[-3000:] + result.stderr[-3000:]
        assert "Apply complete" not in result.stdout  # nothing to do: "No changes."
    once_each(examples, created)


@pytest.mark.parametrize(
    "project", [("--drop-after-commit", "1", "--job-delay", "30")], indirect=True
)
def test_a_job_that_runs_after_its_answer_was_lost_is_waited_for_not_sent_again(
    project: Project,
) -> None:
    project.write("alpha.yaml", post_yaml("alpha", accounts="[fb, x]"))
    first = project.run("apply", "--auto-approve")
    assert first.returncode == ExitCode.OK, first.stdout + first.stderr
    assert summary(first.stdout) == (
        "Apply complete: 0 created, 0 updated, 0 deleted, 0 failed. "
        "2 not yet confirmed; the next run settles them."
    )
    assert project.remote_posts() == []  # the job has not run yet
    for _ in range(2):  # plans and applies meanwhile wait for it: nothing is sent again
        again = project.run("apply", "--auto-approve")
        assert again.returncode == ExitCode.OK, again.stdout + again.stderr
        assert "  ! blocked  alpha @ fb (facebook)" in again.stdout.splitlines()
    assert project.server.stats()["requests"]["POST /posts/schedule"] == 1
    project.server.admin("clock", {"advance_seconds": 60})  # the job runs
    settled = project.run("apply", "--auto-approve")
    assert settled.returncode == ExitCode.OK, settled.stdout + settled.stderr
    assert "2 pending from an interrupted apply: 2 found on Publer" in settled.stdout
    assert project.server.stats()["requests"]["POST /posts/schedule"] == 1
    once_each(project, 2)


def test_refresh_records_what_happened_on_publer_and_sends_nothing(project: Project) -> None:
    project.write("alpha.yaml", post_yaml("alpha", accounts="[fb]"))
    project.write("beta.yaml", post_yaml("beta", at="2027-03-02T09:00", accounts="[li]"))
    apply_ok(project)
    deleted = project.state()["posts"]["beta"]["li"]["remote_id"]
    _api(project, "DELETE", "/posts", params=[("post_ids[]", deleted)])
    before = project.server.stats()["requests"]
    refreshed = project.run("refresh")
    assert refreshed.returncode == ExitCode.OK, refreshed.stdout + refreshed.stderr
    lines = refreshed.stdout.splitlines()
    assert lines[0] == f"Remote: {project.server.url} (workspace {WORKSPACE})"
    assert lines[1:3] == [
        "Drift: 1 changed on Publer outside contentctl:",
        f"  ! beta @ li: deleted outside contentctl (post {deleted})",
    ]
    assert lines[3].startswith("Refreshed 2 entries from Publer in ")
    assert lines[3].endswith(" requests: 1 changed outside contentctl, state at serial "
                             f"{project.state()['serial']}.")  # fmt: skip
    after = project.server.stats()["requests"]
    assert after.get("POST /posts/schedule", 0) == before.get("POST /posts/schedule", 0)
    assert project.state()["posts"]["beta"]["li"]["status"] == "deleted"
    plan = project.run("plan")
    assert "  + create   beta @ li (linkedin)" in plan.stdout.splitlines()


IDEA = """\
id: someday
method: draft_private
text: A series on water temperature, some day.
"""


def test_import_writes_manifests_that_adopt_what_publer_holds_and_plans_nothing(
    project: Project,
) -> None:
    project.write("alpha.yaml", post_yaml("alpha", accounts="[fb, x]", extra="labels: [spring]\n"))
    project.write("beta.yaml", post_yaml("beta", at="2027-03-02T09:00", accounts="[li]"))
    project.write("idea.yaml", IDEA)
    apply_ok(project)
    remote = sorted(p["id"] for p in project.remote_posts())
    # a team that has these posts on Publer but no repo for them yet
    for name in ("alpha.yaml", "beta.yaml", "idea.yaml"):
        project.remove(name)
    project.state_path.unlink()
    imported = project.run("import")
    assert imported.returncode == ExitCode.OK, imported.stdout + imported.stderr
    assert imported.stdout == (
        f"Imported 4 posts from Publer into {project.root / 'posts' / 'imported.yaml'}.\n"
    )
    written = (project.root / "posts" / "imported.yaml").read_text("utf-8")
    assert project.run("fmt", "--check").returncode == ExitCode.OK  # in the form fmt writes
    assert "text: Hello from alpha\nlabels:\n  - spring\n" in written
    plan = project.run("plan", "--detailed-exitcode")
    assert plan.returncode == ExitCode.OK, plan.stdout + plan.stderr
    assert plan.stdout.splitlines()[1] == (
        "Plan: 0 to create, 0 to update, 0 to replace, 0 to delete, 0 blocked."
    )
    recorded = sorted(
        e["remote_id"] for accounts in project.state()["posts"].values() for e in accounts.values()
    )
    assert recorded == remote
    # importing again finds nothing new and keeps the ids
    again = project.run("import", "--out", "posts/again.yaml")
    assert again.stdout == "Imported 0 posts from Publer into nothing.\n"
