"""Targets in, Publer bulk requests out: how creates are grouped, sent and journaled.

``plan_batches`` groups targets into bulk posts (one per post id) and those
into bulks of at most the batch size; ``bulk_post`` is one entry of a bulk's
``posts`` as Publer takes it; ``intent_item`` is what the intent journal keeps
for one post × account, enough to find it on Publer later (``reconcile``) and
to send it again. Pure functions over ``Target`` records: no HTTP here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from contentctl.plan.targets import NO_ACCOUNT, Target, fingerprint


def plan_batches(targets: Sequence[Target], size: int) -> list[list[list[Target]]]:
    """Targets grouped into bulk posts (one per post id), then into bulks of ``size`` posts.

    A bulk has one endpoint and one ``bulk.state``; TikTok takes one account per
    request, so a post's TikTok accounts each get a bulk post of their own.
    """
    groups: dict[tuple[str, str], dict[tuple[str, int], list[Target]]] = {}
    # in time order, so each bulk covers a narrow window and settling lists few pages
    for target in sorted(targets, key=_time_key):
        lane = groups.setdefault((target.endpoint.value, target.bulk_state), {})
        slot = 0
        if target.provider == "tiktok":
            slot = sum(1 for (pid, _s) in lane if pid == target.post_id)
        lane.setdefault((target.post_id, slot), []).append(target)
    batches: list[list[list[Target]]] = []
    for lane in groups.values():
        posts = list(lane.values())
        batches.extend(posts[i : i + size] for i in range(0, len(posts), size))
    return batches


def _time_key(target: Target) -> str:
    return str(target.spec["account"].get("scheduled_at") or "")


def bulk_post(group: Sequence[Target], media_ids: Mapping[str, str]) -> dict[str, Any]:
    """One entry of ``bulk.posts``: the networks of a post's accounts and the accounts."""
    first = group[0]
    networks: dict[str, Any] = {}
    accounts: list[dict[str, Any]] = []
    for target in group:
        networks[target.provider] = _wire_network(target.network, media_ids)
        if target.alias != NO_ACCOUNT:
            entry = {"id": target.account_id, **dict(target.spec["account"])}
            accounts.append(entry)
    post: dict[str, Any] = {"networks": networks, **dict(first.spec["post"])}
    if accounts:
        post["accounts"] = accounts
    return post


def _wire_network(network: Mapping[str, Any], media_ids: Mapping[str, str]) -> dict[str, Any]:
    wire = dict(network)
    if "media" in wire:
        items = []
        for index, item in enumerate(wire["media"]):
            ref = {k: v for k, v in item.items() if k not in ("path", "sha256", "url")}
            if item.get("sha256"):
                ref["id"] = media_ids[item["sha256"]]
            elif item.get("url"):
                ref.setdefault("id", f"external-{index}")
                ref["path"] = item["url"]
            ref.setdefault("type", "photo")
            items.append(ref)
        wire["media"] = items
    return wire


def intent_item(target: Target, index: int) -> dict[str, Any]:
    return {
        "post_id": target.post_id,
        "alias": target.alias,
        "account_id": target.account_id,
        "provider": target.provider,
        "index": index,
        "fingerprint": fingerprint(target.text),
        "scheduled_at": target.spec["account"].get("scheduled_at"),
        "content_hash": target.content_hash,
        "spec": dict(target.spec),
    }
