"""Mastodon, Telegram, X, Threads and Bluesky fields only Publer's OpenAPI blocks name.

Written under ``networks.<provider>`` in the manifest's snake_case, checked by the
schema, sent in the OAS spelling on the network entry (``contentctl/publer_extras.py``,
``plan.shapes.wire_extras``), checked and kept by the sandbox, and never drift.
https://github.com/api-evangelist/publer/blob/main/openapi/_original/publer-openapi.yml
(MastodonNetworkContent, TelegramNetworkContent, TwitterNetworkContent,
ThreadsNetworkContent, BlueskyNetworkContent)
"""

# ruff: noqa: E501  (expected messages read best one per line)

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from manifest_support import make_repo

from contentctl.apply.bulks import bulk_post
from contentctl.cli import cli
from contentctl.config import load_config
from contentctl.manifest.load import load_repo
from contentctl.model import Config
from contentctl.plan.targets import build_targets
from contentctl.publer_extras import extra_problem
from contentctl.validate.checks import check_repo

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
EXTRAS = """\
id: a
at: 2027-01-05T09:00
accounts: [masto, tg, x, threads, bsky]
text: Spring menu
networks:
  mastodon: {visibility: unlisted, sensitive: true, spoiler_text: Food}
  telegram: {parse_mode: HTML, disable_notification: true, disable_web_page_preview: false}
  twitter: {reply_settings: following, details: {community: {id: '1493', name: Tea}}}
  threads: {reply_to: '17890'}
  bluesky: {reply_to: 'at://did:plc:x/app.bsky.feed.post/3k'}
"""


def diagnostics(tmp_path: Path, text: str) -> list[str]:
    config = make_repo(tmp_path, {"content/p.yaml": text})
    return [d.render() for d in check_repo(config, now=NOW)[1]]


def test_the_extras_validate_and_go_out_in_the_oas_spelling(tmp_path: Path) -> None:
    config = make_repo(tmp_path, {"content/p.yaml": EXTRAS})
    assert [d.render() for d in check_repo(config, now=NOW)[1]] == []
    targets = build_targets(config, load_repo(config).posts)
    networks = bulk_post(targets, {})["networks"]
    text = {"type": "status", "text": "Spring menu"}
    assert networks == {
        "mastodon": {**text, "visibility": "unlisted", "sensitive": True, "spoilerText": "Food"},
        "telegram": {**text, "parseMode": "HTML", "disableNotification": True,
                     "disableWebPagePreview": False},
        "twitter": {**text, "details": {"community": {"id": "1493", "name": "Tea"}},
                    "replySettings": "following"},
        "threads": {**text, "replyTo": "17890"},
        "bluesky": {**text, "replyTo": "at://did:plc:x/app.bsky.feed.post/3k"},
    }  # fmt: skip


@pytest.mark.parametrize(
    ("networks", "message"),
    [
        ("mastodon: {visibility: friends}",
         "content/p.yaml:6:26: error: 'friends' is not one of: public, unlisted, private, direct [$.networks.mastodon.visibility]"),
        ("mastodon: {sensitive: 'yes'}",
         "content/p.yaml:6:25: error: sensitive must be true or false, not a string [$.networks.mastodon.sensitive]"),
        ("telegram: {parse_mode: markdown}",
         "content/p.yaml:6:26: error: 'markdown' is not one of: Markdown, HTML (did you mean 'Markdown'?) [$.networks.telegram.parse_mode]"),
        ("twitter: {reply_settings: nobody}",
         "content/p.yaml:6:29: error: 'nobody' is not one of: everyone, mentionedUsers, following [$.networks.twitter.reply_settings]"),
        ("twitter: {details: {community: {name: Tea}}}",
         "content/p.yaml:6:23: error: missing required key 'id' [$.networks.twitter.details.community]"),
        ("telegram: {visibility: public}",
         "content/p.yaml:6:14: error: unknown key 'visibility' [$.networks.telegram.visibility]"),
    ],
)  # fmt: skip
def test_a_wrong_value_or_a_key_of_another_network_is_a_located_error(
    tmp_path: Path, networks: str, message: str
) -> None:
    text = f"id: a\nat: 2027-01-05T09:00\naccounts: [masto, tg, x]\ntext: Hi\nnetworks:\n  {networks}\n"
    assert diagnostics(tmp_path, text) == [message]


def test_extras_are_not_taken_at_the_top_of_a_post(tmp_path: Path) -> None:
    text = "id: a\nat: 2027-01-05T09:00\naccounts: [masto]\ntext: Hi\nvisibility: unlisted\n"
    assert diagnostics(tmp_path, text) == [
        "content/p.yaml:5:1: error: unknown key 'visibility' [$.visibility]",
    ]


@pytest.mark.parametrize(
    ("provider", "entry", "problem"),
    [
        ("mastodon", {"visibility": "friends"}, "Visibility must be one of public, unlisted, private, direct"),
        ("mastodon", {"sensitive": "true"}, "Sensitive must be true or false"),
        ("mastodon", {"spoilerText": 3}, "SpoilerText must be a string"),
        ("telegram", {"parseMode": "MarkdownV2"}, "ParseMode must be one of Markdown, HTML"),
        ("telegram", {"disableWebPagePreview": 1}, "DisableWebPagePreview must be true or false"),
        ("twitter", {"replySettings": "all"}, "ReplySettings must be one of everyone, mentionedUsers, following"),
        ("twitter", {"details": {"community": "tea"}}, "Details community must have an id"),
        ("bluesky", {"replyTo": None}, "ReplyTo must be a string"),
        ("mastodon", {"visibility": "direct", "sensitive": False, "spoilerText": "CW"}, None),
        ("facebook", {"visibility": "anything"}, None),  # not a Facebook field: not read
    ],
)  # fmt: skip
def test_the_sandbox_refuses_what_the_oas_enum_or_type_refuses(
    provider: str, entry: dict[str, object], problem: str | None
) -> None:
    assert extra_problem(provider, entry) == problem


CONFIG = """\
workspace: 6650f1c2a1b2c3d4e5f60718
endpoint: sandbox
timezone: Europe/Berlin
content: posts
accounts:
  masto: {id: %s, provider: mastodon}
  tg: {id: %s, provider: telegram}
"""


def test_after_an_apply_the_extras_are_on_publer_and_the_next_plan_is_empty(tmp_path: Path) -> None:
    from contentctl import sandbox as sb
    from contentctl.model import Provider

    ids = (sb.default_account_id(Provider.MASTODON), sb.default_account_id(Provider.TELEGRAM))
    (tmp_path / "contentctl.yaml").write_text(CONFIG % ids, encoding="utf-8")
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "p.yaml").write_text(
        "id: a\nat: 2030-06-01T09:00\naccounts: [masto, tg]\ntext: Spring menu\nnetworks:\n"
        "  mastodon: {visibility: unlisted, spoiler_text: Food}\n  telegram: {parse_mode: HTML}\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    applied = runner.invoke(cli, ["-C", str(tmp_path), "apply", "--auto-approve"])
    assert applied.exit_code == 0, applied.stderr
    assert "Apply complete: 2 created, 0 updated, 0 deleted, 0 failed." in applied.stdout
    store = sb.Store(sb.default_db_path(load_config_for(tmp_path)))
    try:
        posts = {p["network"]: p for p in store.posts()}
    finally:
        store.close()
    assert (posts["mastodon"]["visibility"], posts["mastodon"]["spoilerText"]) == (
        "unlisted",
        "Food",
    )
    assert posts["telegram"]["parseMode"] == "HTML"
    plan = runner.invoke(cli, ["-C", str(tmp_path), "plan", "--detailed-exitcode"])
    assert plan.exit_code == 0, plan.stdout + plan.stderr
    assert "No changes." in plan.stdout


def load_config_for(root: Path) -> Config:
    return load_config(root / "contentctl.yaml", {})


def test_import_writes_the_extras_under_their_network_in_the_manifests_spelling(
    tmp_path: Path,
) -> None:
    from contentctl.manifest.importer import render, to_manifests
    from contentctl.publer import RemotePost

    config = make_repo(tmp_path, {})
    listed = RemotePost.from_json({
        "id": "6b0f00000000000000a1b2c3", "account_id": "65f0a1b2c3d4e5f60718000d",
        "network": "mastodon", "state": "scheduled", "type": "status", "text": "Smoky notes",
        "scheduled_at": "2027-03-01T08:00:00.000+00:00", "visibility": "unlisted",
        "sensitive": False, "spoilerText": "Food", "replySettings": "following",
    })  # fmt: skip
    assert listed is not None
    [imported], skipped = to_manifests([listed], config)
    assert skipped == []
    assert imported.document["networks"] == {
        "mastodon": {"visibility": "unlisted", "sensitive": False, "spoiler_text": "Food"}
    }  # not X's replySettings: this is a Mastodon post
    (tmp_path / "content" / "imported.yaml").write_text(render([imported]), encoding="utf-8")
    assert [d.render() for d in check_repo(config, now=NOW)[1]] == []
