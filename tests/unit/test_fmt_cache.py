"""fmt's cache of canonical contents: hits skip the round-trip parser, nothing else changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from contentctl.cli import cli
from contentctl.manifest import fmt, fmt_cache
from contentctl.manifest.fmt_cache import CACHE_FILE, FormattedCache

CONFIG = (
    "workspace: 6650f1c2a1b2c3d4e5f60718\nendpoint: sandbox\ncontent: posts\n"
    "accounts:\n  acme-x: {id: 65f0a1b2c3d4e5f607182931, provider: twitter}\n"
)
# canonical, with an end-of-line comment: outside what fmt_fast proves, so fmt parses it
FORMATTED = "id: a  # the first post\ntext: hi\n"
MESSY = "text: hi\nid: b\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "posts").mkdir()
    (tmp_path / "contentctl.yaml").write_text(fmt.format_text(CONFIG), encoding="utf-8")
    (tmp_path / "posts" / "a.yaml").write_text(FORMATTED, encoding="utf-8")
    return tmp_path


def no_round_trip(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make every call of the round-trip formatter fail the test, and list the sources."""
    called: list[str] = []

    def refuse(text: str, *, source: str = "<text>", fix: bool = False) -> str:
        called.append(source)
        raise AssertionError(f"round-trip parser ran on {source}")

    monkeypatch.setattr(fmt, "format_text", refuse)
    return called


def test_a_file_found_canonical_is_not_parsed_again_by_the_next_run(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = repo / "posts" / "a.yaml"
    first = FormattedCache.for_repo(repo)
    assert not fmt.format_file(path, cache=first).changed
    first.save()
    assert (repo / CACHE_FILE).is_file()

    no_round_trip(monkeypatch)
    again = fmt.format_file(path, cache=FormattedCache.for_repo(repo / "posts"))
    assert (again.changed, again.before, again.after) == (False, FORMATTED, FORMATTED)


def test_edited_bytes_miss_the_cache_and_are_formatted(repo: Path) -> None:
    path = repo / "posts" / "a.yaml"
    cache = FormattedCache.for_repo(repo)
    fmt.format_file(path, cache=cache)
    path.write_text("text: hi\nid: a\n", encoding="utf-8")
    result = fmt.format_file(path, cache=cache)
    assert (result.changed, result.after) == (True, "id: a\ntext: hi\n")


def test_what_fmt_writes_is_remembered_and_a_check_does_not_remember_changes(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = repo / "posts" / "b.yaml"
    path.write_text(MESSY, encoding="utf-8")
    cache = FormattedCache.for_repo(repo)
    assert fmt.format_file(path, cache=cache).changed  # --check: nothing remembered
    assert not cache.known(MESSY.encode())
    fmt.format_file(path, write=True, cache=cache)
    assert path.read_text(encoding="utf-8") == "id: b\ntext: hi\n"
    assert cache.known(path.read_bytes())


def test_another_formatter_or_fix_mode_starts_from_nothing(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = FormattedCache.for_repo(repo)
    cache.remember(FORMATTED.encode())
    cache.save()
    assert FormattedCache.for_repo(repo).known(FORMATTED.encode())
    assert not FormattedCache.for_repo(repo, fix=True).known(FORMATTED.encode())
    monkeypatch.setattr(fmt_cache, "formatter_fingerprint", lambda: "another formatter")
    assert not FormattedCache.for_repo(repo).known(FORMATTED.encode())


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b'{"formatted": "x"}'])
def test_a_damaged_cache_file_is_an_empty_cache(repo: Path, content: bytes) -> None:
    (repo / CACHE_FILE).parent.mkdir(parents=True)
    (repo / CACHE_FILE).write_bytes(content)
    cache = FormattedCache.for_repo(repo)
    assert not cache.known(FORMATTED.encode())
    cache.remember(FORMATTED.encode())
    cache.save()
    saved = json.loads((repo / CACHE_FILE).read_bytes())
    assert saved["version"] == 1 and len(saved["formatted"]) == 1


def test_outside_a_repo_nothing_is_cached(tmp_path: Path) -> None:
    cache = FormattedCache.for_repo(tmp_path)
    cache.remember(FORMATTED.encode())
    cache.save()
    assert cache.path is None
    assert list(tmp_path.iterdir()) == []


def test_fmt_check_twice_reports_the_same_and_the_second_run_skips_canonical_files(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "posts" / "b.yaml").write_text(MESSY, encoding="utf-8")
    runner = CliRunner()
    first = runner.invoke(cli, ["-C", str(repo), "fmt", "--check"])
    assert (first.exit_code, first.stderr) == (1, "would reformat posts/b.yaml\n")

    called: list[str] = []
    real = fmt.format_text

    def counting(text: str, *, source: str = "<text>", fix: bool = False) -> str:
        called.append(Path(source).name)
        return real(text, source=source, fix=fix)

    monkeypatch.setattr(fmt, "format_text", counting)
    second = runner.invoke(cli, ["-C", str(repo), "fmt", "--check"])
    assert (second.exit_code, second.stderr) == (1, "would reformat posts/b.yaml\n")
    assert called == ["b.yaml"]  # contentctl.yaml and a.yaml came from the cache

    written = runner.invoke(cli, ["-C", str(repo), "fmt"])
    assert (written.exit_code, written.output) == (0, "reformatted posts/b.yaml\n")
    called.clear()
    third = runner.invoke(cli, ["-C", str(repo), "fmt", "--check"])
    assert (third.exit_code, third.output, called) == (0, "", [])
