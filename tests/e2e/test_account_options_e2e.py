"""Signature and watermark ids over real HTTP: `contentctl accounts` and `plan` against
`sandbox serve`, as a team would look them up and use them.
https://publer.com/docs/posting/create-posts/content-types/post-with-signature
https://publer.com/docs/create-posts/media-options
"""

from __future__ import annotations

import json

from e2e_support import ACCOUNTS, Project

from contentctl.sandbox.seed import signatures, watermarks


def test_accounts_lists_the_ids_and_plan_takes_them_or_locates_a_wrong_one(
    project: Project,
) -> None:
    li = ACCOUNTS["li"][0]
    done = project.run("accounts", "--format", "json")
    assert done.returncode == 0, done.stderr
    [listed] = [a for a in json.loads(done.stdout)["accounts"] if a["id"] == li]
    team, shop = (str(s["id"]) for s in signatures({"id": li}))
    mark = str(watermarks({"id": li})[0]["id"])
    assert listed["signatures"] == [{"id": team, "label": "Team", "default": True},
                                    {"id": shop, "label": "Shop", "default": False}]  # fmt: skip
    assert listed["watermarks"] == [{"id": mark, "name": "Logo", "default": True}]
    post = ("id: signed\nat: 2030-06-01T09:00\naccounts: [li]\ntext: Price lists are out.\n"
            f"signature: {shop}\n")  # fmt: skip
    project.write("signed.yaml", post)
    done = project.run("plan")
    assert done.returncode == 0, done.stderr
    project.write("signed.yaml", post.replace(shop, "f" * 24))
    done = project.run("plan")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "contentctl: error: the manifests name signatures or watermarks Publer does not list:",
        f"posts/signed.yaml:5:12: error: signature {'f' * 24} is not one of account li's "
        f"signatures on Publer (its signatures: {', '.join(sorted((team, shop)))}); "
        "`contentctl accounts` lists them [$.signature] (hint: `contentctl accounts` lists "
        "each account's signatures and watermarks)",
    ]
