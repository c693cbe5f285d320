"""Posts in, per-account targets out: what each remote Publer post should be.

A ``Target`` is the unit of the plan (one post on one account). Its ``spec``
is the canonical, JSON-able description of the remote post: the network
content Publer gets, the post-level options, the account entry and the bulk
state. The spec is stored in the state when applied, so planning is a plain
``==`` per target and deepdiff runs only on the few that changed
(perf-floor.md, recommendation 4). Local media files enter the spec by their
SHA-256, so changing an image's bytes is a change of the post.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Any

from contentctl.manifest.content import effective_content
from contentctl.model import Config, Method, Post
from contentctl.publer_facts import ACCOUNT_KEYS, SHORTHAND_TYPES

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


@dataclass(frozen=True, eq=False)
class Target:
    """One post on one account, as it should be on Publer."""

    post_id: str
    alias: str
    account_id: str | None
    provider: str
    timezone: str
    source: str  # file:line:col of the post
    spec: Mapping[str, Any]
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
        return Endpoint(self.spec["endpoint"])

    @property
    def bulk_state(self) -> str:
        return str(self.spec["bulk_state"])

    @property
    def scheduled_at(self) -> datetime | None:
        value = self.spec["account"].get("scheduled_at")
        return None if value is None else parse_utc(value)

    @property
    def network(self) -> Mapping[str, Any]:
        network: Mapping[str, Any] = self.spec["network"]
        return network

    @property
    def text(self) -> str:
        return str(self.network.get("text") or "")

    def to_json(self) -> dict[str, Any]:
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
    def from_json(cls, data: Mapping[str, Any]) -> Target:
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


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def spec_hash(spec: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_json(spec).encode("utf-8")).hexdigest()


def fingerprint(text: str) -> str:
    """What identifies a post's content on the remote, where only its text is listed back."""
    normalised = " ".join(text.split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def format_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


class MediaHasher:
    """SHA-256 of local media files, each file read once per run."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._cache: dict[str, str] = {}

    def __call__(self, relpath: str) -> str:
        known = self._cache.get(relpath)
        if known is None:
            digest = hashlib.sha256()
            with (self.root / relpath).open("rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
            known = self._cache[relpath] = digest.hexdigest()
        return known


def build_targets(config: Config, posts: Iterable[Post]) -> list[Target]:
    """Every (post, account) target of valid posts, in manifest order."""
    hasher = MediaHasher(config.root)
    targets: list[Target] = []
    for post in posts:
        targets.extend(post_targets(config, post, hasher))
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
    targets = []
    for alias, account_id, provider in accounts:
        network, account_fields = _network_entry(post, provider, hasher, config)
        if post.at is not None:
            account_fields["scheduled_at"] = format_utc(post.at)
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
) -> tuple[dict[str, Any], dict[str, Any]]:
    content = (
        dict(post.content) if provider == "default" else dict(effective_content(post, provider))
    )
    account: dict[str, Any] = {key: content.pop(key) for key in ACCOUNT_KEYS if key in content}
    kind = content.get("type")
    if isinstance(kind, str) and kind in SHORTHAND_TYPES:
        content["type"] = SHORTHAND_TYPES[kind]
        details = dict(content.get("details") or {})
        details.setdefault("type", kind)
        content["details"] = details
    if "media" in content:
        content["media"] = [_media_ref(item, hasher) for item in content["media"]]
    return content, account


def _media_ref(item: Mapping[str, Any], hasher: MediaHasher) -> dict[str, Any]:
    ref = dict(item)
    path = ref.get("path")
    if isinstance(path, str):
        ref["sha256"] = hasher(path)
    return ref


def _post_fields(config: Config, post: Post) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    labels = list(dict.fromkeys((*config.labels, *post.labels)))
    if labels:
        fields["labels"] = labels
    if post.method is Method.AUTO:
        fields["auto"] = True
    for key in ("range", "share_next", "recycling", "recurring"):
        if key in post.options:
            fields[key] = post.options[key]
    return fields
