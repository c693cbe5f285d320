"""Property: after apply, plan is empty; applying again changes nothing on the remote.

Generated manifests (JSON is YAML) over the in-process sandbox through the
CLI, with a second round of random edits applied on top of the first.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from e2e_support import CONFIG
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contentctl.cli import cli
from contentctl.sandbox import Store

ALIASES = ["fb", "x", "li", "masto"]
WORDS = st.sampled_from(["tea", "Tee", "茶", "chá", "🍵", "spring", "blend", "kettle", "#launch"])
TEXT = st.lists(WORDS, min_size=1, max_size=12).map(" ".join)


@st.composite
def manifests(draw: st.DrawFn) -> dict[str, dict[str, Any]]:
    count = draw(st.integers(1, 5))
    posts = {}
    for i in range(count):
        accounts = draw(st.lists(st.sampled_from(ALIASES), min_size=1, max_size=3, unique=True))
        hour, minute = draw(st.integers(8, 20)), draw(st.integers(0, 59))
        posts[f"p{i}"] = {
            "id": f"p{i}",
            "at": f"2027-04-{i + 1:02d}T{hour:02d}:{minute:02d}",
            "accounts": accounts,
            "type": "status",
            "text": draw(TEXT),
        }
    return posts


@st.composite
def edits(draw: st.DrawFn, posts: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    edited = {}
    for post_id, post in posts.items():
        kind = draw(st.sampled_from(["keep", "text", "time", "accounts", "drop"]))
        if kind == "drop":
            continue
        post = dict(post)
        if kind == "text":
            post["text"] = draw(TEXT) + " (edited)"
        elif kind == "time":
            post["at"] = post["at"][:11] + "07:30"
        elif kind == "accounts":
            post["accounts"] = draw(
                st.lists(st.sampled_from(ALIASES), min_size=1, max_size=4, unique=True)
            )
        edited[post_id] = post
    if draw(st.booleans()):
        edited["extra"] = {
            "id": "extra",
            "at": "2027-05-01T10:00",
            "accounts": ["li"],
            "type": "status",
            "text": draw(TEXT),
        }
    return edited


def write(root: Path, posts: dict[str, dict[str, Any]]) -> None:
    folder = root / "posts"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for post_id, post in posts.items():
        (folder / f"{post_id}.yaml").write_text(json.dumps(post, ensure_ascii=False), "utf-8")


def run(root: Path, *args: str) -> Any:
    result = CliRunner().invoke(cli, ["-C", str(root), *args], catch_exceptions=False)
    return result


def remote(root: Path) -> list[tuple[str, str, str, str]]:
    store = Store(root / ".contentctl" / "sandbox.db")
    try:
        return sorted(
            (p["id"], p["account_id"], p["text"], p["scheduled_at"]) for p in store.posts()
        )
    finally:
        store.close()


def expected(posts: dict[str, dict[str, Any]]) -> int:
    return sum(len(p["accounts"]) for p in posts.values())


def apply_then_check(root: Path, posts: dict[str, dict[str, Any]]) -> None:
    write(root, posts)
    applied = run(root, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    after = remote(root)
    assert len(after) == expected(posts)
    assert len({(acc, text, at) for _, acc, text, at in after}) == len(after)  # no duplicates
    plan = run(root, "plan", "--detailed-exitcode")
    assert plan.exit_code == 0, plan.output
    again = run(root, "apply", "--auto-approve")
    assert again.exit_code == 0 and "No changes." in again.output
    assert remote(root) == after


@settings(
    max_examples=15,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_apply_then_plan_is_empty_and_reapply_changes_nothing(data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "contentctl.yaml").write_text(CONFIG, "utf-8")
        first = data.draw(manifests())
        apply_then_check(root, first)
        apply_then_check(root, data.draw(edits(first)))
