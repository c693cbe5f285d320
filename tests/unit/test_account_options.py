"""Signature and watermark ids teams can look up, and plan checking those the manifests write.

`contentctl accounts` lists each account's signatures (GET /workspaces/{id}/signatures)
and watermarks (GET /workspaces/{id}/media_options); `plan` checks the ids a manifest
writes against those lists, once per run and only when a manifest writes one, and a
wrong id is an error at its manifest line (contentctl/accounts.py).
https://publer.com/docs/posting/create-posts/content-types/post-with-signature
https://publer.com/docs/create-posts/media-options
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, cast

import pytest
import yaml
from click.testing import CliRunner

from contentctl.accounts import option_problems
from contentctl.cli import cli
from contentctl.config import load_config
from contentctl.manifest.load import load_repo
from contentctl.publer import PublerClient
from contentctl.sandbox.seed import signatures, watermarks

EXAMPLES = Path(__file__).parents[2] / "examples" / "content"
LINKEDIN, X = "0302a971e5af031bc4544b18", "cf87c49668dd5054062ab081"  # kc-linkedin, kc-x
INSTAGRAM = "d1f3c6273e731acd63f0f4d9"
TEAM_LI = str(signatures({"id": LINKEDIN})[0]["id"])
SHOP_X = str(signatures({"id": X})[1]["id"])
MARK_IG = str(watermarks({"id": INSTAGRAM})[0]["id"])

POSTS = f"""\
posts:
  - id: signed
    at: 2027-03-24T12:00
    accounts: [kc-linkedin, kc-x]
    text: Wholesale price lists are out.
    signature: {TEAM_LI}
    networks:
      twitter:
        signature: {SHOP_X}
  - id: marked
    at: 2027-03-24T14:00
    accounts: [kc-instagram]
    type: photo
    text: The new tin.
    media:
      - path: media/offer-card.jpg
    watermark: {{id: {MARK_IG}, opacity: 60}}
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "posts").mkdir(parents=True)
    shutil.copy(EXAMPLES / "contentctl.yaml", root / "contentctl.yaml")
    shutil.copytree(EXAMPLES / "media", root / "media")
    (root / "posts" / "options.yaml").write_text(POSTS, "utf-8")
    return root


def run(repo: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["-C", str(repo), *args])
    return result.exit_code, result.stdout, result.stderr


def test_accounts_shows_each_accounts_signatures_and_watermarks(repo: Path) -> None:
    code, out, err = run(repo, "accounts")
    assert code == 0, err
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("  kc-linkedin "))
    shop, mark = signatures({"id": LINKEDIN})[1]["id"], watermarks({"id": LINKEDIN})[0]["id"]
    pad = " " * (lines[2].index("provider") + 2)  # under the provider column, two in
    assert lines[start + 1 : start + 4] == [
        f"{pad}signature {TEAM_LI}  Team  (default)",
        f"{pad}signature {shop}  Shop",
        f"{pad}watermark {mark}  Logo  (default)",
    ]


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_accounts_documents_carry_signatures_and_watermarks(repo: Path, fmt: str) -> None:
    code, out, err = run(repo, "accounts", "--format", fmt)
    assert code == 0, err
    document = json.loads(out) if fmt == "json" else yaml.safe_load(out)
    assert document["format_version"] == 1
    linkedin = next(a for a in document["accounts"] if a["id"] == LINKEDIN)
    assert linkedin["signatures"] == [
        {"id": TEAM_LI, "label": "Team", "default": True},
        {"id": signatures({"id": LINKEDIN})[1]["id"], "label": "Shop", "default": False},
    ]
    assert linkedin["watermarks"] == [
        {"id": watermarks({"id": LINKEDIN})[0]["id"], "name": "Logo", "default": True}
    ]


def test_plan_takes_the_ids_the_accounts_list(repo: Path) -> None:
    code, out, err = run(repo, "plan")
    assert code == 0, err
    assert "Plan: 3 to create" in out


def test_a_wrong_signature_or_watermark_id_fails_plan_at_its_manifest_line(repo: Path) -> None:
    text = POSTS.replace(SHOP_X, "f" * 24).replace(MARK_IG, "nope")
    (repo / "posts" / "options.yaml").write_text(text, "utf-8")
    x_own = ", ".join(sorted(str(s["id"]) for s in signatures({"id": X})))
    code, _, err = run(repo, "plan")
    assert code == 1
    assert err.splitlines() == [
        "contentctl: error: the manifests name signatures or watermarks Publer does not list:",
        f"posts/options.yaml:9:20: error: signature {'f' * 24} is not one of account kc-x's "
        f"signatures on Publer (its signatures: {x_own}); `contentctl accounts` lists them "
        "[$.posts[0].networks.twitter.signature]",
        "posts/options.yaml:17:21: error: watermark nope is not one of account kc-instagram's "
        f"watermarks on Publer (its watermarks: {MARK_IG}); `contentctl accounts` lists them "
        "[$.posts[1].watermark.id] (hint: `contentctl accounts` lists each account's "
        "signatures and watermarks)",
    ]


class _Lists:
    """A client that answers the two lists and counts what it is asked."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, tuple[str, ...]]] = []

    def signatures(self, ids: list[str]) -> list[dict[str, Any]]:
        self.asked.append(("signatures", tuple(ids)))
        return [{"account_id": i, "signatures": signatures({"id": i})} for i in ids]

    def media_options(self, ids: list[str]) -> list[dict[str, Any]]:
        self.asked.append(("media_options", tuple(ids)))
        return [{"id": i, "albums": [], "watermarks": watermarks({"id": i})} for i in ids]


def test_the_lists_are_asked_once_and_only_for_accounts_given_an_id(repo: Path) -> None:
    config = load_config(repo / "contentctl.yaml", environ={})
    result = load_repo(config)
    lists = _Lists()
    client = cast(PublerClient, lists)
    assert option_problems(config, result, client) == []
    assert option_problems(config, result, client) == []  # the same run: not asked again
    assert lists.asked == [("signatures", tuple(sorted((LINKEDIN, X)))),
                           ("media_options", (INSTAGRAM,))]  # fmt: skip


def test_no_request_when_no_manifest_writes_a_signature_or_watermark(repo: Path) -> None:
    (repo / "posts" / "options.yaml").write_text(
        "id: plain\nat: 2027-03-24T12:00\naccounts: [kc-linkedin]\ntext: Hello.\n", "utf-8"
    )
    config = load_config(repo / "contentctl.yaml", environ={})
    lists = _Lists()
    assert option_problems(config, load_repo(config), cast(PublerClient, lists)) == []
    assert lists.asked == []
