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
from contentctl import publer_switches as switches
from contentctl.publer_extras import extra_problem
from contentctl.sandbox.values import as_list, as_object

MediaLookup = Callable[[str], Mapping[str, object] | None]

_BLANK: tuple[object, ...] = (None, "", [], {})
# ``type`` values that carry a format in ``details.type`` (REELS, LIPDF, GBP).
_CARRIERS = {"video": ("reel", "short"), "photo": ("story", "document", "event", "offer")}


def editable_when_published(provider: str) -> frozenset[str]:
    """What ``PUT /posts/{id}`` may still change once the post is live on ``provider``."""
    rule = facts.RULES.get(provider)
    return rule.editable_published if rule is not None else frozenset()


def check_content(
    provider: str, entry: Mapping[str, object], *, post_level_media: bool, media: MediaLookup
) -> str | None:
    """The first thing Publer would refuse in this network entry, or None."""
    rule = facts.RULES.get(provider)
    kind = wire_kind(provider, entry)
    # ``pdf`` is only the create page's overview; LinkedIn's own page sends a document
    if rule is None or kind not in rule.types or kind == "pdf":
        return f"{provider} does not support {kind} posts"
    for need in rule.requires:
        if need not in ("media", "album_id") and entry.get(need) in _BLANK:
            return f"{need.capitalize()} can't be blank"
    problem = extra_problem(provider, entry)  # the OAS-only fields (publer_extras)
    if problem:
        return problem
    if provider == "youtube":
        problem = _check_youtube_privacy(kind, entry)
        if problem:
            return problem
    text = entry.get("text")
    if text is not None and not isinstance(text, str):
        return "Text must be a string"
    problem = check_text(provider, text or "", entry.get("title"), entry.get("details"))
    if problem:
        return problem
    needs = facts.type_rule(provider, kind).requires
    if provider == "wordpress" and facts.WORDPRESS_WIRE == "oas":
        problem = _check_oas_article(entry)
        if problem:
            return problem
        needs = tuple(n for n in needs if n != "text")  # the OAS block: content, not text
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


def wire_kind(provider: str, entry: Mapping[str, object]) -> str:
    """The content type an entry means: its ``type``, or ``details.type`` where the page
    sends ``video``/``photo`` plus a format (reels, shorts, stories, LinkedIn documents,
    Google events and offers)."""
    kind = str(entry.get("type") or "status")  # a body without type is a 400 before this
    inner = as_object(entry.get("details")).get("type")
    carried = isinstance(inner, str) and inner in _CARRIERS.get(kind, ())
    if carried and (inner != "document" or provider == "linkedin"):
        return str(inner)
    return kind


def _check_youtube_privacy(kind: str, entry: Mapping[str, object]) -> str | None:
    """Privacy where ``publer_switches.YOUTUBE_VIDEO_PRIVACY`` says (a Short: ``details``),
    one of YouTube's values; a misplaced one is refused, not silently dropped."""
    details = as_object(entry.get("details"))
    top = kind == "video" and switches.YOUTUBE_VIDEO_PRIVACY == "top"
    where, wrong = ("privacy", "details.privacy") if top else ("details.privacy", "privacy")
    if (details if top else entry).get("privacy") is not None:
        return f"A YouTube {kind} takes {where}, not {wrong}"
    value = (entry if top else details).get("privacy")
    if value is not None and value not in switches.YOUTUBE_PRIVACY_VALUES:
        return f"Privacy must be one of {', '.join(switches.YOUTUBE_PRIVACY_VALUES)}"
    return None


def check_text(provider: str, text: str, title: object, details: object = None) -> str | None:
    """Text and title against the network's limits, counted the way the network counts."""
    limit = facts.text_limit(provider, {"details": details})
    size = facts.text_length(provider, text)
    if limit is not None and size > limit:
        unit = facts.length_unit(provider)
        return f"Text is too long for {provider}: {size} {unit}, the limit is {limit}"
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
        problem = _check_item(provider, item, media)
        if problem:
            return problem
        types.append(str(as_object(item).get("type")))
    rule, tr = facts.RULES[provider], facts.type_rule(provider, kind)
    count = len(items)
    if "sublinks" in tr.requires:
        return _check_sublinks(entry.get("sublinks"))
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


def _check_item(provider: str, item: object, media: MediaLookup) -> str | None:
    """One ``media[]`` item: uploaded first (or ``external-N`` where Publer takes it),
    typed as its upload says, with uploaded photos as thumbnails (MEDIA, REELS, PIN)."""
    if not isinstance(item, dict) or not (item.get("id") or item.get("path")):
        return "Each media item needs an id"
    media_id = str(item.get("id") or "")
    sent = item.get("type")
    if sent not in facts.MEDIA_KINDS:
        return f"Media type must be one of {', '.join(facts.MEDIA_KINDS)}"
    if media_id.startswith("external"):
        if provider not in facts.EXTERNAL_MEDIA_PROVIDERS:
            return f"Media {media_id} not found: upload it first or use /media/from-url"
        return None if item.get("path") else f"Media {media_id} needs a path"
    known = media(media_id)
    if known is None:
        return f"Media {media_id} not found"
    if known.get("type") != sent:
        return f"Media {media_id} is a {known.get('type')}, not a {sent}"
    for thumb in as_list(item.get("thumbnails")):
        found = media(str(as_object(thumb).get("id") or ""))
        if found is None or found.get("type") != "photo":
            return "Thumbnails must be uploaded photos"
    default = item.get("default_thumbnail")
    if default is not None and not (
        isinstance(default, int) and 0 <= default < len(as_list(item.get("thumbnails")))
    ):
        return "default_thumbnail must be the index of one of the thumbnails"
    return None


# What each Facebook carousel card needs (FBCAROUSEL's workflow: url, title, description
# and images). https://publer.com/docs/posting/create-posts/content-types/platform-specific-formats/multi-link-posts-facebook-carousels
_SUBLINK_NEEDS = ("url", "title", "description", "images")


def _check_sublinks(sublinks: object) -> str | None:
    if not isinstance(sublinks, list) or not 1 <= len(sublinks) <= facts.MAX_SUBLINKS:
        return f"A Facebook carousel needs 1 to {facts.MAX_SUBLINKS} sublinks"
    for index, item in enumerate(sublinks):
        card = as_object(item)
        for need in _SUBLINK_NEEDS:
            if card.get(need) in _BLANK:
                return f"sublinks[{index}].{need} can't be blank"
        default, images = card.get("default_image"), as_list(card.get("images"))
        if default is not None and not (isinstance(default, int) and 0 <= default < len(images)):
            return f"sublinks[{index}].default_image must be the index of one of its images"
    return None


# WordPress in the OAS shape (``publer_facts.WORDPRESS_WIRE``): ``content`` blocks are
# required, categories and tags are ids. OAS WordPressNetworkContent:
# https://github.com/api-evangelist/publer/blob/main/openapi/_original/publer-openapi.yml
_BLOCK_TYPES = ("paragraph", "header", "list", "media", "table", "delimiter", "code", "html",
                "quote")  # fmt: skip


def _check_oas_article(entry: Mapping[str, object]) -> str | None:
    blocks = entry.get("content")
    if not isinstance(blocks, list) or not blocks:
        return "Content can't be blank"
    for index, item in enumerate(blocks):
        block = as_object(item)
        if (
            not block.get("id")
            or block.get("type") not in _BLOCK_TYPES
            or not isinstance(block.get("data"), dict)
        ):
            return f"content[{index}] must be a block with an id, a type and data"
    for key in ("categories", "tags"):
        for value in as_list(entry.get(key)):
            if not (isinstance(value, str) and value.isdigit()):
                return f"{key.capitalize()} must be ids, not {value!r}"
    return None
