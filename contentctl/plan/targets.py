"""Posts in, per-account targets out: what each remote Publer post should be.

A ``Target`` is the unit of the plan (one post on one account). Its ``spec``
is the canonical, JSON-able description of the remote post: the network
content Publer gets, the post-level options, the account entry and the bulk
state. The spec is stored in the state when applied, so planning is a plain
``==`` per target and only the few that changed are diffed (``plan.fields``)
(perf-floor.md, recommendation 4). Local media files enter the spec by their
SHA-256, so changing an image's bytes is a change of the post.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import TypedDict

from contentctl import publer_facts as facts
from contentctl.errors import ManifestError
from contentctl.files import open_regular
from contentctl.manifest.content import effective_content, infer_type
from contentctl.model import Config, JSONObject, JSONValue, Method, Post
from contentctl.plan.media_digests import MediaDigests
from contentctl.plan.shapes import day_edge, recurring_body, wire_extras, wire_type
from contentctl.publer_facts import ACCOUNT_KEYS

NO_ACCOUNT = "-"  # alias of an idea (draft_private / draft_public without accounts)


class Endpoint(StrEnum):
    SCHEDULE = "schedule"  # POST /posts/schedule
    PUBLISH = "publish"  # POST /posts/schedule/publish


_BULK_STATE = {
    Method.SCHEDULED: "scheduled",
    Method.DRAFT: "draft",
    Method.DRAFT_PRIVATE: "draft_private",
    Method.DRAFT_PUBLIC: "draft_public",
    Method.PUBLISH_NOW: "scheduled",
    Method.AUTO: "scheduled",
    Method.RECYCLING: "scheduled",
    Method.RECURRING: "recurring",
}


class TargetJSON(TypedDict):
    """A target in a saved plan (``after`` of a change)."""

    post_id: str
    alias: str
    account_id: str | None
    provider: str
    timezone: str
    source: str
    spec: Mapping[str, JSONValue]
    content_hash: str


@dataclass(frozen=True, eq=False)
class Target:
    """One post on one account, as it should be on Publer."""

    post_id: str
    alias: str
    account_id: str | None
    provider: str
    timezone: str
    source: str  # file:line:col of the post
    # endpoint, bulk_state, and the network, post and account entries (see post_targets)
    spec: Mapping[str, JSONValue]
    given_hash: str = ""  # known already (a saved plan); else computed on first use

    @cached_property
    def content_hash(self) -> str:
        """SHA-256 of the canonical spec; only changed targets and saved plans need it."""
        return self.given_hash or spec_hash(self.spec)

    @property
    def key(self) -> tuple[str, str]:
        return (self.post_id, self.alias)

    @property
    def endpoint(self) -> Endpoint:
        return Endpoint(str(self.spec["endpoint"]))

    @property
    def bulk_state(self) -> str:
        return str(self.spec["bulk_state"])

    @property
    def scheduled_at(self) -> datetime | None:
        value = self.scheduled_at_text
        return None if value is None else parse_utc(value)

    @property
    def scheduled_at_text(self) -> str | None:
        """The planned time as the spec holds it (UTC, ``…Z``); None for no fixed time.

        A recurring post's first time is its ``recurring.start_date`` (Publer's
        recurring page puts no time on the account).
        """
        value = self.account.get("scheduled_at")
        if value is None and self.bulk_state == "recurring":
            start = json_object(self.post.get("recurring")).get("start_date")
            value = format_utc(datetime.fromisoformat(start)) if isinstance(start, str) else None
        return value if isinstance(value, str) else None

    @property
    def network(self) -> Mapping[str, JSONValue]:
        """What goes under ``networks.<provider>`` of the bulk post."""
        return json_object(self.spec["network"])

    @property
    def media(self) -> list[Mapping[str, JSONValue]]:
        """The network entry's media items: ``{path, sha256, type…}``, ``{url…}`` or ``{id…}``."""
        items = self.network.get("media")
        return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []

    @property
    def uploads(self) -> list[Mapping[str, JSONValue]]:
        """What must be on Publer before the post is sent: ``{sha256, path}`` per file or URL.

        Media files, their thumbnails (uploaded like any photo) and media given by URL
        (imported with ``/media/from-url``; ``path`` is then the URL).
        """
        out: list[Mapping[str, JSONValue]] = []
        comments = self.account.get("comments")
        attached = [
            json_object(c.get("media"))
            for c in (comments if isinstance(comments, list) else [])
            if isinstance(c, dict)
        ]
        for item in [*self.media, *attached]:
            if isinstance(item.get("sha256"), str):
                out.append({"sha256": item["sha256"], "path": item.get("path") or item.get("url")})
            if isinstance(item.get("thumbnail_sha256"), str):
                out.append({"sha256": item["thumbnail_sha256"], "path": item.get("thumbnail")})
        return out

    @property
    def post(self) -> Mapping[str, JSONValue]:
        """Post-level fields of the bulk post (labels, auto, range, recycling, …)."""
        return json_object(self.spec["post"])

    @property
    def account(self) -> Mapping[str, JSONValue]:
        """What goes on the bulk post's account entry besides the id (scheduled_at, …)."""
        return json_object(self.spec["account"])

    @property
    def text(self) -> str:
        return str(self.network.get("text") or "")

    def to_json(self) -> TargetJSON:
        return {
            "post_id": self.post_id,
            "alias": self.alias,
            "account_id": self.account_id,
            "provider": self.provider,
            "timezone": self.timezone,
            "source": self.source,
            "spec": self.spec,
            "content_hash": self.content_hash,
        }

    @classmethod
    def from_json(cls, data: TargetJSON) -> Target:
        return cls(
            post_id=data["post_id"],
            alias=data["alias"],
            account_id=data["account_id"],
            provider=data["provider"],
            timezone=data["timezone"],
            source=data["source"],
            spec=data["spec"],
            given_hash=data["content_hash"],
        )


def json_object(value: JSONValue) -> Mapping[str, JSONValue]:
    """``value`` if it is a JSON object, else an empty one: for optional parts of a spec."""
    return value if isinstance(value, dict) else {}


def canonical_json(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def spec_hash(spec: Mapping[str, JSONValue]) -> str:
    return hashlib.sha256(canonical_json(spec).encode("utf-8")).hexdigest()


def fingerprint(text: str) -> str:
    """What identifies a post's content on the remote, where only its text is listed back."""
    normalised = " ".join(text.split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def format_utc(moment: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` (isoformat: a few times faster than strftime, same text)."""
    return moment.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def parse_utc(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


class MediaHasher:
    """SHA-256 of local media files, each file read once per run, and not at all while
    its stat says it is unchanged since a run read it (``media_digests``)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._cache: dict[str, str] = {}
        self._known = MediaDigests.for_root(root)

    def __call__(self, relpath: str) -> str:
        known = self._cache.get(relpath)
        if known is None:
            digest = hashlib.sha256()
            try:
                with open_regular(self.root / relpath, "media file") as handle:
                    stat = os.fstat(handle.fileno())
                    known = self._known.lookup(relpath, stat)
                    if known is None:
                        for chunk in iter(lambda: handle.read(1 << 20), b""):
                            digest.update(chunk)
                        known = digest.hexdigest()
                        self._known.record(relpath, stat, known)
            except OSError as exc:  # validate checked it; it changed since
                raise ManifestError(f"media {relpath}: cannot read: {exc.strerror}") from None
            self._cache[relpath] = known
        return known

    def save(self) -> None:
        self._known.save()


def build_targets(config: Config, posts: Iterable[Post]) -> list[Target]:
    """Every (post, account) target of valid posts, in manifest order."""
    hasher = MediaHasher(config.root)
    targets: list[Target] = []
    for post in posts:
        targets.extend(post_targets(config, post, hasher))
    hasher.save()
    return targets


def post_targets(config: Config, post: Post, hasher: MediaHasher) -> list[Target]:
    post_fields = _post_fields(config, post)
    bulk_state = _BULK_STATE[post.method]
    endpoint = Endpoint.PUBLISH if post.method is Method.PUBLISH_NOW else Endpoint.SCHEDULE
    if not post.accounts:
        accounts: list[tuple[str, str | None, str]] = [(NO_ACCOUNT, None, "default")]
    else:
        accounts = [
            (alias, config.accounts[alias].id, config.accounts[alias].provider.value)
            for alias in post.accounts
        ]
    # a recurring post's time of day is in recurring.start_date, not on the account
    fixed = post.at is not None and post.method is not Method.RECURRING
    at = format_utc(post.at) if fixed and post.at is not None else None
    # LABELS_ON "accounts": the post's labels go on each account entry, not the post (an
    # idea, with no account, keeps them on the post)
    on_accounts = facts.LABELS_ON == "accounts" and bool(post.accounts)
    shared: JSONValue = post_fields.pop("labels", []) if on_accounts else []
    targets = []
    for alias, account_id, provider in accounts:
        network, account_fields = _network_entry(post, provider, hasher, config)
        if at is not None:
            account_fields["scheduled_at"] = at
        own = post.account_labels.get(alias, ())
        if own or shared:
            # an account's own labels always go on its entry (OAS accounts[].labels)
            names = [*(shared if isinstance(shared, list) else []), *own]
            account_fields["labels"] = list(dict.fromkeys(names))
        spec = {
            "endpoint": endpoint.value,
            "bulk_state": bulk_state,
            "network": network,
            "post": post_fields,
            "account": account_fields,
        }
        targets.append(
            Target(
                post_id=post.id,
                alias=alias,
                account_id=account_id,
                provider=provider,
                timezone=post.timezone,
                source=post.where(),
                spec=spec,
            )
        )
    return targets


def _network_entry(
    post: Post, provider: str, hasher: MediaHasher, config: Config
) -> tuple[JSONObject, JSONObject]:
    content: JSONObject = (
        dict(post.content) if provider == "default" else dict(effective_content(post, provider))
    )
    account: JSONObject = {key: content.pop(key) for key in ACCOUNT_KEYS if key in content}
    _account_options(account, config, hasher, provider)
    if provider == "default":
        # an idea's entry names its type too (every OAS *NetworkContent requires it)
        content.setdefault("type", infer_type(content))
    wire_type(provider, content)
    wire_extras(provider, content)
    media = content.get("media")
    if isinstance(media, list):
        content["media"] = [
            _media_ref(item, hasher, provider) if isinstance(item, dict) else item for item in media
        ]
    return content, account


def _account_options(
    account: JSONObject, config: Config, hasher: MediaHasher, provider: str
) -> None:
    """Callbacks as Publer takes them: auto-share to account ids (the manifest names
    aliases), a comment's media by upload key (docs/publer-api.md §2)."""
    share = account.get("share")
    if isinstance(share, dict):
        aliases = share.get("accounts")
        wire: JSONObject = {k: v for k, v in share.items() if k != "accounts"}
        wire["account_ids"] = [
            config.accounts[a].id
            for a in (aliases if isinstance(aliases, list) else [])
            if isinstance(a, str) and a in config.accounts
        ]
        account["share"] = wire
    comments = account.get("comments")
    if isinstance(comments, list):
        account["comments"] = [
            {**c, "media": _media_ref(json_object(c["media"]), hasher, provider)}
            if isinstance(c, dict) and isinstance(c.get("media"), dict)
            else c
            for c in comments
        ]


def _media_ref(item: Mapping[str, JSONValue], hasher: MediaHasher, provider: str) -> JSONObject:
    ref = dict(item)
    path, url, thumbnail = ref.get("path"), ref.get("url"), ref.get("thumbnail")
    if isinstance(path, str):
        ref["sha256"] = hasher(path)
    elif isinstance(url, str) and provider not in facts.EXTERNAL_MEDIA_PROVIDERS:
        # imported once with /media/from-url, known by the URL (docs/publer-api.md §5)
        ref["sha256"] = url_key(url)
    if isinstance(thumbnail, str):
        ref["thumbnail_sha256"] = url_key(thumbnail) if "://" in thumbnail else hasher(thumbnail)
    return ref


def url_key(url: str) -> str:
    """The key of media given by URL among uploaded media (``state.media``)."""
    return hashlib.sha256(f"url:{url}".encode()).hexdigest()


def _post_fields(config: Config, post: Post) -> JSONObject:
    fields: JSONObject = {}
    labels: list[JSONValue] = list(dict.fromkeys((*config.labels, *post.labels)))
    if labels:
        fields["labels"] = labels
    if post.method is Method.AUTO:
        fields["auto"] = True
    for key in ("range", "share_next", "recycling", "recurring"):
        if key in post.options:
            fields[key] = post.options[key]
    tz = post.timezone
    if isinstance(fields.get("range"), dict):
        window = json_object(fields["range"])
        fields["range"] = {
            **window,
            "start_date": day_edge(window.get("start_date"), tz, time(0, 0, 0)),
            "end_date": day_edge(window.get("end_date"), tz, time(23, 59, 59)),
        }
    if isinstance(fields.get("recurring"), dict):
        fields["recurring"] = recurring_body(json_object(fields["recurring"]), post)
    return fields
