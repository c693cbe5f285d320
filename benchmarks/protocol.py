"""The protocol's minimum for a fresh apply: a generated repo in, the requests Publer needs out.

Stated from Publer's protocol (``docs/publer-api.md``), not from contentctl's
code, by reading the manifests with libyaml:

- bulks: one ``POST /posts/schedule`` (or ``/schedule/publish``) carries one
  ``bulk.state`` and at most 500 posts (§2), so each lane (endpoint and state:
  ``scheduled`` for scheduled, auto and recycling posts; ``draft``;
  ``draft_private``; ``draft_public``; ``recurring``; publish-now on its own
  endpoint) needs ceil(bulk posts / 500) bulks; a post is one bulk post, except
  that TikTok takes one account per request (§4), so each TikTok account of a
  post is a bulk post of its own;
- polls: a job answers "working" at least once before "complete" (the sandbox
  does, as Publer does), so 2 ``GET /job_status`` per bulk;
- uploads: one ``POST /media`` per distinct local media file (§5);
- pages: jobs return no post ids (§3), so what was created is read back with
  ``GET /posts`` at 20 a page (§6): ceil(remote posts / 20), where a remote post
  is one post on one account (an idea without accounts is one).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

BULK = 500
PAGE = 20
POLLS_PER_JOB = 2
SCHEDULED_STATE = ("scheduled", "auto", "recycling")


@dataclass(frozen=True)
class Minimum:
    """What a fresh apply of a repo cannot do without, per endpoint."""

    posts: int
    targets: int  # posts × accounts: the remote posts the apply creates
    bulk_posts: dict[str, int] = field(default_factory=dict)  # by lane
    media: int = 0

    @property
    def bulks(self) -> int:
        return sum(math.ceil(count / BULK) for count in self.bulk_posts.values())

    @property
    def pages(self) -> int:
        return math.ceil(self.targets / PAGE)

    @property
    def by_endpoint(self) -> dict[str, int]:
        return {
            "POST /posts/schedule (+ /publish)": self.bulks,
            "GET /job_status/{id}": self.bulks * POLLS_PER_JOB,
            "POST /media": self.media,
            "GET /posts": self.pages,
        }

    @property
    def total(self) -> int:
        return sum(self.by_endpoint.values())

    def describe(self) -> str:
        lanes = ", ".join(f"{lane} {count:,}" for lane, count in sorted(self.bulk_posts.items()))
        return (
            f"{self.bulks} bulks ({lanes} bulk posts) + {self.bulks * POLLS_PER_JOB} polls + "
            f"{self.media} uploads + {self.pages} pages of {PAGE} for {self.targets:,} "
            f"remote posts = {self.total}"
        )


def _lane(post: dict[str, Any]) -> str:
    method = str(post.get("method") or "scheduled")
    if method == "publish_now":
        return "publish"
    return "scheduled" if method in SCHEDULED_STATE else method


def _local_files(value: Any) -> set[str]:
    """Every ``path``/``thumbnail`` naming a local file anywhere in a post."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("path", "thumbnail") and isinstance(item, str) and "://" not in item:
                found.add(item)
            else:
                found |= _local_files(item)
    elif isinstance(value, list):
        for item in value:
            found |= _local_files(item)
    return found


def minimum(repo: Path) -> Minimum:
    """The protocol minimum of a fresh apply of every post under ``repo/posts``."""
    posts = targets = 0
    lanes: Counter[str] = Counter()
    media: set[str] = set()
    config = yaml.load((repo / "contentctl.yaml").read_bytes(), Loader=yaml.CSafeLoader)
    provider = {alias: str(v.get("provider")) for alias, v in config["accounts"].items()}
    for path in sorted((repo / "posts").rglob("*.yaml")):
        for document in yaml.load_all(path.read_bytes(), Loader=yaml.CSafeLoader):
            for post in document.get("posts", [document]):
                accounts = list(post.get("accounts") or [])
                posts += 1
                targets += max(1, len(accounts))
                tiktok = sum(1 for alias in accounts if provider.get(alias) == "tiktok")
                others = len(accounts) - tiktok
                lanes[_lane(post)] += tiktok + (1 if others or not accounts else 0)
                media |= _local_files(post)
    return Minimum(posts, targets, dict(lanes), len(media))
