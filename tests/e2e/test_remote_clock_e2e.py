"""Publer's clock, not ours, through the CLI against `contentctl sandbox serve --clock-skew`.

The served sandbox dates every answer by its own (skewed) clock; a post 3
minutes ahead of this machine's clock but behind Publer's is shown by plan as
missed, once, with the one-line warning naming the skew, and apply sends
nothing; the same post against a Publer 5 minutes behind is created.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

import httpx
import pytest
from e2e_support import Project, post_yaml

from contentctl.errors import ExitCode

AHEAD = ("--clock-skew", "300")
BEHIND = ("--clock-skew", "-300")


def _soon() -> str:
    """Three minutes ahead of this machine's clock, as a local `at:` in the config's zone."""
    at = (datetime.now(UTC) + timedelta(minutes=3)).astimezone(ZoneInfo("Europe/Berlin"))
    return f"{at:%Y-%m-%dT%H:%M}"


@pytest.mark.parametrize("project", [AHEAD, BEHIND], indirect=True, ids=["ahead", "behind"])
def test_every_answer_of_the_served_sandbox_carries_its_own_skewed_date(project: Project) -> None:
    flags = [str(arg) for arg in project.server.process.args]  # type: ignore[union-attr]
    skew = int(flags[flags.index("--clock-skew") + 1])
    with httpx.Client(headers=project.server.headers()) as client:
        answers = [
            client.get(f"{project.server.url}/accounts"),
            client.get(f"{project.server.url}/nowhere"),  # a 404 too
            client.get(f"{project.server.url}/accounts", headers={"Authorization": "no"}),  # 401
        ]
    for answer in answers:
        dated = parsedate_to_datetime(answer.headers["date"])
        assert abs((dated - datetime.now(UTC)).total_seconds() - skew) < 5, answer.status_code
    assert [a.status_code for a in answers] == [200, 404, 401]


@pytest.mark.parametrize("project", [AHEAD], indirect=True)
def test_a_post_ahead_of_our_clock_but_behind_publers_is_missed_in_the_plan_and_never_sent(
    project: Project,
) -> None:
    at = _soon()
    project.write("soon.yaml", post_yaml("soon", at=at, accounts="[fb]"))
    for _ in range(2):  # a decision shown each plan, not a failure that repeats
        plan = project.run("plan", "--detailed-exitcode")
        assert plan.returncode == ExitCode.OK, plan.stdout + plan.stderr
        lines = plan.stdout.splitlines()
        assert lines[1] == "Plan: 0 to create, 0 to update, 0 to replace, 0 to delete, 1 blocked."
        assert lines[2] == (
            "Warning: Publer's clock is 5 min ahead of this machine's; times are judged by "
            "Publer's clock (missed times, the minute Publer needs)."
        )
        blocked = lines.index("  ! blocked  soon @ fb (facebook)")
        assert lines[blocked + 1].startswith("      missed: its time ")
        assert lines[blocked + 1].endswith(
            " passed before it could be created; give it a new `at:`, make it "
            "`method: publish_now`, or remove it from the manifests"
        )
        applied = project.run("apply", "--auto-approve")
        assert applied.returncode == ExitCode.OK, applied.stdout + applied.stderr
        assert "Apply complete" not in applied.stdout
    assert project.remote_posts() == []
    assert project.server.stats()["requests"].get("POST /posts/schedule", 0) == 0


@pytest.mark.parametrize("project", [BEHIND], indirect=True)
def test_the_same_post_against_a_publer_behind_us_is_created_with_the_warning(
    project: Project,
) -> None:
    project.write("soon.yaml", post_yaml("soon", at=_soon(), accounts="[fb]"))
    applied = project.run("apply", "--auto-approve")
    assert applied.returncode == ExitCode.OK, applied.stdout + applied.stderr
    lines = applied.stdout.splitlines()
    assert lines[1] == "Plan: 1 to create, 0 to update, 0 to replace, 0 to delete, 0 blocked."
    assert lines[2].startswith("Warning: Publer's clock is 5 min behind this machine's;")
    assert lines[-1] == "Apply complete: 1 created, 0 updated, 0 deleted, 0 failed."
    assert [p["text"] for p in project.remote_posts()] == ["Hello from soon"]


def test_no_warning_when_the_clocks_agree(project: Project) -> None:
    project.write("later.yaml", post_yaml("later", accounts="[fb]"))
    plan = project.run("plan")
    assert plan.returncode == ExitCode.OK, plan.stdout + plan.stderr
    assert "Warning" not in plan.stdout + plan.stderr


@pytest.mark.parametrize("project", [("--clock-skew", "7200")], indirect=True)
def test_refresh_stamps_what_it_read_by_publers_clock(project: Project) -> None:
    project.write("later.yaml", post_yaml("later", accounts="[fb]"))
    assert project.run("apply", "--auto-approve").returncode == ExitCode.OK
    remote_id = project.state()["posts"]["later"]["fb"]["remote_id"]
    with httpx.Client(headers=project.server.headers()) as client:
        gone = client.delete(f"{project.server.url}/posts", params=[("post_ids[]", remote_id)])
        assert gone.status_code == 200, gone.text
    refreshed = project.run("refresh")
    assert refreshed.returncode == ExitCode.OK, refreshed.stdout + refreshed.stderr
    entry = project.state()["posts"]["later"]["fb"]
    assert entry["status"] == "deleted"
    stamped = datetime.fromisoformat(entry["updated_at"].replace("Z", "+00:00"))
    assert abs((stamped - datetime.now(UTC)).total_seconds() - 7200) < 60  # Publer's, not ours
