"""Text measured the way each network counts it: X weighted, Bluesky graphemes, others characters.

X: https://docs.x.com/fundamentals/counting-characters (URLs 23, emoji and CJK 2, NFC).
Bluesky: https://docs.bsky.app/docs/advanced-guides/post-richtext (300 graphemes).
The others: "characters" on https://publer.com/docs/posting/create-posts/networks, read as
code points after NFC. validate and the sandbox read the same functions.
"""

from __future__ import annotations

import pytest

from contentctl import publer_facts as facts
from contentctl.sandbox.networks import check_text

URL = "https://kettleandcrane.example/blog/" + "a" * 60  # 96 characters
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one emoji of 5 code points
FLAG = "\U0001f1e9\U0001f1ea"  # regional indicators D E
E_ACUTE = "e\u0301"  # e + combining acute: NFC makes it one code point
Q_TILDE = "q\u0303"  # no precomposed form: stays two code points, one grapheme


@pytest.mark.parametrize(
    ("provider", "text", "length"),
    [
        ("twitter", "Hello, world! 👋", 16),  # X's own example
        ("twitter", f"Read {URL}", 5 + 23),
        ("twitter", f"{URL}, {URL}.", 23 + 2 + 23 + 1),
        ("twitter", "茶道" * 10, 40),
        ("twitter", FAMILY + FLAG + "🙋🏽", 6),
        ("twitter", E_ACUTE * 10, 10),
        ("twitter", Q_TILDE, 2),
        ("bluesky", f"Read {URL}", 5 + len(URL)),
        ("bluesky", FAMILY * 10 + FLAG, 11),
        ("bluesky", "茶道" * 10, 20),
        ("bluesky", E_ACUTE + Q_TILDE, 2),
        ("mastodon", FAMILY, 5),
        ("linkedin", "茶道" + E_ACUTE, 3),
        ("facebook", f"Read {URL} 🍵", 5 + len(URL) + 2),
        ("threads", Q_TILDE, 2),
    ],
)  # fmt: skip
def test_each_network_counts_its_own_way(provider: str, text: str, length: int) -> None:
    assert facts.text_length(provider, text) == length


def test_x_accepts_a_long_url_a_plain_count_would_refuse() -> None:
    text = "x" * 250 + " " + URL  # 347 characters, 274 weighted
    assert (len(text), facts.text_length("twitter", text)) == (347, 274)
    assert check_text("twitter", text, None) is None


def test_x_refuses_141_cjk_characters_and_says_how_it_counted() -> None:
    assert check_text("twitter", "茶" * 141, None) == (
        "Text is too long for twitter: 282 weighted characters (X counts URLs as 23 and "
        "emoji/CJK as 2), the limit is 280"
    )


def test_bluesky_takes_300_graphemes_of_many_code_points() -> None:
    assert check_text("bluesky", FAMILY * 300, None) is None
    assert check_text("bluesky", FAMILY * 301, None) == (
        "Text is too long for bluesky: 301 graphemes (Bluesky counts what a reader sees as "
        "one character), the limit is 300"
    )


def test_other_networks_count_code_points_after_nfc() -> None:
    assert check_text("mastodon", E_ACUTE * 500, None) is None  # NFC: 500 characters
    assert check_text("mastodon", Q_TILDE * 250 + "x", None) == (
        "Text is too long for mastodon: 501 characters, the limit is 500"
    )
