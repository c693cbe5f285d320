"""load_repo: manifest files in, Post records and located problems out."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from manifest_support import FIXTURES, make_repo

from contentctl.manifest.load import LoadResult, load_repo, render_path
from contentctl.model import Method, Severity

BAD = FIXTURES / "bad"


def rendered(result: LoadResult) -> list[str]:
    return [d.render() for d in result.diagnostics]


SINGLE = """\
# one post
id: launch
at: 2027-03-01T09:00
accounts: [fb, x]
type: photo
text: Hello
media:
  - path: media/photo.png
networks:
  twitter:
    text: Hi
labels: [spring]
"""


def test_a_single_post_becomes_a_post_record(tmp_path: Path) -> None:
    config = make_repo(tmp_path, {"content/launch.yaml": SINGLE})
    result = load_repo(config)
    assert result.diagnostics == ()
    assert result.files == ("content/launch.yaml",)
    (post,) = result.posts
    assert post.id == "launch"
    assert post.file == "content/launch.yaml"
    assert (post.line, post.column, post.pointer) == (2, 1, "$")
    assert post.where() == "content/launch.yaml:2:1"
    assert post.method is Method.SCHEDULED
    assert post.at == datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
    assert post.timezone == "Europe/Berlin"
    assert post.accounts == ("fb", "x")
    assert dict(post.content) == {
        "type": "photo",
        "text": "Hello",
        "media": [{"path": "media/photo.png"}],
    }
    assert dict(post.networks) == {"twitter": {"text": "Hi"}}
    assert post.labels == ("spring",)
    assert dict(post.options) == {}


LIST = """\
posts:
  - id: first
    method: draft
    accounts: [fb]
    text: one
  - id: second
    method: auto
    range: {start_date: 2027-04-01, end_date: 2027-04-30}
    share_next: true
    accounts: [x]
    text: two
  - id: third
    method: recurring
    at: 2027-04-05T08:00
    timezone: America/New_York
    accounts: [fb]
    text: three
    recurring: {repeat: weekly, days_of_week: [1], start_date: 2027-04-05}
"""

MULTI = """\
id: doc-one
at: 2027-03-02T09:00:00+00:00
accounts: [li]
text: one
---
posts:
  - id: doc-two
    method: publish_now
    accounts: [li]
    text: two
---
# an empty document is skipped
---
id: doc-three
method: draft_private
text: idea
"""


def test_posts_lists_and_multiple_documents(tmp_path: Path) -> None:
    config = make_repo(tmp_path, {"content/list.yaml": LIST, "content/multi.yml": MULTI})
    result = load_repo(config)
    assert result.diagnostics == ()
    assert result.files == ("content/list.yaml", "content/multi.yml")
    by_id = {post.id: post for post in result.posts}
    assert [p.id for p in result.posts] == [
        "first", "second", "third", "doc-one", "doc-two", "doc-three",
    ]  # fmt: skip
    assert (by_id["second"].pointer, by_id["second"].line, by_id["second"].column) == (
        "$.posts[1]",
        6,
        5,
    )
    assert by_id["second"].options == {
        "range": {"start_date": "2027-04-01", "end_date": "2027-04-30"},
        "share_next": True,
    }
    assert by_id["first"].method is Method.DRAFT and by_id["first"].at is None
    third = by_id["third"]
    assert third.timezone == "America/New_York"
    assert third.at == datetime(2027, 4, 5, 12, 0, tzinfo=UTC)
    assert third.options["recurring"]["days_of_week"] == [1]
    assert (by_id["doc-two"].pointer, by_id["doc-two"].line) == ("$.posts[0]", 7)
    assert by_id["doc-one"].at == datetime(2027, 3, 2, 9, 0, tzinfo=UTC)
    assert (by_id["doc-three"].line, by_id["doc-three"].accounts) == (14, ())


def test_the_config_default_method_applies(tmp_path: Path) -> None:
    config = make_repo(tmp_path, {"content/a.yaml": "id: a\naccounts: [fb]\ntext: x\n"})
    from dataclasses import replace

    (post,) = load_repo(replace(config, default_method=Method.DRAFT)).posts
    assert post.method is Method.DRAFT


def test_hidden_folders_and_other_files_are_skipped(tmp_path: Path) -> None:
    config = make_repo(
        tmp_path,
        {
            "content/a.yaml": "id: a\naccounts: [fb]\ntext: x\nat: 2027-01-01T09:00\n",
            "content/.drafts/b.yaml": "id: [broken",
            "content/.hidden.yaml": "id: [broken",
            "content/notes.md": "# not a manifest",
            "content/deep/er/c.yml": "id: c\naccounts: [fb]\ntext: x\nat: 2027-01-01T10:00\n",
        },
    )
    result = load_repo(config)
    assert result.files == ("content/a.yaml", "content/deep/er/c.yml")
    assert result.diagnostics == ()


def test_given_paths_limit_what_is_read(tmp_path: Path) -> None:
    config = make_repo(
        tmp_path,
        {
            "content/a.yaml": "id: a\naccounts: [fb]\ntext: x\n",
            "content/sub/b.yaml": "id: b\naccounts: [fb]\ntext: x\n",
            "content/sub/c.yaml": "id: c\naccounts: [fb]\ntext: x\n",
        },
    )
    only = load_repo(config, [tmp_path / "content" / "sub", tmp_path / "content" / "a.yaml"])
    assert only.files == ("content/a.yaml", "content/sub/b.yaml", "content/sub/c.yaml")
    one = load_repo(config, [tmp_path / "content" / "sub" / "b.yaml"])
    assert [p.id for p in one.posts] == ["b"]


def test_a_path_outside_the_repo_or_missing_is_an_error(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    config = make_repo(repo, {"content/a.yaml": "id: a\naccounts: [fb]\ntext: x\n"})
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("id: stranger\n")
    result = load_repo(config, [outside, repo / "content" / "nope.yaml"])
    assert result.posts == ()
    missing = repo / "content" / "nope.yaml"
    assert rendered(result) == [
        f"{outside}:1:1: error: {outside} is outside the repo ({repo.resolve()}) [$]",
        f"content/nope.yaml:1:1: error: no such file or folder: {missing} [$]",
    ]


def test_a_symlink_to_a_file_outside_the_repo_is_refused(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    config = make_repo(repo, {})
    secret = tmp_path / "secret.yaml"
    secret.write_text("id: secret\n")
    os.symlink(secret, repo / "content" / "link.yaml")
    result = load_repo(config)
    assert result.posts == ()
    assert rendered(result) == [
        f"content/link.yaml:1:1: error: links to {secret.resolve()}, outside the repo [$]"
    ]


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("broken-syntax.yaml", "4:5: error: YAML syntax: did not find expected ',' or ']' [$]"),
        ("tabs.yaml", "4:1: error: tab character in indentation; YAML indents with spaces [$]"),
        ("duplicate-key.yaml", "5:1: error: duplicate key 'text' (first defined on line 4) [$]"),
        (
            "alias-bomb.yaml",
            "7:4: error: aliases expand to too many nodes (possible alias bomb) [$]",
        ),
        ("binary.yaml", "4:1: error: binary file (NUL byte), not YAML text [$]"),
        ("latin1.yaml", "3:10: error: file is not valid UTF-8 [$]"),
        ("empty.yaml", "1:1: error: empty file: expected a post or posts: [...] [$]"),
        (
            "post-is-list.yaml",
            "1:1: error: a document must be a post (a mapping) or posts: [...], not a list [$]",
        ),
        (
            "post-is-scalar.yaml",
            "2:1: error: a document must be a post (a mapping) or posts: [...], "
            "not the text 'hello world' [$]",
        ),
    ],
)
def test_bad_files_are_located_one_line_errors(tmp_path: Path, fixture: str, expected: str) -> None:
    config = make_repo(tmp_path, {f"content/{fixture}": (BAD / fixture).read_bytes()})
    result = load_repo(config)
    assert result.posts == ()
    assert rendered(result) == [f"content/{fixture}:{expected}"]


def test_a_50_mb_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    config = make_repo(tmp_path, {})
    with (tmp_path / "content" / "huge.yaml").open("wb") as handle:
        handle.write(b"id: huge\ntext: ")
        handle.truncate(50 * 1024 * 1024)
    result = load_repo(config)
    assert rendered(result) == [
        "content/huge.yaml:1:1: error: file is 50 MB, larger than the 5 MB limit for a manifest [$]"
    ]


def test_every_file_is_read_even_when_others_are_broken(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {f"content/{p.name}": p.read_bytes() for p in BAD.iterdir()}
    files["content/zz-good.yaml"] = "id: good\naccounts: [fb]\ntext: fine\n"
    config = make_repo(tmp_path, files)
    result = load_repo(config)
    assert "good" in {p.id for p in result.posts}
    assert len(result.files) == len(files)
    broken = {d.file for d in result.diagnostics if d.severity is Severity.ERROR}
    assert broken == {
        f"content/{name}"
        for name in (
            "alias-bomb.yaml", "binary.yaml", "broken-syntax.yaml", "duplicate-key.yaml",
            "empty.yaml", "latin1.yaml", "post-is-list.yaml", "post-is-scalar.yaml", "tabs.yaml",
        )
    }  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "posts:\n  - id: ok\n    text: x\n  - just text\n  - [a, list]\n",
            [
                "4:5: error: a post must be a mapping, not the text 'just text' [$.posts[1]]",
                "5:5: error: a post must be a mapping, not a list [$.posts[2]]",
            ],
        ),
        (
            "posts: nothing\n",
            ["1:8: error: posts must be a list, not the text 'nothing' [$.posts]"],
        ),
        (
            "id: stray\nposts:\n  - id: ok\n",
            ["1:1: error: unknown key 'id' beside posts: (a post goes inside the list) [$.id]"],
        ),
    ],
)
def test_posts_lists_must_hold_post_mappings(
    tmp_path: Path, text: str, expected: list[str]
) -> None:
    config = make_repo(tmp_path, {"content/list.yaml": text})
    assert rendered(load_repo(config)) == [f"content/list.yaml:{e}" for e in expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "id: gap\naccounts: [fb]\nat: 2027-03-28T02:30\ntext: x\n",
            "3:5: error: at: 2027-03-28T02:30 does not exist in Europe/Berlin (the clocks skip "
            "it at the DST change); write 2027-03-28T01:30:00+01:00 or "
            "2027-03-28T03:30:00+02:00 [$.at]",
        ),
        (
            "posts:\n  - id: overlap\n    accounts: [fb]\n    at: 2027-10-31 02:30\n",
            "4:9: error: at: 2027-10-31T02:30 is ambiguous in Europe/Berlin (it happens twice at "
            "the DST change): 2027-10-31T02:30:00+02:00 or 2027-10-31T02:30:00+01:00; write "
            "the offset [$.posts[0].at]",
        ),
        (
            "id: bad-day\naccounts: [fb]\nat: 2027-02-30T09:00\n",
            "3:5: error: at: '2027-02-30T09:00' is not a valid date and time: day is out of "
            "range for month [$.at]",
        ),
        (
            "id: bad-zone\naccounts: [fb]\nat: 2027-02-03T09:00\ntimezone: Europe/Berln\n",
            "4:11: error: unknown IANA timezone 'Europe/Berln' [$.timezone]",
        ),
    ],
)
def test_times_that_cannot_be_resolved_are_located(
    tmp_path: Path, text: str, expected: str
) -> None:
    config = make_repo(tmp_path, {"content/t.yaml": text})
    result = load_repo(config)
    assert rendered(result) == [f"content/t.yaml:{expected}"]
    assert [p.at for p in result.posts] == [None]


def test_a_post_that_cannot_be_built_is_reported_not_dropped_silently(tmp_path: Path) -> None:
    config = make_repo(tmp_path, {"content/a.yaml": "id: 42\naccounts: [fb]\ntext: x\n"})
    result = load_repo(config)
    assert result.posts == ()
    assert rendered(result) == [
        "content/a.yaml:1:5: error: post not loaded: id is missing or not text [$.id]"
    ]


def test_render_path() -> None:
    assert render_path(()) == "$"
    assert render_path(("posts", 2, "networks", "twitter", "text")) == (
        "$.posts[2].networks.twitter.text"
    )
    assert render_path(("accounts", "Bad Alias")) == "$.accounts['Bad Alias']"
