"""validate: every schema error and network rule, as the located line a user reads."""

# ruff: noqa: E501  (tables of expected messages read best one message per line)

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from manifest_support import FIXTURES, make_repo

from contentctl import publer_facts as rules
from contentctl.manifest.content import effective_content, origin
from contentctl.model import Method, Post, Severity
from contentctl.validate.checks import check_repo, validate

BAD = FIXTURES / "bad"
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
X = "x" * 281  # one past X's limit


def check(tmp_path: Path, files: dict[str, str | bytes], **changes: Any) -> list[str]:
    config = make_repo(tmp_path, files)
    _, diagnostics = check_repo(replace(config, **changes) if changes else config, now=NOW)
    return [d.render() for d in diagnostics]


def one(tmp_path: Path, text: str, **changes: Any) -> list[str]:
    """Diagnostics of a single manifest, without its file name."""
    return [
        line.removeprefix("content/p.yaml:")
        for line in check(tmp_path, {"content/p.yaml": text}, **changes)
    ]


# -- the bad inputs of the issue, as fixtures ------------------------------------------


@pytest.mark.parametrize(
    ("fixtures", "expected"),
    [
        (["wrong-type.yaml"], ["content/wrong-type.yaml:4:1: error: text must be a string, not a list [$.text]"]),
        (
            ["unknown-provider.yaml"],
            [
                "content/unknown-provider.yaml:6:3: error: unknown provider 'myspace'; providers "
                "are: facebook, instagram, twitter, linkedin, pinterest, youtube, tiktok, google, "
                "wordpress, telegram, mastodon, threads, bluesky [$.networks.myspace]"
            ],
        ),
        (
            ["unknown-alias.yaml"],
            [
                "content/unknown-alias.yaml:2:16: error: unknown account alias 'instagram' (did "
                "you mean 'ig'?); aliases are set under accounts: in contentctl.yaml [$.accounts[1]]"
            ],
        ),
        (
            ["duplicate-id-a.yaml", "duplicate-id-b.yaml"],
            [
                "content/duplicate-id-b.yaml:6:9: error: duplicate post id 'same-id' (first "
                "defined at content/duplicate-id-a.yaml:1:1) [$.posts[1].id]"
            ],
        ),
        (
            ["media-outside.yaml"],
            ["content/media-outside.yaml:6:11: error: media path '../../etc/passwd' is outside the repo [$.media[0].path]"],
        ),
        (
            ["media-missing.yaml"],
            ["content/media-missing.yaml:7:11: error: media path 'media/nowhere.png' not found [$.media[1].path]"],
        ),
        (["tabs.yaml"], ["content/tabs.yaml:4:1: error: tab character in indentation; YAML indents with spaces [$]"]),
        (["duplicate-key.yaml"], ["content/duplicate-key.yaml:5:1: error: duplicate key 'text' (first defined on line 4) [$]"]),
    ],
)  # fmt: skip
def test_bad_inputs_of_the_issue(tmp_path: Path, fixtures: list[str], expected: list[str]) -> None:
    files: dict[str, str | bytes] = {f"content/{f}": (BAD / f).read_bytes() for f in fixtures}
    assert check(tmp_path, files) == expected


def test_all_bad_inputs_at_once_each_file_reported_sorted(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {f"content/{p.name}": p.read_bytes() for p in BAD.iterdir()}
    config = make_repo(tmp_path, files)
    result, diagnostics = check_repo(config, now=NOW)
    assert {d.file for d in diagnostics} == set(files) - {"content/duplicate-id-a.yaml"}
    assert list(diagnostics) == sorted(diagnostics)
    assert all(d.severity is Severity.ERROR for d in diagnostics)
    assert validate(config, result, now=NOW) == diagnostics


# -- schema ---------------------------------------------------------------------------

SCHEMA_CASES = [
    (
        "id: a\naccounts: [fb]\nat: 2027-01-05T09:00\ntxt: hello\n",
        ["4:1: error: unknown key 'txt' (did you mean 'text'?) [$.txt]"],
    ),
    (
        "id: a\naccounts: [fb]\ntext: x\n",
        ["1:1: error: a scheduled post needs at: when to publish, e.g. 2027-03-01T09:00 [$]"],
    ),
    (
        "id: a\nmethod: publish_now\nat: 2027-01-05T09:00\naccounts: [fb]\ntext: x\n",
        ["3:5: error: at does not go with publish_now, draft_private or draft_public: they have no time [$.at]"],
    ),
    (
        "id: a\nmethod: draft_private\naccounts: [fb]\ntext: x\n",
        ["3:1: error: draft_private and draft_public posts are ideas without accounts; remove accounts [$.accounts]"],
    ),
    (
        "id: a\nat: 2027-01-05T09:00\ntext: x\n",
        ["1:1: error: missing accounts: the account aliases to publish to [$]"],
    ),
    (
        "id: a\nmethod: auto\naccounts: [fb]\ntext: x\n",
        ["1:1: error: method auto needs range: {start_date, end_date} [$]"],
    ),
    (
        "id: a\nat: 2027-01-05T09:00\naccounts: [fb]\ntext: x\nrange: {start_date: 2027-01-01}\n",
        ["1:1: error: range only goes with method: auto [$]"],
    ),
    (
        "id: a\nmethod: draft\naccounts: [fb]\ntext: x\nrecycling: {gap: 1, gap_freq: Week}\n",
        ["2:9: error: recycling only goes with method: recycling [$.method]"],
    ),
    (
        "id: a\nmethod: recycling\nat: 2027-01-05T09:00\naccounts: [fb]\ntext: x\n",
        ["1:1: error: method recycling needs recycling: {gap, gap_freq} [$]"],
    ),
    (
        "id: a\nmethod: recurring\naccounts: [fb]\ntext: x\n",
        ["1:1: error: method recurring needs recurring: {repeat, start_date} [$]"],
    ),
    (
        "id: a\nmethod: recurring\naccounts: [fb]\ntext: x\n"
        "recurring: {repeat: monthly, days_of_week: [1], start_date: 2027-01-01}\n",
        ["5:21: error: days_of_week only goes with repeat: weekly [$.recurring.repeat]"],
    ),
    (
        "id: a\nat: 2027-01-05T09:00\naccounts: [fb]\ntype: photo\n"
        "media:\n  - {path: media/photo.png, url: 'https://example.com/a.png'}\n",
        [
            "6:5: error: a media item needs exactly one of path (a file in the repo), "
            "url (https://...) or id (a Publer media id) [$.media[0]]"
        ],
    ),
    (
        "id: has space\nat: 2027-01-05T09:00\naccounts: [fb]\ntext: x\n",
        ["1:5: error: id must be 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit [$.id]"],
    ),
    (
        "id: a\nat: 2027-01-05T09:00\naccounts: [fb]\ntype: phot\ntext: x\n",
        [
            "4:7: error: 'phot' is not one of: status, photo, video, link, carousel, pdf, document, "
            "reel, story, short, poll, gif, article, event, offer (did you mean 'photo'?) [$.type]"
        ],
    ),
    (
        "id: a\nat: tomorrow\naccounts: [fb]\ntext: x\n",
        ["2:5: error: at must be a time like 2027-03-01T09:00 (local) or 2027-03-01T09:00:00+01:00 [$.at]"],
    ),
    (
        "id: a\nat: 2027-01-05T09:00\naccounts: [fb, fb]\ntext: x\n",
        ["3:1: error: accounts lists the same item twice [$.accounts]"],
    ),
    (
        "id: a\nat: 2027-01-05T09:00\naccounts: [bsky]\ntext: x\nnetworks:\n"
        f"  bluesky:\n    text: {'y' * 301}\n",
        # Bluesky counts graphemes, so the rule says it, not the schema's maxLength
        ["7:11: error: text is 301 of 300 graphemes (Bluesky counts what a reader sees as one "
         "character) on bluesky [$.networks.bluesky.text]"],
    ),
    (
        "id: a\nat: 2027-01-05T09:00\naccounts: [x]\ntype: poll\ntext: Which?\n"
        "options: [a, b, c, d, e]\nduration: 1\n",
        ["6:1: error: options has 5 items; it takes at most 4 [$.options]"],
    ),
    (
        "id: a\nat: 2027-01-05T09:00\naccounts: [x]\ntype: poll\ntext: Which?\n"
        "options: [a, b]\nduration: 0\n",
        ["7:11: error: duration is 0; it must be at least 1 [$.duration]"],
    ),
    (
        "id: a\nat: 2027-01-05T09:00\naccounts: [fb]\ntype: photo\ntext: x\n",
        ["1:1: error: this type of post needs media [$]"],
    ),
    (
        "id: a\nat: 2027-01-05T09:00\naccounts: [fb]\ntype: link\ntext: x\n",
        ["1:1: error: a link post needs url (or link.url) [$]"],
    ),
    (
        "id: a\nat: 2027-01-05T09:00\naccounts: [fb]\ntext: ''\nlabels: ['']\n",
        ["5:10: error: labels[0] must not be empty [$.labels[0]]"],
    ),
    (
        "id: a\nmethod: auto\naccounts: [fb]\ntext: x\nrange: {start_date: 2027-01-01}\n"
        "share_next: 'yes'\n",
        ["6:13: error: share_next must be true or false, not a string [$.share_next]"],
    ),
    (
        "id: a\nat: 2027-01-05T09:00\naccounts: [fb]\ntext: x\nshare_next: true\n",
        ["1:1: error: share_next only goes with method: auto [$]"],
    ),
    (
        "id: a\nmethod: draft\naccounts: [fb]\ntext: x\nshare_next: true\n",
        ["2:9: error: share_next only goes with method: auto [$.method]"],
    ),
    (
        "id: a\nmethod: recurring\naccounts: [fb]\ntext: x\n"
        "recurring: {repeat: weekly, days_of_week: [monday, 7], start_date: 2027-01-04}\n",
        ["5:52: error: a day is a name (monday ... sunday) or Publer's number, 0 (Sunday) to 6 "
         "[$.recurring.days_of_week[1]]"],
    ),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), SCHEMA_CASES)
def test_schema_errors_are_located_and_worded(
    tmp_path: Path, text: str, expected: list[str]
) -> None:
    assert one(tmp_path, text) == expected


def test_the_config_default_method_decides_whether_at_is_needed(tmp_path: Path) -> None:
    text = "id: a\naccounts: [fb]\ntext: x\n"
    assert one(tmp_path, text, default_method=Method.DRAFT) == []


def test_a_post_id_of_the_wrong_type_is_said_once(tmp_path: Path) -> None:
    text = "id: 42\nat: 2027-01-05T09:00\naccounts: [fb]\ntext: x\n"
    assert one(tmp_path, text) == [
        "1:5: error: id must be 1-128 letters, digits, '.', '_' or '-', starting with a letter "
        "or digit [$.id]"
    ]


def test_rules_wait_for_the_schema_so_nothing_is_said_twice(tmp_path: Path) -> None:
    # the override breaks the schema, the common text breaks X's limit: only the first is said
    text = (
        f"id: a\nat: 2027-01-05T09:00\naccounts: [x]\ntext: {X}\nnetworks:\n  twitter: {{foo: 1}}\n"
    )
    assert one(tmp_path, text) == ["6:13: error: unknown key 'foo' [$.networks.twitter.foo]"]


# -- network rules --------------------------------------------------------------------

POST = "id: a\nat: 2027-01-05T09:00\n"

RULE_CASES = [
    # which types a network takes
    (
        POST + "accounts: [fb, ig]\ntype: status\ntext: hello\n",
        ["4:7: error: instagram does not take status posts (account ig); instagram takes photo, video, carousel, story, reel [$.type]"],
    ),
    (
        POST + "accounts: [gbp]\ntype: video\ntext: x\nmedia: [{path: media/clip.mp4}]\n",
        ["4:7: error: google does not take video posts (account gbp); google takes status, photo, event, offer [$.type]"],
    ),
    (
        POST + "accounts: [x]\ntype: photo\ntext: hi\nmedia: [{path: media/photo.png}]\nnetworks:\n  twitter: {type: reel}\n",
        ["8:19: error: 'reel' is not one of: status, photo, video, link, gif, poll [$.networks.twitter.type]"],
    ),
    # required fields, after the override is merged
    (
        POST + "accounts: [fb]\ntype: photo\ntext: x\nnetworks:\n  facebook: {text: y}\n",
        ["1:1: error: a photo post on facebook needs media [$.media]"],
    ),
    (
        POST + "accounts: [li]\ntype: link\ntext: x\nnetworks:\n  linkedin: {text: y}\n",
        ["1:1: error: a link post on linkedin needs url or link.url [$.url]"],
    ),
    (  # Publer's type table: a link post needs text as well as its url
        POST + "accounts: [x]\ntype: link\nurl: https://a.example\nnetworks:\n  twitter: {url: https://b.example}\n",
        ["1:1: error: a link post on twitter needs text [$.text]"],
    ),
    (
        POST + "accounts: [yt]\ntype: video\ntext: x\nmedia: [{path: media/clip.mp4}]\n",
        ["1:1: error: a video post on youtube needs title [$.title]"],
    ),
    (
        POST + "accounts: [pin]\ntype: photo\ntext: x\nmedia: [{path: media/photo.png}]\n",
        ["1:1: error: a photo post on pinterest needs album_id [$.album_id]"],
    ),
    (
        POST + "accounts: [fb]\ntype: carousel\ntext: x\nmedia: [{path: media/photo.png}, {path: media/photo.png}]\n",
        [
            "1:1: error: a carousel post on facebook needs sublinks [$.sublinks]",
            "6:1: error: a carousel post on facebook takes no media; this one has 2 [$.media]",
        ],
    ),
    (
        POST + "accounts: [wp]\ntype: article\ntext: Body\nnetworks:\n  wordpress: {excerpt: Short}\n",
        ["1:1: error: an article post on wordpress needs title [$.title]"],
    ),
    (
        POST + "accounts: [gbp]\ntype: event\ntext: Tasting\ndetails: {start: '2027-02-01'}\n",
        ["6:1: error: an event post on google needs details.title [$.details]"],
    ),
    (
        POST + "accounts: [ig]\ntype: reel\ntext: x\nnetworks:\n  instagram: {text: y}\n",
        ["1:1: error: a reel post on instagram needs media [$.media]"],
    ),
    (
        POST + "accounts: [fb]\ntype: link\ntext: x\nurl: example.com/shop\n",
        ["6:6: error: url must start with http:// or https:// on facebook [$.url]"],
    ),
    (
        POST + "accounts: [fb]\ntype: status\nnetworks:\n  facebook: {details: {a: 1}}\n",
        ["1:1: error: a status post on facebook needs text [$.text]"],
    ),
    (
        POST + "accounts: [pin]\ntype: photo\nalbum_id: '42'\nnetworks:\n  pinterest: {title: Pin}\n",
        ["1:1: error: a photo post on pinterest needs media [$.media]"],
    ),
    (
        POST + "accounts: [x]\ntype: gif\nmedia: [{path: media/photo.png}]\n",
        ["5:9: error: media[0] is a photo; a gif post takes gif [$.media[0]]"],
    ),
    (
        POST + "accounts: [x, tg]\ntype: gif\nmedia: [{path: media/loop.gif}]\n",
        [],
    ),
    (
        POST + "accounts: [x]\ntype: photo\nmedia: [{id: 6813892b5ec8b1e65235ae9e}]\n",
        [],
    ),
    (
        POST + "accounts: [fbb]\ntext: x\n",
        ["3:12: error: unknown account alias 'fbb' (did you mean 'fb'?); aliases are set under accounts: in contentctl.yaml [$.accounts[0]]"],
    ),
    # text and title limits, per network, after the merge
    (
        POST + f"accounts: [fb, x]\ntext: {X}\n",
        ["4:7: error: text is 281 of 280 weighted characters (X counts URLs as 23 and emoji/CJK as 2) on twitter [$.text]"],
    ),
    (
        POST + f"accounts: [x]\ntext: {'x' * 260}\n",
        ["4:7: warning: text is 260 of 280 weighted characters (X counts URLs as 23 and emoji/CJK as 2), close to the limit [$.text]"],
    ),
    (
        POST + f"accounts: [x]\ntext: {X}\ndetails: {{type: long_post}}\n",
        [],
    ),
    (
        POST + f"accounts: [x, bsky]\ntext: short\nnetworks:\n  twitter:\n    text: {X}\n",
        ["7:11: error: text is 281 of 280 weighted characters (X counts URLs as 23 and emoji/CJK as 2) on twitter [$.networks.twitter.text]"],
    ),
    (
        POST + f"accounts: [yt]\ntype: video\ntitle: {'t' * 101}\ntext: x\nmedia: [{{path: media/clip.mp4}}]\n",
        ["5:8: error: title is 101 of 100 characters on youtube [$.title]"],
    ),
    # media counts and kinds
    (
        POST + "accounts: [x]\ntype: photo\ntext: x\nmedia:\n" + "  - path: media/photo.png\n" * 5,
        ["6:1: error: a photo post on twitter takes at most 4 media items; this one has 5 [$.media]"],
    ),
    (
        POST + "accounts: [gbp]\ntype: photo\ntext: x\nmedia: [{path: media/photo.png}, {path: media/photo.png}]\n",
        ["6:1: error: a photo post on google takes at most 1 media item; this one has 2 [$.media]"],
    ),
    (
        POST + "accounts: [fb]\ntype: status\ntext: x\nmedia: [{path: media/photo.png}]\n",
        ["6:1: error: a status post on facebook takes no media; this one has 1 [$.media]"],
    ),
    (
        POST + "accounts: [ig]\ntype: carousel\ntext: x\nmedia: [{path: media/photo.png}]\n",
        ["6:1: error: a carousel post needs at least 2 media items [$.media]"],
    ),
    (
        POST + "accounts: [fb]\ntype: photo\ntext: x\nmedia: [{path: media/clip.mp4}]\n",
        ["6:9: error: media[0] is a video; a photo post takes photo [$.media[0]]"],
    ),
    (
        POST + "accounts: [pin]\ntype: carousel\ntext: x\nalbum_id: '1'\nmedia: [{path: media/photo.png}, {path: media/clip.mp4}]\n",
        ["7:1: error: pinterest does not mix photos and videos in one post [$.media]"],
    ),
    (
        POST + "accounts: [tt]\ntype: carousel\ntext: x\nmedia: [{path: media/clip.mp4}, {path: media/clip.mp4}]\n",
        ["6:1: error: tiktok takes at most 1 video(s) in a post [$.media]"],
    ),
    (
        POST + "accounts: [li]\ntype: pdf\ntext: x\nmedia: [{path: media/deck.pdf}]\n",
        [],
    ),
    # polls
    (
        POST + "accounts: [li]\ntype: poll\ntext: x\nquestion: Which?\noptions: [a very long option over thirty chars, b]\nduration: 14\n",
        ["7:11: error: poll option is 36 characters; linkedin allows 30 [$.options[0]]"],
    ),
    (
        POST + "accounts: [x, li]\ntype: poll\ntext: Which?\noptions: [a, b]\nduration: 8\nnetworks:\n  linkedin: {question: Which?}\n",
        ["7:11: error: a poll on twitter runs at most 7 days [$.duration]"],
    ),
    (
        POST + "accounts: [li]\ntype: poll\ntext: Intro\noptions: [a, b]\nduration: 3\n",
        ["1:1: error: a poll on linkedin needs its question in question [$.question]"],
    ),
    (
        POST + "accounts: [masto]\ntype: poll\ntext: Which?\noptions: [a, b]\nduration: 3\nnetworks:\n  mastodon:\n    options: [" + "o" * 51 + ", b]\n",
        ["10:15: error: options[0] is 51 characters, more than the 50 allowed [$.networks.mastodon.options[0]]"],
    ),
    # methods and accounts per network
    (
        "id: a\nmethod: recycling\nat: 2027-01-05T09:00\naccounts: [fb, yt]\ntype: video\ntitle: T\ntext: x\n"
        "media: [{path: media/clip.mp4}]\nrecycling: {gap: 2, gap_freq: Week}\n",
        ["4:16: error: youtube does not take recycling posts (yt) [$.accounts[1]]"],
    ),
    (
        "id: a\nmethod: recurring\naccounts: [wp]\ntype: article\ntitle: T\ntext: x\n"
        "recurring: {repeat: daily, start_date: 2027-01-05}\n",
        ["3:12: error: wordpress does not take recurring posts (wp) [$.accounts[0]]"],
    ),
    (
        POST + "accounts: [tt, tt2]\ntype: video\ntext: x\nmedia: [{path: media/clip.mp4}]\n",
        ["3:16: error: only 1 tiktok account per post [$.accounts[1]]"],
    ),
    (
        POST + "accounts: [fb]\ntext: x\nnetworks:\n  pinterest: {text: y}\n",
        ["6:3: warning: networks.pinterest is not used: no account of this post is on pinterest [$.networks.pinterest]"],
    ),
    # media files
    (
        POST + "accounts: [fb]\ntype: photo\nmedia: [{path: media}]\n",
        ["5:16: error: media path 'media' is not a file [$.media[0].path]"],
    ),
    (
        POST + "accounts: [fb]\ntype: video\nmedia: [{path: media/clip.mp4, thumbnail: media/thumb.png}]\n",
        ["5:43: error: media thumbnail 'media/thumb.png' not found [$.media[0].thumbnail]"],
    ),
    (
        POST + "accounts: [fb]\ntype: photo\nnetworks:\n  facebook:\n    media: [{path: /etc/hostname}]\n",
        ["7:20: error: media path '/etc/hostname' is outside the repo [$.networks.facebook.media[0].path]"],
    ),
    # times
    (
        "id: a\nat: 2026-11-01T09:00\naccounts: [fb]\ntext: x\n",
        ["2:5: warning: at is in the past; Publer refuses backdated posts [$.at]"],
    ),
    (
        "id: a\nat: '2026-11-28T12:00:30Z'\naccounts: [fb]\ntext: x\n",
        ["2:5: warning: at is less than a minute ahead; Publer needs 1 minute [$.at]"],
    ),
    (
        "id: a\nmethod: draft\nat: 2026-11-01T09:00\naccounts: [fb]\ntext: x\n",
        [],
    ),
    (
        "id: a\nmethod: auto\naccounts: [fb]\ntext: x\nrange: {start_date: 2027-02-10, end_date: 2027-02-01}\n",
        ["5:43: error: range.end_date is before range.start_date [$.range.end_date]"],
    ),
    (
        "id: a\nmethod: auto\naccounts: [fb]\ntext: x\nrange: {start_date: 2027-02-30}\n",
        ["5:21: error: range.start_date: '2027-02-30' is not a valid date: day is out of range for month [$.range.start_date]"],
    ),
    (
        "id: a\nmethod: recycling\nat: 2027-03-01T09:00\naccounts: [fb]\ntext: x\n"
        "recycling: {gap: 1, gap_freq: Month, expire_date: 2027-02-01}\n",
        ["6:51: error: recycling.expire_date is before at [$.recycling.expire_date]"],
    ),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), RULE_CASES)
def test_network_rules(tmp_path: Path, text: str, expected: list[str]) -> None:
    assert one(tmp_path, text) == expected


def test_photos_over_a_networks_size_limit(tmp_path: Path) -> None:
    config = make_repo(tmp_path, {})
    with (tmp_path / "media" / "big.png").open("wb") as handle:
        handle.write(b"\x89PNG\r\n\x1a\n")  # a PNG by its bytes too
        handle.truncate(9 * 1024 * 1024)
    (tmp_path / "content" / "p.yaml").write_text(
        POST + "accounts: [ig, fb]\ntype: photo\nmedia: [{path: media/big.png}]\n"
    )
    assert [d.render() for d in check_repo(config, now=NOW)[1]] == [
        "content/p.yaml:5:9: error: instagram takes photos up to 8 MB; this one is 9.0 MB "
        "[$.media[0]]"
    ]


def test_files_over_publers_upload_limit(tmp_path: Path) -> None:
    config = make_repo(tmp_path, {})
    with (tmp_path / "media" / "huge.mp4").open("wb") as handle:
        handle.truncate(201 * 1024 * 1024)
    (tmp_path / "content" / "p.yaml").write_text(
        POST + "accounts: [fb]\ntype: video\nmedia: [{path: media/huge.mp4}]\n"
    )
    assert [d.render() for d in check_repo(config, now=NOW)[1]] == [
        "content/p.yaml:5:16: error: media path 'media/huge.mp4' is 201 MB; Publer takes up "
        "to 200 MB [$.media[0].path]"
    ]


def test_a_file_whose_kind_cannot_be_told(tmp_path: Path) -> None:
    config = make_repo(tmp_path, {})
    (tmp_path / "media" / "notes.txt").write_text("hello")
    (tmp_path / "content" / "p.yaml").write_text(
        POST + "accounts: [fb]\ntype: photo\nmedia: [{path: media/notes.txt}]\n"
    )
    assert [d.render() for d in check_repo(config, now=NOW)[1]] == [
        "content/p.yaml:5:16: error: media path 'media/notes.txt' has an extension that does "
        "not tell its kind; set type [$.media[0].path]"
    ]


def test_posts_on_one_account_need_a_minute_between_them(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "content/a.yaml": "id: early\nat: 2027-01-05T09:00\naccounts: [fb, x]\ntext: x\n",
        "content/b.yaml": (
            "posts:\n"
            "  - id: late\n    at: '2027-01-05T09:00:30+01:00'\n    accounts: [fb]\n    text: y\n"
            "  - id: other-account\n    at: 2027-01-05T09:00\n    accounts: [li]\n    text: z\n"
            "  - id: later\n    at: 2027-01-05T09:01\n    accounts: [x]\n    text: w\n"
        ),
    }
    assert check(tmp_path, files) == [
        "content/b.yaml:3:9: error: fb already has 'early' at content/a.yaml:1:1, less than a "
        "minute apart; Publer needs a 1-minute gap [$.posts[0].at]"
    ]


def test_diagnostics_are_sorted_by_file_line_and_column(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "content/b.yaml": "id: b\naccounts: [fb]\ntext: x\n",
        "content/a.yaml": "id: a\nat: 2027-01-05T09:00\naccounts: [nobody]\ntext: x\nfoo: 1\n",
    }
    assert check(tmp_path, files) == [
        "content/a.yaml:3:12: error: unknown account alias 'nobody'; aliases are set under "
        "accounts: in contentctl.yaml [$.accounts[0]]",
        "content/a.yaml:5:1: error: unknown key 'foo' [$.foo]",
        "content/b.yaml:1:1: error: a scheduled post needs at: when to publish, e.g. "
        "2027-03-01T09:00 [$]",
    ]


def test_a_clean_post_has_no_diagnostics_and_warnings_do_not_hide_posts(tmp_path: Path) -> None:
    config = make_repo(
        tmp_path,
        {"content/p.yaml": "id: a\nat: 2026-01-01T09:00\naccounts: [fb]\ntext: x\n"},
    )
    result, diagnostics = check_repo(config, now=NOW)
    assert [d.severity for d in diagnostics] == [Severity.WARNING]
    assert [p.id for p in result.posts] == ["a"]


# -- the merge the plan uses ----------------------------------------------------------


def _post(**fields: Any) -> Post:
    base: dict[str, Any] = {
        "id": "p", "file": "f.yaml", "line": 1, "column": 1, "pointer": "$",
        "method": Method.SCHEDULED, "at": None, "timezone": "UTC", "accounts": ("fb",),
        "content": {}, "networks": {},
    }  # fmt: skip
    return Post(**{**base, **fields})


def test_effective_content_merges_overrides_and_details_one_level_deep() -> None:
    post = _post(
        content={"type": "photo", "text": "common", "details": {"a": 1, "b": {"x": 1}}},
        networks={"instagram": {"text": "ig", "details": {"b": {"y": 2}, "c": 3}}},
    )
    assert effective_content(post, "instagram") == {
        "type": "photo",
        "text": "ig",
        "details": {"a": 1, "b": {"y": 2}, "c": 3},
    }
    assert effective_content(post, "facebook") == dict(post.content)
    assert post.content["details"] == {"a": 1, "b": {"x": 1}}  # the post is not changed


@pytest.mark.parametrize(
    ("content", "provider", "expected"),
    [
        ({"text": "x"}, "facebook", "status"),
        ({"text": "x", "url": "https://a"}, "facebook", "link"),
        ({"media": [{"path": "a.png"}]}, "facebook", "photo"),
        ({"media": [{"path": "a.mp4"}]}, "facebook", "video"),
        ({"media": [{"path": "a.png"}, {"path": "b.png"}]}, "facebook", "photo"),
        ({"media": [{"path": "a.png"}, {"path": "b.mov"}]}, "instagram", "carousel"),
        ({"media": [{"id": "abc", "type": "gif"}]}, "twitter", "gif"),
        ({"options": ["a", "b"]}, "twitter", "poll"),
        ({"text": "x", "title": "t"}, "wordpress", "article"),
    ],
)
def test_a_missing_type_is_inferred(content: dict[str, Any], provider: str, expected: str) -> None:
    assert effective_content(_post(content=content), provider)["type"] == expected


def test_origin_points_at_where_a_value_was_written() -> None:
    post = _post(
        content={"text": "c", "details": {"title": "t"}},
        networks={"twitter": {"text": "o"}, "google": {"details": {"start": "s"}}},
    )
    assert origin(post, "twitter", "text") == ("networks", "twitter", "text")
    assert origin(post, "facebook", "text") == ("text",)
    assert origin(post, "google", "details.start") == (
        "networks",
        "google",
        "details",
        "start",
    )
    assert origin(post, "google", "details.title") == ("details", "title")
    assert origin(post, "google", "details.end") == ("networks", "google", "details")
    assert origin(post, "facebook", "media") == ("media",)


def test_text_limits() -> None:
    assert rules.text_limit("twitter") == 280
    assert rules.text_limit("twitter", {"details": {"type": "long_post"}}) == 25_000
    assert rules.text_limit("bluesky") == 300
    assert rules.text_limit("wordpress") is None
    assert rules.text_limit("myspace") is None
