"""The parse cache: a run after an edit parses only the edited file, and sees the same."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contentctl.config import load_config
from contentctl.manifest import chunks, load, parse_cache
from contentctl.manifest.load import LoadResult, load_repo
from contentctl.manifest.parse_cache import CACHE_FILE, NEW_FILE
from contentctl.manifest.yamlio import parse_stream

CONFIG = (
    "workspace: 6650f1c2a1b2c3d4e5f60718\nendpoint: sandbox\ncontent: posts\n"
    "timezone: Europe/Berlin\n"
    "accounts:\n  acme-x: {id: 65f0a1b2c3d4e5f607182931, provider: twitter}\n"
)
FILES = {
    "posts/a.yaml": "id: a\nat: 2030-01-01T09:00\naccounts: [acme-x]\ntext: first\n",
    "posts/b.yaml": "posts:\n  - id: b1\n    text: one\n  - id: b2\n    text: two\n",
    "posts/tags.yaml": "id: tags\ntext: New blend #tea\n",  # a lost-hashtag warning
    "posts/broken.yaml": "id: x\ntext: [unclosed\n",  # a located YAML error
    "posts/nan.yaml": "id: n\ntext: t\nduration: .nan\n",  # JSON cannot hold NaN
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "contentctl.yaml").write_text(CONFIG, encoding="utf-8")
    for rel, text in FILES.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    return tmp_path


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The first line of every text the real parser is asked to parse."""
    seen: list[str] = []

    def counting(text: str, list_key: str = "posts") -> list[load.ParsedDocument]:
        seen.append(text.split("\n", 1)[0])
        return parse_stream(text, list_key)

    monkeypatch.setattr(load, "parse_stream", counting)
    monkeypatch.setattr(chunks, "parse_stream", counting)  # a post parsed alone
    return seen


def loaded(repo: Path, paths: list[Path] | None = None) -> LoadResult:
    return load_repo(load_config(repo / "contentctl.yaml", environ={}), paths)


def same(first: LoadResult, second: LoadResult) -> None:
    assert repr(second.posts) == repr(first.posts)  # repr: NaN is not equal to itself
    assert second.diagnostics == first.diagnostics
    assert second.files == first.files
    assert repr([s.data for s in second.sources]) == repr([s.data for s in first.sources])


def test_a_second_run_parses_nothing_and_sees_the_same(repo: Path, parsed: list[str]) -> None:
    first = loaded(repo)
    assert len(parsed) == 5
    assert (repo / CACHE_FILE).is_file()
    messages = [d.message for d in first.diagnostics]
    assert any("#tea" in m for m in messages) and any("YAML syntax" in m for m in messages)

    parsed.clear()
    second = loaded(repo)
    assert parsed == ["id: n"]  # only the file JSON cannot hold is parsed again
    same(first, second)


def test_after_an_edit_only_the_edited_file_is_parsed(repo: Path, parsed: list[str]) -> None:
    loaded(repo)
    (repo / "posts/a.yaml").write_text(FILES["posts/a.yaml"].replace("first", "edited"), "utf-8")
    parsed.clear()
    result = loaded(repo)
    assert sorted(parsed) == ["id: a", "id: n"]
    assert {p.id: p.content["text"] for p in result.posts}["a"] == "edited"


def test_removed_files_leave_the_cache_and_a_run_on_some_files_keeps_the_rest(
    repo: Path, parsed: list[str]
) -> None:
    loaded(repo)
    entries = json.loads((repo / CACHE_FILE).read_bytes())["entries"]
    assert len(entries) == 6  # NaN file not cached; b.yaml is kept as its 2 posts and their list
    loaded(repo, [repo / "posts/a.yaml"])
    assert len(json.loads((repo / CACHE_FILE).read_bytes())["entries"]) == 6
    (repo / "posts/b.yaml").unlink()
    loaded(repo)
    assert len(json.loads((repo / CACHE_FILE).read_bytes())["entries"]) == 3


def test_another_parser_or_a_damaged_cache_parses_everything_again(
    repo: Path, parsed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = loaded(repo)
    monkeypatch.setattr(parse_cache, "parser_fingerprint", lambda: "another parser")
    parsed.clear()
    same(first, loaded(repo))
    assert len(parsed) == 5

    (repo / CACHE_FILE).write_bytes(b'{"version": 1, "parser": "another parser", "entries": [')
    parsed.clear()
    same(first, loaded(repo))
    assert len(parsed) == 5


def _many(tmp_path: Path, files: int = 12) -> Path:
    """A repo of ``files`` files of 3 posts each: one edit is well under a quarter of it."""
    (tmp_path / "contentctl.yaml").write_text(CONFIG, encoding="utf-8")
    for n in range(files):
        posts = "".join(f"  - id: p{n}-{k}\n    text: post {k}\n" for k in range(3))
        path = tmp_path / f"posts/f{n:02}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("posts:\n" + posts, encoding="utf-8")
    return tmp_path


def _edit(repo: Path, n: int) -> None:
    path = repo / f"posts/f{n:02}.yaml"
    path.write_text(path.read_text("utf-8").replace("post 1", f"edited {n}"), "utf-8")


def test_an_edit_writes_only_what_it_added_and_the_next_run_reads_both(
    tmp_path: Path, parsed: list[str]
) -> None:
    repo = _many(tmp_path)
    loaded(repo)
    main = (repo / CACHE_FILE).read_bytes()
    assert not (repo / NEW_FILE).exists()
    _edit(repo, 3)
    parsed.clear()
    edited = loaded(repo)
    assert parsed == ["posts:"]  # the one edited post, parsed alone
    assert (repo / CACHE_FILE).read_bytes() == main  # not written again
    added = json.loads((repo / NEW_FILE).read_bytes())
    assert added["main"] == json.loads(main)["id"]
    assert len(added["entries"]) == 2  # the edited post and its file's list of posts

    parsed.clear()
    again = loaded(repo)
    assert parsed == []
    same(edited, again)
    (repo / CACHE_FILE).unlink()
    (repo / NEW_FILE).unlink()
    same(edited, loaded(repo))  # as a run without any cache sees it


def test_the_additions_go_into_the_main_file_once_they_reach_a_quarter_of_it(
    tmp_path: Path, parsed: list[str]
) -> None:
    repo = _many(tmp_path)
    loaded(repo)
    size = len(json.loads((repo / CACHE_FILE).read_bytes())["entries"])
    assert size == 12 * 4
    for n in range(2):  # each edit: 2 new entries, 2 stale; 8 of 48 is under a quarter
        _edit(repo, n)
        loaded(repo)
        assert (repo / NEW_FILE).exists()
    _edit(repo, 2)  # 6 new and 6 stale: 12 of 48, a quarter
    loaded(repo)
    assert not (repo / NEW_FILE).exists()
    entries = json.loads((repo / CACHE_FILE).read_bytes())["entries"]
    assert len(entries) == size  # what the repo holds now, the old posts pruned
    parsed.clear()
    loaded(repo)
    assert parsed == []


def test_additions_to_another_main_file_are_not_read(tmp_path: Path, parsed: list[str]) -> None:
    repo = _many(tmp_path)
    loaded(repo)
    before = (repo / CACHE_FILE).read_bytes()
    _edit(repo, 3)
    loaded(repo)
    (repo / CACHE_FILE).write_bytes(before.replace(b'"id": "', b'"id": "x'))  # rewritten since
    parsed.clear()
    result = loaded(repo)
    assert parsed == ["posts:"]  # the edited post is parsed again, not taken from the additions
    assert {p.id: p.content["text"] for p in result.posts}["p3-1"] == "edited 3"
