"""Publer's daily post limits per social account, on by default in the sandbox.

https://publer.com/docs/getting-started/rate-limits: each social account takes a
fixed number of posts in any rolling 24 hours, by network and Publer plan; the
excess fails per account inside a ``complete`` job, never as an HTTP error.
The sandbox plays the Business plan unless ``sandbox serve --publer-plan`` (or
``in_process_transport(publer_plan=...)``) says another, and ``--no-daily-limits``
(``publer_plan=None``) turns the rule off.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import HEADERS
from contract_support import PHOTO, Remote, Served, _client, _finish_setup, _project, at, spawn

import contentctl.sandbox as sb

TELEGRAM = "Daily limit of {limit} posts in 24 hours reached for this telegram account"


def _bulk(remote: Remote, count: int, *, start: float = 10) -> dict[str, Any]:
    """``count`` telegram posts two minutes apart from ``start`` minutes after NOW."""
    account = remote.id("telegram")
    posts = [{"networks": {"telegram": {"type": "status", "text": f"note {i}"}},
              "accounts": [{"id": account, "scheduled_at": at(start + 2 * i)}]}
             for i in range(count)]  # fmt: skip
    return {"state": "scheduled", "posts": posts}


def _failed(job: dict[str, Any]) -> dict[str, list[str]]:
    return {index: [f["message"] for f in group] for index, group in
            job["payload"]["failures"].items()}  # fmt: skip


def test_the_business_plan_fails_the_sixteenth_telegram_post_of_a_day(remote: Remote) -> None:
    # https://publer.com/docs/getting-started/rate-limits
    job = remote.run(_bulk(remote, 16))
    assert job["status"] == "complete"
    assert _failed(job) == {"15": [TELEGRAM.format(limit=15)]}
    assert len(remote.posts(state="scheduled")) == 15


def test_a_later_bulk_counts_what_the_account_already_holds(remote: Remote) -> None:
    assert _failed(remote.run(_bulk(remote, 15))) == {}
    # one more inside the same 24 hours fails; the day after, the window has moved on
    assert _failed(remote.run(_bulk(remote, 1, start=40))) == {"0": [TELEGRAM.format(limit=15)]}
    assert _failed(remote.run(_bulk(remote, 1, start=24 * 60 + 40))) == {}


def test_posts_a_job_has_not_created_yet_count_too(remote: Remote) -> None:
    # jobs run a minute after they are accepted: the first bulk's posts are not stored yet
    remote.admin("POST", "faults", {"job_delay_ms": 60_000})
    first = remote.create(_bulk(remote, 15))
    second = remote.create(_bulk(remote, 1, start=40))
    assert remote.posts() == []
    remote.admin("POST", "clock", {"advance_seconds": 61})
    assert _failed(remote.finish(first)) == {}
    assert _failed(remote.finish(second)) == {"0": [TELEGRAM.format(limit=15)]}
    assert len(remote.posts(state="scheduled")) == 15


def test_drafts_do_not_count_against_the_limit(remote: Remote) -> None:
    drafts = {**_bulk(remote, 16), "state": "draft"}
    assert _failed(remote.run(drafts)) == {}
    assert _failed(remote.run(_bulk(remote, 15, start=100))) == {}


def _posts(remote: Remote, alias: str, count: int, entry: dict[str, Any], start: float = 10
           ) -> dict[str, Any]:  # fmt: skip
    """``count`` posts of ``entry`` on ``alias``, two minutes apart from ``start`` minutes on."""
    account = remote.id(alias)
    posts = [{"networks": {alias: {**entry, "text": f"{alias} {i}"}},
              "accounts": [{"id": account, "scheduled_at": at(start + 2 * i)}]}
             for i in range(count)]  # fmt: skip
    return {"state": "scheduled", "posts": posts}


FB_STORY = {"type": "photo", "details": {"type": "story"}, "media": [PHOTO]}


def test_facebook_stories_count_apart_from_its_posts(remote: Remote) -> None:
    # https://publer.com/docs/getting-started/rate-limits: "FB posts+reels" and "FB stories"
    # are two rows, 36 each a day on Business; a story is photo + details.type
    # (https://publer.com/docs/posting/create-posts/content-types/platform-specific-formats/reels-shorts-and-stories)
    assert _failed(remote.run(_posts(remote, "facebook", 36, {"type": "status"}))) == {}
    assert _failed(remote.run(_posts(remote, "facebook", 36, FB_STORY, start=5))) == {}
    more = remote.run(_posts(remote, "facebook", 1, FB_STORY, start=90))
    assert _failed(more) == {
        "0": ["Daily limit of 36 stories in 24 hours reached for this facebook account"]
    }
    post = remote.run(_posts(remote, "facebook", 1, {"type": "status"}, start=95))
    assert _failed(post) == {
        "0": ["Daily limit of 36 posts in 24 hours reached for this facebook account"]
    }


def test_a_linkedin_profile_takes_fewer_posts_a_day_than_a_page(remote: Remote) -> None:
    # https://publer.com/docs/getting-started/rate-limits: LinkedIn profile 14, page 24 on Business
    listed = {a["type"]: a["id"] for a in remote.client.get("/accounts").json()
              if a["provider"] == "linkedin"}  # fmt: skip
    for kind, limit in (("profile", 14), ("page", 24)):
        remote.accounts[kind] = {"id": listed[kind], "provider": "linkedin"}
        entry = {"type": "status"}
        bulk = _posts(remote, kind, limit + 1, entry)
        for post in bulk["posts"]:
            post["networks"] = {"linkedin": post["networks"].pop(kind)}
        assert _failed(remote.run(bulk)) == {
            str(limit): [f"Daily limit of {limit} posts in 24 hours reached for this linkedin "
                         "account"]
        }  # fmt: skip


def _own(mode: str, folder: Path, plan: str | None) -> tuple[Remote, Served | None]:
    """A sandbox of its own on ``plan`` (None: no daily limits), in process or served."""
    if mode == "inprocess":
        transport = sb.in_process_transport(_project(folder), db=folder / "sandbox.db",
                                            publer_plan=plan)  # fmt: skip
        client = httpx.Client(transport=transport, base_url=sb.IN_PROCESS_BASE_URL,
                              headers=HEADERS)  # fmt: skip
        server = None
    else:
        server = spawn(
            folder, *(["--no-daily-limits"] if plan is None else ["--publer-plan", plan])
        )
        client = _client(server.url)
    return _finish_setup(Remote(mode, client, sb.DEFAULT_WORKSPACE_ID, sb.SANDBOX_API_KEY)), server


@pytest.mark.parametrize("mode", ["inprocess", "http"])
@pytest.mark.parametrize(("plan", "taken"), [("free", 5), ("professional", 10), (None, 16)])
def test_the_plan_sets_the_limit_and_none_turns_it_off(
    mode: str, plan: str | None, taken: int, tmp_path: Path
) -> None:
    remote, server = _own(mode, tmp_path, plan)
    try:
        job = remote.run(_bulk(remote, 16))
        wanted = {str(i): [TELEGRAM.format(limit=taken)] for i in range(taken, 16)}
        assert _failed(job) == wanted
        # the job answer names the plan the sandbox plays (Business when limits are off)
        assert job["plan"] == {"rate": plan or "business", "locked": False}
        # and GET /workspaces says it, as Publer's workspaces page shows the field
        # (https://publer.com/docs/api-reference/workspaces)
        listed = remote.client.get("/workspaces").json()
        assert [w["plan"] for w in listed] == [plan or "business"]
        assert len(remote.posts(state="scheduled")) == taken
    finally:
        remote.client.close()
        if server is not None:
            server.stop()


def test_an_unknown_plan_is_refused_before_the_sandbox_starts(tmp_path: Path) -> None:
    from contentctl.errors import ConfigError

    with pytest.raises(ConfigError, match="unknown Publer plan 'gold': free, professional, "
                                          "business"):  # fmt: skip
        sb.in_process_transport(None, db=tmp_path / "s.db", publer_plan="gold")
