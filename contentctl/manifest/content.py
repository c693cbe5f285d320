"""A post's content as one network gets it: a ``Post`` and a provider in, plain values out.

``effective_content`` merges ``networks.<provider>`` over the common content
and names the type a post leaves out (``infer_type``, from its media, link or
poll); ``origin`` says where in the post a merged value was written, so a
diagnostic points there; ``media_items`` and ``media_kind`` read a media list
and an item's kind (from its ``type`` or its file extension). The facts these
read (which types a network takes, which extension is which kind) are in
``publer_facts``.
"""

from __future__ import annotations

from collections.abc import Mapping

from contentctl import publer_facts as facts
from contentctl.model import JSONObject, Post


def media_items(value: object) -> list[JSONObject]:
    """The items of a ``media`` list (anything but an object in it is left out)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def media_kind(item: Mapping[str, object]) -> str | None:
    """photo / video / gif / document from the item's ``type`` or its file extension."""
    declared = item.get("type")
    if isinstance(declared, str):
        return declared
    for key in ("path", "url"):
        value = item.get(key)
        if isinstance(value, str) and "." in value:
            ext = value.rsplit("?", 1)[0].rsplit(".", 1)[-1].lower()
            return facts.KIND_OF_EXTENSION.get(ext)
    return None


def infer_type(content: Mapping[str, object], provider: str | None = None) -> str:
    """The type a post means when it names none: its media, link or poll tells."""
    rule = facts.RULES.get(provider or "")
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


def effective_content(post: Post, provider: str) -> JSONObject:
    """Common content with ``networks[provider]`` merged over it.

    Top-level keys are replaced by the override; ``details`` is merged one
    level deep. A post that names no ``type`` gets the inferred one.
    """
    merged: JSONObject = dict(post.content)
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


def _has(data: Mapping[str, object], parts: tuple[str, ...]) -> bool:
    node: object = data
    for part in parts:
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True
