"""A delete Publer refuses for who the key's user is, in process: blocked, never duplicated.

Publer keeps a post published with approval when its editor asks to delete it, and
another member's private draft (https://publer.com/docs/posting/delete-posts); the
sandbox marks such posts with its member control (``endpoints.set_member``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from apply_support import WORKSPACE, bench, target

from contentctl.model import JSONObject
from contentctl.plan.build import Action
from contentctl.plan.targets import NO_ACCOUNT, Target, spec_hash
from contentctl.sandbox.endpoints import set_member


def idea(post_id: str, text: str) -> Target:
    """A private idea (``method: draft_private``, no accounts), as ``plan.targets`` builds it."""
    spec: JSONObject = {
        "endpoint": "schedule",
        "bulk_state": "draft_private",
        "network": {"type": "status", "text": text},
        "post": {"labels": ["contentctl"]},
        "account": {},
    }
    return Target(post_id, NO_ACCOUNT, None, "default", "UTC", f"posts/{post_id}.yaml:1:1", spec,
                  spec_hash(spec))  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "member"),
    [("scheduled", {"published_with_approval": True}),
     ("idea", {"created_by": "f" * 24})],
)  # fmt: skip
def test_a_delete_publer_keeps_is_blocked_and_never_followed_by_a_copy(
    tmp_path: Path, kind: str, member: dict[str, object]
) -> None:
    if kind == "idea":  # another member's private draft
        kept, edited = idea("kept", "Hello from kept"), idea("kept", "Hello again")
    else:  # published with approval, the key's user its editor
        kept, edited = target("kept"), target("kept", text="Hello again")
    with bench(tmp_path) as b:
        b.apply([kept])
        [post] = b.sandbox.posts()
        assert set_member(b.sandbox, WORKSPACE, str(post["id"]), member).status == 200
        assert [c.action for c in b.plan([]).changes] == [Action.DELETE]
        report = b.apply([])  # removed from the manifests: contentctl asks Publer to delete it
        assert [m for _, _, m in report.failed] == [
            f"Publer refused to delete post {post['id']} (Publer kept it: queued posts, posts "
            "published with approval and other members' private drafts cannot be deleted "
            "through the API)"
        ]
        assert [p["id"] for p in b.sandbox.posts()] == [post["id"]]
        after = b.plan([])
        assert [c.action for c in after.changes] == [Action.BLOCKED]
        b.apply([])
        b.apply([edited])  # back in the manifests, changed: still the one post, never a copy
        assert [p["id"] for p in b.sandbox.posts()] == [post["id"]]
