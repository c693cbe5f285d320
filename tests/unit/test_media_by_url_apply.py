"""Media given by URL through a whole apply, in process: what is sent and what the sandbox holds.

Elsewhere than Pinterest, a URL is imported first with ``POST /media/from-url``
and the post sends the Publer media id the job answered (MEDIA); on Pinterest the
pin sends ``{"id": "external-0", "path": url}`` itself (PIN).
https://publer.com/docs/posting/create-posts/media-handling
https://publer.com/docs/posting/create-posts/content-types/platform-specific-formats/pinterest-pins-with-a-link-url
"""

from __future__ import annotations

from pathlib import Path

from switch_support import applied

URL = "https://cdn.example/iced-matcha.jpg"
INSTAGRAM = f"id: by-url\nat: 2027-03-01T10:00\naccounts: [kc-instagram]\ntype: photo\n" \
            f"text: iced\nmedia:\n  - url: {URL}\n"  # fmt: skip
PINTEREST = (f"id: pin-by-url\nat: 2027-03-01T10:00\naccounts: [kc-pinterest]\ntype: photo\n"
             f"title: Iced matcha\ntext: iced\nmedia:\n  - url: {URL}\n"
             "album_id: '504019652061118803'\n")  # fmt: skip


def test_instagram_media_by_url_is_imported_then_sent_by_its_publer_id(tmp_path: Path) -> None:
    run = applied(tmp_path, INSTAGRAM)
    assert run.failed == []
    imports = [body for path, body in run.sent if path == "/media/from-url"]
    assert imports == [{"media": [{"url": URL, "name": "iced-matcha.jpg"}], "type": "single",
                        "direct_upload": False, "in_library": False}]  # fmt: skip
    (media_id,) = run.media
    assert run.media[media_id]["type"] == "photo"
    assert run.entry("instagram")["media"] == [{"id": media_id, "type": "photo"}]
    (held,) = run.posts
    assert (held["state"], held["text"]) == ("scheduled", "iced")
    assert [m["id"] for m in held["media"]] == [media_id]


def test_pinterest_media_by_url_goes_as_external_with_its_path(tmp_path: Path) -> None:
    run = applied(tmp_path, PINTEREST)
    assert run.failed == []
    assert [path for path, _body in run.sent] == ["/posts/schedule"]  # nothing imported
    assert run.media == {}
    assert run.entry("pinterest")["media"] == [{"id": "external-0", "type": "photo", "path": URL}]
    (post,) = run.bulks()[0]["posts"]
    assert [a["album_id"] for a in post["accounts"]] == ["504019652061118803"]  # the board
    (held,) = run.posts
    assert (held["state"], held["network"]) == ("scheduled", "pinterest")
    assert [(m["id"], m["type"], m["path"]) for m in held["media"]] == [
        ("external-0", "photo", URL)
    ]
