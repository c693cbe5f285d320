"""A file cut into its posts parses as the whole file does; an edit re-parses only its posts.

Two sources of truth held together: ``parse_stream`` of the whole file, and the
same file cut by ``chunks.split``, its items parsed alone (``parse_item``) or read
off the whole parse (``derive``), then put back (``assemble``). Over generated
manifests, with comment lines, empty lines, block and quoted values and lines
meant to trick the cut, the two must give the same documents, lines and columns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from contentctl.config import load_config
from contentctl.errors import ManifestError
from contentctl.manifest import load, parse_cache, yamlio
from contentctl.manifest.chunks import assemble, derive, parse_item, split
from contentctl.manifest.fmt import format_text
from contentctl.manifest.load import load_repo
from contentctl.manifest.yamlio import YamlProblem, parse_stream

_characters = st.characters(exclude_categories=("Cs", "Cc")) | st.sampled_from("\n -:#\"'")
texts = st.one_of(
    st.sampled_from(["a\n  - b", "x\n- y", "  - z", "line\n\n  - id: q", "#x", "a: b"]),
    st.text(_characters, max_size=60),
)
values = st.one_of(texts, st.integers(), st.lists(texts, max_size=3))
posts = st.fixed_dictionaries(
    {"id": st.from_regex(r"[a-z]{1,6}", fullmatch=True)},
    optional={"text": texts, "title": texts, "labels": st.lists(texts, max_size=2),
              "networks": st.dictionaries(st.sampled_from(["twitter", "bluesky"]),
                                          st.dictionaries(st.just("text"), texts), max_size=2),
              "options": values},
)  # fmt: skip


@st.composite
def manifests(draw: st.DrawFn) -> str:
    """A posts file as fmt writes it, then with comment lines, empty lines and odd lines."""
    doc = {"posts": draw(st.lists(posts, min_size=1, max_size=5))}
    raw = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=10_000)
    try:
        text = format_text(raw)
    except ManifestError:
        assume(False)
        raise
    lines = text.split("\n")
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(lines)))
        lines.insert(at, draw(st.sampled_from(
            ["", "  # about the next post", "# a note", "    # deeper", "  - id: extra",
             '    text: "two\n  - lines"', "  -", "key: 1", "\t"])))  # fmt: skip
    return "\n".join(lines)


def _whole(text: str) -> list[yamlio.ParsedDocument] | None:
    try:
        return parse_stream(text)
    except YamlProblem:
        return None


@settings(
    max_examples=3 * settings().max_examples,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(manifests())
def test_a_cut_file_parses_as_the_whole_file(text: str) -> None:
    pieces = split(text)
    if pieces is None:
        return
    whole = _whole(text)
    items = [parse_item(item) for _, item in pieces.items]
    if all(documents is not None for documents in items):
        alone = assemble(pieces.posts_line, [
            (line, documents) for (line, _), documents in zip(pieces.items, items, strict=True)
            if documents is not None])  # fmt: skip
        assert whole is not None, "the items parse alone but the file does not"
        assert alone == whole
    if whole is not None:
        derived = derive(pieces, whole)
        if derived is not None:
            back = list(zip((line for line, _ in pieces.items), derived, strict=True))
            assert assemble(pieces.posts_line, back) == whole
            assert derived == items  # what is read off the file is what parsing alone gives


@pytest.mark.parametrize(
    "text",
    [
        "posts:\n  - &a {id: x}\n  - *a\n",  # an anchor: items are not independent
        "posts:\n  - id: a\nlabels: [x]\n",  # another top-level key
        "---\nposts:\n  - id: a\n",
        "posts: [{id: a}]\n",
        "posts:\n  - id: a\n    text: New blend #tea\n",  # a hashtag warning names the item
        "posts:\r\n  - id: a\r\n",
    ],
)
def test_files_of_another_shape_are_not_cut(text: str) -> None:
    assert split(text) is None


def test_the_cut_lines_and_texts() -> None:
    text = "# the file\n\nposts:\n  # one\n  - id: a\n    text: |-\n      x\n\n      - y\n  - id: b"
    pieces = split(text)
    assert pieces is not None
    assert pieces.posts_line == 3
    assert pieces.items == (
        (5, "  - id: a\n    text: |-\n      x\n\n      - y\n"),
        (10, "  - id: b"),
    )


CONFIG = (
    "workspace: 6650f1c2a1b2c3d4e5f60718\nendpoint: sandbox\ntimezone: UTC\ncontent: posts\n"
    "accounts:\n  fb: {id: 65f0a1b2c3d4e5f607182931, provider: facebook}\n"
)


def _post(index: int, text: str) -> str:
    return f'  - id: p{index}\n    at: "2031-01-0{1 + index % 9}T09:00:00Z"\n    text: {text}\n'


def _repo(root: Path, edited: int | None = None) -> None:
    (root / "posts").mkdir(parents=True, exist_ok=True)
    (root / "contentctl.yaml").write_text(CONFIG, encoding="utf-8")
    for number in range(3):
        body = "".join(
            _post(10 * number + i, "changed" if 10 * number + i == edited else f"text {i}")
            for i in range(6)
        )
        (root / "posts" / f"f{number}.yaml").write_text(f"# file {number}\nposts:\n{body}")


def _loaded(root: Path) -> Any:
    result = load_repo(load_config(root / "contentctl.yaml", environ={}))
    return [(p.id, p.content, p.where()) for p in result.posts], result.diagnostics


def test_an_edit_reparses_only_the_edited_post_and_loads_as_a_fresh_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    _repo(repo)
    _loaded(repo)  # fills the parse cache, files kept as their posts
    _repo(repo, edited=13)
    parsed: list[str] = []
    real = parse_cache.parse_item

    def spy(text: str) -> Any:
        parsed.append(text)
        return real(text)

    monkeypatch.setattr(parse_cache, "parse_item", spy)  # where the cache parses an item
    monkeypatch.setattr(load, "_parse", lambda text: pytest.fail("a whole file was parsed"))
    after_edit = _loaded(repo)
    assert parsed == [_post(13, "changed")]
    monkeypatch.undo()
    fresh = tmp_path / "fresh"
    _repo(fresh, edited=13)
    assert after_edit == _loaded(fresh)  # no cache: every file parsed whole
