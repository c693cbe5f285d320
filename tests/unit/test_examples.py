"""examples/content: a realistic repo that validates clean and shows every feature."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest

from contentctl.config import load_config
from contentctl.manifest.load import load_repo
from contentctl.manifest.schemas import schema
from contentctl.manifest.yamlio import parse_documents
from contentctl.model import Method, Severity
from contentctl.validate.checks import check_repo

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "content"
CONFIG = EXAMPLE / "contentctl.yaml"
MANIFESTS = sorted((EXAMPLE / "posts").glob("*.yaml"))
WRITTEN = datetime(2026, 11, 28, tzinfo=UTC)  # when the examples were last dated


def test_the_examples_validate_without_errors_or_warnings() -> None:
    result, diagnostics = check_repo(load_config(CONFIG, {}), now=WRITTEN)
    assert [d.render() for d in diagnostics] == []
    assert len(result.posts) >= 20


def test_the_examples_have_no_errors_today() -> None:
    _, diagnostics = check_repo(load_config(CONFIG, {}))
    assert [d.render() for d in diagnostics if d.severity is Severity.ERROR] == []


def test_the_examples_cover_methods_providers_and_types() -> None:
    config = load_config(CONFIG, {})
    posts = load_repo(config).posts
    assert {p.method for p in posts} == set(Method)
    providers = {config.accounts[a].provider for p in posts for a in p.accounts}
    assert len(providers) >= 8
    types = {p.content.get("type") for p in posts}
    assert {"photo", "video", "link", "carousel", "poll", "reel"} <= types
    assert any(p.networks for p in posts)
    assert {p.pointer for p in posts} >= {"$", "$.posts[0]"}
    timed = [p.at for p in posts if p.at is not None]
    assert timed and all(at.year == 2027 for at in timed)


@pytest.mark.parametrize("path", [CONFIG, *MANIFESTS], ids=lambda p: p.name)
def test_every_example_file_points_editors_at_its_schema(path: Path) -> None:
    first = path.read_text("utf-8").splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix)
    target = (path.parent / first.removeprefix(prefix)).resolve()
    name = "config" if path == CONFIG else "post"
    assert target == ROOT / "schemas" / f"{name}.schema.json"


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_every_example_document_is_valid_as_an_editor_sees_it(path: Path) -> None:
    validator = jsonschema.Draft202012Validator(schema("post"))
    for data, _, _ in parse_documents(path.read_text("utf-8")):
        assert [e.message for e in validator.iter_errors(data)] == []


def test_the_examples_use_both_multi_post_forms_and_comments() -> None:
    texts = {p.name: p.read_text("utf-8") for p in MANIFESTS}
    assert any(t.lstrip().startswith("#") and "\nposts:" in t for t in texts.values())
    assert any(len(parse_documents(t)) > 1 for t in texts.values())
    assert all(t.count("#") >= 2 for t in texts.values())


def test_every_referenced_media_file_is_in_the_repo_and_small() -> None:
    config = load_config(CONFIG, {})
    paths = {
        item["path"]
        for post in load_repo(config).posts
        for media in [post.content.get("media") or []]
        + [o.get("media") or [] for o in post.networks.values()]
        for item in media
        if "path" in item
    }
    assert paths
    for path in paths:
        file = EXAMPLE / path
        assert file.is_file(), path
        assert 0 < file.stat().st_size < 2048, path
