"""Bulk creates, jobs and Publer's per-account failure rules, on both sandboxes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from contract_support import NOW, PHOTO, VIDEO, Remote, at

LIMITS = {
    "facebook": 10_000, "instagram": 2_200, "twitter": 280, "linkedin": 3_000,
    "pinterest": 500, "google": 1_500, "youtube": 5_000, "tiktok": 2_200,
    "telegram": 4_096, "mastodon": 500, "threads": 500, "bluesky": 300,
}  # fmt: skip
FIRST_TYPE = {"instagram": "photo", "pinterest": "photo", "youtube": "video", "tiktok": "video"}


def one(remote: Remote, alias: str, entry: dict[str, Any], **account: Any) -> dict[str, Any]:
    """A scheduled bulk of one post on one account (at NOW + 1 h unless told)."""
    spec = {"id": remote.id(alias), "scheduled_at": at(hours=1), **account}
    provider = remote.accounts[alias]["provider"]
    return {"state": "scheduled", "posts": [{"networks": {provider: entry}, "accounts": [spec]}]}


def failures(job: dict[str, Any]) -> list[dict[str, Any]]:
    assert job["status"] == "complete"
    return [f for group in job["payload"]["failures"].values() for f in group]


def only_failure(remote: Remote, bulk: dict[str, Any]) -> str:
    """Run a bulk expected to fail its one pair; the message. Nothing may be created."""
    found = failures(remote.run(bulk))
    assert len(found) == 1, found
    assert remote.posts() == []
    return str(found[0]["message"])


def test_schedule_answers_a_job_that_works_then_completes(remote: Remote) -> None:
    bulk = {"state": "scheduled", "posts": [{
        "networks": {"facebook": {"type": "status", "text": "Hello"},
                     "twitter": {"type": "status", "text": "Hello X"}},
        "accounts": [{"id": remote.id("facebook"), "scheduled_at": "2030-01-02T09:00:00+02:00"},
                     {"id": remote.id("twitter"), "scheduled_at": "2030-01-02T07:00:00Z"}],
    }]}  # fmt: skip
    response = remote.client.post("/posts/schedule", json={"bulk": bulk})
    assert response.status_code == 200
    job_id = response.json()["job_id"]
    assert re.fullmatch(r"[0-9a-f]{24}", job_id)
    first = remote.client.get(f"/job_status/{job_id}").json()
    assert first["status"] == "working"
    done = remote.client.get(f"/job_status/{job_id}").json()
    assert done == {"status": "complete", "payload": {"failures": {}},
                    "plan": {"rate": "business", "locked": False}}  # fmt: skip
    posts = {p["network"]: p for p in remote.posts()}
    assert posts["facebook"]["scheduled_at"] == "2030-01-02T09:00:00.000+02:00"
    assert posts["twitter"]["scheduled_at"] == "2030-01-02T07:00:00.000+00:00"
    for network, post in posts.items():
        assert post["account_id"] == remote.id(network)
        assert post["state"] == "scheduled"
        assert post["post_link"] is None
        assert post["job_id"] == job_id
        assert re.fullmatch(r"[0-9a-f]{24}", post["id"])
    assert posts["twitter"]["text"] == "Hello X"


def test_publish_now_posts_are_published_with_a_link(remote: Remote) -> None:
    bulk = {"state": "scheduled", "posts": [{
        "networks": {"default": {"type": "status", "text": "Now"}},
        "accounts": [{"id": remote.id("linkedin")}, {"id": remote.id("mastodon")}],
    }]}  # fmt: skip
    job = remote.run(bulk, publish=True)
    assert job["payload"]["failures"] == {}
    posts = remote.posts(state="published")
    assert {p["network"] for p in posts} == {"linkedin", "mastodon"}
    for post in posts:
        assert post["post_link"].startswith(f"https://{post['network']}.")
        assert post["scheduled_at"] == NOW.isoformat(timespec="milliseconds")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"bulk": {"state": "auto", "posts": [{}]}}, "Unknown state auto"),
        ({"bulk": {"state": "recycle", "posts": [{}]}}, "Unknown state recycle"),
        ({"posts": []}, "param is missing or the value is empty: bulk"),
        ({"bulk": {"state": "scheduled", "posts": []}},
         "param is missing or the value is empty: posts"),
    ],
)  # fmt: skip
def test_bad_bulks_are_refused_with_400(remote: Remote, body: Any, message: str) -> None:
    response = remote.client.post("/posts/schedule", json=body)
    assert response.status_code == 400
    assert response.json() == {"errors": [message]}


def test_more_than_500_posts_is_400(remote: Remote) -> None:
    post = {
        "networks": {"facebook": {"type": "status", "text": "x"}},
        "accounts": [{"id": remote.id("facebook")}],
    }
    response = remote.client.post(
        "/posts/schedule", json={"bulk": {"state": "scheduled", "posts": [post] * 501}}
    )
    assert response.status_code == 400
    assert "500" in response.json()["errors"][0]
    assert remote.posts() == []


def test_malformed_json_is_400(remote: Remote) -> None:
    response = remote.client.post(
        "/posts/schedule", content=b"{bulk:", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["errors"]


def test_unknown_account_fails_that_pair_only(remote: Remote) -> None:
    bulk = one(remote, "facebook", {"type": "status", "text": "hi"})
    bulk["posts"][0]["accounts"].append({"id": "f" * 24, "scheduled_at": at(hours=2)})
    found = failures(remote.run(bulk))
    assert found == [{"account_id": "f" * 24, "account_name": None, "provider": None,
                      "message": "Account not found"}]  # fmt: skip
    assert [p["network"] for p in remote.posts()] == ["facebook"]


def test_a_provider_without_content_fails(remote: Remote) -> None:
    bulk = one(remote, "facebook", {"type": "status", "text": "hi"})
    bulk["posts"][0]["accounts"][0]["id"] = remote.id("twitter")
    job = remote.run(bulk)
    entry = job["payload"]["failures"]["0"][0]
    accounts = {a["id"]: a for a in remote.client.get("/accounts").json()}
    assert entry["account_id"] == remote.id("twitter")
    assert entry["account_name"] == accounts[remote.id("twitter")]["name"]
    assert entry["provider"] == "twitter"
    assert "twitter" in entry["message"]


@pytest.mark.parametrize(
    ("when", "message"),
    [
        (at(minutes=-5), "Posts cannot be backdated"),
        (at(), "Posts cannot be backdated"),
        (at(minutes=0.5), "Posts must be scheduled at least one minute in the future"),
    ],
)
def test_times_in_the_past_or_too_close_fail(remote: Remote, when: str, message: str) -> None:
    bulk = one(remote, "facebook", {"type": "status", "text": "hi"}, scheduled_at=when)
    assert only_failure(remote, bulk) == message


def test_one_minute_gap_is_required_on_an_account(remote: Remote) -> None:
    gap = "There's another post at this time. A one minute gap is required between posts"
    remote.run(one(remote, "facebook", {"type": "status", "text": "first"}))
    clash = one(remote, "facebook", {"type": "status", "text": "second"},
                scheduled_at=at(hours=1, minutes=0.5))  # fmt: skip
    assert [f["message"] for f in failures(remote.run(clash))] == [gap]
    # Within one request as well; exactly one minute apart is fine; other accounts are free.
    bulk = {"state": "scheduled", "posts": [
        {"networks": {"default": {"type": "status", "text": "a"}},
         "accounts": [{"id": remote.id("threads"), "scheduled_at": at(hours=3)},
                      {"id": remote.id("bluesky"), "scheduled_at": at(hours=3)}]},
        {"networks": {"default": {"type": "status", "text": "b"}},
         "accounts": [{"id": remote.id("threads"), "scheduled_at": at(hours=3, minutes=0.9)}]},
        {"networks": {"default": {"type": "status", "text": "c"}},
         "accounts": [{"id": remote.id("threads"), "scheduled_at": at(hours=3, minutes=1)}]},
    ]}  # fmt: skip
    job = remote.run(bulk)
    assert list(job["payload"]["failures"]) == ["1"]
    assert job["payload"]["failures"]["1"][0]["message"] == gap
    assert len(remote.posts()) == 4


@pytest.mark.parametrize("provider", sorted(LIMITS))
def test_text_over_the_network_limit_fails(remote: Remote, provider: str) -> None:
    entry = {"type": FIRST_TYPE.get(provider, "status"), "text": "x" * (LIMITS[provider] + 1),
             **({"title": "t"} if provider == "youtube" else {})}  # fmt: skip
    message = only_failure(remote, one(remote, provider, entry))
    assert f"the limit is {LIMITS[provider]}" in message


@pytest.mark.parametrize("provider", ["facebook", "twitter", "linkedin", "bluesky", "telegram"])
def test_text_at_the_limit_is_accepted(remote: Remote, provider: str) -> None:
    job = remote.run(one(remote, provider, {"type": "status", "text": "é" * LIMITS[provider]}))
    assert failures(job) == []
    assert len(remote.posts()[0]["text"]) == LIMITS[provider]


def test_x_long_posts_take_up_to_25000_characters(remote: Remote) -> None:
    # https://github.com/api-evangelist/publer/blob/main/openapi/_original/publer-openapi.yml
    long_post = {"type": "status", "text": "x" * 25_001, "details": {"type": "long_post"}}
    assert only_failure(remote, one(remote, "twitter", long_post)) == (
        "Text is too long for twitter: 25001 weighted characters (X counts URLs as 23 and "
        "emoji/CJK as 2), the limit is 25000"
    )
    job = remote.run(one(remote, "twitter", {**long_post, "text": "x" * 25_000}))
    assert failures(job) == []
    assert [len(p["text"]) for p in remote.posts()] == [25_000]


@pytest.mark.parametrize(
    ("alias", "entry", "needle"),
    [
        ("instagram", {"type": "photo", "text": "no media"}, "1 to 10"),
        ("twitter", {"type": "photo", "text": "5", "media": [PHOTO] * 5}, "1 to 4"),
        ("youtube", {"type": "video", "text": "none", "title": "t", "media": []}, "exactly one"),
        ("instagram", {"type": "carousel", "text": "one", "media": [PHOTO]}, "2 to 10"),
        ("twitter", {"type": "reel", "text": "no reels on X"}, "does not support reel"),
        ("pinterest", {"type": "photo", "text": "x", "media": [{"id": "0" * 24, "type": "photo"}]},
         "not found"),
    ],
)  # fmt: skip
def test_wrong_media_or_type_fails(
    remote: Remote, alias: str, entry: dict[str, Any], needle: str
) -> None:
    assert needle in only_failure(remote, one(remote, alias, entry))


def test_media_at_post_level_fails_with_publers_ruby_error(remote: Remote) -> None:
    bulk = one(remote, "instagram", {"type": "photo", "text": "misplaced"})
    bulk["posts"][0]["media"] = [PHOTO]
    assert only_failure(remote, bulk) == "undefined method 'count' for nil"


def test_only_one_tiktok_account_per_request(remote: Remote) -> None:
    video = {
        "type": "video",
        "text": "dance",
        "media": [VIDEO],
    }
    bulk = {"state": "scheduled", "posts": [{
        "networks": {"tiktok": video},
        "accounts": [{"id": remote.id("tiktok"), "scheduled_at": at(hours=1)},
                     {"id": remote.id("tiktok2"), "scheduled_at": at(hours=1)}],
    }]}  # fmt: skip
    found = failures(remote.run(bulk))
    assert [(f["account_id"], f["message"]) for f in found] == [
        (remote.id("tiktok2"), "Only one TikTok account can be used per request")
    ]
    assert [p["account_id"] for p in remote.posts()] == [remote.id("tiktok")]


def test_auto_posts_take_the_next_free_hour_and_cannot_be_deleted(remote: Remote) -> None:
    post = {"networks": {"default": {"type": "status", "text": "queued"}}, "auto": True,
            "range": {"start_date": at(minutes=30)},
            "accounts": [{"id": remote.id("facebook")}]}  # fmt: skip
    remote.run({"state": "scheduled", "posts": [post, post]})
    posts = remote.posts()
    assert [p["scheduled_at"] for p in posts] == [
        "2030-01-01T13:00:00.000+00:00",
        "2030-01-01T14:00:00.000+00:00",
    ]
    assert all(p["auto"] for p in posts)
    deleted = remote.client.delete("/posts", params={"post_ids[]": [p["id"] for p in posts]})
    assert deleted.json() == {"deleted_ids": []}
    assert len(remote.posts()) == 2


def test_drafts_recurring_and_ideas_are_stored_in_their_state(remote: Remote) -> None:
    text = {"default": {"type": "status", "text": "idea"}}
    remote.run({"state": "draft", "posts": [
        {"networks": text, "accounts": [{"id": remote.id("facebook")}]},
        {"networks": text, "accounts": [{"id": remote.id("twitter"), "scheduled_at": at(-60)}]},
    ]})  # fmt: skip
    remote.run({"state": "draft_public", "posts": [{"networks": text}]})
    remote.run({"state": "recurring", "posts": [{
        "networks": text, "recurring": {"start_date": at(hours=5), "repeat": "weekly",
                                        "repeat_rate": 1, "days_of_week": [1]},
        "accounts": [{"id": remote.id("linkedin")}]}]})  # fmt: skip
    assert {p["state"] for p in remote.posts(state="draft")} == {"draft", "draft_public"}
    assert [p["account_id"] for p in remote.posts(state="draft_undated")] == [remote.id("facebook")]
    assert [p["account_id"] for p in remote.posts(state="draft_dated")] == [remote.id("twitter")]
    [recurring] = remote.posts(state="recurring")
    assert recurring["recurring"]["repeat"] == "weekly"
    bad = remote.run({"state": "recurring", "posts": [{
        "networks": text, "recurring": {"start_date": at(hours=6), "repeat": "daily",
                                        "repeat_rate": 1},
        "accounts": [{"id": remote.id("youtube")}]}]})  # fmt: skip
    assert "not available for youtube" in failures(bad)[0]["message"]


def test_stuck_polls_keep_jobs_working(remote: Remote) -> None:
    remote.admin("POST", "faults", {"stuck_polls": 2})
    job_id = remote.create(one(remote, "facebook", {"type": "status", "text": "slow"}))
    statuses = [remote.client.get(f"/job_status/{job_id}").json()["status"] for _ in range(4)]
    assert statuses == ["working", "working", "working", "complete"]


def test_failed_jobs_create_nothing(remote: Remote) -> None:
    remote.admin("POST", "faults", {"fail_jobs": True})
    job = remote.run(one(remote, "facebook", {"type": "status", "text": "doomed"}))
    assert job["status"] == "failed"
    assert job["errors"] == ["The job failed; no post was created"]
    assert remote.posts() == []


def test_variants_wrap_the_job_and_list_failures(remote: Remote) -> None:
    remote.admin("POST", "variants", {"job_create": "wrapped", "job_status": "wrapped",
                                      "complete_word": "completed", "failures": "list",
                                      "create_status": 202})  # fmt: skip
    bulk = one(remote, "facebook", {"type": "status", "text": "x"}, scheduled_at=at(-1))
    created = remote.client.post("/posts/schedule", json={"bulk": bulk})
    assert created.status_code == 202
    assert created.json()["success"] is True
    job_id = created.json()["data"]["job_id"]
    body: dict[str, Any] | None = None  # the wrapped shape has no top-level status
    for _ in range(3):
        body = remote.client.get(f"/job_status/{job_id}").json()
        if body["data"]["status"] != "working":
            break
    assert body is not None and body["success"] is True
    assert body["data"]["status"] == "completed"
    result = body["data"]["result"]
    assert result["status"] == "completed"
    assert [f["message"] for f in result["payload"]["failures"]] == ["Posts cannot be backdated"]


def test_unknown_job_is_404(remote: Remote) -> None:
    response = remote.client.get("/job_status/" + "c" * 24)
    assert response.status_code == 404
    assert response.json()["errors"]
