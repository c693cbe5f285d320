"""Per-network fields only Publer's OpenAPI blocks name: the manifest's key, the wire's, the values.

Mastodon's visibility, content warning and sensitive flag, Telegram's parse
mode and silent, preview-less messages, X's reply settings, and the post
Threads and Bluesky reply to appear in no prose page, only in the OAS
``*NetworkContent`` blocks Publer embeds (unverified against live Publer).
A manifest writes them under ``networks.<provider>`` in its own snake_case
(``spoiler_text``); they go on the network entry in the OAS spelling
(``spoilerText``). ``publer_facts`` adds them to each network's keys,
``plan.shapes.wire_extras`` renames them, and the sandbox checks the values.
X's ``details.community`` (``{id, name}``) is an open ``details`` key, passed as written.
https://github.com/api-evangelist/publer/blob/main/openapi/_original/publer-openapi.yml
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class Extra:
    """One such field: its OAS name and the values it takes (an enum, a boolean or text)."""

    wire: str
    choices: tuple[str, ...] = ()  # the enum; empty: any text, or a boolean
    boolean: bool = False


EXTRAS: Mapping[str, Mapping[str, Extra]] = MappingProxyType({
    # MastodonNetworkContent
    "mastodon": {
        "visibility": Extra("visibility", ("public", "unlisted", "private", "direct")),
        "sensitive": Extra("sensitive", boolean=True),
        "spoiler_text": Extra("spoilerText"),
    },
    # TelegramNetworkContent
    "telegram": {
        "parse_mode": Extra("parseMode", ("Markdown", "HTML")),
        "disable_notification": Extra("disableNotification", boolean=True),
        "disable_web_page_preview": Extra("disableWebPagePreview", boolean=True),
    },
    # TwitterNetworkContent
    "twitter": {"reply_settings": Extra("replySettings", ("everyone", "mentionedUsers",
                                                          "following"))},
    # ThreadsNetworkContent, BlueskyNetworkContent: the id of the post to reply to
    "threads": {"reply_to": Extra("replyTo")},
    "bluesky": {"reply_to": Extra("replyTo")},
})  # fmt: skip
EXTRA_KEYS = tuple(sorted({key for fields in EXTRAS.values() for key in fields}))


def extra_keys(provider: str) -> frozenset[str]:
    """The manifest keys of ``provider``'s extras."""
    return frozenset(EXTRAS.get(provider, {}))


def extra_problem(provider: str, entry: Mapping[str, object]) -> str | None:
    """The first extra of a network entry (in the wire spelling) whose value Publer's
    OAS enum or type refuses, in Publer's words; None when all are fine."""
    for extra in EXTRAS.get(provider, {}).values():
        if extra.wire not in entry:
            continue
        value = entry[extra.wire]
        name = extra.wire[0].upper() + extra.wire[1:]
        if extra.boolean and not isinstance(value, bool):
            return f"{name} must be true or false"
        if not extra.boolean and not isinstance(value, str):
            return f"{name} must be a string"
        if extra.choices and value not in extra.choices:
            return f"{name} must be one of {', '.join(extra.choices)}"
    details = entry.get("details")
    community = details.get("community") if isinstance(details, dict) else None
    malformed = not isinstance(community, dict) or not isinstance(community.get("id"), str)
    if provider == "twitter" and community is not None and malformed:
        return "Details community must have an id"
    return None
