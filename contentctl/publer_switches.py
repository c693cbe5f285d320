"""Where Publer's pages disagree, the switches ``publer_facts`` has no room for: one each.

The rule (docs/publer-api.md §8): the dedicated page wins over the overview, the
newer page over the older, and a page's prose example over the OAS block embedded
in it. Each switch names both sources; the wire (``plan.shapes``), the calendar
and the sandbox read it at each call, so a test (or a live finding) can flip it.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

# YouTube privacy of a normal video: "top" (``privacy`` at the top of the network entry,
# the OAS YoutubeNetworkContent, the only source for videos) or "details"
# (``details.privacy``, as the reels page says for Shorts). No prose page covers a normal
# video, so the OAS block contradicts nothing: "top". Shorts take ``details.privacy``
# either way (the reels page and the OAS agree).
# https://publer.com/docs/posting/create-posts/content-types/platform-specific-formats/reels-shorts-and-stories
# https://github.com/api-evangelist/publer/blob/main/openapi/_original/publer-openapi.yml
YOUTUBE_VIDEO_PRIVACY = "top"
YOUTUBE_PRIVACY_VALUES = ("public", "private", "unlisted")

# Recurring ``days_of_week``: "sunday_0" (the recurring page's example sends [1] for
# "every Monday": 0 = Sunday … 6 = Saturday) over "monday_0" (OAS: 0 = Monday … 6 = Sunday).
# A manifest writes day names (mapped through this) or Publer's own numbers (read through
# it by the calendar).
# https://publer.com/docs/posting/create-posts/publishing-methods/recurring-posts
RECURRING_DAY_NUMBERING = "sunday_0"
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_FIRST_DAY: Mapping[str, int] = MappingProxyType({"monday_0": 0, "sunday_0": 6})


def publer_day(day: object) -> object:
    """A manifest's day (a name, or Publer's number) as the number Publer reads."""
    if isinstance(day, str) and day.lower() in DAY_NAMES:
        weekday = DAY_NAMES.index(day.lower())  # Python's numbering: 0 = Monday
        return (weekday - _FIRST_DAY[RECURRING_DAY_NUMBERING]) % 7
    return day


def weekday_of(day: object) -> int:
    """Python's weekday (0 = Monday) of a manifest's day: a name or Publer's number."""
    number = publer_day(day)
    return (int(str(number)) + _FIRST_DAY[RECURRING_DAY_NUMBERING]) % 7


# Whether ``GET /posts`` lists a post sent with ``accounts[].signature`` with the signature's
# text appended to its ``text``. The signature page says Publer appends the signature to the
# post it publishes; neither it nor the posts page says what the listing gives back, so
# True is an inference [I] (the cautious reading: matching and the drift compare strip a
# known signature either way). The sandbox appends it (after a blank line) when True.
# https://publer.com/docs/posting/create-posts/content-types/post-with-signature
# https://publer.com/docs/api-reference/posts
SIGNATURE_IN_LISTED_TEXT = True
SIGNATURE_SEPARATOR = "\n\n"


def signed(text: str, signature: str) -> str:
    """``text`` as the listing gives it back once Publer appended ``signature``."""
    return f"{text}{SIGNATURE_SEPARATOR}{signature}" if SIGNATURE_IN_LISTED_TEXT else text


def unsigned(text: str, signature: str | None) -> str:
    """``text`` without a trailing ``signature`` (whitespace-insensitive, as fingerprints)."""
    if not signature or not signature.strip():
        return text
    words, tail = text.split(), signature.split()
    if len(words) > len(tail) and words[-len(tail) :] == tail:
        return " ".join(words[: -len(tail)])
    return text
