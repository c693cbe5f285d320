"""Targets in, Publer bulk requests out: how creates are grouped, sent and journaled.

``plan_batches`` groups targets into bulk posts (one per post id) and those
into bulks of at most the batch size; ``bulk_post`` is one entry of a bulk's
``posts`` as Publer takes it; ``intent_item`` is the ``IntentItem`` the intent
journal keeps for one post × account, enough to find it on Publer later
(``journal``) and to send it again. Pure functions over ``Target`` records: no
HTTP here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import PurePosixPath

from contentctl import publer_facts as facts
from contentctl.model import JSONObject, JSONValue
from contentctl.plan.targets import NO_ACCOUNT, Target, fingerprint
from contentctl.publer_facts import KIND_OF_EXTENSION
from contentctl.state.records import IntentItem, MediaRecord

# Keys of a target's media item that are contentctl's own, never sent.
_LOCAL_KEYS = ("path", "sha256", "url", "thumbnail", "thumbnail_sha256")


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
    return target.scheduled_at_text or ""


def network_keys(
    targets: Iterable[Target], listed: Callable[[], Sequence[Mapping[str, object]]]
) -> dict[str, str]:
    """Account id → its ``networks`` key where that is not the provider: WordPress in the OAS
    shape, by the type ``GET /accounts`` gives the account (``listed`` is asked only then)."""
    wanted = [t for t in targets if facts.network_key(t.provider) != t.provider]
    if not wanted:
        return {}
    types = {str(account.get("id")): account.get("type") for account in listed()}
    return {
        str(t.account_id): facts.network_key(t.provider, types.get(str(t.account_id)))
        for t in wanted
    }


def bulk_post(
    group: Sequence[Target],
    media_ids: Mapping[str, str],
    uploaded: Mapping[str, MediaRecord] | None = None,
    keys: Mapping[str, str] | None = None,
) -> JSONObject:
    """One entry of ``bulk.posts``: the networks of a post's accounts and the accounts.

    ``uploaded`` (``state.media``) gives each media item the type Publer answered when
    the file was uploaded (photo, video, gif, document); without it the type follows
    the file's extension, as Publer's upload does. ``keys`` (``network_keys``) names an
    account's ``networks`` entry where the provider does not.
    """
    first = group[0]
    networks: JSONObject = {}
    accounts: list[JSONValue] = []
    for target in group:
        key = (keys or {}).get(str(target.account_id), target.provider)
        networks[key] = _wire_network(target.network, media_ids, uploaded or {})
        if target.alias != NO_ACCOUNT:
            account = _wire_account(target.account, media_ids, uploaded or {})
            accounts.append({"id": target.account_id, **account})
    post: JSONObject = {"networks": networks, **first.post}
    if accounts:
        post["accounts"] = accounts
    return post


def _wire_network(
    network: Mapping[str, JSONValue],
    media_ids: Mapping[str, str],
    uploaded: Mapping[str, MediaRecord],
) -> JSONObject:
    """A target's network entry with its media as Publer takes them: by media id and type.

    A thumbnail goes as Publer's ``thumbnails`` list (the uploaded image) with
    ``default_thumbnail`` its index; media by URL on Pinterest as ``external-N``
    (docs/publer-api.md §5).
    """
    wire = dict(network)
    media = wire.get("media")
    if isinstance(media, list):
        wire["media"] = [
            _wire_item(item, index, media_ids, uploaded) if isinstance(item, dict) else item
            for index, item in enumerate(media)
        ]
    return wire


def _wire_account(
    account: Mapping[str, JSONValue],
    media_ids: Mapping[str, str],
    uploaded: Mapping[str, MediaRecord],
) -> JSONObject:
    """The account entry with each comment's media by id and type, as the network's."""
    wire = dict(account)
    comments = wire.get("comments")
    if isinstance(comments, list):
        out: list[JSONValue] = []
        for comment in comments:
            media = comment.get("media") if isinstance(comment, dict) else None
            if isinstance(comment, dict) and isinstance(media, dict):
                comment = {**comment, "media": _wire_item(media, 0, media_ids, uploaded)}
            out.append(comment)
        wire["comments"] = out
    return wire


def _wire_item(
    item: Mapping[str, JSONValue],
    index: int,
    media_ids: Mapping[str, str],
    uploaded: Mapping[str, MediaRecord],
) -> JSONObject:
    ref = {k: v for k, v in item.items() if k not in _LOCAL_KEYS}
    sha, url = item.get("sha256"), item.get("url")
    if isinstance(sha, str) and sha:
        ref["id"] = media_ids[sha]
        known = uploaded.get(sha)
        ref.setdefault("type", known.type if known else _kind(item.get("path") or url))
    elif url:
        ref.setdefault("id", f"external-{index}")
        ref["path"] = url
        ref.setdefault("type", _kind(url))
    thumb = item.get("thumbnail_sha256")
    if isinstance(thumb, str):
        ref["thumbnails"] = [{"id": media_ids[thumb]}]
        ref["default_thumbnail"] = 0
    return ref


def _kind(path: JSONValue) -> str:
    """Publer's media type of a file by its extension (what POST /media would answer)."""
    ext = PurePosixPath(str(path or "")).suffix.lower().lstrip(".")
    return KIND_OF_EXTENSION.get(ext.split("?")[0], "photo")


def intent_item(target: Target, index: int) -> IntentItem:
    return IntentItem(
        post_id=target.post_id,
        alias=target.alias,
        account_id=target.account_id,
        fingerprint=fingerprint(target.text),
        scheduled_at=target.scheduled_at_text,
        content_hash=target.content_hash,
        spec=dict(target.spec),
        provider=target.provider,
        index=index,
    )
