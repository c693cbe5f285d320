"""Accounts discovered, not typed: aliases suggested, contentctl.yaml checked at each alias, the
accounts: block rewritten with its comments kept (contentctl/accounts.py)."""

from __future__ import annotations

from pathlib import Path

from contentctl.accounts import (
    Discovery,
    RemoteAccount,
    account_problems,
    accounts_block,
    suggest_alias,
)
from contentctl.config import load_config

CONFIG = """\
# Kettle & Crane
workspace: 6650f1c2a1b2c3d4e5f60718
accounts:
  fb:  {id: aaaaaaaaaaaaaaaaaaaaaa01, provider: facebook, name: Our page}   # the main page
  x:   {id: aaaaaaaaaaaaaaaaaaaaaa02, provider: twitter}
  pin: {id: aaaaaaaaaaaaaaaaaaaaaa03, provider: pinterest}
"""
LISTED = [
    {"id": "aaaaaaaaaaaaaaaaaaaaaa01", "provider": "facebook", "name": "K&C", "type": "page"},
    {"id": "aaaaaaaaaaaaaaaaaaaaaa03", "provider": "instagram", "name": "@kc", "type": "business"},
    {"id": "aaaaaaaaaaaaaaaaaaaaaa04", "provider": "twitter", "name": "@kc", "type": "profile"},
]


def test_aliases_are_suggested_from_the_name_and_kept_unique() -> None:
    taken: set[str] = set()
    assert suggest_alias("Sandbox LinkedIn page", "linkedin", taken) == "linkedin-page"
    assert suggest_alias("Kettle & Crane GmbH", "linkedin", taken) == "linkedin-kettle-crane-gmbh"
    assert suggest_alias("Sandbox Linkedin", "linkedin", taken) == "linkedin"
    assert suggest_alias("LinkedIn", "linkedin", taken) == "linkedin-2"
    assert suggest_alias("", "bluesky", taken) == "bluesky"


def test_a_wrong_id_or_provider_is_located_at_its_alias(tmp_path: Path) -> None:
    (tmp_path / "contentctl.yaml").write_text(CONFIG, "utf-8")
    config = load_config(tmp_path / "contentctl.yaml", environ={})
    assert [d.render() for d in account_problems(config, LISTED)] == [
        "contentctl.yaml:5:3: error: account x: id aaaaaaaaaaaaaaaaaaaaaa02 is not an account of "
        "workspace 6650f1c2a1b2c3d4e5f60718 (twitter accounts there: aaaaaaaaaaaaaaaaaaaaaa04); "
        "`contentctl accounts` lists them [$.accounts.x]",
        "contentctl.yaml:6:3: error: account pin: aaaaaaaaaaaaaaaaaaaaaa03 is a instagram account "
        "on Publer, not pinterest [$.accounts.pin]",
    ]


def test_the_accounts_block_is_rewritten_with_comments_and_names_kept(tmp_path: Path) -> None:
    path = tmp_path / "contentctl.yaml"
    path.write_text(CONFIG, "utf-8")
    found = Discovery("6650f1c2a1b2c3d4e5f60718", (), (
        RemoteAccount("fb", "aaaaaaaaaaaaaaaaaaaaaa01", "facebook", "K&C", "page"),
        RemoteAccount("instagram-kc", "aaaaaaaaaaaaaaaaaaaaaa03", "instagram", "@kc", "business"),
    ))  # fmt: skip
    assert accounts_block(path, found) == (
        "# Kettle & Crane\n"
        "workspace: 6650f1c2a1b2c3d4e5f60718\n"
        "accounts:\n"
        "  fb: {id: aaaaaaaaaaaaaaaaaaaaaa01, provider: facebook, name: Our page}"
        "    # the main page\n"
        "  instagram-kc: {id: aaaaaaaaaaaaaaaaaaaaaa03, provider: instagram, name: '@kc'}\n"
    )
