"""What Publer allows, as one table: constants in, nothing computed but two lookups.

Gives ``RULES`` (provider → ``NetworkRule``: types, text and title limits,
media counts and kinds, required fields, what can be edited once published,
recycling and recurring support, accounts per request), ``TYPE_RULES``
(content type → ``TypeRule``) and the global facts: bulk size and states,
upload size and formats, lead time, account gap and rate limit. ``text_limit``
and ``type_rule`` look facts up. Everything that needs to know what Publer
takes reads it from here: ``validate``, the plan (what can be edited), the
applier (bulk size), the client (rate limit) and the sandbox, which plays
Publer. ``schemas/post.schema.json`` repeats the per-network facts for editors;
``tests/unit/test_publer_facts.py`` fails when the two disagree. Each fact
names the Publer page it rests on; a fact marked [I] is an inference.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from contentctl import publer_daily as _daily
from contentctl.publer_counting import Counting, at_most, measure, unit_of
from contentctl.publer_extras import EXTRA_KEYS, extra_keys

PROVIDERS = (
    "facebook", "instagram", "twitter", "linkedin", "pinterest", "youtube", "tiktok",
    "google", "wordpress", "telegram", "mastodon", "threads", "bluesky",
)  # fmt: skip  # https://publer.com/docs/api-reference/accounts (provider enum)
# Every ``type`` Publer takes on a network entry, plus contentctl's shorthands.
# https://publer.com/docs/posting/create-posts (type table) and https://publer.com/docs/create-posts/content-types
TYPES = (
    "status", "photo", "video", "link", "carousel", "pdf", "document", "reel", "story",
    "short", "poll", "gif", "article", "event", "offer",
)  # fmt: skip
# Reels, stories and shorts are ``type`` video/photo plus ``details.type``.
# https://publer.com/docs/posting/create-posts/content-types/platform-specific-formats/reels-shorts-and-stories
SHORTHAND_TYPES = MappingProxyType({"reel": "video", "story": "photo", "short": "video"})
# ``media[].type`` of a post and of an uploaded file (MediaUploadResponse).
# https://publer.com/docs/api-reference/media
MEDIA_KINDS = ("photo", "video", "gif", "document")
# Content keys Publer takes on the account entry (``accounts[]``), not the network entry:
# boards and albums, first comments.
# https://publer.com/docs/posting/create-posts/content-types/platform-specific-formats/pinterest-pins-with-a-link-url
# https://publer.com/docs/posting/create-posts/content-types/post-callbacks
# Post callbacks (auto-share, auto-delete/hide), signatures and watermarks live there too.
# https://publer.com/docs/posting/create-posts/content-types/post-with-signature
# https://publer.com/docs/create-posts/content-types/post-with-watermark
ACCOUNT_KEYS = ("album_id", "comments", "share", "delete", "signature", "watermark")
CONTENT_KEYS = (
    "type", "text", "title", "url", "media", "link", "sublinks", "options", "duration",
    "question", "details", "excerpt", "categories", "tags", "album_id", "comments",
    "share", "delete", "signature", "watermark", "category",
    *EXTRA_KEYS,  # only under networks.<provider>: publer_extras.py
)  # fmt: skip
# Conditions of comments, auto-share and auto-delete (CALLBACKS, current page).
CONDITION_RELATIONS = ("AND", "OR")
CONDITION_CLAUSES = ("age", "engagements", "reach")

# -- creating posts ---------------------------------------------------------------

# Posts in one POST /posts/schedule request, and the ``bulk.state`` values it takes.
# https://publer.com/docs/posting/create-posts
MAX_BULK_POSTS = 500
BULK_STATES = ("scheduled", "draft", "draft_private", "draft_public", "recurring")
# ``scheduled_at`` at least a minute ahead, and a minute between posts on one account.
# https://publer.com/docs/posting/create-posts/publishing-methods/manual-scheduling
MIN_LEAD_SECONDS = 60
ACCOUNT_GAP_SECONDS = 60
# Requests per window, per user across all keys (fixed window; one older page says sliding).
# https://publer.com/docs/getting-started/rate-limits
RATE_LIMIT_REQUESTS = 100
RATE_LIMIT_WINDOW_SECONDS = 120
# Polls take 2 to 4 options (per-network limits are in ``PollRule``).
# https://publer.com/docs/posting/create-posts/content-types/polls
POLL_OPTIONS = (2, 4)
# A Facebook multi-link carousel takes 1 to 10 sublinks.
# https://publer.com/docs/posting/create-posts/content-types/platform-specific-formats/multi-link-posts-facebook-carousels
MAX_SUBLINKS = 10

# -- where Publer's pages disagree: one switch each (docs/publer-api.md §8) ------------
# The rule: the dedicated page wins over the overview, the newer page over the older,
# and a page's prose example over the OAS block embedded in it.

# Labels: post level in CREATE's skeleton (prose) or ``accounts[].labels`` (OAS).
# "post" or "accounts". Per-account labels (``accounts[].labels`` in a manifest) always go
# on the account entry. https://publer.com/docs/posting/create-posts
LABELS_ON = "post"
# Label changes go in PUT /posts/{id} (UPDATE: labels stay editable once published; OAS names
# only text and title): updates, not re-creations. https://publer.com/docs/posting/update-posts
LABELS_IN_UPDATE = True
# LinkedIn documents: ``type: photo`` + ``details.type: document`` (LIPDF, the dedicated
# page) over ``type: document`` (CTYPES) and ``pdf`` (CREATE's overview).
# https://publer.com/docs/posting/create-posts/content-types/platform-specific-formats/linkedin-pdf-carousels
DOCUMENT_WIRE_TYPE = "photo"
# Google events and offers: ``type: photo`` + ``details.type: event|offer`` (GBP) over
# ``type: event`` (CTYPES).
# https://publer.com/docs/posting/create-posts/content-types/platform-specific-formats/google-business-profiles-updates-photos-events-and-offers
GOOGLE_WIRE_TYPE = "photo"
# Link posts: ``link: {url, title, description, images}`` (LINK) over a bare ``url`` (CREATE).
# https://publer.com/docs/posting/create-posts/content-types/link-posts
LINK_AS_OBJECT = True
# Media given by URL: imported with POST /media/from-url first (MEDIA), except where the
# dedicated page sends ``{"id": "external-N", "path": url}`` (PIN).
# https://publer.com/docs/posting/create-posts/media-handling
EXTERNAL_MEDIA_PROVIDERS = frozenset({"pinterest"})
# WordPress: "create" (the create page: networks.wordpress, text, taxonomy names or ids) over
# "oas" (its OAS block: wordpress_oauth/_basic by account type, content blocks, taxonomy ids).
WORDPRESS_WIRE = "create"
WORDPRESS_KEYS = ("wordpress_oauth", "wordpress_basic")


def network_key(provider: str, account_type: object = None) -> str:
    """``networks`` key of an account's entry (WordPress in the OAS shape: by account type)."""
    if provider != "wordpress" or WORDPRESS_WIRE != "oas":
        return provider
    return str(account_type) if account_type in WORDPRESS_KEYS else WORDPRESS_KEYS[0]


# Recurring: the current RECUR page (``start_date`` a timestamp carrying the time of day,
# ``repeat_rate``, no ``accounts[].scheduled_at``) over the older page's
# ``frequency/repeat_every/weekdays``. ``days_of_week`` take 0 to 6; what the numbers mean
# is ``publer_switches.RECURRING_DAY_NUMBERING`` (the page's example or OAS's).
# https://publer.com/docs/posting/create-posts/publishing-methods/recurring-posts
RECURRING_REPEATS = ("daily", "weekly", "monthly", "yearly")
RECURRING_DAY_NUMBERS = (0, 6)
# Recycling ``gap_freq`` values. https://publer.com/docs/posting/create-posts/publishing-methods/recycling-posts
RECYCLING_GAP_FREQ = ("Day", "Week", "Month")
# Recycled posts on these networks must vary: at least this many spintax variations of
# the text ({a|b}), or Publer will not recycle them (docs/publer-api.md §2: "GBP and two
# other networks need 10+ spintax variations"). Google Business Profile is the one the
# page names; the other two are not in our notes, so they are not guessed here: add each
# here once known (the shipped example recycles on X and Facebook).
# https://publer.com/docs/posting/create-posts/publishing-methods/recycling-posts
RECYCLING_VARIATIONS: Mapping[str, int] = MappingProxyType({"google": 10})
# Auto-schedule ``range``: ISO 8601 timestamps; contentctl sends the start day's first and
# the end day's last second in the post's zone, so the end day is covered.
# https://publer.com/docs/create-posts/publishing-methods/auto-scheduling

# -- daily post limits --------------------------------------------------------------
# In ``publer_daily.py`` (by network, account type and plan; stories apart), read here.
PUBLER_PLANS, DEFAULT_PUBLER_PLAN = _daily.PUBLER_PLANS, _daily.DEFAULT_PUBLER_PLAN
DAILY_LIMITS, DAILY_STORY_LIMITS = _daily.DAILY_LIMITS, _daily.DAILY_STORY_LIMITS
DAILY_LIMIT_MESSAGE, POSTS, STORIES = _daily.DAILY_LIMIT_MESSAGE, _daily.POSTS, _daily.STORIES
daily_kind, daily_limit = _daily.daily_kind, _daily.daily_limit
daily_limit_message = _daily.daily_limit_message

# -- media ----------------------------------------------------------------------

MB = 1024 * 1024
# POST /media takes files up to 200 MB (larger ones: 413, use /media/from-url), in these
# formats. webp and webm are seen working by live clients, m4v is [I]; heic is not taken.
# https://publer.com/docs/posting/create-posts/media-handling
MAX_UPLOAD_BYTES = 200 * MB
_EXTENSIONS = {
    "photo": ("png", "jpg", "jpeg", "webp"),
    "gif": ("gif",),
    "video": ("mp4", "mov", "avi", "webm", "m4v"),
    "document": ("pdf", "doc", "docx", "ppt", "pptx"),
}
KIND_OF_EXTENSION = MappingProxyType(
    {ext: kind for kind, exts in _EXTENSIONS.items() for ext in exts}
)

# -- editing ----------------------------------------------------------------------

# What PUT /posts/{id} takes on a post that is not yet published. Once published, each
# network allows less (``NetworkRule.editable_published``; labels live in Publer's own
# database, so they stay editable everywhere).
# https://publer.com/docs/posting/update-posts
EDITABLE_UNPUBLISHED = frozenset({"text", "title"})


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
    max_accounts: int | None = None  # accounts of this network in one request
    max_photo_bytes: int | None = None
    url_is_slug: bool = False  # WordPress reads ``url`` as the article's slug
    editable_published: frozenset[str] = frozenset()  # of EDITABLE_UNPUBLISHED, once live
    counting: Counting = Counting.CHARACTERS


# Required fields and media per type. The type table says link posts need text and a url.
# It lists text for photo, video and carousel posts too; there it stays optional, as a
# caption, until a live answer says otherwise [I].
# https://publer.com/docs/posting/create-posts (required properties)
_VISUAL = frozenset({"photo", "video"})
TYPE_RULES: Mapping[str, TypeRule] = MappingProxyType({
    "status": TypeRule(requires=("text",), max_media=0),
    "photo": TypeRule(requires=("media",), media_kinds=frozenset({"photo"})),
    "video": TypeRule(requires=("media",), media_kinds=frozenset({"video"}), max_media=1),
    "link": TypeRule(requires=("text", "url|link.url"), max_media=0),
    "carousel": TypeRule(requires=("media",), media_kinds=_VISUAL, min_media=2),
    # LinkedIn documents: images, PDF, Word or PowerPoint.
    # https://publer.com/docs/posting/create-posts/content-types/platform-specific-formats/linkedin-pdf-carousels
    "pdf": TypeRule(requires=("media",), media_kinds=frozenset({"document", "photo"})),
    "document": TypeRule(requires=("media",), media_kinds=frozenset({"document", "photo"})),
    "reel": TypeRule(requires=("media",), media_kinds=frozenset({"video"}), max_media=1),
    "story": TypeRule(requires=("media",), media_kinds=_VISUAL, max_media=1),
    "short": TypeRule(requires=("media",), media_kinds=frozenset({"video"}), max_media=1),
    "poll": TypeRule(requires=("options", "duration"), max_media=0),
    "gif": TypeRule(requires=("media",), media_kinds=frozenset({"gif"}), max_media=1),
    # WordPress: title, text and one featured image (OpenAPI WordpressNetworkContent).
    # https://github.com/api-evangelist/publer/blob/main/openapi/_original/publer-openapi.yml
    "article": TypeRule(requires=("title", "text"), media_kinds=frozenset({"photo"}), max_media=1),
    # Google Business events and offers: details.title and details.start, one photo.
    # https://publer.com/docs/posting/create-posts/content-types/platform-specific-formats/google-business-profiles-updates-photos-events-and-offers
    "event": TypeRule(
        requires=("details.title", "details.start"), media_kinds=frozenset({"photo"}), max_media=1
    ),
    "offer": TypeRule(
        requires=("details.title", "details.start"), media_kinds=frozenset({"photo"}), max_media=1
    ),
})  # fmt: skip

# Every network takes the per-account options: auto-share, auto-delete, signature, watermark.
_BASE = frozenset({"type", "text", "media", "details", "share", "delete", "signature", "watermark"})
_LINKS = frozenset({"url", "link"})
_POLLS = frozenset({"options", "duration"})
_TEXT = frozenset({"text"})
_TEXT_TITLE = frozenset({"text", "title"})

# Per network. Types: https://publer.com/docs/create-posts/content-types
# Text limits, media counts and sizes: https://publer.com/docs/posting/create-posts/content-types/photo-posts
# Polls: https://publer.com/docs/posting/create-posts/content-types/polls
# Recycling and recurring: https://publer.com/docs/posting/create-posts/publishing-methods/recycling-posts
# and https://publer.com/docs/posting/create-posts/publishing-methods/recurring-posts
# What a published post may still change: https://publer.com/docs/posting/update-posts
# (Facebook: text and a video's title; Telegram: the text of status and link posts;
# X, Instagram, Pinterest, Threads and Bluesky: labels only.)
RULES: Mapping[str, NetworkRule] = MappingProxyType({
    "facebook": NetworkRule(
        "facebook", ("status", "photo", "video", "link", "carousel", "story", "reel", "gif"),
        _BASE | _LINKS | {"title", "sublinks", "album_id", "comments"},
        text_limit=10_000, max_media=10, max_videos=1, mix_media=False,
        # A Facebook carousel is multi-link: up to MAX_SUBLINKS sublinks, no media.
        type_rules={"carousel": TypeRule(requires=("sublinks",), max_media=0)},
        editable_published=_TEXT_TITLE,
    ),
    "instagram": NetworkRule(
        "instagram", ("photo", "video", "carousel", "story", "reel"),
        _BASE | {"comments"},
        text_limit=2_200, max_media=10, max_videos=10, requires=("media",),
        max_photo_bytes=8 * MB,
    ),
    "twitter": NetworkRule(
        "twitter", ("status", "photo", "video", "link", "gif", "poll"),
        _BASE | _LINKS | _POLLS | {"comments"} | extra_keys("twitter"),
        # 25,000 characters for X Premium long posts (OpenAPI TwitterNetworkContent).
        # https://github.com/api-evangelist/publer/blob/main/openapi/_original/publer-openapi.yml
        text_limit=280, long_text_limit=25_000, max_media=4, max_videos=1, mix_media=False,
        poll=PollRule(option_chars=25, max_days=7, question_key="text"),
        max_photo_bytes=5 * MB,
        # X's weighted length: https://docs.x.com/fundamentals/counting-characters
        counting=Counting.WEIGHTED,
    ),
    "linkedin": NetworkRule(
        "linkedin", ("status", "photo", "video", "link", "pdf", "document", "poll", "gif"),
        _BASE | _LINKS | _POLLS | {"title", "question", "comments"},
        text_limit=3_000, max_media=20, max_videos=1, mix_media=False,
        poll=PollRule(option_chars=30, max_days=14, question_key="question"),
        editable_published=_TEXT,
    ),
    "pinterest": NetworkRule(
        "pinterest", ("photo", "video", "carousel"),
        _BASE | {"title", "url", "album_id"},
        # Pin title: Pinterest's own 100 characters [I]; the board is required.
        # https://publer.com/docs/posting/create-posts/content-types/platform-specific-formats/pinterest-pins-with-a-link-url
        text_limit=500, title_limit=100, max_media=5, max_videos=1, mix_media=False,
        requires=("media", "album_id"),
    ),
    "youtube": NetworkRule(
        "youtube", ("video", "short"),
        _BASE | {"title", "tags", "comments", "category"},
        # Title up to 100, description up to 5,000 (the update page).
        text_limit=5_000, title_limit=100, max_media=1, max_videos=1, requires=("title",),
        recycling=False, recurring=False, editable_published=_TEXT_TITLE,
    ),
    "tiktok": NetworkRule(
        "tiktok", ("video", "photo", "carousel"),
        _BASE | {"title"},
        # One TikTok account per request; no recycling or recurring.
        # https://publer.com/docs/posting/create-posts/content-types/platform-specific-formats/tiktok-video-and-multi-photo-posts
        text_limit=2_200, max_media=35, max_videos=1, mix_media=False,
        recycling=False, recurring=False, max_accounts=1,
    ),
    "google": NetworkRule(
        "google", ("status", "photo", "event", "offer"),
        _BASE | {"title", "url"},
        text_limit=1_500, max_media=1, max_videos=0, editable_published=_TEXT,
    ),
    "wordpress": NetworkRule(
        "wordpress", ("article",),
        _BASE | {"title", "url", "excerpt", "categories", "tags"},
        # No text limit and no video: one featured image [I]; no recycling or recurring.
        text_limit=None, max_media=1, max_videos=0, recycling=False, recurring=False,
        url_is_slug=True, editable_published=_TEXT_TITLE,
    ),
    "telegram": NetworkRule(
        "telegram", ("status", "photo", "video", "link", "gif"),
        _BASE | _LINKS | extra_keys("telegram"),
        text_limit=4_096, max_media=10, max_videos=10, editable_published=_TEXT,
    ),
    "mastodon": NetworkRule(
        "mastodon", ("status", "photo", "video", "link", "gif", "poll"),
        _BASE | _LINKS | _POLLS | {"comments"} | extra_keys("mastodon"),
        text_limit=500, max_media=4, max_videos=1, mix_media=False,
        poll=PollRule(option_chars=50, max_days=7, question_key="text"),
        editable_published=_TEXT_TITLE,
    ),
    "threads": NetworkRule(
        "threads", ("status", "photo", "video", "link"),
        _BASE | _LINKS | {"comments"} | extra_keys("threads"),
        text_limit=500, max_media=20, max_videos=20,
    ),
    "bluesky": NetworkRule(
        "bluesky", ("status", "photo", "video", "link"),
        _BASE | _LINKS | {"comments"} | extra_keys("bluesky"),
        # Four photos: Bluesky's own limit [I].
        text_limit=300, max_media=4, max_videos=1, mix_media=False,
        # 300 graphemes: https://docs.bsky.app/docs/advanced-guides/post-richtext
        counting=Counting.GRAPHEMES,
    ),
})  # fmt: skip


def text_limit(provider: str, content: Mapping[str, object] | None = None) -> int | None:
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


def text_length_at_most(provider: str, text: str) -> int | None:
    """A cheap bound on ``text_length`` (``publer_counting.at_most``); None: none."""
    rule = RULES.get(provider)
    return at_most(rule.counting if rule is not None else Counting.CHARACTERS, text)


def text_length(provider: str, text: str) -> int:
    """``text`` measured the way ``provider`` counts it (``NetworkRule.counting``)."""
    rule = RULES.get(provider)
    return measure(rule.counting if rule is not None else Counting.CHARACTERS, text)


def length_unit(provider: str) -> str:
    """What ``text_length`` counted, for messages: "characters", "weighted characters (…)"."""
    rule = RULES.get(provider)
    return unit_of(rule.counting if rule is not None else Counting.CHARACTERS)
