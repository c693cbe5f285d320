"""Publer's daily per-account limits, warned about at plan time (contentctl/plan/limits.py).

https://publer.com/docs/getting-started/rate-limits: per social account, in any rolling 24
hours, by network and plan (Business by default).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from contentctl.config import load_config
from contentctl.errors import ConfigError
from contentctl.plan.limits import daily_limit_notes, workspace_plan
from contentctl.plan.targets import Target, format_utc

START = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)


def target(n: int, alias: str = "kc-google", provider: str = "google", *, minutes: int = 30,
           bulk_state: str = "scheduled") -> Target:  # fmt: skip
    when = format_utc(START + timedelta(minutes=minutes * n))
    spec = {"endpoint": "schedule", "bulk_state": bulk_state, "post": {},
            "network": {"type": "status", "text": f"post {n}"},
            "account": {"scheduled_at": when}}  # fmt: skip
    return Target(f"p{n}", alias, "a" * 24, provider, "UTC", "posts/p.yaml:1:1", spec)


def test_an_account_past_its_daily_limit_is_named_with_its_busiest_day() -> None:
    targets = [target(n) for n in range(16)]  # 16 Google posts in 8 hours; Business takes 15
    assert daily_limit_notes(targets) == [
        "kc-google (google) would have 16 posts in the 24 hours from 2027-03-01T08:00:00Z; "
        "Publer's business plan takes 15 a day per google account and fails the rest"
    ]
    assert daily_limit_notes(targets[:15]) == []


def test_the_window_rolls_and_drafts_do_not_count() -> None:
    spread = [target(n, minutes=24 * 60 // 15 + 1) for n in range(40)]  # 15 per 24 h at most
    assert daily_limit_notes(spread) == []
    drafts = [target(n, bulk_state="draft") for n in range(20)]
    assert daily_limit_notes(drafts) == []


def test_the_publer_plan_is_told_by_the_config_and_asked_only_when_needed() -> None:
    asked: list[str] = []

    def free() -> str:
        asked.append("GET /workspaces")
        return "free"

    assert daily_limit_notes([target(n) for n in range(5)], free) == []
    assert asked == []  # 5 a day is within every plan's limit for Google: nothing to ask
    targets = [target(n) for n in range(6)]
    assert daily_limit_notes(targets, free) == [
        "kc-google (google) would have 6 posts in the 24 hours from 2027-03-01T08:00:00Z; "
        "Publer's free plan takes 5 a day per google account and fails the rest"
    ]
    assert asked == ["GET /workspaces"]


def test_the_workspace_says_its_plan_and_the_config_speaks_where_it_does_not() -> None:
    listed = [{"id": "w1", "plan": "Professional"}, {"id": "w2"}, {"id": "w3", "plan": "gold"}]
    assert workspace_plan(listed, "w1", "free") == "professional"  # Publer's word wins
    assert workspace_plan(listed, "w2", "free") == "free"
    assert workspace_plan(listed, "w3", None) == "business"
    assert workspace_plan([], "w1", None) == "business"


def test_the_config_names_the_plan_and_refuses_one_publer_does_not_have(tmp_path: Path) -> None:
    (tmp_path / "contentctl.yaml").write_text(
        "workspace: 6650f1c2a1b2c3d4e5f60718\nendpoint: sandbox\naccounts: {}\n", "utf-8"
    )
    read = load_config(tmp_path / "contentctl.yaml", {"CONTENTCTL_PUBLER_PLAN": " Free "})
    assert read.publer_plan == "free"
    assert load_config(tmp_path / "contentctl.yaml", {}).publer_plan is None
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "contentctl.yaml", {"CONTENTCTL_PUBLER_PLAN": "enterprise"})
    assert str(caught.value) == (
        "CONTENTCTL_PUBLER_PLAN: unknown Publer plan 'enterprise'; "
        "it is one of free, professional, business"
    )


def _story(n: int, alias: str = "kc-fb", provider: str = "facebook", minutes: int = 30) -> Target:
    """A story as the wire says it: photo + details.type (reels-shorts-and-stories)."""
    base = target(n, alias, provider, minutes=minutes)
    network = {"type": "photo", "details": {"type": "story"}, "text": f"story {n}"}
    return Target(base.post_id + "s", alias, base.account_id, provider, "UTC", base.source,
                  {**base.spec, "network": network})  # fmt: skip


def test_stories_count_apart_from_posts_where_publer_counts_them_apart() -> None:
    # https://publer.com/docs/getting-started/rate-limits: "FB stories" beside "FB posts+reels"
    posts = [target(n, "kc-fb", "facebook") for n in range(36)]
    stories = [_story(n) for n in range(36)]
    assert daily_limit_notes([*posts, *stories]) == []  # 36 of each: Business takes 36 of each
    assert daily_limit_notes([*posts, *stories, _story(36)]) == [
        "kc-fb (facebook) would have 37 stories in the 24 hours from 2027-03-01T08:00:00Z; "
        "Publer's business plan takes 36 a day per facebook account and fails the rest"
    ]
    # an X post shaped like a story is a post: X has no stories of its own count
    assert daily_limit_notes([_story(n, "kc-x", "twitter", 5) for n in range(101)]) == [
        "kc-x (twitter) would have 101 posts in the 24 hours from 2027-03-01T08:00:00Z; "
        "Publer's business plan takes 100 a day per twitter account and fails the rest"
    ]


def test_a_linkedin_profile_takes_fewer_than_a_page() -> None:
    posts = [target(n, "kc-in", "linkedin") for n in range(15)]
    assert daily_limit_notes(posts, "business", {"kc-in": "page"}) == []
    assert daily_limit_notes(posts, "business", {"kc-in": "profile"}) == [
        "kc-in (linkedin) would have 15 posts in the 24 hours from 2027-03-01T08:00:00Z; "
        "Publer's business plan takes 14 a day per linkedin profile account and fails the rest"
    ]


def _repo(root: Path, posts: int) -> Path:
    """A repo on the in-process sandbox: ``posts`` Telegram posts an hour apart."""
    from contentctl.model import Provider
    from contentctl.sandbox import default_account_id

    telegram = default_account_id(Provider.TELEGRAM)
    (root / "posts").mkdir(parents=True)
    (root / "contentctl.yaml").write_text(
        "workspace: 6650f1c2a1b2c3d4e5f60718\nendpoint: sandbox\ntimezone: UTC\n"
        f"content: posts\naccounts:\n  tg: {{id: {telegram}, provider: telegram}}\n",
        "utf-8",
    )
    items = "".join(
        f"  - id: note-{n}\n    at: 2030-03-01T{8 + n:02}:00\n    accounts: [tg]\n"
        f"    text: note {n}\n"
        for n in range(posts)
    )
    (root / "posts" / "notes.yaml").write_text("posts:\n" + items, "utf-8")
    return root


def test_the_in_process_sandbox_plays_the_configured_plan_and_the_plan_reads_it(
    tmp_path: Path,
) -> None:
    from click.testing import CliRunner

    from contentctl.cli import cli
    from contentctl.sandbox import Store

    repo = _repo(tmp_path / "repo", 6)
    runner = CliRunner()
    business = runner.invoke(cli, ["-C", str(repo), "plan"], env={"CONTENTCTL_PUBLER_PLAN": ""})
    assert business.exit_code == 0, business.output
    assert "a day per telegram" not in business.output  # 6 of Business's 15
    free = {"CONTENTCTL_PUBLER_PLAN": "free"}
    planned = runner.invoke(cli, ["-C", str(repo), "plan"], env=free)
    assert planned.exit_code == 0, planned.output
    assert (
        "tg (telegram) would have 6 posts in the 24 hours from 2030-03-01T08:00:00Z; "
        "Publer's free plan takes 5 a day per telegram account and fails the rest"
    ) in planned.output
    applied = runner.invoke(cli, ["-C", str(repo), "apply", "--auto-approve"], env=free)
    assert applied.exit_code == 3, applied.output  # a post failed on Publer
    assert "Daily limit of 5 posts in 24 hours reached for this telegram account" in (
        applied.output
    )
    store = Store(repo / ".contentctl" / "sandbox.db")
    try:
        texts = sorted(str(p["text"]) for p in store.posts())
    finally:
        store.close()
    assert texts == [f"note {n}" for n in range(5)]


def test_the_free_plan_is_the_smallest_of_every_row() -> None:
    # daily_limit_notes asks the workspace's plan only past the Free plan's limit
    from contentctl import publer_facts as facts

    for limits in (*facts.DAILY_LIMITS.values(), *facts.DAILY_STORY_LIMITS.values()):
        assert limits[facts.PUBLER_PLANS.index("free")] == min(limits)
