"""Failed at publish time and awaiting approval, end to end through the CLI against `sandbox serve`.

The sandbox's `/_sandbox/posts/{id}/state` control does what Publer's own
work does to a post: fails it at publish time with Publer's reason, holds it
for approval, approves it. The plan shows each in its drift section (text and
markdown) and proposes what brings Publer back to the manifests: a failed
post is posted again in its place where it can still be sent, and blocked
with the choices where its time has passed; a post awaiting approval needs
nothing. `contentctl refresh` records both in the state, after which they are
no longer drift.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from e2e_support import ACCOUNTS, Project, post_yaml

from contentctl.errors import ExitCode

EXPIRED = "The access token of this account has expired; reconnect it in Publer"


def _apply(project: Project) -> None:
    applied = project.run("apply", "--auto-approve")
    assert applied.returncode == ExitCode.OK, applied.stdout + applied.stderr


def _remote_id(project: Project, post_id: str, alias: str) -> str:
    remote_id: str = project.state()["posts"][post_id][alias]["remote_id"]
    return remote_id


def _mark(project: Project, remote_id: str, body: dict[str, Any]) -> None:
    project.server.admin(f"posts/{remote_id}/state", body)


def test_failed_and_awaiting_approval_are_drift_in_text_and_markdown_and_refresh_records_them(
    project: Project,
) -> None:
    project.write("alpha.yaml", post_yaml("alpha", accounts="[fb]"))
    project.write("beta.yaml", post_yaml("beta", at="2027-03-02T09:00", accounts="[li]"))
    _apply(project)
    failed, waiting = _remote_id(project, "alpha", "fb"), _remote_id(project, "beta", "li")
    _mark(project, failed, {"state": "failed", "error": EXPIRED})
    _mark(project, waiting, {"state": "scheduled_pending"})

    # --refresh: seconds after the apply the plan would trust what the apply read (a state
    # change keeps Publer's count of posts); a failure at publish time comes later in life
    plan = project.run("plan", "--refresh", "--detailed-exitcode")
    assert plan.returncode == ExitCode.CHANGES, plan.stdout + plan.stderr
    lines = plan.stdout.splitlines()
    assert lines[1] == "Plan: 0 to create, 0 to update, 1 to replace, 0 to delete, 0 blocked."
    drift = lines.index("Drift: 2 changed on Publer outside contentctl:")
    assert lines[drift + 1 : drift + 3] == [
        f"  ! alpha @ fb: failed at publish time ({EXPIRED})",
        "  ! beta @ li: awaiting approval (Publer says scheduled_pending)",
    ]
    replaced = lines.index("-/+ replace  alpha @ fb (facebook)")
    assert lines[replaced + 1] == (
        f"      failed at publish time: {EXPIRED}; posted again in its place"
    )
    assert not any("beta @ li (linkedin)" in line for line in lines)  # nothing to do for it

    markdown = project.run("plan", "--refresh", "--format", "markdown")
    assert markdown.returncode == ExitCode.OK, markdown.stderr
    md = markdown.stdout.splitlines()
    heading = md.index("#### Drift: 2 changed on Publer outside contentctl")
    assert md[heading + 2 : heading + 4] == [
        f"- `alpha` on `fb`: failed at publish time ({EXPIRED})",
        "- `beta` on `li`: awaiting approval (Publer says scheduled\\_pending)",
    ]

    refreshed = project.run("refresh")
    assert refreshed.returncode == ExitCode.OK, refreshed.stdout + refreshed.stderr
    assert refreshed.stdout.splitlines()[1:4] == [
        "Drift: 2 changed on Publer outside contentctl:",
        f"  ! alpha @ fb: failed at publish time ({EXPIRED})",
        "  ! beta @ li: awaiting approval (Publer says scheduled_pending)",
    ]
    entries = project.state()["posts"]
    assert entries["alpha"]["fb"]["last_error"] == f"failed at publish time: {EXPIRED}"
    assert entries["alpha"]["fb"]["remote_id"] == failed
    assert entries["beta"]["li"]["status"] == "pending"
    again = project.run("plan").stdout.splitlines()
    assert not any(line.startswith("Drift:") for line in again)  # recorded: drift once
    assert "-/+ replace  alpha @ fb (facebook)" in again

    _apply(project)  # the failed post is posted again in its place, the other left alone
    posts = {(p["account_id"], p["text"]): p for p in project.remote_posts()}
    assert sorted(posts) == sorted(
        [(ACCOUNTS["fb"][0], "Hello from alpha"), (ACCOUNTS["li"][0], "Hello from beta")]
    )
    assert posts[(ACCOUNTS["fb"][0], "Hello from alpha")]["state"] == "scheduled"
    assert posts[(ACCOUNTS["fb"][0], "Hello from alpha")]["id"] != failed
    assert posts[(ACCOUNTS["li"][0], "Hello from beta")]["id"] == waiting

    _mark(project, waiting, {"state": "scheduled"})  # approved on Publer
    settled = project.run("refresh")
    assert settled.returncode == ExitCode.OK, settled.stdout + settled.stderr
    assert project.state()["posts"]["beta"]["li"]["status"] == "scheduled"
    assert project.state()["posts"]["alpha"]["fb"]["last_error"] is None
    final = project.run("plan", "--detailed-exitcode")
    assert final.returncode == ExitCode.OK, final.stdout + final.stderr


def test_a_failed_post_whose_time_has_passed_is_blocked_with_the_choices_not_sent_again(
    project: Project,
) -> None:
    soon = (datetime.now(UTC) + timedelta(minutes=3)).astimezone(ZoneInfo("Europe/Berlin"))
    project.write("late.yaml", post_yaml("late", at=f"{soon:%Y-%m-%dT%H:%M}", accounts="[fb]"))
    _apply(project)
    remote_id = _remote_id(project, "late", "fb")
    project.server.admin("clock", {"advance_seconds": 600})  # its time came on Publer ...
    _mark(project, remote_id, {"state": "failed", "error": EXPIRED})  # ... and it failed
    for run in range(2):  # a decision shown each plan; the drift once (apply records it)
        plan = project.run("plan", "--detailed-exitcode")
        assert plan.returncode == ExitCode.OK, plan.stdout + plan.stderr
        lines = plan.stdout.splitlines()
        assert lines[1] == "Plan: 0 to create, 0 to update, 0 to replace, 0 to delete, 1 blocked."
        drift = f"  ! late @ fb: failed at publish time ({EXPIRED})"
        assert (drift in lines) is (run == 0)
        blocked = lines.index("  ! blocked  late @ fb (facebook)")
        assert lines[blocked + 1] == (
            f"      failed at publish time: {EXPIRED}; Publer will not try again and its time "
            "has passed: give it a new `at:` (it is then posted again in its place), make it "
            "`method: publish_now`, or remove it from the manifests"
        )
        applied = project.run("apply", "--auto-approve")
        assert applied.returncode == ExitCode.OK, applied.stdout + applied.stderr
    assert [p["id"] for p in project.remote_posts()] == [remote_id]
    assert project.server.stats()["requests"]["POST /posts/schedule"] == 1

    later = (datetime.now(UTC) + timedelta(days=2)).astimezone(ZoneInfo("Europe/Berlin"))
    project.write("late.yaml", post_yaml("late", at=f"{later:%Y-%m-%dT%H:%M}", accounts="[fb]"))
    _apply(project)  # a new time: posted again in its place
    (post,) = project.remote_posts()
    assert post["id"] != remote_id
    assert post["state"] == "scheduled"


def test_the_sandbox_control_refuses_what_publer_would_not_show(project: Project) -> None:
    import httpx

    project.write("alpha.yaml", post_yaml("alpha", accounts="[fb]"))
    _apply(project)
    remote_id = _remote_id(project, "alpha", "fb")
    with httpx.Client(headers=project.server.headers()) as client:
        url = f"{project.server.url}/_sandbox/posts"
        answers = [
            client.post(f"{url}/{remote_id}/state", json={"state": "failed"}),
            client.post(f"{url}/{remote_id}/state", json={"state": "published_hidden"}),
            client.post(f"{url}/nope/state", json={"state": "scheduled"}),
        ]
    assert [(a.status_code, a.json()) for a in answers] == [
        (400, {"errors": ["a failed post needs its error, as Publer shows it"]}),
        (400, {"errors": ["state must be one of failed, scheduled_pending, scheduled"]}),
        (404, {"errors": ["Post nope not found"]}),
    ]
