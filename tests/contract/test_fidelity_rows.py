"""Rows of docs/fidelity.md whose code was right but whose contract test was missing.

Ideas (``draft_private``/``draft_public``) go out under ``networks.default`` and, like
every other network entry, name their ``type`` (OAS: every ``*NetworkContent`` requires
it). https://publer.com/docs/posting/create-posts/publishing-methods/ideas
"""

from __future__ import annotations

from typing import Any

import pytest
from contract_support import Remote


def idea(remote: Remote, state: str, entry: dict[str, Any]) -> dict[str, Any]:
    return {"state": state, "posts": [{"networks": {"default": entry},
                                       "accounts": [{"id": remote.id("facebook")}]}]}  # fmt: skip


@pytest.mark.parametrize("state", ["draft_private", "draft_public"])
def test_an_idea_names_its_type_like_any_network_entry(remote: Remote, state: str) -> None:
    # https://publer.com/docs/posting/create-posts/publishing-methods/ideas
    typed = remote.run(idea(remote, state, {"type": "status", "text": "typed idea"}))
    assert (typed["status"], typed["payload"]["failures"]) == ("complete", {})
    assert [(p["text"], p["state"]) for p in remote.posts(state="all")] == [("typed idea", state)]
    body = {"bulk": idea(remote, state, {"text": "untyped"})}
    untyped = remote.client.post("/posts/schedule", json=body)
    assert (untyped.status_code, untyped.json()) == (
        400, {"errors": ["posts[0].networks.default.type is required"]}
    )  # fmt: skip
    assert [p["text"] for p in remote.posts(state="all")] == ["typed idea"]
