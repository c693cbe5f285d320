"""A scaffolded repo in an editor, offline: yaml-language-server driven over LSP stdio.

The server (npm's yaml-language-server, installed into .tools/ by
scripts/ensure-yaml-ls.sh) runs in a network namespace of its own, so it
cannot reach any host: what it knows of the schemas comes from the files
`contentctl init` wrote, through the manifests' `yaml-language-server` lines
and the `yaml.schemas` of .vscode/settings.json, handed over as VS Code does.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lsp_client import LanguageServer

from contentctl.manifest.scaffold import init_repo

REPO = Path(__file__).resolve().parents[2]
SERVER = REPO / ".tools" / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
ALIASES = ["acme-bluesky", "acme-facebook", "acme-linkedin", "acme-mastodon"]
MODELINE = "# yaml-language-server: $schema=../.contentctl/schemas/post.repo.schema.json\n"
POST = "id: a\nat: 2027-01-01T09:00\naccounts: [acme-facebook]\ntype: status\n"


def command() -> list[str]:
    node, unshare = shutil.which("node"), shutil.which("unshare")
    if not SERVER.exists() or node is None:
        pytest.fail(f"{SERVER} is missing: run scripts/ensure-yaml-ls.sh (`make test` runs it)")
    if unshare is None:
        pytest.fail("unshare (util-linux) is missing: it keeps the server off the network")
    return [unshare, "--net", node, str(SERVER), "--stdio"]


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("editor") / "repo"
    init_repo(root)
    return root


@pytest.fixture(scope="module")
def server(repo: Path) -> Iterator[LanguageServer]:
    """One server for the module, as one editor for a session: each test opens its files."""
    vscode = json.loads((repo / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    settings: dict[str, Any] = {
        "yaml": {
            "schemas": vscode["yaml.schemas"],
            "validate": True,
            "completion": True,
            "hover": True,
            "schemaStore": {"enable": False},  # its catalog is on the network
        }
    }
    language_server = LanguageServer(command(), repo, settings)
    try:
        yield language_server
    finally:
        language_server.close()


def messages(diagnostics: list[dict[str, Any]]) -> list[tuple[int, int, int, str]]:
    return sorted(
        (
            d["range"]["start"]["line"],
            d["range"]["start"]["character"],
            d["range"]["end"]["character"],
            d["message"],
        )
        for d in diagnostics
    )


def test_the_scaffolded_manifests_are_clean(repo: Path, server: LanguageServer) -> None:
    for name in ("content/welcome.yaml", "content/launch.yaml", "contentctl.yaml"):
        path = repo / name
        assert server.diagnostics_of(server.open(path, path.read_text("utf-8"))) == [], name


def test_completion_offers_the_top_level_keys(repo: Path, server: LanguageServer) -> None:
    uri = server.open(repo / "content" / "new.yaml", MODELINE + "\n")
    labels = server.completion(uri, 1, 0)
    assert {"id", "method", "at", "timezone", "accounts", "text", "type", "networks"} <= set(labels)
    assert "posts" in labels  # a file may hold a posts: list


def test_completion_in_accounts_offers_the_repos_aliases(
    repo: Path, server: LanguageServer
) -> None:
    uri = server.open(repo / "content" / "accounts.yaml", MODELINE + "id: a\naccounts: [\n")
    # an entry is an alias or {alias, labels}: the server also offers the two item snippets
    offered = server.completion(uri, 2, len("accounts: ["))
    assert offered == [*ALIASES, "- (array item) string", "- (array item) object"]


def test_wrong_types_unknown_aliases_and_providers_are_flagged(
    repo: Path, server: LanguageServer
) -> None:
    text = (
        MODELINE + "id: a\nat: 2027-01-01T09:00\naccounts: [acme-facebook, acme-myspace]\n"
        "type: status\ntext: [1]\nnetworks:\n  facebok:\n    text: hi\n"
    )
    uri = server.open(repo / "content" / "bad.yaml", text)
    assert messages(server.diagnostics_of(uri)) == [
        (
            3,
            26,
            38,
            "unknown account alias; the aliases of contentctl.yaml are: " + ", ".join(ALIASES),
        ),
        (5, 6, 9, 'Incorrect type. Expected "string".'),
        (
            7,
            2,
            9,
            "unknown provider; providers are: facebook, instagram, twitter, linkedin, pinterest, "
            "youtube, tiktok, google, wordpress, telegram, mastodon, threads, bluesky",
        ),
    ]


def test_the_vscode_settings_alone_give_a_manifest_its_schema(
    repo: Path, server: LanguageServer
) -> None:
    for name in ("content/plain.yaml", "content/nested/deeper.yaml"):
        uri = server.open(repo / name, POST + "text: [1]\n")
        assert messages(server.diagnostics_of(uri)) == [
            (4, 6, 9, 'Incorrect type. Expected "string".')
        ], name
    config = repo / "contentctl.yaml"
    text = config.read_text("utf-8").replace("timezone: Europe/Paris", "timezone: [1]")
    line = text.splitlines().index("timezone: [1]")
    uri = server.open(config, text)
    assert messages(server.diagnostics_of(uri)) == [
        (line, 10, 13, 'Incorrect type. Expected "string".')
    ]
