"""Per-network content rules (publer-api.md section 4): one network entry in, a problem or None out.

Tables of accepted types, text limits and media counts per provider, and
which fields a published post may still change (``PUT /posts/{id}``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

TYPES: dict[str, frozenset[str]] = {
    "facebook": frozenset({"status", "photo", "video", "link", "carousel", "story", "reel", "gif"}),
    "instagram": frozenset({"photo", "video", "carousel", "story", "reel"}),
    "twitter": frozenset({"status", "photo", "video", "link", "gif", "poll"}),
    "linkedin": frozenset({"status", "photo", "video", "link", "document", "pdf", "poll", "gif"}),
    "pinterest": frozenset({"photo", "video", "carousel"}),
    "google": frozenset({"status", "photo", "event", "offer"}),
    "youtube": frozenset({"video", "short"}),
    "tiktok": frozenset({"video", "photo", "carousel"}),
    "wordpress": frozenset({"article"}),
    "telegram": frozenset({"status", "photo", "video", "link", "gif"}),
    "mastodon": frozenset({"status", "photo", "video", "link", "gif", "poll"}),
    "threads": frozenset({"status", "photo", "video", "link"}),
    "bluesky": frozenset({"status", "photo", "video", "link"}),
}

TEXT_LIMITS: dict[str, int] = {
    "facebook": 10_000, "instagram": 2_200, "twitter": 280, "linkedin": 3_000,
    "pinterest": 500, "google": 1_500, "youtube": 5_000, "tiktok": 2_200,
    "telegram": 4_096, "mastodon": 500, "threads": 500, "bluesky": 300,
}  # fmt: skip
TITLE_LIMITS: dict[str, int] = {"youtube": 100}

MAX_PHOTOS: dict[str, int] = {
    "facebook": 10, "instagram": 10, "twitter": 4, "linkedin": 20, "pinterest": 5,
    "google": 1, "tiktok": 35, "telegram": 10, "mastodon": 4, "threads": 20, "bluesky": 4,
}  # fmt: skip
NO_VIDEO = frozenset({"google"})
NEEDS_TEXT = frozenset({"status", "link", "poll"})
ONE_ITEM = frozenset({"video", "reel", "short", "gif", "story"})

# What a published post may still change on each network (publer-api.md section 6).
EDITABLE_WHEN_PUBLISHED: dict[str, frozenset[str]] = {
    "linkedin": frozenset({"text"}),
    "facebook": frozenset({"text", "title"}),
    "google": frozenset({"text"}),
    "youtube": frozenset({"text", "title"}),
    "wordpress": frozenset({"text", "title"}),
    "telegram": frozenset({"text"}),
    "mastodon": frozenset({"text", "title"}),
}

MediaLookup = Callable[[str], Mapping[str, Any] | None]


def check_content(
    provider: str, entry: Mapping[str, Any], *, post_level_media: bool, media: MediaLookup
) -> str | None:
    """The first thing Publer would refuse in this network entry, or None."""
    kind = str(entry.get("type") or "status")
    if kind not in TYPES.get(provider, frozenset()):
        return f"{provider} does not support {kind} posts"
    text = entry.get("text")
    if text is not None and not isinstance(text, str):
        return "Text must be a string"
    problem = check_text(provider, text or "", entry.get("title"))
    if problem:
        return problem
    if kind in NEEDS_TEXT and not text and not entry.get("question"):
        return "Text can't be blank"
    if kind == "link" and not (entry.get("url") or (entry.get("link") or {}).get("url")):
        return "A link post needs a url"
    if kind == "poll" and not (isinstance(entry.get("options"), list)
                               and 2 <= len(entry["options"]) <= 4):  # fmt: skip
        return "A poll needs 2 to 4 options"
    items = entry.get("media")
    if items is None and post_level_media:
        return "undefined method 'count' for nil"
    if items is not None and not isinstance(items, list):
        return "Media must be a list"
    return _check_media(provider, kind, entry, items or [], media)


def check_text(provider: str, text: str, title: Any) -> str | None:
    limit = TEXT_LIMITS.get(provider)
    if limit is not None and len(text) > limit:
        return f"Text is too long for {provider}: {len(text)} characters, the limit is {limit}"
    title_limit = TITLE_LIMITS.get(provider)
    if title_limit is not None and isinstance(title, str) and len(title) > title_limit:
        return f"Title is too long for {provider}: the limit is {title_limit} characters"
    return None


def _check_media(
    provider: str, kind: str, entry: Mapping[str, Any], items: list[Any], media: MediaLookup
) -> str | None:
    types: list[str] = []
    for item in items:
        if not isinstance(item, dict) or not (item.get("id") or item.get("path")):
            return "Each media item needs an id"
        known = media(str(item["id"])) if item.get("id") else None
        if known is None and item.get("id") and not str(item["id"]).startswith("external"):
            return f"Media {item['id']} not found"
        types.append(str((known or item).get("type") or "photo"))
    count = len(items)
    if provider == "facebook" and kind == "carousel":
        sublinks = entry.get("sublinks")
        if not isinstance(sublinks, list) or not 1 <= len(sublinks) <= 10:
            return "A Facebook carousel needs 1 to 10 sublinks"
        return None
    if "video" in types and provider in NO_VIDEO:
        return f"{provider} does not accept videos"
    if kind in ONE_ITEM and count != 1:
        return f"A {kind} post takes exactly one media item, got {count}"
    if kind in ("video", "reel", "short") and types and types[0] not in ("video", "gif"):
        return f"A {kind} post needs a video"
    most = MAX_PHOTOS.get(provider, 1)
    if kind == "photo" and not 1 <= count <= most:
        return f"A {provider} photo post takes 1 to {most} media items, got {count}"
    if kind == "carousel" and not 2 <= count <= most:
        return f"A {provider} carousel takes 2 to {most} media items, got {count}"
    if kind in ("document", "pdf") and count < 1:
        return f"A {kind} post needs a file"
    return None
