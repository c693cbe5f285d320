"""Auto-scheduling into the posting schedule: the queue, and ``share_next`` ahead of it.

Without ``share_next`` an auto post joins the end of the account's queue (the first
free hour after the last taken one in its range); with it, the next open hour.
https://publer.com/docs/create-posts/publishing-methods/auto-scheduling
"""

from __future__ import annotations

from typing import Any

from contract_support import Remote, at

DAY = at(hours=30)[:10]
WHOLE_DAY = {"start_date": f"{DAY}T00:00:00+00:00", "end_date": f"{DAY}T23:59:59+00:00"}


def auto(remote: Remote, text: str, **fields: Any) -> dict[str, Any]:
    return {"networks": {"facebook": {"type": "status", "text": text}}, "auto": True,
            "range": WHOLE_DAY, "accounts": [{"id": remote.id("facebook")}], **fields}  # fmt: skip


def test_share_next_takes_the_next_open_slot_and_the_rest_join_the_queue(remote: Remote) -> None:
    fixed = {
        "networks": {"facebook": {"type": "status", "text": "fixed"}},
        "accounts": [{"id": remote.id("facebook"), "scheduled_at": f"{DAY}T05:00:00+00:00"}],
    }
    remote.run({"state": "scheduled", "posts": [fixed]})  # fmt: skip
    job = remote.run({"state": "scheduled", "posts": [auto(remote, "queued")]})
    assert job["payload"]["failures"] == {}
    job = remote.run({"state": "scheduled", "posts": [auto(remote, "next", share_next=True)]})
    assert job["payload"]["failures"] == {}
    assert sorted((p["scheduled_at"], p["text"]) for p in remote.posts()) == [
        (f"{DAY}T00:00:00.000+00:00", "next"),
        (f"{DAY}T05:00:00.000+00:00", "fixed"),
        (f"{DAY}T06:00:00.000+00:00", "queued"),
    ]
