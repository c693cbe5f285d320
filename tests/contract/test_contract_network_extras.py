"""The per-network fields only Publer's OpenAPI blocks name, as the sandbox takes them.

https://github.com/api-evangelist/publer/blob/main/openapi/_original/publer-openapi.yml
(MastodonNetworkContent: visibility, sensitive, spoilerText; TelegramNetworkContent:
parseMode, disableNotification, disableWebPagePreview; TwitterNetworkContent:
replySettings, details.community; ThreadsNetworkContent, BlueskyNetworkContent: replyTo).
The documented values are accepted and listed back by ``GET /posts``; a value outside
the OAS enum or type fails that account inside a ``complete`` job.
"""

from __future__ import annotations

from typing import Any

import pytest
from contract_support import Remote, at

DOCUMENTED: dict[str, dict[str, Any]] = {
    "mastodon": {"visibility": "private", "sensitive": True, "spoilerText": "Food"},
    "telegram": {"parseMode": "Markdown", "disableNotification": True,
                 "disableWebPagePreview": True},
    "twitter": {"replySettings": "mentionedUsers",
                "details": {"community": {"id": "1493", "name": "Tea"}}},
    "threads": {"replyTo": "17890"},
    "bluesky": {"replyTo": "at://did:plc:x/app.bsky.feed.post/3k"},
}  # fmt: skip


def _post(remote: Remote, provider: str, extra: dict[str, Any], minutes: float = 30) -> Any:
    return {"networks": {provider: {"type": "status", "text": f"Hi {provider}", **extra}},
            "accounts": [{"id": remote.id(provider), "scheduled_at": at(minutes)}]}  # fmt: skip


def test_the_documented_extras_are_taken_and_listed_back(remote: Remote) -> None:
    # https://github.com/api-evangelist/publer/blob/main/openapi/_original/publer-openapi.yml
    posts = [_post(remote, p, extra, 30 + i) for i, (p, extra) in enumerate(DOCUMENTED.items())]
    job = remote.run({"state": "scheduled", "posts": posts})
    assert (job["status"], job["payload"]["failures"]) == ("complete", {})
    listed = {p["network"]: p for p in remote.posts(state="scheduled")}
    for provider, extra in DOCUMENTED.items():
        assert {k: listed[provider][k] for k in extra} == extra, provider


@pytest.mark.parametrize(
    ("provider", "extra", "message"),
    [
        ("mastodon", {"visibility": "followers"},
         "Visibility must be one of public, unlisted, private, direct"),
        ("mastodon", {"sensitive": "yes"}, "Sensitive must be true or false"),
        ("telegram", {"parseMode": "MarkdownV2"}, "ParseMode must be one of Markdown, HTML"),
        ("telegram", {"disableNotification": "true"}, "DisableNotification must be true or false"),
        ("twitter", {"replySettings": "subscribers"},
         "ReplySettings must be one of everyone, mentionedUsers, following"),
        ("twitter", {"details": {"community": {"name": "Tea"}}},
         "Details community must have an id"),
        ("threads", {"replyTo": 17890}, "ReplyTo must be a string"),
    ],
)  # fmt: skip
def test_a_value_outside_the_oas_fails_the_account(
    remote: Remote, provider: str, extra: dict[str, Any], message: str
) -> None:
    # https://github.com/api-evangelist/publer/blob/main/openapi/_original/publer-openapi.yml
    job = remote.run({"state": "scheduled", "posts": [_post(remote, provider, extra)]})
    assert job["status"] == "complete"
    names = {a["id"]: a["name"] for a in remote.client.get("/accounts").json()}
    account = remote.id(provider)
    assert job["payload"]["failures"] == {"0": [{"account_id": account,
        "account_name": names[account], "provider": provider, "message": message}]}  # fmt: skip
    assert remote.posts() == []
