"""`contentctl accounts` against `sandbox serve`; `plan` refusing a wrong account.

The served sandbox has accounts of its own, like a Publer workspace; the repo's
contentctl.yaml names four of them. https://publer.com/docs/api-reference/accounts
"""

from __future__ import annotations

import json

from e2e_support import ACCOUNTS, WORKSPACE, Project

from contentctl.model import Provider
from contentctl.sandbox import default_account_id
from contentctl.sandbox.seed import SEED_ACCOUNTS, albums


def test_accounts_lists_the_served_sandboxs_accounts_and_boards(project: Project) -> None:
    done = project.run("accounts", "--format", "json")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["workspace"] == WORKSPACE
    assert [w["current"] for w in found["workspaces"] if w["id"] == WORKSPACE] == [True]
    listed = {a["id"]: a for a in found["accounts"]}
    assert set(listed) == {default_account_id(p, s) for p, s, _n, _k in SEED_ACCOUNTS}
    # an alias already in contentctl.yaml is kept; the others are suggested
    assert {alias: listed[ident]["alias"] for alias, (ident, _p) in ACCOUNTS.items()} == {
        alias: alias for alias in ACCOUNTS
    }
    pin = listed[default_account_id(Provider.PINTEREST)]
    assert (pin["alias"], pin["provider"], pin["type"]) == ("pinterest", "pinterest", "business")
    board_ids = [b["id"] for b in albums({"id": pin["id"], "provider": "pinterest"})]
    assert [b["id"] for b in pin["albums"]] == board_ids
    assert listed[default_account_id(Provider.LINKEDIN, "-page")]["alias"] == "linkedin-page"


def test_accounts_write_fills_the_block_and_keeps_comments(project: Project) -> None:
    config = project.root / "contentctl.yaml"
    config.write_text("# our Publer setup\n" + config.read_text("utf-8"), encoding="utf-8")
    done = project.run("accounts", "--write")
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith("\nWrote the accounts: block of contentctl.yaml (15).\n")
    text = config.read_text("utf-8")
    assert text.startswith("# our Publer setup\n")
    facebook = default_account_id(Provider.FACEBOOK)
    assert f"  fb: {{id: {facebook}, provider: facebook, name: Sandbox Facebook}}\n" in text
    again = project.run("plan")
    assert again.returncode == 0, again.stderr


def test_plan_fails_on_a_wrong_account_id_or_provider_at_its_alias(project: Project) -> None:
    config = project.root / "contentctl.yaml"
    text = config.read_text("utf-8")
    x_id, li_id = ACCOUNTS["x"][0], ACCOUNTS["li"][0]
    text = text.replace(x_id, "f" * 24).replace(f"{li_id}, provider: linkedin",
                                                 f"{li_id}, provider: mastodon")  # fmt: skip
    config.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    x_line = next(i for i, line in enumerate(lines, 1) if line.startswith("  x:"))
    li_line = next(i for i, line in enumerate(lines, 1) if line.startswith("  li:"))
    for command in ("plan", "refresh"):  # refresh reads posts by these ids too
        done = project.run(command)
        assert done.returncode == 1, command
        twitter = ", ".join(default_account_id(p, s) for p, s, _n, _k in SEED_ACCOUNTS
                            if p is Provider.TWITTER)  # fmt: skip
        assert done.stderr.splitlines() == [
            "contentctl: error: contentctl.yaml names accounts Publer does not have:",
            f"contentctl.yaml:{x_line}:3: error: account x: id {'f' * 24} is not an account of "
            f"workspace {WORKSPACE} (twitter accounts there: {twitter}); `contentctl accounts` "
            "lists them [$.accounts.x]",
            f"contentctl.yaml:{li_line}:3: error: account li: {li_id} is a linkedin account on "
            "Publer, not mastodon [$.accounts.li] (hint: `contentctl accounts` lists the "
            "workspace's accounts; `contentctl accounts --write` fixes the accounts: block)",
        ]
