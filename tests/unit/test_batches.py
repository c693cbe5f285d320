"""plan_batches / bulk_post: targets → Publer bulk requests."""

from __future__ import annotations

from typing import Any

from contentctl.apply.applier import bulk_post, plan_batches
from contentctl.apply.bulks import intent_item
from contentctl.manifest.schemas import schema
from contentctl.plan.targets import Target, fingerprint, spec_hash, url_key
from contentctl.state.records import IntentItem


def target(
    post_id: str,
    alias: str,
    provider: str = "facebook",
    *,
    endpoint: str = "schedule",
    bulk_state: str = "scheduled",
    **network: Any,
) -> Target:
    spec = {
        "endpoint": endpoint,
        "bulk_state": bulk_state,
        "network": {"type": "status", "text": f"text of {post_id}", **network},
        "post": {"labels": ["l"]},
        "account": {"scheduled_at": "2027-01-01T09:00:00Z"},
    }
    return Target(post_id, alias, f"id-{alias}", provider, "UTC", "f:1:1", spec, spec_hash(spec))


def test_posts_group_their_accounts_and_bulks_respect_the_size() -> None:
    targets = [
        target(f"p{i}", a, p) for i in range(7) for a, p in (("fb", "facebook"), ("x", "twitter"))
    ]
    batches = plan_batches(targets, 3)
    assert [len(b) for b in batches] == [3, 3, 1]
    assert all(len(group) == 2 for b in batches for group in b)


def test_endpoint_and_state_never_mix_in_one_bulk() -> None:
    targets = [
        target("a", "fb"),
        target("b", "fb", endpoint="publish"),
        target("c", "fb", bulk_state="draft"),
        target("d", "fb"),
    ]
    batches = plan_batches(targets, 100)
    lanes = [{(t.endpoint, t.bulk_state) for g in b for t in g} for b in batches]
    assert all(len(lane) == 1 for lane in lanes)
    assert sorted(len(b) for b in batches) == [1, 1, 2]


def test_tiktok_accounts_of_one_post_go_in_separate_bulk_posts() -> None:
    targets = [target("a", "tt1", "tiktok"), target("a", "tt2", "tiktok"), target("a", "fb")]
    (batch,) = plan_batches(targets, 100)
    assert sorted(sorted(t.alias for t in g) for g in batch) == [["fb", "tt1"], ["tt2"]]


def test_bulk_post_has_networks_accounts_and_media_ids() -> None:
    # media by URL as plan.targets gives it: on X imported with /media/from-url and known by
    # its url_key, so sent by its Publer media id; on Pinterest an ``external-N`` item with
    # its path (docs/publer-api.md §5, publer_facts.EXTERNAL_MEDIA_PROVIDERS)
    url = "https://cdn.example/b.jpg"
    group = [
        target("a", "fb", media=[{"path": "m/a.png", "sha256": "abc", "type": "photo"}]),
        target("a", "x", "twitter", media=[{"url": url, "sha256": url_key(url)}]),
        target("a", "pin", "pinterest", media=[{"url": url}]),
    ]
    post = bulk_post(group, {"abc": "media-1", url_key(url): "media-2"})
    assert post["networks"]["facebook"]["media"] == [{"id": "media-1", "type": "photo"}]
    assert post["networks"]["twitter"]["media"] == [{"id": "media-2", "type": "photo"}]
    assert post["networks"]["pinterest"]["media"] == [
        {"id": "external-0", "type": "photo", "path": url}
    ]
    assert post["accounts"] == [
        {"id": "id-fb", "scheduled_at": "2027-01-01T09:00:00Z"},
        {"id": "id-x", "scheduled_at": "2027-01-01T09:00:00Z"},
        {"id": "id-pin", "scheduled_at": "2027-01-01T09:00:00Z"},
    ]
    assert post["labels"] == ["l"]


def test_intent_item_keeps_what_settling_matches_on_and_what_a_resend_needs() -> None:
    t = target("a", "x", "twitter", text="  Hello\n  world ")
    item = intent_item(t, 3)
    assert item == IntentItem(
        post_id="a",
        alias="x",
        account_id="id-x",
        fingerprint=fingerprint("Hello world"),  # whitespace does not tell posts apart
        scheduled_at="2027-01-01T09:00:00Z",
        content_hash=t.content_hash,
        spec=dict(t.spec),
        provider="twitter",
        index=3,
    )
    assert item.spec is not t.spec  # the journal keeps its own copy of the spec
    assert sorted(item.to_json()) == sorted(schema("state")["$defs"]["intent_item"]["properties"])
