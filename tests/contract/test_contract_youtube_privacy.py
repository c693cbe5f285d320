"""YouTube privacy where ``publer_switches.YOUTUBE_VIDEO_PRIVACY`` puts it, on both sandboxes.

A normal video sends ``privacy`` at the top of its network entry (OAS
YoutubeNetworkContent, the only source for videos); a Short sends
``details.privacy`` (the reels page, and the OAS agrees). A misplaced privacy or a
value YouTube does not have is a content problem: a per-account failure inside a
``complete`` job, nothing created.
https://publer.com/docs/posting/create-posts/content-types/platform-specific-formats/reels-shorts-and-stories
https://github.com/api-evangelist/publer/blob/main/openapi/_original/publer-openapi.yml
"""

from __future__ import annotations

from typing import Any

import pytest
from contract_support import VIDEO, Remote, at

VIDEO_ENTRY = {"type": "video", "text": "how", "title": "Guide", "media": [VIDEO]}
SHORT_ENTRY = {**VIDEO_ENTRY, "details": {"type": "short"}}


def outcome(remote: Remote, entry: dict[str, Any], hours: int) -> list[str]:
    spec = {"id": remote.id("youtube"), "scheduled_at": at(hours=hours)}
    job = remote.run({"state": "scheduled",
                      "posts": [{"networks": {"youtube": entry}, "accounts": [spec]}]})  # fmt: skip
    assert job["status"] == "complete"
    return [str(f["message"]) for group in job["payload"]["failures"].values() for f in group]


@pytest.mark.parametrize(
    ("entry", "failures"),
    [
        ({**VIDEO_ENTRY, "privacy": "unlisted"}, []),
        ({**VIDEO_ENTRY, "details": {"privacy": "unlisted"}},
         ["A YouTube video takes privacy, not details.privacy"]),
        ({**VIDEO_ENTRY, "privacy": "friends"},
         ["Privacy must be one of public, private, unlisted"]),
        ({**SHORT_ENTRY, "details": {"type": "short", "privacy": "private"}}, []),
        ({**SHORT_ENTRY, "privacy": "private"},
         ["A YouTube short takes details.privacy, not privacy"]),
        ({**SHORT_ENTRY, "details": {"type": "short", "privacy": "PUBLIC_TO_EVERYONE"}},
         ["Privacy must be one of public, private, unlisted"]),
        (VIDEO_ENTRY, []),  # no privacy: YouTube's default
    ],
)  # fmt: skip
def test_youtube_privacy_goes_where_the_switch_says(
    remote: Remote, entry: dict[str, Any], failures: list[str]
) -> None:
    assert outcome(remote, entry, hours=2) == failures
    posts = remote.posts()
    assert len(posts) == (0 if failures else 1)
