"""X's weighted length: the regex-scan counting equals X's per-code-point rule on every text."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contentctl import publer_counting as counting
from contentctl.publer_counting import Counting, at_most, measure


def per_code_point(text: str) -> int:
    """X's rule as written: per grapheme cluster, 2 for an emoji, else each code point's weight."""
    total = 0
    for cluster in counting._CLUSTER.findall(text):
        if counting._EMOJI.search(cluster):
            total += 2
            continue
        for char in cluster:
            code = ord(char)
            light = any(low <= code <= high for low, high in counting._LIGHT)
            total += 1 if light else 2
    return total


PIECES = (
    "a", " ", "\r\n", "\n", "é", "e\u0301", "\u0301", "日本", "😀", "👨\u200d👩\u200d👧",
    "\ufe0f", "1\ufe0f\u20e3", "🇫🇷", "\u2000", "\u200d", "\u200e", "\u2010", "\u201f",
    "\u2020", "\u2032", "\u2037", "\u2038", "\u10ff", "\u1100", "ข", "\u0600", "👍\U0001f3fb",
    "©", "\u00a9\ufe0f", "™", "\U00020000", "#\u20e3", "\r", "b", "\u0600a", " \u0301",
)  # fmt: skip


@pytest.mark.parametrize(
    ("text", "weight"),
    [
        ("", 0),
        ("plain ascii\r\n", 13),
        ("héllo", 5),
        ("日本", 4),
        ("a😀b", 4),
        ("👨\u200d👩\u200d👧", 2),
        ("1\ufe0f\u20e3", 2),
        ("\u2010\u2020", 3),
        ("e\u0301", 1),  # NFC composes é
    ],
)
def test_weights_of_known_texts(text: str, weight: int) -> None:
    assert counting.weighted_length(text) == weight


def test_weigh_equals_the_per_code_point_rule() -> None:
    rng = random.Random(16)
    for _ in range(20_000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 14)))
        assert counting._weigh(text) == per_code_point(text), repr(text)


def test_urls_weigh_23_around_weighed_text() -> None:
    text = "日本 https://example.com/a-long-path-here 😀"
    assert counting.weighted_length(text) == 4 + 1 + 23 + 1 + 2


@pytest.mark.parametrize("counting", list(Counting))
@given(text=st.text(max_size=60) | st.sampled_from(["\ufb2c" * 7, "\u0958\u0959", "ﷺ", "a\u0301"]))
def test_the_cheap_bound_is_never_below_the_count(counting: Counting, text: str) -> None:
    # validate skips counting a text whose bound is far from the limit: it must be a bound
    bound = at_most(counting, text)
    assert bound is None or measure(counting, text) <= bound


def test_nfc_can_lengthen_a_text_threefold_and_the_bound_allows_it() -> None:
    assert measure(Counting.CHARACTERS, "\ufb2c") == 3  # a composition exclusion decomposes
    assert at_most(Counting.CHARACTERS, "\ufb2c") == 3
