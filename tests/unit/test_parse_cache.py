"""The parse cache: a run after an edit parses only the edited file, and sees the same."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contentctl.config import load_config
from contentctl.manifest import load, parse_cache
from contentctl.manifest.load import LoadResult, load_repo
from contentctl.manifest.parse_cache import CACHE_FILE
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
