"""More rows of the fidelity review on both sandboxes: PUT's required text, labels edited in
place and per account, WordPress's shape, Facebook cards.

Each test names the Publer page it rests on. The raw tests send the documented body
(accepted) and the wrong one (refused the way Publer refuses: a synchronous ``400
{"errors": [...]}`` for a malformed body, a per-account failure inside a ``complete`` job
for a content problem); the applied ones run contentctl's own plan and apply against the
sandbox in process and over HTTP, and read back what the sandbox holds.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from contract_support import MODES, NOW, Remote, Served, at

import contentctl.sandbox as sb
from contentctl.apply.applier import Applier
from contentctl.config import load_config
from contentctl.manifest.load import load_repo
from contentctl.model import Config, Provider
from contentctl.plan.build import Action, Plan, PlanOptions, build_plan
from contentctl.plan.targets import build_targets
from contentctl.publer import PublerClient
from contentctl.state.store import StateStore

UPDATE_PAGE = "https://publer.com/docs/posting/update-posts"
MEDIA = Path(__file__).parents[1] / "fixtures" / "manifests" / "media"
YT, X, FB = (sb.default_account_id(p) for p in (Provider.YOUTUBE, Provider.TWITTER,
                                                 Provider.FACEBOOK))  # fmt: skip


def one(remote: Remote, alias: str, entry: dict[str, Any], **account: Any) -> dict[str, Any]:
    spec = {"id": remote.id(alias), "scheduled_at": at(hours=1), **account}
    provider = remote.accounts[alias]["provider"]
    return {"state": "scheduled", "posts": [{"networks": {provider: entry}, "accounts": [spec]}]}


def outcome(remote: Remote, bulk: dict[str, Any]) -> list[str]:
    """The failure messages of a bulk's job (which must be ``complete``); [] if it took all."""
    job = remote.run(remote.uploaded(bulk))
    assert job["status"] == "complete"
    return [str(f["message"]) for group in job["payload"]["failures"].values() for f in group]


# -- contentctl's own apply against both sandboxes ------------------------------------------


@dataclass
class Repo:
    """A content repo on the sandbox's own accounts, applied with contentctl's plan and apply."""

    root: Path
    client: PublerClient

    @property
    def config(self) -> Config:
        return load_config(self.root / "contentctl.yaml", environ={})

    def write(self, text: str) -> None:
        (self.root / "content" / "post.yaml").write_text(text, "utf-8")

    def plan(self) -> Plan:
        config = self.config
        loaded = load_repo(config)
        assert loaded.diagnostics == ()
        state = StateStore(config.state_path).load()
        return build_plan(build_targets(config, loaded.posts), state, PlanOptions(now=NOW))

    def apply(self) -> Plan:
        config = self.config
        store = StateStore(config.state_path)
        state = store.load()
        plan = build_plan(build_targets(config, load_repo(config).posts), state,
                          PlanOptions(now=NOW))  # fmt: skip
        report = Applier(config, store, state, self.client, now=lambda: NOW).run(plan)
        assert report.failed == []
        return plan

    def remote_posts(self) -> list[dict[str, Any]]:
        """``GET /posts`` of the workspace: what the sandbox holds."""
        return [dict(post.raw) for post in self.client.list_posts(state="all")]


@pytest.fixture(params=MODES)
def repo(request: pytest.FixtureRequest, tmp_path: Path, served: Served) -> Iterator[Repo]:
    root = tmp_path / "repo"
    (root / "content").mkdir(parents=True)
    shutil.copytree(MEDIA, root / "media")
    (root / "contentctl.yaml").write_text(
        f"workspace: {sb.DEFAULT_WORKSPACE_ID}\nendpoint: sandbox\ntimezone: UTC\naccounts:\n"
        f"  yt: {{id: '{YT}', provider: youtube}}\n  x: {{id: '{X}', provider: twitter}}\n"
        f"  fb: {{id: '{FB}', provider: facebook}}\n",
        "utf-8",
    )
    options: dict[str, Any] = {"sleep": lambda _s: None, "poll_interval": 0.0, "rate_limit": None}
    if request.param == "inprocess":
        config = load_config(root / "contentctl.yaml", environ={})
        transport = sb.in_process_transport(config, db=":memory:", clock=lambda: NOW,
                                            rate_limit=None)  # fmt: skip
        client = PublerClient(sb.IN_PROCESS_BASE_URL, sb.SANDBOX_API_KEY,
                              sb.DEFAULT_WORKSPACE_ID, transport=transport, **options)  # fmt: skip
    else:
        auth = {"Authorization": f"Bearer-API {sb.SANDBOX_API_KEY}"}
        with httpx.Client(base_url=served.url, headers=auth) as admin:
            assert admin.post("/_sandbox/reset").status_code == 200
            assert admin.post("/_sandbox/clock", json={"now": NOW.isoformat()}).status_code == 200
        client = PublerClient(served.url, sb.SANDBOX_API_KEY, sb.DEFAULT_WORKSPACE_ID, **options)
    with client:
        yield Repo(root, client)


VIDEO_POST = """\
id: tour
at: 2030-01-02T09:00
accounts: [yt]
type: video
title: {title}
text: The whole tour, start to finish.
media: [{{path: media/clip.mp4}}]
"""


def test_a_title_only_edit_is_applied_with_the_unchanged_text(repo: Repo) -> None:
    # PUT /posts/{id} requires text (OAS): a title-only edit sends the manifest's text too.
    # https://publer.com/docs/posting/update-posts
    repo.write(VIDEO_POST.format(title="Old title"))
    repo.apply()
    [before] = repo.remote_posts()
    repo.write(VIDEO_POST.format(title="New title"))
    plan = repo.plan()
    assert [(c.action, [f.path for f in c.fields]) for c in plan.changes] == [
        (Action.UPDATE, ["network.title"])
    ]
    repo.apply()
    [after] = repo.remote_posts()
    assert (after["id"], after["title"], after["text"]) == (
        before["id"],
        "New title",
        "The whole tour, start to finish.",
    )
    assert repo.plan().changes[0].action is Action.NOOP


LABELLED = """\
id: launch
at: 2030-01-02T09:00
accounts: [fb, {{alias: x, labels: {labels}}}]
labels: [spring]
text: Spring is here.
"""


def _labels(post: dict[str, Any]) -> list[str]:
    return sorted(str(label["name"]) for label in post["labels"])


def test_per_account_labels_go_on_the_account_and_change_in_place(repo: Repo) -> None:
    # Labels: post level (create page) and accounts[].labels (OAS); the UPDATE page keeps
    # them editable, so a label change is an update, never a delete and re-create.
    # https://publer.com/docs/posting/create-posts, https://publer.com/docs/posting/update-posts
    repo.write(LABELLED.format(labels="[x-only]"))
    repo.apply()
    first = {p["network"]: p for p in repo.remote_posts()}
    assert {n: _labels(p) for n, p in first.items()} == {
        "facebook": ["spring"],
        "twitter": ["spring", "x-only"],
    }
    repo.write(LABELLED.format(labels="[x-only, thread]"))
    plan = repo.plan()
    assert [(c.alias, c.action, [f.path for f in c.fields]) for c in plan.changes] == [
        ("fb", Action.NOOP, []),
        ("x", Action.UPDATE, ["account.labels"]),
    ]
    repo.apply()
    now = {p["network"]: p for p in repo.remote_posts()}
    assert now["twitter"]["id"] == first["twitter"]["id"]
    assert _labels(now["twitter"]) == ["spring", "thread", "x-only"]
    assert now["twitter"]["text"] == "Spring is here."


# -- raw requests ---------------------------------------------------------------------------


def _scheduled(remote: Remote, alias: str, entry: dict[str, Any]) -> dict[str, Any]:
    assert outcome(remote, one(remote, alias, entry)) == []
    [post] = [p for p in remote.posts() if p["account_id"] == remote.id(alias)]
    return post


def test_put_needs_text_even_for_a_title_only_edit(remote: Remote) -> None:
    # OAS UpdatePost: {"post": {"text" (required), "title"}}. https://publer.com/docs/posting/update-posts
    post = _scheduled(remote, "facebook", {"type": "status", "text": "first"})
    title_only = remote.client.put(f"/posts/{post['id']}", json={"post": {"title": "T"}})
    assert (title_only.status_code, title_only.json()) == (
        400,
        {"errors": ["post.text is required"]},
    )
    no_text = remote.client.put(f"/posts/{post['id']}", json={"post": {"text": None}})
    assert (no_text.status_code, no_text.json()) == (422, {"errors": ["text must be a string"]})
    assert remote.posts()[0]["text"] == "first"
    both = remote.client.put(f"/posts/{post['id']}", json={"post": {"text": "first", "title": "T"}})
    assert both.status_code == 200
    assert (remote.posts()[0]["text"], remote.posts()[0]["title"]) == ("first", "T")


def test_labels_stay_editable_once_published(remote: Remote) -> None:
    # UPDATE: X, Instagram, Pinterest, Threads and Bluesky keep only labels editable once live.
    # https://publer.com/docs/posting/update-posts
    bulk = one(remote, "twitter", {"type": "status", "text": "live"})
    remote.run(bulk, publish=True)
    [post] = remote.posts()
    assert post["state"] == "published"
    path = f"/posts/{post['id']}"
    relabelled = remote.client.put(path, json={"post": {"text": "live", "labels": ["a", "b"]}})
    assert relabelled.status_code == 200
    assert _labels(remote.posts()[0]) == ["a", "b"]
    edited = remote.client.put(path, json={"post": {"text": "edited", "labels": ["c"]}})
    assert (edited.status_code, edited.json()) == (
        422,
        {"errors": ["The text of a published twitter post cannot be edited"]},
    )
    assert (remote.posts()[0]["text"], _labels(remote.posts()[0])) == ("live", ["a", "b"])
    bad = remote.client.put(path, json={"post": {"text": "live", "labels": "a"}})
    assert (bad.status_code, bad.json()) == (
        400,
        {"errors": ["post.labels must be a list of label names"]},
    )


def test_labels_are_read_on_the_post_and_on_each_account(remote: Remote) -> None:
    # Post-level labels (create page) and accounts[].labels (OAS) both reach the post.
    # https://publer.com/docs/posting/create-posts
    bulk = one(remote, "twitter", {"type": "status", "text": "both"}, labels=["mine"])
    bulk["posts"][0]["labels"] = ["shared"]
    assert outcome(remote, bulk) == []
    assert _labels(remote.posts()[0]) == ["mine", "shared"]


def test_wordpress_articles_take_the_shape_the_switch_picks(remote: Remote) -> None:
    # The create page keys WordPress as ``wordpress`` with text; its OAS block says
    # ``wordpress_oauth``/``wordpress_basic`` with ``content`` blocks. publer_facts.WORDPRESS_WIRE
    # is "create" (docs/publer-api.md §8), so the other shape is refused the way Publer
    # refused it when probed. https://publer.com/docs/posting/create-posts
    # https://github.com/api-evangelist/publer/blob/main/openapi/_original/publer-openapi.yml
    article = {"type": "article", "title": "Harvest", "text": "Body", "categories": ["Tea", 12]}
    assert outcome(remote, one(remote, "wordpress", article)) == []
    blocks = [{"id": "p1", "type": "paragraph", "data": {"text": "Body"}}]
    oas = {"type": "article", "title": "Harvest", "content": blocks}
    wp = remote.id("wordpress")
    bulk = {"state": "scheduled", "posts": [{"networks": {"wordpress_oauth": oas},
            "accounts": [{"id": wp, "scheduled_at": at(hours=2)}]}]}  # fmt: skip
    assert outcome(remote, bulk) == [
        "No content for wordpress: add networks.wordpress or networks.default"
    ]
    assert outcome(remote, one(remote, "wordpress", oas, scheduled_at=at(hours=3))) == [
        "Text can't be blank"
    ]


def test_a_cards_default_image_is_one_of_its_images(remote: Remote) -> None:
    # FacebookSublink.default_image: the 0-based index of one of its images (OAS).
    # https://publer.com/docs/posting/create-posts/content-types/platform-specific-formats/multi-link-posts-facebook-carousels
    images = ["https://a.example/a.jpg", "https://a.example/b.jpg"]
    card = {"url": "https://a.example", "title": "A", "description": "About A", "images": images,
            "default_image": 1}  # fmt: skip
    entry = {"type": "carousel", "text": "cards", "sublinks": [card]}
    assert outcome(remote, one(remote, "facebook", entry)) == []
    past = {**entry, "sublinks": [{**card, "default_image": 2}]}
    assert outcome(remote, one(remote, "facebook", past, scheduled_at=at(hours=2))) == [
        "sublinks[0].default_image must be the index of one of its images"
    ]
    no_images = {**entry, "sublinks": [{**card, "images": []}]}
    assert outcome(remote, one(remote, "facebook", no_images, scheduled_at=at(hours=3))) == [
        "sublinks[0].images can't be blank"
    ]
