"""Posts listed by Publer in, manifest posts out: stable ids, methods, and what is skipped."""

from __future__ import annotations

from pathlib import Path

from contentctl.config import load_config
from contentctl.manifest.importer import render, stable_id, to_manifests
from contentctl.model import Config
from contentctl.publer import RemotePost

FB = "65f0a1b2c3d4e5f607180001"


def remote(post_id: str, **raw: object) -> RemotePost:
    text = "Hello there, friends of tea"
    data: dict[str, object] = {
        "id": post_id, "account_id": FB, "state": "scheduled", "type": "status", "text": text,
    }  # fmt: skip
    data.update(raw)
    post = RemotePost.from_json(data)  # type: ignore[arg-type]
    assert post is not None
    return post


def test_each_post_becomes_one_manifest_post_with_a_stable_id(tmp_path: Path) -> None:
    (tmp_path / "contentctl.yaml").write_text(
        "workspace: 6650f1c2a1b2c3d4e5f60718\nendpoint: sandbox\ntimezone: Europe/Berlin\n"
        f"accounts:\n  fb: {{id: {FB}, provider: facebook}}\ndefaults:\n  labels: [contentctl]\n",
        encoding="utf-8",
    )
    config = load_config(tmp_path / "contentctl.yaml", {})
    posts = [
        remote(
            "6b0f00000000000000a1b2c3",
            scheduled_at="2027-03-01T08:00:00.000+00:00",
            labels=[{"name": "contentctl"}, {"name": "spring"}],
        ),
        remote("6b0f00000000000000d4e5f6", state="draft"),
        remote("6b0f0000000000000000idea", state="draft_private", account_id=None),
        remote("6b0f0000000000000000auto", auto=True, scheduled_at="2027-03-02T08:00:00Z"),
    ]
    imported, skipped = to_manifests(posts, config)
    assert [i.document for i in imported] == [
        {"id": "hello-there-friends-of-tea-00idea", "method": "draft_private", "type": "status",
         "text": "Hello there, friends of tea"},
        {"id": "hello-there-friends-of-tea-d4e5f6", "method": "draft", "accounts": ["fb"],
         "type": "status", "text": "Hello there, friends of tea"},
        {"id": "hello-there-friends-of-tea-a1b2c3", "at": "2027-03-01T09:00", "accounts": ["fb"],
         "type": "status", "text": "Hello there, friends of tea", "labels": ["spring"]},
    ]  # fmt: skip
    assert [(s.remote_id, s.reason) for s in skipped] == [
        ("6b0f0000000000000000auto",
         "it is auto-scheduled (Publer's listing gives its slot, not the range asked for)"),
    ]  # fmt: skip
    assert stable_id(posts[0]) == imported[2].post_id  # the same id every time
    text = render(imported)
    assert text.startswith("# Imported from Publer by `contentctl import`.\n---\nid: ")
    assert text.count("\n---\n") == 3  # a separator before each of the three posts


def _config(tmp_path: Path) -> Config:
    (tmp_path / "contentctl.yaml").write_text(
        "workspace: 6650f1c2a1b2c3d4e5f60718\nendpoint: sandbox\ntimezone: Europe/Berlin\n"
        f"accounts:\n  fb: {{id: {FB}, provider: facebook}}\n"
        f"  li: {{id: {LI}, provider: linkedin}}\n  pin: {{id: {PIN}, provider: pinterest}}\n"
        "defaults:\n  labels: [contentctl]\n",
        encoding="utf-8",
    )
    return load_config(tmp_path / "contentctl.yaml", {})


LI = "65f0a1b2c3d4e5f607180002"
PIN = "65f0a1b2c3d4e5f607180003"
LIBRARY = {"id": "6b0f00000000000000med1a", "type": "photo", "alt_text": "A teapot",
           "path": "https://cdn.example/a.png", "thumbnail": "https://cdn.example/a.png",
           "caption": None}  # fmt: skip


def test_media_posts_are_written_with_their_publer_media_ids_in_the_manifests_form(
    tmp_path: Path,
) -> None:
    config = _config(tmp_path)
    at = "2027-03-01T08:00:00.000+00:00"
    posts = [
        remote("6b0f0000000000000000pho1", type="photo", media=[LIBRARY], scheduled_at=at,
               network="facebook", text="A photo"),
        remote("6b0f0000000000000000reel", type="video", details={"type": "reel", "feed": True},
               media=[{**LIBRARY, "id": "v1", "type": "video"}], scheduled_at=at,
               network="facebook", text="A reel"),
        remote("6b0f00000000000000000doc", type="photo", details={"type": "document"},
               account_id=LI, network="linkedin", title="Menu", scheduled_at=at, text="A doc",
               media=[{**LIBRARY, "id": "d1", "type": "document", "alt_text": None}]),
        remote("6b0f00000000000000000lnk", type="link", url="https://k.example/a",
               link={"url": "https://k.example/a", "title": "A"}, scheduled_at=at,
               network="facebook", text="A link", recycling={"gap": 4, "gap_freq": "Week",
                                                             "expire_count": None}),
        remote("6b0f00000000000000000rec", state="recurring", type="status", network="facebook",
               scheduled_at="2027-04-05T08:00:00.000+02:00", text="Every Monday",
               recurring={"repeat_rate": 1, "repeat": "weekly", "days_of_week": [1],
                          "start_date": "2027-04-05T08:00:00+02:00",
                          "end_date": "2027-06-28T23:59:59+02:00"}),
        remote("6b0f00000000000000000pin", type="photo", account_id=PIN, network="pinterest",
               media=[LIBRARY], scheduled_at=at, text="A pin"),
        remote("6b0f0000000000000000noid", type="photo", network="facebook", scheduled_at=at,
               media=[{"path": "https://cdn.example/b.png", "type": "photo"}], text="No id"),
    ]  # fmt: skip
    imported, skipped = to_manifests(posts, config)
    by_id = {i.remote.id[-4:]: i.document for i in imported}
    assert by_id["pho1"] == {
        "id": "a-photo-00pho1", "at": "2027-03-01T09:00", "accounts": ["fb"], "type": "photo",
        "text": "A photo",
        "media": [{"id": LIBRARY["id"], "type": "photo", "alt_text": "A teapot"}],
    }  # fmt: skip
    assert by_id["reel"]["type"] == "reel"  # Publer's video + details.type, as the manifest says
    assert by_id["reel"]["details"] == {"feed": True}
    assert (by_id["0doc"]["type"], by_id["0doc"]["title"]) == ("document", "Menu")
    assert by_id["0doc"]["media"] == [{"id": "d1", "type": "document"}]
    assert {k: by_id["0lnk"][k] for k in ("method", "type", "link", "recycling")} == {
        "method": "recycling", "type": "link", "link": {"url": "https://k.example/a", "title": "A"},
        "recycling": {"gap": 4, "gap_freq": "Week"},
    }  # fmt: skip
    assert "url" not in by_id["0lnk"]  # a link post's url is in its link object
    assert {k: by_id["0rec"][k] for k in ("method", "at", "recurring")} == {
        "method": "recurring", "at": "2027-04-05T08:00",
        "recurring": {"repeat": "weekly", "days_of_week": [1], "start_date": "2027-04-05",
                      "end_date": "2027-06-28"},
    }  # fmt: skip
    assert [(s.remote_id, s.reason) for s in skipped] == [
        ("6b0f00000000000000000pin", "it is a pin whose board Publer's listing does not name"),
        ("6b0f0000000000000000noid", "a media item of it has no Publer media id to name it by"),
    ]
    assert "path" not in render(imported)  # nothing to download: Publer's ids only


def test_posts_of_one_bulk_are_one_manifest_post_with_what_differs_per_network(
    tmp_path: Path,
) -> None:
    (tmp_path / "contentctl.yaml").write_text(
        "workspace: 6650f1c2a1b2c3d4e5f60718\nendpoint: sandbox\ntimezone: UTC\naccounts:\n"
        f"  fb: {{id: {FB}, provider: facebook}}\n  li: {{id: {LI}, provider: linkedin}}\n"
        f"  x: {{id: {X}, provider: twitter}}\n  x2: {{id: {X2}, provider: twitter}}\n",
        encoding="utf-8",
    )
    config = load_config(tmp_path / "contentctl.yaml", {})
    at = "2027-03-01T08:00:00.000+00:00"
    shared = {"job_id": "job-1", "scheduled_at": at, "type": "photo", "media": [LIBRARY]}
    posts = [
        remote("6b0f00000000000000000ab1", **shared, network="facebook", text="Long text"),
        remote("6b0f00000000000000000ab2", **shared, account_id=LI, network="linkedin",
               text="Long text"),
        remote("6b0f00000000000000000ab3", **shared, account_id=X, network="twitter",
               text="Short"),
        remote("6b0f00000000000000000cd1", job_id="job-2", scheduled_at=at, account_id=X,
               network="twitter", text="Twice on X"),
        remote("6b0f00000000000000000cd2", job_id="job-2", scheduled_at=at, account_id=X2,
               network="twitter", text="Twice on X"),
    ]  # fmt: skip
    imported, skipped = to_manifests(posts, config)
    assert skipped == []
    assert [i.document for i in imported] == [
        {"id": "long-text-000ab1", "at": "2027-03-01T08:00", "accounts": ["fb", "li", "x"],
         "type": "photo", "text": "Long text",
         "media": [{"id": LIBRARY["id"], "type": "photo", "alt_text": "A teapot"}],
         "networks": {"twitter": {"text": "Short"}}},
        # two accounts of one network cannot share a post's per-network overrides: apart
        {"id": "twice-on-x-000cd1", "at": "2027-03-01T08:00", "accounts": ["x"],
         "type": "status", "text": "Twice on X"},
        {"id": "twice-on-x-000cd2", "at": "2027-03-01T08:00", "accounts": ["x2"],
         "type": "status", "text": "Twice on X"},
    ]  # fmt: skip
    assert [[alias for alias, _ in i.members] for i in imported] == [["fb", "li", "x"], ["x"],
                                                                     ["x2"]]  # fmt: skip


X = "65f0a1b2c3d4e5f607180004"
X2 = "65f0a1b2c3d4e5f607180005"


YT = "65f0a1b2c3d4e5f607180004"


def test_a_youtube_videos_top_level_privacy_comes_back_as_details_privacy(
    tmp_path: Path,
) -> None:
    (tmp_path / "contentctl.yaml").write_text(
        "workspace: 6650f1c2a1b2c3d4e5f60718\nendpoint: sandbox\ntimezone: Europe/Berlin\n"
        f"accounts:\n  yt: {{id: {YT}, provider: youtube}}\n",
        encoding="utf-8",
    )
    config = load_config(tmp_path / "contentctl.yaml", {})
    video = remote(
        "6b0f00000000000000v1de0", account_id=YT, network="youtube", type="video",
        title="Cold brew", privacy="unlisted", scheduled_at="2027-03-01T08:00:00Z",
        media=[{"id": "6b0f00000000000000med1b", "type": "video"}],
    )  # fmt: skip
    imported, skipped = to_manifests([video], config)
    assert skipped == []
    assert imported[0].document["details"] == {"privacy": "unlisted"}
