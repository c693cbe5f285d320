"""`contentctl import` of posts with media, links, network fields and methods, end to end.

The examples repo (photo, video, reel, short, GIF, carousels of media and of
links, a LinkedIn document, a Google event and offer, a WordPress article,
polls, YouTube titles and categories, drafts, ideas, publish-now, recycling,
recurring) is applied through the sandbox's API; then the repo loses its
manifests and state, as a team that has these posts on Publer but no repo
yet. Import writes them in fmt's form (the posts of one bulk as one manifest
post, what differs per network), media by their Publer ids (nothing is
uploaded or downloaded), says what it skipped and why, and the plan right
after is empty; what the manifests would send is what Publer holds.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e_support import REPO, Project, serve

from contentctl.errors import ExitCode

EXAMPLES = REPO / "examples" / "content"
SKIPPED = [
    "it is a pin whose board Publer's listing does not name",
    *["it is auto-scheduled (Publer's listing gives its slot, not the range asked for)"] * 3,
]


@pytest.fixture
def examples(tmp_path: Path) -> Iterator[Project]:
    root = tmp_path / "repo"
    shutil.copytree(
        EXAMPLES, root, ignore=shutil.ignore_patterns(".contentctl", "contentctl.state.json*")
    )
    server = serve(root, "--rate-limit", "0")
    try:
        yield Project(root, server)
    finally:
        server.stop()


# What Publer's listing says about a post that is not its content.
LISTED = {"id", "state", "account_id", "network", "scheduled_at", "post_link", "has_media",
          "labels", "auto", "job_id", "created_at", "updated_at", "user", "account",
          "workspace_id", "error"}  # fmt: skip


def _wire(post: dict[str, Any]) -> dict[str, Any]:
    """What a post holds on Publer (or a manifest would send), without what is only listed."""
    media = [(m.get("id"), m.get("type"), m.get("alt_text")) for m in post.get("media") or []]
    out = {k: v for k, v in post.items() if k not in LISTED and v not in (None, [], {}, "")}
    if out.get("type") == "link":
        out.pop("url", None)  # Publer lists a link post's url beside its link object
    return {**out, "media": media}


def test_posts_of_every_type_are_imported_with_their_media_ids_and_the_plan_after_is_empty(
    examples: Project,
) -> None:
    applied = examples.run("apply", "--auto-approve")
    assert applied.returncode == ExitCode.OK, applied.stdout[-2000:] + applied.stderr[-2000:]
    remote = {p["id"]: p for p in examples.remote_posts()}
    assert {p["type"] for p in remote.values()} >= {
        "status", "photo", "video", "gif", "carousel", "link", "poll", "article",
    }  # fmt: skip
    for manifest in (examples.root / "posts").glob("*.yaml"):
        manifest.unlink()
    examples.state_path.unlink()
    before = examples.server.stats()["requests"]

    imported = examples.run("import")
    assert imported.returncode == ExitCode.OK, imported.stdout + imported.stderr
    out = imported.stdout.splitlines()
    written = examples.root / "posts" / "imported.yaml"
    assert out[0] == f"Imported {len(remote) - 4} posts from Publer into {written}."
    assert sorted(line.split(": ", 1)[1] for line in out[1:]) == sorted(SKIPPED)
    assert all(line.startswith("  skipped ") for line in out[1:])
    formatted = examples.run("fmt", "--check", "posts/imported.yaml")  # in the form fmt writes
    assert formatted.returncode == ExitCode.OK, formatted.stdout + formatted.stderr
    text = written.read_text("utf-8")
    assert "path:" not in text and "url: https://cdn." not in text  # by Publer's media ids
    assert "type: reel\n" in text and "type: document\n" in text and "type: event\n" in text
    # the posts of one bulk are one manifest post, what differs said per network
    assert text.count("\n---\n") < len(remote) - 4
    assert (
        "networks:\n  instagram:\n    text: |\n      Something green is steeping. 🌱 Our Spring "
        "Blend arrives on 5 March.\n      #tea #berlin #springblend #kettleandcrane\n"
        "  twitter:\n    text: Something green is steeping. Spring Blend arrives 5 March. 🌱\n"
    ) in text

    plan = examples.run("plan", "--detailed-exitcode")
    assert plan.returncode == ExitCode.OK, plan.stdout + plan.stderr
    assert plan.stdout.splitlines()[-1] == f"No changes. {len(remote) - 4} up to date."
    again = examples.run("apply", "--auto-approve")
    assert again.returncode == ExitCode.OK, again.stdout + again.stderr
    after = examples.server.stats()["requests"]
    for sent in ("POST /media", "POST /media/from-url", "POST /posts/schedule", "PUT /posts/{id}"):
        assert after.get(sent, 0) == before.get(sent, 0), sent  # nothing uploaded or sent

    # what the imported manifests would send is what Publer holds, post by post
    state = examples.state()
    plan_json = examples.run("plan", "--format", "json")
    assert plan_json.returncode == ExitCode.OK, plan_json.stderr
    targets = {
        (c["post_id"], c["alias"]): c["after"]["spec"]
        for c in json.loads(plan_json.stdout)["changes"]
    }
    mismatched = []
    for post_id, accounts in state["posts"].items():
        for alias, entry in accounts.items():
            spec = targets[(post_id, alias)]
            body = {**spec["network"], **spec["post"]}
            if _wire(body) != _wire(remote[entry["remote_id"]]):
                mismatched.append((post_id, _wire(body), _wire(remote[entry["remote_id"]])))
    assert mismatched == []
    assert len(examples.remote_posts()) == len(remote)
