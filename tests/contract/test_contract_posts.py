"""Listing, updating and deleting posts, and time passing, on both sandboxes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from contract_support import NOW, VIDEO, Remote, at


def schedule(remote: Remote, alias: str, text: str, hours: float, **entry: Any) -> dict[str, Any]:
    """Create one scheduled post; the post as listed."""
    bulk = {"state": "scheduled", "posts": [{
        "networks": {"default": {"type": "status", "text": text, **entry}},
        "accounts": [{"id": remote.id(alias), "scheduled_at": at(hours=hours)}],
    }]}  # fmt: skip
    assert remote.run(bulk)["payload"]["failures"] == {}
    [post] = [p for p in remote.posts(query=text) if p["text"] == text]
    return post


def test_posts_are_paged_twenty_at_a_time(remote: Remote) -> None:
    posts = [{"networks": {"default": {"type": "status", "text": f"post {i:02}"}},
              "accounts": [{"id": remote.id("facebook"), "scheduled_at": at(hours=i + 1)}]}
             for i in range(45)]  # fmt: skip
    remote.run({"state": "scheduled", "posts": posts})
    pages = [remote.client.get("/posts", params={"page": n}).json() for n in range(4)]
    assert [len(p["posts"]) for p in pages] == [20, 20, 5, 0]
    assert {(p["total"], p["per_page"], p["total_pages"]) for p in pages} == {(45, 20, 3)}
    assert [p["page"] for p in pages] == [0, 1, 2, 3]
    texts = [post["text"] for page in pages for post in page["posts"]]
    assert texts == [f"post {i:02}" for i in range(45)]  # ordered by time


def test_posts_filter_by_state_account_time_text_and_type(remote: Remote) -> None:
    schedule(remote, "facebook", "alpha", 1)
    schedule(remote, "twitter", "beta", 30)
    schedule(remote, "linkedin", "gamma link", 50, type="link", url="https://example.org/a")
    remote.run(
        {
            "state": "draft",
            "posts": [
                {
                    "networks": {"default": {"type": "status", "text": "delta"}},
                    "accounts": [{"id": remote.id("facebook")}],
                }
            ],
        }
    )

    def texts(**params: Any) -> list[str]:
        return sorted(p["text"] for p in remote.posts(**params))

    assert texts() == ["alpha", "beta", "delta", "gamma link"]
    assert texts(state="scheduled") == ["alpha", "beta", "gamma link"]
    assert texts(**{"state[]": ["draft", "scheduled"]}) == texts()
    assert texts(**{"account_ids[]": [remote.id("facebook")]}) == ["alpha", "delta"]
    assert texts(**{"from": "2030-01-01", "to": "2030-01-02"}) == ["alpha", "beta"]
    assert texts(**{"from": at(hours=2), "to": at(hours=40)}) == ["beta"]
    # A hand-typed "+" offset arrives as a space and still reads as an offset.
    raw = remote.client.get("/posts?from=2030-01-02T00:00:00+00:00&to=2030-01-03T00:00:00+00:00")
    assert [p["text"] for p in raw.json()["posts"]] == ["beta"]
    assert texts(query="GAMMA") == ["gamma link"]
    assert texts(postType="link") == ["gamma link"]
    [link] = remote.posts(postType="link")
    assert link["url"] == "https://example.org/a"


@pytest.mark.parametrize(
    "params",
    [{"from": "2030-01-01"}, {"to": "2030-01-01"}, {"state": "bogus"}, {"page": "x"}],
)
def test_bad_post_filters_are_400(remote: Remote, params: dict[str, str]) -> None:
    response = remote.client.get("/posts", params=params)
    assert response.status_code == 400
    assert response.json()["errors"]


def test_time_passing_publishes_scheduled_posts(remote: Remote) -> None:
    post = schedule(remote, "facebook", "soon", 1)
    assert remote.posts(state="published") == []
    remote.admin("POST", "clock", {"advance_seconds": 3600})
    [published] = remote.posts(state="published")
    assert published["id"] == post["id"]
    assert published["post_link"] == f"https://facebook.example/p/{post['id']}"
    assert remote.posts(state="scheduled") == []
    now = remote.admin("POST", "clock", {"now": "2031-01-01T00:00:00Z"}).json()["now"]
    assert now == "2031-01-01T00:00:00.000+00:00"


def test_update_changes_text_and_title_and_answers_the_post(remote: Remote) -> None:
    video = VIDEO
    post = schedule(remote, "youtube", "old", 2, type="video", title="Old title", media=[video])
    response = remote.client.put(f"/posts/{post['id']}",
                                 json={"post": {"text": "new", "title": "New title"}})  # fmt: skip
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["text"], body["title"]) == (post["id"], "new", "New title")
    assert body["scheduled_at"] == post["scheduled_at"]
    assert remote.posts()[0]["text"] == "new"
    long_title = {"post": {"text": "new", "title": "t" * 101}}  # PUT requires text (OAS)
    too_long = remote.client.put(f"/posts/{post['id']}", json=long_title)
    assert too_long.status_code == 422
    assert too_long.json()["errors"]


def test_update_of_a_published_post_follows_the_network(remote: Remote) -> None:
    accounts = [{"id": remote.id("twitter")}, {"id": remote.id("linkedin")}]
    post = {"networks": {"default": {"type": "status", "text": "live"}}, "accounts": accounts}
    bulk = {"state": "scheduled", "posts": [post]}
    remote.run(bulk, publish=True)
    posts = {p["network"]: p for p in remote.posts()}
    blocked = remote.client.put(f"/posts/{posts['twitter']['id']}", json={"post": {"text": "e"}})
    assert blocked.status_code == 422
    assert "twitter" in blocked.json()["errors"][0]
    edited = remote.client.put(f"/posts/{posts['linkedin']['id']}", json={"post": {"text": "e"}})
    assert edited.status_code == 200
    assert edited.json()["text"] == "e"
    assert edited.json()["state"] == "published"


def test_update_errors(remote: Remote) -> None:
    post = schedule(remote, "facebook", "x", 1)
    assert remote.client.put("/posts/" + "d" * 24, json={"post": {"text": "y"}}).status_code == 404
    missing = remote.client.put(f"/posts/{post['id']}", json={"text": "y"})
    assert missing.status_code == 400
    assert missing.json() == {"errors": ["param is missing or the value is empty: post"]}
    twitter = schedule(remote, "twitter", "short", 2)
    long = remote.client.put(f"/posts/{twitter['id']}", json={"post": {"text": "z" * 281}})
    assert long.status_code == 422


@pytest.mark.parametrize("key", ["post_ids[]", "post_ids"])
def test_delete_answers_the_ids_it_deleted(remote: Remote, key: str) -> None:
    keep = schedule(remote, "facebook", "keep", 1)
    gone = schedule(remote, "twitter", "gone", 2)
    published = remote.run({"state": "scheduled", "posts": [{
        "networks": {"default": {"type": "status", "text": "was live"}},
        "accounts": [{"id": remote.id("linkedin")}]}]}, publish=True)  # fmt: skip
    assert published["payload"]["failures"] == {}
    [live] = remote.posts(state="published")
    ids = [gone["id"], "e" * 24, live["id"]]
    response = remote.client.delete("/posts", params={key: ids})
    assert response.status_code == 200
    assert response.json() == {"deleted_ids": [gone["id"], live["id"]]}
    assert [p["id"] for p in remote.posts()] == [keep["id"]]
    assert remote.client.delete("/posts").status_code == 400


def test_drop_after_commit_cuts_the_answer_but_keeps_the_posts(remote: Remote) -> None:
    remote.admin("POST", "faults", {"drop_after_commit": 1})
    entry = {"type": "status", "text": "lost answer"}
    bulk = {"state": "scheduled", "posts": [{"networks": {"default": entry},
            "accounts": [{"id": remote.id("facebook"), "scheduled_at": at(hours=1)}]}]}  # fmt: skip
    with pytest.raises(httpx.RemoteProtocolError):
        remote.client.post("/posts/schedule", json={"bulk": bulk})
    [post] = remote.posts()
    assert post["text"] == "lost answer"
    # The next create answers again, and a blind retry hits the one-minute gap.
    retry = remote.run(bulk)
    assert "one minute gap" in retry["payload"]["failures"]["0"][0]["message"]
    assert remote.admin("GET", "stats").json()["dropped"] == 1


def test_clock_endpoint_reports_the_frozen_time(remote: Remote) -> None:
    assert remote.admin("GET", "clock").json()["now"] == NOW.isoformat(timespec="milliseconds")
