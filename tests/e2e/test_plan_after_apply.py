"""A plan right after an apply trusts what the apply read, through the CLI against `sandbox serve`.

The apply leaves a marker with Publer's count of the config's posts (state/remote_read.py);
the plan after it asks Publer for that count (one page) instead of listing every managed
post again, says so in its third line, and lists again when a post was created or
deleted since, with --refresh, with ``refresh_max_age: 0`` and after any other write.
Request counts are the sandbox's own.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
from e2e_support import Project, post_yaml

from contentctl.errors import ExitCode

TRUSTED = "Publer was read by the apply "


def _requests(project: Project) -> dict[str, int]:
    counts: dict[str, int] = project.server.stats()["requests"]
    with httpx.Client(headers=project.server.headers()) as client:
        client.delete(f"{project.server.url}/_sandbox/stats").raise_for_status()
    return counts


def _api(project: Project, method: str, path: str, **kwargs: Any) -> None:
    with httpx.Client(headers=project.server.headers()) as client:
        client.request(method, f"{project.server.url}{path}", **kwargs).raise_for_status()


def _applied(project: Project) -> None:
    project.write("alpha.yaml", post_yaml("alpha", accounts="[fb, x]"))
    project.write("beta.yaml", post_yaml("beta", at="2027-03-02T09:00", accounts="[li]"))
    applied = project.run("apply", "--auto-approve")
    assert applied.returncode == ExitCode.OK, applied.stdout + applied.stderr
    _requests(project)


def test_the_plan_after_an_apply_asks_for_one_count_not_a_listing(project: Project) -> None:
    _applied(project)
    plan = project.run("plan", "--detailed-exitcode")
    assert plan.returncode == ExitCode.OK, plan.stdout + plan.stderr
    lines = plan.stdout.splitlines()
    serial = project.state()["serial"]
    assert lines[2].startswith(TRUSTED)
    assert lines[2].endswith(
        f" ago (state serial {serial}, 3 posts on Publer, unchanged): not listed again. "
        "`contentctl plan --refresh` lists it now."
    )
    assert lines[-1] == "No changes. 3 up to date."
    assert _requests(project) == {"GET /accounts": 1, "GET /posts": 1}
    marker = project.state()["remote_read"]
    assert (marker["by"], marker["serial"], marker["posts"]) == ("apply", serial, 3)


def test_an_edit_on_publer_is_seen_with_refresh(project: Project) -> None:
    _applied(project)
    edited = project.state()["posts"]["alpha"]["fb"]["remote_id"]
    _api(project, "PUT", f"/posts/{edited}", json={"post": {"text": "Edited in Publer"}})
    trusted = project.run("plan")
    assert trusted.stdout.splitlines()[2].startswith(TRUSTED)  # the count cannot see an edit
    refreshed = project.run("plan", "--refresh", "--detailed-exitcode")
    assert refreshed.returncode == ExitCode.CHANGES, refreshed.stdout + refreshed.stderr
    assert "  ! alpha @ fb: edited outside contentctl (network.text)" in refreshed.stdout
    assert TRUSTED not in refreshed.stdout


def test_a_post_deleted_on_publer_since_makes_the_plan_list_again(project: Project) -> None:
    _applied(project)
    deleted = project.state()["posts"]["beta"]["li"]["remote_id"]
    _api(project, "DELETE", "/posts", params=[("post_ids[]", deleted)])
    _requests(project)
    plan = project.run("plan", "--detailed-exitcode")
    assert plan.returncode == ExitCode.CHANGES, plan.stdout + plan.stderr
    assert TRUSTED not in plan.stdout
    assert f"  ! beta @ li: deleted outside contentctl (post {deleted})" in plan.stdout
    assert _requests(project)["GET /posts"] > 1  # the count, then the listing


def test_another_write_or_refresh_max_age_zero_lists_again(project: Project) -> None:
    _applied(project)
    config = project.root / "contentctl.yaml"
    original = config.read_text("utf-8")
    config.write_text(original + "refresh_max_age: 0\n", encoding="utf-8")
    assert TRUSTED not in project.run("plan").stdout
    config.write_text(original, encoding="utf-8")
    assert project.run("plan").stdout.splitlines()[2].startswith(TRUSTED)
    edited = project.state()  # the marker kept, an entry dropped: another write of the state
    del edited["posts"]["beta"]
    copy = project.root / "edited.json"
    copy.write_text(json.dumps(edited), encoding="utf-8")
    pushed = project.run("state", "push", str(copy))
    assert pushed.returncode == ExitCode.OK, pushed.stdout + pushed.stderr
    assert project.state()["remote_read"] == edited["remote_read"]
    plan = project.run("plan")
    assert TRUSTED not in plan.stdout  # the state was written since: its serial moved on
    assert plan.stdout.splitlines()[2].startswith("Refreshed from Publer in ")
    assert "to adopt" in plan.stdout.splitlines()[1]  # beta, found on Publer again


def test_an_apply_with_no_refresh_vouches_for_nothing(project: Project) -> None:
    project.write("alpha.yaml", post_yaml("alpha", accounts="[fb]"))
    applied = project.run("apply", "--auto-approve", "--no-refresh")
    assert applied.returncode == ExitCode.OK, applied.stdout + applied.stderr
    assert "remote_read" not in project.state()
    assert TRUSTED not in project.run("plan").stdout
