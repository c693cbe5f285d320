"""Media upload, media from URL, the media list, and media used in posts, on both sandboxes."""

from __future__ import annotations

import re
import struct

import pytest
from contract_support import ALL_MEDIA, EVERY_TYPE, Remote, at

PNG = b"\x89PNG\r\n\x1a\n" + struct.pack(">I4sII", 13, b"IHDR", 1451, 1005) + b"\x08\x02\0\0\0"


def upload(remote: Remote, name: str, data: bytes, **fields: str) -> dict[str, object]:
    response = remote.client.post("/media", files={"file": (name, data)}, data=fields)
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_upload_answers_the_media_object_synchronously(remote: Remote) -> None:
    media = upload(remote, "123.png", PNG)
    assert re.fullmatch(r"[0-9a-f]{24}", str(media["id"]))
    assert (media["type"], media["name"], media["width"], media["height"]) == (
        "photo", "123.png", 1451, 1005
    )  # fmt: skip
    assert str(media["path"]).startswith("https://") and "/tmp/" in str(media["path"])
    assert set(media) >= {"thumbnail", "validity", "source", "caption"}
    direct = upload(remote, "clip.mp4", b"\0\0\0\x18ftypmp42", direct_upload="true",
                    in_library="true")  # fmt: skip
    assert direct["type"] == "video"
    assert "/tmp/" not in str(direct["path"])
    assert direct["in_library"] is True


def test_upload_errors(remote: Remote) -> None:
    # an unsupported format is a 400, as the media page says (not a 422)
    # https://publer.com/docs/posting/create-posts/media-handling
    unsupported = remote.client.post("/media", files={"file": ("run.exe", b"MZ")})
    assert unsupported.status_code == 400
    assert unsupported.json() == {"errors": ["Unsupported file type: run.exe"]}
    # Publer's media page lists no HEIC, and neither does publer_facts.
    heic = remote.client.post("/media", files={"file": ("photo.heic", b"....ftypheic")})
    assert heic.status_code == 400
    assert heic.json() == {"errors": ["Unsupported file type: photo.heic"]}
    no_file = remote.client.post("/media", files={"other": ("a.png", PNG)})
    assert no_file.status_code == 400
    not_multipart = remote.client.post("/media", json={"file": "a.png"})
    assert not_multipart.status_code == 400


def test_media_from_url_is_a_job_listing_media_objects(remote: Remote) -> None:
    body = {"media": [{"url": "https://images.example/a.jpg", "name": "a.jpg", "caption": "A"},
                      {"url": "https://images.example/path/b.mp4", "name": "b.mp4"}],
            "type": "bulk", "direct_upload": False, "in_library": False}  # fmt: skip
    created = remote.client.post("/media/from-url", json=body)
    assert created.status_code == 200
    job = remote.finish(created.json()["job_id"])
    assert job["status"] == "complete"
    payload = job["payload"]
    assert isinstance(payload, list)
    assert [(m["name"], m["type"], m["caption"]) for m in payload] == [
        ("a.jpg", "photo", "A"), ("b.mp4", "video", None)
    ]  # fmt: skip
    listed = remote.client.get("/media", params=ALL_MEDIA).json()
    assert listed["total"] == 2
    assert {m["id"] for m in listed["media"]} == {m["id"] for m in payload}
    videos = remote.client.get(
        "/media", params=[("types[]", "video"), *ALL_MEDIA[len(EVERY_TYPE) :]]
    ).json()
    assert [m["name"] for m in videos["media"]] == ["b.mp4"]
    by_id = remote.client.get("/media", params={"ids[]": payload[0]["id"]}).json()
    assert [m["id"] for m in by_id["media"]] == [payload[0]["id"]]


@pytest.mark.parametrize("body", [{}, {"media": []}, {"media": [{"url": "file:///etc/passwd"}]}])
def test_media_from_url_checks_its_body(remote: Remote, body: dict[str, object]) -> None:
    response = remote.client.post("/media/from-url", json=body)
    assert response.status_code == 400
    assert response.json()["errors"]


def test_uploaded_media_can_be_posted(remote: Remote) -> None:
    photo = upload(remote, "pic.png", PNG)
    bulk = {"state": "scheduled", "posts": [{
        "networks": {"instagram": {"type": "photo", "text": "look",
                                   "media": [{"id": photo["id"], "type": "photo"}]}},
        "accounts": [{"id": remote.id("instagram"), "scheduled_at": at(hours=1)}],
    }]}  # fmt: skip
    assert remote.run(bulk)["payload"]["failures"] == {}
    [post] = remote.posts()
    assert post["has_media"] is True
    assert post["media"][0]["id"] == photo["id"]
    assert post["media"][0]["path"] == photo["path"]
