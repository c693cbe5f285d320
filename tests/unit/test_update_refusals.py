"""A PUT Publer refuses, in process: shown, kept as it is, and blocked in the next plan.

Publer answers 403 to an update of a post published with approval (OAS ``PUT
/posts/{id}``, https://publer.com/docs/posting/update-posts); the sandbox marks such a
post with its member control (``endpoints.set_member``).
"""

from __future__ import annotations

from pathlib import Path

from apply_support import WORKSPACE, bench, target

from contentctl.plan.build import Action
from contentctl.sandbox.endpoints import set_member

REFUSED = "You cannot update a post that has been published with approval"


def test_an_update_publer_refuses_is_kept_and_then_blocked(tmp_path: Path) -> None:
    kept, edited = target("kept"), target("kept", text="Hello again")
    with bench(tmp_path) as b:
        b.apply([kept])
        [post] = b.sandbox.posts()
        member = {"published_with_approval": True}
        assert set_member(b.sandbox, WORKSPACE, str(post["id"]), member).status == 200
        assert [c.action for c in b.plan([edited]).changes] == [Action.UPDATE]
        report = b.apply([edited])
        message = f"Publer refused to edit post {post['id']} ({REFUSED})"
        assert ([m for _, _, m in report.failed], report.updated) == ([message], 0)
        [listed] = b.sandbox.posts()
        assert (listed["id"], listed["text"]) == (post["id"], post["text"])
        [change] = b.plan([edited]).changes
        assert (change.action, change.reason) == (
            Action.BLOCKED,
            f"{message}; it stays as it is and no second copy is made: delete it in Publer "
            "(the next plan then sees it gone), or change the manifest back",
        )
        assert [c.action for c in b.plan([kept]).changes] == [Action.NOOP]
        b.apply([edited])
        assert [p["text"] for p in b.sandbox.posts()] == [post["text"]]
