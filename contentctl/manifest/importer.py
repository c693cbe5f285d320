"""Posts already on Publer in, manifest posts out: what ``contentctl import`` writes.

``to_manifests(posts, config)`` turns each listed ``RemotePost`` into one
manifest post on its account (``ImportedPost``), with a stable id (a slug of
its first words and the end of Publer's id, so importing again gives the
same id), its time in the config's zone, its method (scheduled and published
posts by their time, drafts dated or not, ideas), its text, title and the
labels the config does not add anyway. Posts it cannot write faithfully
(media, auto-scheduled, recycling, recurring, an unknown account) are
skipped with the reason. ``render(imported)`` is the manifest file's text, in
the form ``contentctl fmt`` writes. No I/O here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from contentctl.manifest.fmt import format_text
from contentctl.model import Config, JSONObject, JSONValue
from contentctl.publer import RemotePost

IDEAS = ("draft_private", "draft_public")


@dataclass(frozen=True)
class ImportedPost:
    post_id: str
    alias: str  # "-" for an idea
    remote: RemotePost
    document: JSONObject  # the manifest post


@dataclass(frozen=True)
class Skipped:
    remote_id: str
    reason: str


def to_manifests(
    posts: Sequence[RemotePost], config: Config
) -> tuple[list[ImportedPost], list[Skipped]]:
    aliases = {account.id: alias for alias, account in config.accounts.items()}
    zone = ZoneInfo(config.timezone)
    imported: list[ImportedPost] = []
    skipped: list[Skipped] = []
    for post in sorted(posts, key=lambda p: (p.scheduled_at or "", p.id)):
        reason = _unsupported(post, aliases)
        if reason:
            skipped.append(Skipped(post.id, reason))
            continue
        state = (post.state or "scheduled").lower()
        document: JSONObject = {"id": stable_id(post)}
        alias = "-"
        if state in IDEAS:
            document["method"] = state
        else:
            alias = aliases[str(post.account_id)]
            if state.startswith("draft"):
                document["method"] = "draft"
            if post.scheduled_at:
                local = datetime.fromisoformat(post.scheduled_at).astimezone(zone)
                document["at"] = local.strftime("%Y-%m-%dT%H:%M")
            accounts: list[JSONValue] = [alias]
            document["accounts"] = accounts
        document["type"] = "status"
        title = post.raw.get("title")
        if isinstance(title, str) and title:
            document["title"] = title
        document["text"] = post.text
        labels = _labels(post.raw.get("labels"), config.labels)
        if labels:
            document["labels"] = labels
        imported.append(ImportedPost(str(document["id"]), alias, post, document))
    return imported, skipped


def render(imported: Sequence[ImportedPost]) -> str:
    """The manifest file: one YAML document per post, in ``fmt``'s canonical form."""
    import yaml

    header = "# Imported from Publer by `contentctl import`.\n"
    documents = [
        yaml.safe_dump(item.document, sort_keys=False, allow_unicode=True, width=10_000)
        for item in imported
    ]
    return format_text(header + "".join(f"---\n{doc}" for doc in documents), source="import")


def stable_id(post: RemotePost) -> str:
    words = re.findall(r"[a-z0-9]+", post.text.lower())[:5]
    slug = "-".join(words)[:40].strip("-") or "post"
    return f"{slug}-{post.id[-6:].lower()}"


def _unsupported(post: RemotePost, aliases: dict[str, str]) -> str:
    raw = post.raw
    state = (post.state or "scheduled").lower()
    if raw.get("has_media") or raw.get("media"):
        return "it has media (import writes text posts only)"
    if raw.get("auto") or raw.get("recycling") or raw.get("recurring") or state == "recurring":
        return "it is auto-scheduled, recycled or recurring"
    if post.type not in (None, "status"):
        return f"its type is {post.type} (import writes status posts only)"
    if state not in IDEAS and str(post.account_id) not in aliases:
        return f"its account {post.account_id} is not in contentctl.yaml"
    if not post.text.strip():
        return "it has no text"
    return ""


def _labels(value: JSONValue | None, defaults: Sequence[str]) -> list[JSONValue]:
    if not isinstance(value, list):
        return []
    names = [item.get("name") if isinstance(item, dict) else item for item in value]
    return [n for n in names if isinstance(n, str) and n not in defaults]
