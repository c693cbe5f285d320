"""Text in, its length the way a network counts it: X's weighted length, graphemes, characters.

``weighted_length`` follows X's published counting rules (twitter-text's v3
configuration: every URL counts 23, code points in the Latin, Cyrillic, Greek,
Hebrew, Arabic and Indic ranges and the general punctuation X lists weigh 1,
everything else (CJK, most symbols) weighs 2, and an emoji sequence, however
many code points it joins, weighs 2), after NFC normalisation, so a letter
plus a combining accent that compose count once.
https://docs.x.com/fundamentals/counting-characters
The PyPI port of twitter-text (``twitter-text-parser`` 3.0.0, 2023) imports
``pkg_resources``, which setuptools 81 removed, so it cannot be installed
next to a current toolchain; the rules are small and are kept here instead,
with ``regex`` (a maintained drop-in for ``re`` with Unicode properties and
``\\X`` grapheme clusters) doing the Unicode part.
``graphemes`` counts extended grapheme clusters (UAX #29): Bluesky's 300 are
graphemes. https://docs.bsky.app/docs/advanced-guides/post-richtext
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from enum import StrEnum
from types import MappingProxyType

import regex

URL_WEIGHT = 23
# X's weight-1 ranges (twitter-text config/v3.json); anything else weighs 2.
_LIGHT = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
# URLs as X links them: with a scheme, or starting www. [I: X also links bare domains
# with a known TLD; those are counted as text here, which only ever over-counts]
_URL = regex.compile(r"(?:https?://|www\.)[^\s<>\"']+?(?=[.,:;!?)\]]*(?:\s|$))", regex.I)
_CLUSTER = regex.compile(r"\X")
_EMOJI = regex.compile(r"\p{Emoji_Presentation}|\uFE0F|\p{Regional_Indicator}|\u20E3")
# One match per code point outside _LIGHT: each weighs 2, so 1 more than its count.
_HEAVY = regex.compile("[^" + "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in _LIGHT) + "]")
# Non-ASCII runs, the single ASCII characters between them and one on each side.
_ISLAND = regex.compile(r"[\x00-\x7f]?(?:[^\x00-\x7f]+[\x00-\x7f]?)+")


def normalised(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def weighted_length(text: str) -> int:
    """X's length of ``text``: the number X compares with 280 (or 25,000 for long posts)."""
    text = normalised(text)
    total = 0
    position = 0
    for match in _URL.finditer(text):
        total += _weigh(text[position : match.start()]) + URL_WEIGHT
        position = match.end()
    return total + _weigh(text[position:])


def _weigh(text: str) -> int:
    """Every code point weighs 1, plus 1 per heavy one; an emoji's cluster weighs 2 whole.

    Counted by C regex scans rather than a Python loop per code point (it was the most
    of validating 10,000 posts). Clusters are split only in the islands that hold an
    emoji: two ASCII code points in a row are always a cluster boundary (UAX #29: no
    ASCII character extends, prepends or joins; CR LF holds no emoji), so an island
    (its non-ASCII runs with the ASCII between them and one on each side) is clustered
    as it would be in the whole text.
    """
    if text.isascii():
        return len(text)  # ASCII is all weight 1 and holds no emoji
    total = len(text) + len(_HEAVY.findall(text))
    if _EMOJI.search(text) is None:
        return total
    for island in _ISLAND.findall(text):
        if _EMOJI.search(island) is None:
            continue
        for cluster in _CLUSTER.findall(island):
            if _EMOJI.search(cluster):
                total += 2 - len(cluster) - len(_HEAVY.findall(cluster))
    return total


def graphemes(text: str) -> int:
    """User-perceived characters: a flag, a family emoji or e + a combining accent is one."""
    return len(_CLUSTER.findall(normalised(text)))


def characters(text: str) -> int:
    """Unicode code points after NFC, what "characters" means on the other networks' pages."""
    return len(normalised(text))


class Counting(StrEnum):
    """How a network measures text against its limit."""

    CHARACTERS = "characters"  # code points after NFC: "characters" on Publer's pages
    WEIGHTED = "weighted"  # X: URLs 23, emoji and CJK 2 (weighted_length)
    GRAPHEMES = "graphemes"  # Bluesky: user-perceived characters


_MEASURE: Mapping[Counting, Callable[[str], int]] = MappingProxyType({
    Counting.CHARACTERS: characters,
    Counting.WEIGHTED: weighted_length,
    Counting.GRAPHEMES: graphemes,
})  # fmt: skip
_UNIT = MappingProxyType({
    Counting.CHARACTERS: "characters",
    Counting.WEIGHTED: "weighted characters (X counts URLs as 23 and emoji/CJK as 2)",
    Counting.GRAPHEMES: "graphemes (Bluesky counts what a reader sees as one character)",
})  # fmt: skip


def measure(counting: Counting, text: str) -> int:
    """``text`` measured by ``counting``."""
    return _MEASURE[counting](text)


def at_most(counting: Counting, text: str) -> int | None:
    """A bound ``measure`` cannot exceed, from the length alone; None: no cheap one (X).

    NFC lengthens a text at most 3 times (UAX #15, "Stable Code Points" / the expansion
    table: NFC 3x); a grapheme holds at least one code point.
    """
    if counting is Counting.CHARACTERS:
        return 3 * len(text)
    if counting is Counting.GRAPHEMES:
        return len(text)
    return None


def unit_of(counting: Counting) -> str:
    """What ``measure`` counted, for messages."""
    return _UNIT[counting]
