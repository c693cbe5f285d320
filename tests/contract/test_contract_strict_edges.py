"""The sandbox's last loose places, on both sandboxes: what Publer's pages say it refuses.

PUT /posts/{id} takes the documented post fields only; a bulk's ``networks`` takes
Publer's network keys only; /media/from-url takes the snake_case flags; DELETE keeps
another member's private draft and a post its editor published with approval.
"""

from __future__ import annotations

from typing import Any

import pytest
from contract_support import Remote, at


def schedule(remote: Remote, alias: str, text: str, state: str = "scheduled") -> dict[str, Any]:
    account: dict[str, Any] = {"id": remote.id(alias)}
    if state == "scheduled":
        account["scheduled_at"] = at(hours=2)
    bulk = {"state": state, "posts": [{
        "networks": {"default": {"type": "status", "text": text}}, "accounts": [account],
    }]}  # fmt: skip
    assert remote.run(bulk)["payload"]["failures"] == {}
    [post] = [p for p in remote.posts(state="all") if p["text"] == text]
    return post


# https://publer.com/docs/posting/update-posts (fidelity row 11)
def test_update_takes_text_title_and_labels(remote: Remote) -> None:
    post = schedule(remote, "linkedin", "before")
    body = {"post": {"text": "after", "title": None, "labels": ["spring"]}}
    response = remote.client.put(f"/posts/{post['id']}", json=body)
    assert response.status_code == 200, response.text
    assert (response.json()["text"], [x["name"] for x in response.json()["labels"]]) == (
        "after", ["spring"]
    )  # fmt: skip


@pytest.mark.parametrize(
    ("extra", "errors"),
    [
        ({"scheduled_at": "2030-02-01T10:00:00Z"},
         ["post.scheduled_at cannot be updated (post takes labels, text, title)"]),
        ({"media": [], "url": "https://example.com"},
         ["post.media cannot be updated (post takes labels, text, title)",
          "post.url cannot be updated (post takes labels, text, title)"]),
    ],
)  # fmt: skip
def test_update_refuses_keys_publer_does_not_take(
    remote: Remote, extra: dict[str, Any], errors: list[str]
) -> None:
    post = schedule(remote, "linkedin", "unchanged")
    response = remote.client.put(f"/posts/{post['id']}", json={"post": {"text": "x", **extra}})
    assert (response.status_code, response.json()) == (400, {"errors": errors})
    [kept] = remote.posts(state="all")
    assert (kept["text"], kept["scheduled_at"]) == ("unchanged", post["scheduled_at"])


# https://publer.com/docs/posting/create-posts (the networks keys of a bulk post)
def test_a_bulk_takes_only_networks_publer_knows(remote: Remote) -> None:
    account = {"id": remote.id("facebook"), "scheduled_at": at(hours=2)}
    typo: dict[str, Any] = {"state": "scheduled", "posts": [{
        "networks": {"facebook": {"type": "status", "text": "a"},
                     "facebok": {"type": "status", "text": "b"}},
        "accounts": [account]}]}  # fmt: skip
    response = remote.client.post("/posts/schedule", json={"bulk": typo})
    assert (response.status_code, response.json()) == (
        400, {"errors": ["posts[0].networks.facebok is not a network Publer knows"]}
    )  # fmt: skip
    assert remote.posts(state="all") == []
    del typo["posts"][0]["networks"]["facebok"]
    assert remote.run(typo)["payload"]["failures"] == {}


# https://publer.com/docs/posting/create-posts/media-handling (fidelity row 14)
@pytest.mark.parametrize(
    ("flags", "errors"),
    [
        ({"directUpload": True}, ["directUpload is spelled direct_upload"]),
        ({"inLibrary": False, "directUpload": False},
         ["directUpload is spelled direct_upload", "inLibrary is spelled in_library"]),
    ],
)  # fmt: skip
def test_media_from_url_refuses_the_camel_case_flags(
    remote: Remote, flags: dict[str, Any], errors: list[str]
) -> None:
    body = {"media": [{"url": "https://images.example/a.jpg", "name": "a.jpg"}], "type": "single"}
    response = remote.client.post("/media/from-url", json={**body, **flags})
    assert (response.status_code, response.json()) == (400, {"errors": errors})
    good = remote.client.post("/media/from-url",
                              json={**body, "direct_upload": True, "in_library": True})  # fmt: skip
    assert good.status_code == 200
    [media] = remote.finish(good.json()["job_id"])["payload"]
    assert (media["in_library"], "/tmp/" in media["path"]) == (True, False)


# https://publer.com/docs/posting/delete-posts (fidelity row 12)
def test_delete_keeps_another_members_private_draft_and_approved_posts(remote: Remote) -> None:
    own = schedule(remote, "facebook", "my idea", state="draft_private")
    theirs = schedule(remote, "facebook", "their idea", state="draft_private")
    approved = schedule(remote, "linkedin", "approved")
    plain = schedule(remote, "twitter", "plain")
    remote.admin("POST", f"posts/{theirs['id']}/member", {"created_by": "f" * 24})
    remote.admin("POST", f"posts/{approved['id']}/member", {"published_with_approval": True})
    ids = [own["id"], theirs["id"], approved["id"], plain["id"]]
    response = remote.client.delete("/posts", params={"post_ids[]": ids})
    assert response.json() == {"deleted_ids": [own["id"], plain["id"]]}
    assert sorted(p["id"] for p in remote.posts(state="all")) == sorted(
        [theirs["id"], approved["id"]]
    )


# https://publer.com/docs/posting/update-posts (fidelity row 11: OAS PUT /posts/{id}, 403)
def test_update_refuses_a_post_published_with_approval(remote: Remote) -> None:
    approved = schedule(remote, "linkedin", "approved")
    plain = schedule(remote, "facebook", "plain")
    remote.admin("POST", f"posts/{approved['id']}/member", {"published_with_approval": True})
    refused = remote.client.put(f"/posts/{approved['id']}", json={"post": {"text": "edited"}})
    assert (refused.status_code, refused.json()) == (
        403, {"errors": ["You cannot update a post that has been published with approval"]}
    )  # fmt: skip
    edited = remote.client.put(f"/posts/{plain['id']}", json={"post": {"text": "edited"}})
    assert (edited.status_code, edited.json()["text"]) == (200, "edited")
    texts = {p["id"]: p["text"] for p in remote.posts(state="all")}
    assert texts == {approved["id"]: "approved", plain["id"]: "edited"}


@pytest.mark.parametrize(
    ("body", "status", "errors"),
    [
        ({"created_by": ""}, 400, ["created_by must be a member id or null"]),
        ({"published_with_approval": "yes"}, 400,
         ["published_with_approval must be true or false"]),
    ],
)  # fmt: skip
def test_the_member_control_checks_its_body(
    remote: Remote, body: dict[str, Any], status: int, errors: list[str]
) -> None:
    post = schedule(remote, "facebook", "x")
    response = remote.client.post(f"/_sandbox/posts/{post['id']}/member", json=body)
    assert (response.status_code, response.json()) == (status, {"errors": errors})
    missing = remote.client.post(f"/_sandbox/posts/{'d' * 24}/member", json={})
    assert (missing.status_code, missing.json()) == (
        404, {"errors": [f"Post {'d' * 24} not found"]}
    )  # fmt: skip
