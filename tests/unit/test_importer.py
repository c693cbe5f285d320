"""Posts listed by Publer in, manifest posts out: stable ids, methods, and what is skipped."""

from __future__ import annotations

from pathlib import Path

from contentctl.config import load_config
from contentctl.manifest.importer import render, stable_id, to_manifests
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
        remote("6b0f000000000000000media", media=[{"id": "m"}]),
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
        ("6b0f000000000000000media", "it has media (import writes text posts only)"),
        ("6b0f0000000000000000auto", "it is auto-scheduled, recycled or recurring"),
    ]
    assert stable_id(posts[0]) == imported[2].post_id  # the same id every time
    text = render(imported)
    assert text.startswith("# Imported from Publer by `contentctl import`.\n---\nid: ")
    assert text.count("\n---\n") == 3  # a separator before each of the three posts
