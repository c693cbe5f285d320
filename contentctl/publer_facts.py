"""Each network's rules as data, and the merge of common content with a network override.

Takes nothing but constants; gives ``RULES`` (provider → ``NetworkRule``),
``TYPE_RULES`` (content type → ``TypeRule``), ``effective_content`` (a post's
content as one provider gets it) and small lookups. ``validate`` drives its
checks from these tables and ``schemas/post.schema.json`` says the same facts
for editors (``tests/unit/test_schemas.py`` keeps the two in step).
Source: shared/reference/publer-api.md, section 4.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from contentctl.model import Post

PROVIDERS = (
    "facebook", "instagram", "twitter", "linkedin", "pinterest", "youtube", "tiktok",
    "google", "wordpress", "telegram", "mastodon", "threads", "bluesky",
)  # fmt: skip
TYPES = (
    "status", "photo", "video", "link", "carousel", "pdf", "document", "reel", "story",
    "short", "poll", "gif", "article", "event", "offer",
)  # fmt: skip
# contentctl shorthands compiled to Publer's ``type`` + ``details.type``.
SHORTHAND_TYPES = MappingProxyType({"reel": "video", "story": "photo", "short": "video"})
MEDIA_KINDS = ("photo", "video", "gif", "document")
# Content keys Publer takes on the account entry (``accounts[]``), not the network entry.
ACCOUNT_KEYS = ("album_id", "comments")
CONTENT_KEYS = (
    "type", "text", "title", "url", "media", "link", "sublinks", "options", "duration",
    "question", "details", "excerpt", "categories", "tags", "album_id", "comments",
)  # fmt: skip
MAX_UPLOAD_BYTES = 200 * 1024 * 1024  # POST /media refuses larger files
NEAR_LIMIT = 0.9  # text past this share of a limit earns a warning
MIN_LEAD_SECONDS = 60  # Publer: scheduled_at must be >= 1 minute ahead
ACCOUNT_GAP_SECONDS = 60  # Publer: one minute between posts on the same account

_EXTENSIONS = {
    "photo": ("png", "jpg", "jpeg", "webp"),
    "gif": ("gif",),
    "video": ("mp4", "mov", "avi", "webm", "m4v"),
    "document": ("pdf", "doc", "docx", "ppt", "pptx"),
}
KIND_OF_EXTENSION = MappingProxyType(
    {ext: kind for kind, exts in _EXTENSIONS.items() for ext in exts}
)


@dataclass(frozen=True)
class TypeRule:
    """What a content type needs: required fields ("a|b" = either) and the media it takes."""

    requires: tuple[str, ...] = ()
    media_kinds: frozenset[str] = frozenset()
    min_media: int = 0
    max_media: int | None = None  # None: the network's limit


@dataclass(frozen=True)
class PollRule:
    option_chars: int
    max_days: int
    question_key: str  # where the question goes: "text" (X, Mastodon) or "question" (LinkedIn)


@dataclass(frozen=True)
class NetworkRule:
    provider: str
    types: tuple[str, ...]
    keys: frozenset[str]  # content keys a networks.<provider> override may set
    text_limit: int | None
    max_media: int
    max_videos: int
    mix_media: bool = True  # photos and videos in one post
    long_text_limit: int | None = None  # X Premium long posts (details.type: long_post)
    title_limit: int | None = None
    requires: tuple[str, ...] = ()  # on top of the type's own requirements
    type_rules: Mapping[str, TypeRule] = field(default_factory=dict)  # network-specific types
    poll: PollRule | None = None
    recycling: bool = True
    recurring: bool = True
    max_accounts: int | None = None  # accounts of this network in one post
    max_photo_bytes: int | None = None
    url_is_slug: bool = False  # WordPress reads ``url`` as the article's slug


_VISUAL = frozenset({"photo", "video"})
TYPE_RULES: Mapping[str, TypeRule] = MappingProxyType({
    "status": TypeRule(requires=("text",), max_media=0),
    "photo": TypeRule(requires=("media",), media_kinds=frozenset({"photo"})),
    "video": TypeRule(requires=("media",), media_kinds=frozenset({"video"}), max_media=1),
    "link": TypeRule(requires=("url|link.url",), max_media=0),
    "carousel": TypeRule(requires=("media",), media_kinds=_VISUAL, min_media=2),
    "pdf": TypeRule(requires=("media",), media_kinds=frozenset({"document", "photo"})),
    "document": TypeRule(requires=("media",), media_kinds=frozenset({"document", "photo"})),
    "reel": TypeRule(requires=("media",), media_kinds=frozenset({"video"}), max_media=1),
    "story": TypeRule(requires=("media",), media_kinds=_VISUAL, max_media=1),
    "short": TypeRule(requires=("media",), media_kinds=frozenset({"video"}), max_media=1),
    "poll": TypeRule(requires=("options", "duration"), max_media=0),
    "gif": TypeRule(requires=("media",), media_kinds=frozenset({"gif"}), max_media=1),
    "article": TypeRule(requires=("title", "text"), media_kinds=frozenset({"photo"}), max_media=1),
    "event": TypeRule(
        requires=("details.title", "details.start"), media_kinds=frozenset({"photo"}), max_media=1
    ),
    "offer": TypeRule(
        requires=("details.title", "details.start"), media_kinds=frozenset({"photo"}), max_media=1
    ),
})  # fmt: skip

_BASE = frozenset({"type", "text", "media", "details"})
_LINKS = frozenset({"url", "link"})
_POLLS = frozenset({"options", "duration"})
MB = 1024 * 1024

RULES: Mapping[str, NetworkRule] = MappingProxyType({
    "facebook": NetworkRule(
        "facebook", ("status", "photo", "video", "link", "carousel", "story", "reel", "gif"),
        _BASE | _LINKS | {"title", "sublinks", "album_id", "comments"},
        text_limit=10_000, max_media=10, max_videos=1, mix_media=False,
        # A Facebook carousel is multi-link: up to 10 sublinks, no media.
        type_rules={"carousel": TypeRule(requires=("sublinks",), max_media=0)},
    ),
    "instagram": NetworkRule(
        "instagram", ("photo", "video", "carousel", "story", "reel"),
        _BASE | {"comments"},
        text_limit=2_200, max_media=10, max_videos=10, requires=("media",),
        max_photo_bytes=8 * MB,
    ),
    "twitter": NetworkRule(
        "twitter", ("status", "photo", "video", "link", "gif", "poll"),
        _BASE | _LINKS | _POLLS | {"comments"},
        text_limit=280, long_text_limit=25_000, max_media=4, max_videos=1, mix_media=False,
        poll=PollRule(option_chars=25, max_days=7, question_key="text"),
        max_photo_bytes=5 * MB,
    ),
    "linkedin": NetworkRule(
        "linkedin", ("status", "photo", "video", "link", "pdf", "document", "poll", "gif"),
        _BASE | _LINKS | _POLLS | {"title", "question", "comments"},
        text_limit=3_000, max_media=20, max_videos=1, mix_media=False,
        poll=PollRule(option_chars=30, max_days=14, question_key="question"),
    ),
    "pinterest": NetworkRule(
        "pinterest", ("photo", "video", "carousel"),
        _BASE | {"title", "url", "album_id"},
        text_limit=500, title_limit=100, max_media=5, max_videos=1, mix_media=False,
        requires=("media", "album_id"),
    ),
    "youtube": NetworkRule(
        "youtube", ("video", "short"),
        _BASE | {"title", "tags", "comments"},
        text_limit=5_000, title_limit=100, max_media=1, max_videos=1, requires=("title",),
        recycling=False, recurring=False,
    ),
    "tiktok": NetworkRule(
        "tiktok", ("video", "photo", "carousel"),
        _BASE | {"title"},
        text_limit=2_200, max_media=35, max_videos=1, mix_media=False,
        recycling=False, recurring=False, max_accounts=1,
    ),
    "google": NetworkRule(
        "google", ("status", "photo", "event", "offer"),
        _BASE | {"title", "url"},
        text_limit=1_500, max_media=1, max_videos=0,
    ),
    "wordpress": NetworkRule(
        "wordpress", ("article",),
        _BASE | {"title", "url", "excerpt", "categories", "tags"},
        text_limit=None, max_media=1, max_videos=0, recycling=False, recurring=False,
        url_is_slug=True,
    ),
    "telegram": NetworkRule(
        "telegram", ("status", "photo", "video", "link", "gif"),
        _BASE | _LINKS,
        text_limit=4_096, max_media=10, max_videos=10,
    ),
    "mastodon": NetworkRule(
        "mastodon", ("status", "photo", "video", "link", "gif", "poll"),
        _BASE | _LINKS | _POLLS | {"comments"},
        text_limit=500, max_media=4, max_videos=1, mix_media=False,
        poll=PollRule(option_chars=50, max_days=7, question_key="text"),
    ),
    "threads": NetworkRule(
        "threads", ("status", "photo", "video", "link"),
        _BASE | _LINKS | {"comments"},
        text_limit=500, max_media=20, max_videos=20,
    ),
    "bluesky": NetworkRule(
        "bluesky", ("status", "photo", "video", "link"),
        _BASE | _LINKS | {"comments"},
        text_limit=300, max_media=4, max_videos=1, mix_media=False,
    ),
})  # fmt: skip


def text_limit(provider: str, content: Mapping[str, Any] | None = None) -> int | None:
    """Characters of ``text`` a provider takes (X long posts when ``details.type`` says so)."""
    rule = RULES.get(provider)
    if rule is None:
        return None
    details = (content or {}).get("details")
    if rule.long_text_limit and isinstance(details, dict) and details.get("type") == "long_post":
        return rule.long_text_limit
    return rule.text_limit


def type_rule(provider: str, kind: str) -> TypeRule:
    """The rule for ``kind`` on ``provider``: the network's own if it has one, else the generic."""
    rule = RULES.get(provider)
    if rule is not None and kind in rule.type_rules:
        return rule.type_rules[kind]
    return TYPE_RULES.get(kind, TypeRule())


def media_kind(item: Mapping[str, Any]) -> str | None:
    """photo / video / gif / document from the item's ``type`` or its file extension."""
    declared = item.get("type")
    if isinstance(declared, str):
        return declared
    for key in ("path", "url"):
        value = item.get(key)
        if isinstance(value, str) and "." in value:
            ext = value.rsplit("?", 1)[0].rsplit(".", 1)[-1].lower()
            return KIND_OF_EXTENSION.get(ext)
    return None


def infer_type(content: Mapping[str, Any], provider: str | None = None) -> str:
    """The type a post means when it names none: its media, link or poll tells."""
    rule = RULES.get(provider or "")
    if rule is not None and len(rule.types) == 1:
        return rule.types[0]
    media = content.get("media")
    if isinstance(media, list) and media:
        kinds = {media_kind(m) for m in media if isinstance(m, dict)} - {None}
        if len(media) > 1:
            return "carousel" if "video" in kinds else "photo"
        return str(next(iter(kinds), "photo"))
    if content.get("options"):
        return "poll"
    if content.get("sublinks"):
        return "carousel"
    if content.get("url") or content.get("link"):
        return "link"
    return "status"


def effective_content(post: Post, provider: str) -> dict[str, Any]:
    """Common content with ``networks[provider]`` merged over it.

    Top-level keys are replaced by the override; ``details`` is merged one
    level deep. A post that names no ``type`` gets the inferred one.
    """
    merged = dict(post.content)
    override = post.networks.get(provider)
    if override:
        for key, value in override.items():
            base = merged.get(key)
            if key == "details" and isinstance(base, dict) and isinstance(value, dict):
                merged[key] = {**base, **value}
            else:
                merged[key] = value
    if "type" not in merged:
        merged["type"] = infer_type(merged, provider)
    return merged


def origin(post: Post, provider: str, key: str) -> tuple[str, ...]:
    """JSON path (inside the post) where ``provider``'s value of ``key`` ("a" or "a.b") is written.

    The override wins over the common content; a missing key points at its
    nearest written parent, or at the common key (where it should be added).
    """
    parts = tuple(key.split("."))
    override = post.networks.get(provider) or {}
    bases = ((override, ("networks", provider)), (post.content, ()))
    for depth in range(len(parts), 0, -1):
        for base, prefix in bases:
            if _has(base, parts[:depth]):
                return (*prefix, *parts[:depth])
    return parts[:1]


def _has(data: Mapping[str, Any], parts: tuple[str, ...]) -> bool:
    node: Any = data
    for part in parts:
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True
