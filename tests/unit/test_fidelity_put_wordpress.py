"""PUT's body, labels edited in place and per account, WordPress in both documented shapes,
and Facebook cards: validate, plan, the bulk contentctl sends and what the sandbox answers.

WordPress: the create page sends ``networks.wordpress`` with text; the OAS block embedded
in it sends ``wordpress_oauth``/``wordpress_basic`` (by the account's type), ``content``
blocks and taxonomy ids. ``publer_facts.WORDPRESS_WIRE`` picks one (docs/publer-api.md §8);
the tests of the other shape flip it, and the in-process sandbox, which reads the same
switch, follows. https://publer.com/docs/posting/create-posts
"""

# ruff: noqa: E501  (expected messages read best one per line)

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from manifest_support import make_repo

import contentctl.sandbox as sb
from contentctl import publer_facts as facts
from contentctl.apply.bulks import bulk_post, network_keys
from contentctl.apply.edits import update_body
from contentctl.config import load_config
from contentctl.manifest.load import load_repo
from contentctl.model import JSONObject, Provider
from contentctl.plan.build import Action, Change, FieldChange, PlanOptions, build_plan
from contentctl.plan.targets import Target, build_targets, spec_hash
from contentctl.publer import PublerClient
from contentctl.state.records import Entry, EntryStatus
from contentctl.state.store import new_state
from contentctl.validate.checks import check_repo

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
POST = "id: a\nat: 2027-01-05T09:00\n"


def diagnostics(tmp_path: Path, text: str) -> list[str]:
    """The rendered diagnostics of ``text`` as content/p.yaml of a fresh repo."""
    folder = tmp_path / f"repo{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    config = make_repo(folder, {"content/p.yaml": text})
    return [d.render() for d in check_repo(config, now=NOW)[1]]


def targets(tmp_path: Path, text: str) -> list[Target]:
    folder = tmp_path / f"repo{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    config = make_repo(folder, {"content/p.yaml": text})
    loaded = load_repo(config)
    assert loaded.diagnostics == ()
    return build_targets(config, loaded.posts)


@pytest.fixture
def oas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(facts, "WORDPRESS_WIRE", "oas")


# -- PUT /posts/{id}: the body contentctl sends ---------------------------------------------


def _target(network: dict[str, Any], account: dict[str, Any] | None = None) -> Target:
    spec: dict[str, Any] = {"endpoint": "schedule", "bulk_state": "scheduled", "network": network,
                            "post": {"labels": ["contentctl"]}, "account": account or {}}  # fmt: skip
    return Target("p1", "x", "a" * 24, "twitter", "UTC", "p.yaml:1:1", spec, spec_hash(spec))


def _change(target: Target, *paths: str) -> Change:
    fields = tuple(FieldChange(p, None, None) for p in paths)
    return Change("p1", "x", "twitter", Action.UPDATE, target=target, fields=fields)


def test_every_update_sends_the_whole_text_and_labels_only_when_they_changed() -> None:
    # https://publer.com/docs/posting/update-posts (OAS: text required)
    titled = _target({"type": "video", "text": "Body", "title": "New"})
    assert update_body(_change(titled, "network.title")) == {"text": "Body", "title": "New"}
    untexted = _target({"type": "photo", "media": []})
    assert update_body(_change(untexted, "network.title")) == {"text": ""}
    labelled = _target({"type": "status", "text": "Hi"}, {"labels": ["own", "contentctl"]})
    assert update_body(_change(labelled, "account.labels")) == {
        "text": "Hi",
        "labels": ["contentctl", "own"],
    }


# -- labels in the plan ---------------------------------------------------------------------


def _entry(target: Target, status: EntryStatus) -> Entry:
    return Entry(account_id=target.account_id, provider=target.provider, remote_id="r1",
                 status=status, content_hash=target.content_hash, spec=dict(target.spec),
                 scheduled_at=None, job_id="j1", post_link=None, last_error=None,
                 created_at="2026-11-01T00:00:00Z", updated_at="2026-11-01T00:00:00Z")  # fmt: skip


@pytest.mark.parametrize("status", [EntryStatus.SCHEDULED, EntryStatus.PUBLISHED])
def test_a_label_change_is_an_update_even_once_published(status: EntryStatus) -> None:
    # UPDATE: labels stay editable on X, Instagram, Pinterest, Threads and Bluesky once live
    old = _target({"type": "status", "text": "Hi"})
    relabelled = replace(old, spec={**old.spec, "post": {"labels": ["contentctl", "spring"]}},
                         given_hash="")  # fmt: skip
    state = new_state("ws")
    state.set_entry("p1", "x", _entry(old, status))
    [change] = build_plan([relabelled], state, PlanOptions(now=NOW)).changes
    assert (change.action, [f.path for f in change.fields]) == (Action.UPDATE, ["post.labels"])
    retexted = replace(
        relabelled, spec={**relabelled.spec, "network": {"type": "status", "text": "Ho"}}
    )
    [change] = build_plan([retexted], state, PlanOptions(now=NOW)).changes
    expected = Action.BLOCKED if status is EntryStatus.PUBLISHED else Action.UPDATE
    assert change.action is expected


# -- per-account labels in a manifest -----------------------------------------------------


def test_an_account_entry_may_carry_labels_of_its_own(tmp_path: Path) -> None:
    # OAS: accounts[].labels; https://publer.com/docs/posting/create-posts
    found = targets(
        tmp_path,
        POST
        + "accounts: [fb, {alias: x, labels: [x-only]}, {alias: x2}]\nlabels: [spring]\ntext: hi\n",
    )
    assert [(t.alias, t.post.get("labels"), t.account.get("labels")) for t in found] == [
        ("fb", ["contentctl", "spring"], None),
        ("x", ["contentctl", "spring"], ["x-only"]),
        ("x2", ["contentctl", "spring"], None),
    ]


def test_bad_account_entries_are_located(tmp_path: Path) -> None:
    text = (
        POST
        + "accounts: [fb, {alias: x, labels: [a], color: red}, {labels: [b]}, {alias: fb}, {alias: x2, labels: ''}]\ntext: hi\n"
    )
    assert diagnostics(tmp_path, text) == [
        "content/p.yaml:3:40: error: unknown key 'color' [$.accounts[1].color]",
        "content/p.yaml:3:53: error: missing required key 'alias' [$.accounts[2]]",
        "content/p.yaml:3:101: error: labels must be a list, not a string [$.accounts[4].labels]",
    ]
    assert diagnostics(
        tmp_path, POST + "accounts: [fb, {alias: x}, {alias: fb, labels: [b]}]\ntext: hi\n"
    ) == [
        "content/p.yaml:3:28: error: post not loaded: account fb is listed twice [$.accounts[2]]",
    ]


# -- Facebook cards -------------------------------------------------------------------------

CARDS = POST + "accounts: [fb]\ntype: carousel\ntext: cards\nsublinks:\n"


def test_each_card_needs_url_title_description_and_images(tmp_path: Path) -> None:
    # OAS FacebookSublink requires url, title, description, images
    # https://publer.com/docs/posting/create-posts/content-types/platform-specific-formats/multi-link-posts-facebook-carousels
    text = CARDS + (
        "  - {url: https://a.example, title: A}\n"
        "  - {url: https://b.example, title: B, description: About B, images: []}\n"
        "  - {url: https://c.example, title: C, description: About C, images: [c.jpg]}\n"
    )
    assert diagnostics(tmp_path, text) == [
        "content/p.yaml:7:5: error: missing required key 'description' [$.sublinks[0]]",
        "content/p.yaml:7:5: error: missing required key 'images' [$.sublinks[0]]",
        "content/p.yaml:8:62: error: images has 0 items; it takes at least 1 [$.sublinks[1].images]",
        "content/p.yaml:9:71: error: an image must be a URL starting with http:// or https:// [$.sublinks[2].images[0]]",
    ]
    past = "  - {url: https://d.example, title: D, description: About D, images: [https://d.example/d.jpg], default_image: 1}\n"
    assert diagnostics(tmp_path, CARDS + past) == [
        "content/p.yaml:7:112: error: default_image 1 is past its 1 image(s) (0 is the first) [$.sublinks[0].default_image]",
    ]


def test_the_card_goes_out_with_all_four_fields_and_its_default_image(tmp_path: Path) -> None:
    card = "{url: https://a.example, title: A, description: About A, images: [https://a.example/a.jpg, https://a.example/b.jpg], default_image: 1, call_to_action: SHOP_NOW}"
    [target] = targets(tmp_path, CARDS + f"  - {card}\n")
    assert bulk_post([target], {})["networks"] == {"facebook": {
        "type": "carousel", "text": "cards",
        "sublinks": [{"url": "https://a.example", "title": "A", "description": "About A",
                      "images": ["https://a.example/a.jpg", "https://a.example/b.jpg"],
                      "default_image": 1, "call_to_action": "SHOP_NOW"}],
    }}  # fmt: skip


# -- WordPress --------------------------------------------------------------------------------

ARTICLE = (
    POST
    + "accounts: [wp]\ntype: article\ntitle: Spring harvest\ntext: |-\n  First paragraph.\n\n  Second one.\nurl: spring-harvest\n"
)


def test_the_create_shape_takes_category_names_or_ids(tmp_path: Path) -> None:
    assert facts.WORDPRESS_WIRE == "create"  # the switch as shipped (docs/publer-api.md §8)
    text = ARTICLE + "categories: [Tea, 12]\ntags: [green]\n"
    assert diagnostics(tmp_path, text) == []
    [target] = targets(tmp_path, text)
    assert bulk_post([target], {})["networks"] == {"wordpress": {
        "type": "article", "title": "Spring harvest", "text": "First paragraph.\n\nSecond one.",
        "url": "spring-harvest", "categories": ["Tea", 12], "tags": ["green"],
    }}  # fmt: skip


def test_taxonomies_must_be_names_or_whole_numbers(tmp_path: Path) -> None:
    text = ARTICLE + "categories: [Tea, 0, 1.5]\n"
    assert diagnostics(tmp_path, text) == [
        "content/p.yaml:11:19: error: a category is a name or an id (a whole number) [$.categories[1]]",
        "content/p.yaml:11:22: error: a category is a name or an id (a whole number) [$.categories[2]]",
    ]
    yt = (
        POST
        + "accounts: [yt]\ntype: video\ntitle: T\ntext: x\nmedia: [{path: media/clip.mp4}]\ntags: [tea, 7]\n"
    )
    assert diagnostics(tmp_path, yt) == [
        "content/p.yaml:8:13: error: YouTube tags are words; 7 is a number [$.tags[1]]",
    ]


@pytest.mark.usefixtures("oas")
def test_the_oas_shape_needs_ids_for_categories_and_tags(tmp_path: Path) -> None:
    text = ARTICLE + "categories: [Tea, 12, '13']\nnetworks:\n  wordpress: {tags: [green]}\n"
    assert diagnostics(tmp_path, text) == [
        "content/p.yaml:11:14: error: categories 'Tea' is a name; Publer's WordPress articles take categories by id (the number WordPress shows for it), and Publer documents no way to look names up [$.categories[0]]",
        "content/p.yaml:13:22: error: tags 'green' is a name; Publer's WordPress articles take tags by id (the number WordPress shows for it), and Publer documents no way to look names up [$.networks.wordpress.tags[0]]",
    ]


@pytest.mark.usefixtures("oas")
def test_the_oas_shape_sends_content_blocks_and_string_ids_under_the_accounts_key(
    tmp_path: Path,
) -> None:
    [target] = targets(tmp_path, ARTICLE + "categories: [12]\ntags: ['7']\n")
    keys = network_keys([target], lambda: [{"id": target.account_id, "type": "wordpress_basic"}])
    assert keys == {str(target.account_id): "wordpress_basic"}
    assert bulk_post([target], {}, None, keys)["networks"] == {"wordpress_basic": {
        "type": "article", "title": "Spring harvest", "text": "First paragraph.\n\nSecond one.",
        "url": "spring-harvest", "categories": ["12"], "tags": ["7"],
        "content": [{"id": "p1", "type": "paragraph", "data": {"text": "First paragraph."}},
                    {"id": "p2", "type": "paragraph", "data": {"text": "Second one."}}],
    }}  # fmt: skip
    # any other type (the accounts page's "blog" included) is the OAuth key
    assert network_keys([target], lambda: [{"id": target.account_id, "type": "blog"}]) == {
        str(target.account_id): "wordpress_oauth"
    }


# -- WordPress against the in-process sandbox, in the OAS shape --------------------------------

WP = sb.default_account_id(Provider.WORDPRESS)
BASIC = "bbbbbbbbbbbbbbbbbbbbbb01"


@pytest.fixture
def publer(tmp_path: Path) -> Iterator[tuple[Path, PublerClient]]:
    (tmp_path / "content").mkdir()
    (tmp_path / "contentctl.yaml").write_text(
        f"workspace: {sb.DEFAULT_WORKSPACE_ID}\nendpoint: sandbox\ntimezone: UTC\naccounts:\n"
        f"  blog: {{id: '{WP}', provider: wordpress}}\n  site: {{id: '{BASIC}', provider: wordpress}}\n",
        "utf-8",
    )
    config = load_config(tmp_path / "contentctl.yaml", environ={})
    transport = sb.in_process_transport(config, db=":memory:", clock=lambda: NOW, rate_limit=None)
    client = PublerClient(sb.IN_PROCESS_BASE_URL, sb.SANDBOX_API_KEY, sb.DEFAULT_WORKSPACE_ID,
                          transport=transport, sleep=lambda _s: None, poll_interval=0.0,
                          rate_limit=None)  # fmt: skip
    headers = {"Authorization": f"Bearer-API {sb.SANDBOX_API_KEY}",
               "Publer-Workspace-Id": sb.DEFAULT_WORKSPACE_ID}  # fmt: skip
    with httpx.Client(
        transport=transport, base_url=sb.IN_PROCESS_BASE_URL, headers=headers
    ) as admin:
        # a self-hosted blog: GET /accounts types it wordpress_basic (as live clients see)
        added = admin.post("/_sandbox/accounts", json={
            "id": BASIC, "provider": "wordpress", "name": "Self-hosted", "type": "wordpress_basic"
        })  # fmt: skip
        assert added.status_code == 200, added.text
    with client:
        yield tmp_path, client
    transport.sandbox.store.close()


def _failures(client: PublerClient, networks: dict[str, Any], *ids: str) -> list[str]:
    when = (NOW + timedelta(hours=2)).isoformat()
    bulk: JSONObject = {"state": "scheduled", "posts": [{"networks": networks, "accounts": [
        {"id": i, "scheduled_at": when} for i in ids]}]}  # fmt: skip
    job = client.wait_for_job(client.schedule(bulk))
    return [f.message for f in job.failures]


@pytest.mark.usefixtures("oas")
def test_the_sandbox_checks_the_oas_shape_and_refuses_the_create_key(
    publer: tuple[Path, PublerClient],
) -> None:
    _root, client = publer
    blocks = [{"id": "p1", "type": "paragraph", "data": {"text": "Body"}}]
    article = {"type": "article", "title": "T", "content": blocks, "categories": ["12"]}
    assert (
        _failures(client, {"wordpress_oauth": article, "wordpress_basic": article}, WP, BASIC) == []
    )
    assert _failures(client, {"wordpress": {**article, "text": "Body"}}, WP) == [
        "No content for wordpress_oauth: add networks.wordpress_oauth or networks.default"
    ]
    assert _failures(client, {"wordpress_basic": {**article, "content": []}}, BASIC) == [
        "Content can't be blank"
    ]
    assert _failures(client, {"wordpress_oauth": {**article, "categories": ["Tea"]}}, WP) == [
        "Categories must be ids, not 'Tea'"
    ]
    assert _failures(
        client, {"wordpress_oauth": {**article, "content": [{"type": "poem"}]}}, WP
    ) == ["content[0] must be a block with an id, a type and data"]


@pytest.mark.usefixtures("oas")
def test_an_article_applies_in_the_oas_shape_to_both_kinds_of_account(
    publer: tuple[Path, PublerClient],
) -> None:
    from contentctl.apply.applier import Applier
    from contentctl.state.store import StateStore

    root, client = publer
    (root / "content/p.yaml").write_text(
        "id: a\nat: 2027-01-05T09:00\naccounts: [blog, site]\ntype: article\ntitle: T\n"
        "text: Body\ncategories: [12]\n", "utf-8")  # fmt: skip
    config = load_config(root / "contentctl.yaml", environ={})
    store = StateStore(config.state_path)
    state = store.load()
    plan = build_plan(build_targets(config, load_repo(config).posts), state, PlanOptions(now=NOW))
    report = Applier(config, store, state, client, now=lambda: NOW).run(plan)
    assert report.failed == []
    held = sorted(
        (str(p.account_id), p.raw.get("categories"), p.text) for p in client.list_posts(state="all")
    )
    assert held == sorted([(WP, ["12"], "Body"), (BASIC, ["12"], "Body")])
