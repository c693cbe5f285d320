"""A target's content and options in, the same said the way each feature's Publer page says it.

``wire_type`` rewrites a network entry's ``type`` (shorthands, LinkedIn
documents, Google events and offers, link objects); ``recurring_body`` and
``day_edge`` give the recurring and auto-schedule fields as the current pages
read them. Each reading where pages disagree is a switch in ``publer_facts`` or
``publer_switches`` (docs/publer-api.md §8). Pure functions, used by ``plan.targets``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time

from contentctl import publer_facts as facts
from contentctl import publer_switches as switches
from contentctl.manifest.times import zone
from contentctl.model import JSONObject, JSONValue, Post
from contentctl.publer_extras import EXTRAS
from contentctl.publer_facts import SHORTHAND_TYPES


def _object(value: JSONValue) -> Mapping[str, JSONValue]:
    return value if isinstance(value, dict) else {}


def wire_type(provider: str, content: JSONObject) -> None:
    """The manifest's type said the way the feature's own Publer page says it.

    Shorthands (reel, story, short) are video/photo + ``details.type``; LinkedIn
    documents and Google events/offers are ``type`` photo + ``details.type``; a link
    post's url goes in a ``link`` object; a WordPress article in the OAS shape gets its
    ``content`` blocks. Each reading is a switch in ``publer_facts``.
    """
    kind = content.get("type")
    wire: str | None = None
    if isinstance(kind, str) and kind in SHORTHAND_TYPES:
        wire = SHORTHAND_TYPES[kind]
    elif provider == "linkedin" and kind in ("pdf", "document"):
        wire, kind = facts.DOCUMENT_WIRE_TYPE, "document"
    elif provider == "google" and kind in ("event", "offer"):
        wire = facts.GOOGLE_WIRE_TYPE
    elif provider == "wordpress" and facts.WORDPRESS_WIRE == "oas":
        _oas_article(content)
    elif kind == "link" and facts.LINK_AS_OBJECT:
        link = dict(_object(content.get("link")))
        url = content.pop("url", None)
        if url is not None:
            link.setdefault("url", url)
        content["link"] = link
    if wire == kind:  # a document sent as ``type: document``: not the create page's pdf
        content["type"] = wire
    elif wire is not None:
        content["type"] = wire
        details = dict(_object(content.get("details")))
        details.setdefault("type", kind)
        content["details"] = details
    if provider == "youtube":
        _youtube_privacy(content)


def _youtube_privacy(content: JSONObject) -> None:
    """A normal YouTube video's privacy where ``publer_switches.YOUTUBE_VIDEO_PRIVACY``
    puts it (the manifest writes ``details.privacy``); a Short keeps ``details.privacy``."""
    details = dict(_object(content.get("details")))
    if details.get("type") == "short" or switches.YOUTUBE_VIDEO_PRIVACY != "top":
        return
    if "privacy" in details:
        content["privacy"] = details.pop("privacy")
        if details:
            content["details"] = details
        else:
            content.pop("details", None)


def _oas_article(content: JSONObject) -> None:
    """A WordPress article as the OAS block reads it: the text also as paragraph blocks
    (``content`` is required), categories and tags by id, as strings."""
    text = content.get("text")
    parts = text.split("\n\n") if isinstance(text, str) else []
    paragraphs = [p.strip() for p in parts if p.strip()]
    content["content"] = [
        {"id": f"p{i}", "type": "paragraph", "data": {"text": p}}
        for i, p in enumerate(paragraphs, 1)
    ]
    for key in ("categories", "tags"):
        values = content.get(key)
        if isinstance(values, list):
            content[key] = [str(v) for v in values]


def wire_extras(provider: str, content: JSONObject) -> None:
    """The network's OAS-only fields (Mastodon visibility, Telegram parse mode, X reply
    settings, ...) renamed from the manifest's snake_case to the OAS spelling
    (``publer_extras``)."""
    for key, extra in EXTRAS.get(provider, {}).items():
        if key in content:
            content[extra.wire] = content.pop(key)


def day_edge(value: JSONValue, tz: str, at: time) -> JSONValue:
    """A range day as the timestamp Publer reads: the day's first or last second, local."""
    if not isinstance(value, str) or "T" in value:
        return value
    moment = datetime.combine(date.fromisoformat(value), at, zone(tz))
    return moment.isoformat()


def _publer_day(day: JSONValue) -> JSONValue:
    number = switches.publer_day(day)
    return number if isinstance(number, int) else day


def recurring_body(options: Mapping[str, JSONValue], post: Post) -> JSONObject:
    """The current recurring page's body: a timestamped start, a repeat rate, no account time."""
    out: JSONObject = {"repeat_rate": 1, **options}
    days = options.get("days_of_week")
    if isinstance(days, list):  # names to Publer's numbers (publer_switches)
        out["days_of_week"] = [_publer_day(d) for d in days]
    start = options.get("start_date")
    tz = zone(post.timezone)
    local = post.at.astimezone(tz) if post.at is not None else None
    if isinstance(start, str) and "T" not in start:
        clock = local.timetz() if local is not None else time(0, 0, tzinfo=tz)
        day = date.fromisoformat(start)
        out["start_date"] = datetime.combine(day, clock.replace(tzinfo=None), tz).isoformat()
    elif start is None and local is not None:
        out["start_date"] = local.isoformat()
    end = options.get("end_date")
    if isinstance(end, str) and "T" not in end:
        out["end_date"] = day_edge(end, post.timezone, time(23, 59, 59))
    return out
