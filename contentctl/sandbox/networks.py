"""Per-network content checks: one network entry in, the first problem Publer would report or None.

The facts (types, text and title limits, media counts, required fields, what a
published post may still change) are ``contentctl.publer_facts``, read at each
call: the sandbox plays Publer, and Publer's rules are the facts. This module
only says them the way Publer answers, one message per problem
(docs/publer-api.md §4).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from contentctl import publer_facts as facts
from contentctl.sandbox.values import as_list, as_object

MediaLookup = Callable[[str], Mapping[str, object] | None]

_BLANK: tuple[object, ...] = (None, "", [], {})


def editable_when_published(provider: str) -> frozenset[str]:
    """What ``PUT /posts/{id}`` may still change once the post is live on ``provider``."""
    rule = facts.RULES.get(provider)
    return rule.editable_published if rule is not None else frozenset()


def check_content(
    provider: str, entry: Mapping[str, object], *, post_level_media: bool, media: MediaLookup
) -> str | None:
    """The first thing Publer would refuse in this network entry, or None."""
    rule = facts.RULES.get(provider)
    kind = str(entry.get("type") or "status")
    if rule is None or kind not in rule.types:
        return f"{provider} does not support {kind} posts"
    text = entry.get("text")
    if text is not None and not isinstance(text, str):
        return "Text must be a string"
    problem = check_text(provider, text or "", entry.get("title"), entry.get("details"))
    if problem:
        return problem
    needs = facts.type_rule(provider, kind).requires
    question = rule.poll.question_key if kind == "poll" and rule.poll else None
    if ("text" in needs or question == "text") and not text:
        return "Text can't be blank"
    if question == "question" and entry.get("question") in _BLANK:
        return "Question can't be blank"
    url = entry.get("url") or as_object(entry.get("link")).get("url")
    if "url|link.url" in needs and not url:
        return "A link post needs a url"
    low, high = facts.POLL_OPTIONS
    options = entry.get("options")
    if kind == "poll" and not (isinstance(options, list) and low <= len(options) <= high):
        return f"A poll needs {low} to {high} options"
    if kind == "poll" and rule.poll is not None:
        problem = _check_poll(provider, options, entry.get("duration"), rule.poll)
        if problem:
            return problem
    items = entry.get("media")
    if items is None and post_level_media:
        return "undefined method 'count' for nil"
    if items is not None and not isinstance(items, list):
        return "Media must be a list"
    return _check_media(provider, kind, entry, as_list(items), media)


def check_text(provider: str, text: str, title: object, details: object = None) -> str | None:
    """Text and title against the network's limits (X long posts when ``details`` say so)."""
    limit = facts.text_limit(provider, {"details": details})
    if limit is not None and len(text) > limit:
        return f"Text is too long for {provider}: {len(text)} characters, the limit is {limit}"
    rule = facts.RULES.get(provider)
    title_limit = rule.title_limit if rule is not None else None
    if title_limit is not None and isinstance(title, str) and len(title) > title_limit:
        return f"Title is too long for {provider}: the limit is {title_limit} characters"
    return None


def _check_poll(
    provider: str, options: object, duration: object, poll: facts.PollRule
) -> str | None:
    for option in as_list(options):
        if not isinstance(option, str) or len(option) > poll.option_chars:
            return f"Poll options on {provider} take at most {poll.option_chars} characters"
    if not isinstance(duration, int) or not 1 <= duration <= poll.max_days:
        return f"A poll on {provider} runs 1 to {poll.max_days} days"
    return None


def _check_media(
    provider: str, kind: str, entry: Mapping[str, object], items: list[object], media: MediaLookup
) -> str | None:
    types: list[str] = []
    for item in items:
        if not isinstance(item, dict) or not (item.get("id") or item.get("path")):
            return "Each media item needs an id"
        known = media(str(item["id"])) if item.get("id") else None
        if known is None and item.get("id") and not str(item["id"]).startswith("external"):
            return f"Media {item['id']} not found"
        types.append(str((known or item).get("type") or "photo"))
    rule, tr = facts.RULES[provider], facts.type_rule(provider, kind)
    count = len(items)
    if "sublinks" in tr.requires:
        sublinks = entry.get("sublinks")
        if not isinstance(sublinks, list) or not 1 <= len(sublinks) <= facts.MAX_SUBLINKS:
            return f"A Facebook carousel needs 1 to {facts.MAX_SUBLINKS} sublinks"
        return None
    if "video" in types and rule.max_videos == 0:
        return f"{provider} does not accept videos"
    if "media" in tr.requires and tr.max_media == 1 and count != 1:
        return f"A {kind} post takes exactly one media item, got {count}"
    if tr.media_kinds == {"video"} and types and types[0] != "video":
        return f"A {kind} post needs a video"
    most = rule.max_media
    if kind == "photo" and not 1 <= count <= most:
        return f"A {provider} photo post takes 1 to {most} media items, got {count}"
    if kind == "carousel" and not tr.min_media <= count <= most:
        return f"A {provider} carousel takes {tr.min_media} to {most} media items, got {count}"
    if "document" in tr.media_kinds and count < 1:
        return f"A {kind} post needs a file"
    return None
