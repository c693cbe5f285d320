"""Posts already on Publer in, manifest posts out: what ``contentctl import`` writes.

``to_manifests(posts, config)`` turns the listed ``RemotePost``s into
manifest posts (``ImportedPost``): the posts of one bulk (one job, time,
method and labels, one account per network) become one post on all their
accounts, the content most of them share at the top and what differs under
``networks.<provider>``; each has a stable id (a slug of its first words and
the end of Publer's id, so importing again gives the same id), its time in
the config's zone, and its method: scheduled and
published posts by their time, drafts dated or not, ideas, recycling (with
its ``recycling`` rule) and recurring (with its ``recurring`` rule). The
content is what the listing holds, said the way the manifest says it (the
inverse of ``plan.shapes.wire_type``): the type (reel, story, short, a
LinkedIn document, a Google event or offer by their ``details.type``), text,
title, media by their Publer media ids (``media: - id:``, so nothing is
downloaded), the link preview, the network's own fields (a Facebook link
carousel's ``sublinks``, a poll's ``options``, a YouTube ``category`` and
tags, ``details``…), the OAS-only fields of Mastodon, Telegram, X, Threads and
Bluesky under ``networks.<provider>`` (``publer_extras``), and the labels the
config does not add anyway. Posts it cannot write faithfully are skipped
with the reason: auto-scheduled ones
(the listing gives Publer's slot, not the range asked for), a pin whose board
the listing does not name, an account not in the config, a post with
neither text nor media, media without a Publer id. ``render(imported)`` is
the manifest file's text, in the form ``contentctl fmt`` writes. No I/O here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from contentctl import publer_facts as facts
from contentctl.manifest.fmt import format_text
from contentctl.model import Config, JSONObject, JSONValue
from contentctl.publer import RemotePost
from contentctl.publer_extras import EXTRAS

IDEAS = ("draft_private", "draft_public")
# The listing's fields that are the post's own content, beyond type, text, title and media.
CONTENT_FIELDS = ("url", "link", "sublinks", "options", "duration", "question", "excerpt",
                  "categories", "tags", "category", "album_id", "details")  # fmt: skip
MEDIA_FIELDS = ("id", "type", "alt_text", "caption")  # a library item, as the manifest names it
NEEDS_BOARD = frozenset({"pinterest"})  # the pin's board is an account option of the bulk


@dataclass(frozen=True)
class ImportedPost:
    post_id: str
    members: tuple[tuple[str, RemotePost], ...]  # (alias, remote post); alias "-" for an idea
    document: JSONObject  # the manifest post

    @property
    def alias(self) -> str:
        return self.members[0][0]

    @property
    def remote(self) -> RemotePost:
        return self.members[0][1]


@dataclass(frozen=True)
class Skipped:
    remote_id: str
    reason: str


def to_manifests(
    posts: Sequence[RemotePost], config: Config
) -> tuple[list[ImportedPost], list[Skipped]]:
    aliases = {account.id: alias for alias, account in config.accounts.items()}
    order = {alias: index for index, alias in enumerate(config.accounts)}
    zone = ZoneInfo(config.timezone)
    groups: dict[str, list[_Single]] = {}
    skipped: list[Skipped] = []
    for post in sorted(posts, key=lambda p: (p.scheduled_at or "", p.id)):
        reason = _unsupported(post, aliases)
        if reason:
            skipped.append(Skipped(post.id, reason))
            continue
        alias = "-" if _state(post) in IDEAS else aliases[str(post.account_id)]
        single = _Single(post, alias, _method(post, zone), content(post),
                         _labels(post.raw.get("labels"), config.labels))  # fmt: skip
        groups.setdefault(single.group_key(), []).append(single)
    imported: list[ImportedPost] = []
    for members in groups.values():
        providers = [m.post.network for m in members]
        if len(set(providers)) == len(providers):  # per-network overrides: one per provider
            imported.append(_merged(sorted(members, key=lambda m: order.get(m.alias, 0))))
        else:
            imported.extend(_merged([m]) for m in members)
    return imported, skipped


@dataclass(frozen=True)
class _Single:
    """One remote post as a manifest would say it, before posts of one bulk are joined."""

    post: RemotePost
    alias: str
    method: JSONObject  # method, at, recycling, recurring
    content: JSONObject
    labels: list[JSONValue]

    def group_key(self) -> str:
        """Posts of one bulk with the same time, method and labels: one manifest post."""
        job = self.post.raw.get("job_id")
        if self.alias == "-" or not isinstance(job, str) or not job:
            return f"alone:{self.post.id}"
        return json.dumps([job, self.method, self.labels], sort_keys=True)


def _merged(members: Sequence[_Single]) -> ImportedPost:
    """One manifest post: what its accounts share at the top, the rest per network."""
    first = min(members, key=lambda m: m.post.id)
    document: JSONObject = {"id": stable_id(first.post), **first.method}
    if first.alias != "-":
        document["accounts"] = [m.alias for m in members]
    common = _shared([{k: v for k, v in m.content.items() if k != "networks"} for m in members])
    document.update(common)
    networks: JSONObject = {}
    for m in members:
        provider = str(m.post.network)
        own = {k: v for k, v in m.content.items() if k not in common or common[k] != v}
        extras = own.pop("networks", None)  # the network's own fields, written under it already
        mine = extras.get(provider) if isinstance(extras, dict) else None
        if isinstance(mine, dict):
            own.update(mine)
        if own:
            networks[provider] = own
    if networks:
        document["networks"] = networks
    if first.labels:
        document["labels"] = first.labels
    pairs = tuple((m.alias, m.post) for m in members)
    return ImportedPost(str(document["id"]), pairs, document)


def _shared(contents: Sequence[JSONObject]) -> JSONObject:
    """The top-level content: per key every account has, the value most of them share
    (the others override it per network); ``details`` only when all agree, since an
    override's details merge into the common ones rather than replace them."""
    out: JSONObject = {}
    for key in dict.fromkeys(k for c in contents for k in c):
        if not all(key in c for c in contents):
            continue
        values = [json.dumps(c[key], sort_keys=True) for c in contents]
        best = max(values, key=values.count)
        if values.count(best) == len(values) or (key != "details" and values.count(best) > 1):
            out[key] = contents[values.index(best)][key]
    return out


def render(imported: Sequence[ImportedPost]) -> str:
    """The manifest file: one YAML document per post, in ``fmt``'s canonical form."""
    import yaml

    header = "# Imported from Publer by `contentctl import`.\n"
    documents = [
        yaml.safe_dump(item.document, sort_keys=False, allow_unicode=True, width=10_000)
        for item in imported
    ]
    return format_text(header + "".join(f"---\n{doc}" for doc in documents), source="import")


def created_times(
    imported: Sequence[ImportedPost], config: Config
) -> dict[tuple[str, str], str | None]:
    """(post id, alias) → time of each imported post as its manifest reads: already on Publer,
    so the check does not judge its time as a new post's (a published post's is past)."""
    zone = ZoneInfo(config.timezone)
    out: dict[tuple[str, str], str | None] = {}
    for item in imported:
        at = item.document.get("at")
        when = datetime.fromisoformat(at).replace(tzinfo=zone) if isinstance(at, str) else None
        for alias, _post in item.members:
            out[(item.post_id, alias)] = (
                when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if when else None
            )
    return out


def stable_id(post: RemotePost) -> str:
    words = re.findall(r"[a-z0-9]+", post.text.lower())[:5]
    slug = "-".join(words)[:40].strip("-") or "post"
    return f"{slug}-{post.id[-6:].lower()}"


def content(post: RemotePost) -> JSONObject:
    """The post's content as a manifest writes it: type, text, title, media, link, details…"""
    raw = post.raw
    given = raw.get("details")
    details: dict[str, JSONValue] = dict(given) if isinstance(given, dict) else {}
    privacy = raw.get("privacy")  # a YouTube video's, at the top (publer_switches)
    if post.network == "youtube" and isinstance(privacy, str) and privacy:
        details.setdefault("privacy", privacy)  # the manifest writes it as details.privacy
    out: JSONObject = {"type": _manifest_type(post, details)}
    title = raw.get("title")
    if isinstance(title, str) and title:
        out["title"] = title
    if post.text:
        out["text"] = post.text
    media: list[JSONValue] = [
        _media_item(m) for m in _list(raw.get("media")) if isinstance(m, dict)
    ]
    if media:
        out["media"] = media
    link = raw.get("link")
    for key in CONTENT_FIELDS:
        value = details if key == "details" else raw.get(key)
        if value in (None, "", [], {}):
            continue
        if key == "url" and out["type"] == "link" and isinstance(link, dict) and link:
            continue  # a link post's url is in its link object
        if key == "link" and out["type"] != "link":
            continue
        out[key] = value
    # the OAS-only fields of the network, under networks.<provider> as a manifest writes them
    extras = {key: raw[extra.wire] for key, extra in EXTRAS.get(post.network or "", {}).items()
              if raw.get(extra.wire) not in (None, "")}  # fmt: skip
    if extras:
        out["networks"] = {str(post.network): extras}
    return out


def _manifest_type(post: RemotePost, details: dict[str, JSONValue]) -> str:
    """The manifest's type for Publer's (``plan.shapes.wire_type`` the other way round)."""
    kind = post.type or "status"
    sub = details.get("type")
    provider = post.network or ""
    said = None
    if isinstance(sub, str) and facts.SHORTHAND_TYPES.get(sub) == kind:
        said = sub  # reel, story, short
    elif provider == "linkedin" and sub == "document" and kind == facts.DOCUMENT_WIRE_TYPE:
        said = "document"
    elif provider == "google" and sub in ("event", "offer") and kind == facts.GOOGLE_WIRE_TYPE:
        said = str(sub)
    if said is None:
        return kind
    details.pop("type", None)
    return said


def _media_item(item: Mapping[str, JSONValue]) -> JSONObject:
    """A media item by its Publer media id: already in Publer, so nothing is downloaded."""
    out: JSONObject = {}
    for key in MEDIA_FIELDS:
        value = item.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool) and value != "":
            out[key] = str(value)
    return out if "id" in out else {}


def _method(post: RemotePost, zone: ZoneInfo) -> JSONObject:
    state = _state(post)
    if state in IDEAS:
        return {"method": state}
    out: JSONObject = {}
    recurring = post.raw.get("recurring")
    recycling = post.raw.get("recycling")
    if state == "recurring" or isinstance(recurring, dict):
        out["method"] = "recurring"
    elif isinstance(recycling, dict):
        out["method"] = "recycling"
    elif state.startswith("draft"):
        out["method"] = "draft"
    if post.scheduled_at:
        out["at"] = _local(post.scheduled_at, zone)
    if isinstance(recycling, dict):
        out["recycling"] = {k: v for k, v in recycling.items() if v is not None}
    if isinstance(recurring, dict):
        out["recurring"] = _recurring(recurring, zone)
    return out


def _recurring(rule: Mapping[str, JSONValue], zone: ZoneInfo) -> JSONObject:
    """Publer's timestamped rule as the manifest writes it: days (the time is in ``at``)."""
    out: JSONObject = {}
    for key in ("repeat", "repeat_rate", "days_of_week", "start_date", "end_date"):
        value = rule.get(key)
        if value is None or (key == "repeat_rate" and value == 1):
            continue
        if key in ("start_date", "end_date") and isinstance(value, str) and "T" in value:
            value = datetime.fromisoformat(value).astimezone(zone).date().isoformat()
        out[key] = value
    return out


def _local(when: str, zone: ZoneInfo) -> str:
    local = datetime.fromisoformat(when).astimezone(zone)
    return local.strftime("%Y-%m-%dT%H:%M" if local.second == 0 else "%Y-%m-%dT%H:%M:%S")


def _unsupported(post: RemotePost, aliases: dict[str, str]) -> str:
    raw = post.raw
    state = _state(post)
    if raw.get("auto"):
        return "it is auto-scheduled (Publer's listing gives its slot, not the range asked for)"
    if state not in IDEAS and str(post.account_id) not in aliases:
        return f"its account {post.account_id} is not in contentctl.yaml"
    if post.network in NEEDS_BOARD and not raw.get("album_id"):
        return "it is a pin whose board Publer's listing does not name"
    media = _list(raw.get("media"))
    if not post.text.strip() and not media:
        return "it has neither text nor media"
    if any(not isinstance(m, dict) or not _media_item(m) for m in media):
        return "a media item of it has no Publer media id to name it by"
    return ""


def _state(post: RemotePost) -> str:
    return (post.state or "scheduled").lower()


def _list(value: JSONValue | None) -> list[JSONValue]:
    return value if isinstance(value, list) else []


def _labels(value: JSONValue | None, defaults: Sequence[str]) -> list[JSONValue]:
    if not isinstance(value, list):
        return []
    names = [item.get("name") if isinstance(item, dict) else item for item in value]
    return [n for n in names if isinstance(n, str) and n not in defaults]
