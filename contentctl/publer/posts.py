"""One post object of a ``GET /posts`` answer in, a ``RemotePost`` record out.

Publer's listing is loosely specified (docs/publer-api.md §6): ids and account
ids may come as numbers, ``text`` may be missing or null, ``scheduled_at`` is
ISO 8601 with any offset or absent. ``RemotePost.from_json`` reads what is
there without guessing and keeps the whole object in ``raw``; a post without
an id cannot be matched or recorded, so it gives None. No HTTP here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from contentctl.model import JSONValue


@dataclass(frozen=True, slots=True)
class RemotePost:
    """A post as Publer lists it: what settling an apply matches and records."""

    id: str
    account_id: str | None
    state: str | None  # Publer's own word: scheduled, published_posted, draft_dated, …
    scheduled_at: str | None  # as Publer wrote it, e.g. 2025-05-15T14:30:00.000+02:00
    text: str
    post_link: str | None  # null until published (TikTok: until processed)
    network: str | None
    type: str | None
    raw: Mapping[str, JSONValue] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_json(cls, data: Mapping[str, JSONValue]) -> RemotePost | None:
        post_id = _text(data.get("id"))
        if post_id is None:
            return None
        return cls(
            id=post_id,
            account_id=_text(data.get("account_id")),
            state=_text(data.get("state")),
            scheduled_at=_text(data.get("scheduled_at")),
            text=_text(data.get("text")) or "",
            post_link=_text(data.get("post_link")),
            network=_text(data.get("network")),
            type=_text(data.get("type")),
            raw=data,
        )


def _text(value: JSONValue | None) -> str | None:
    if value is None or value == "" or isinstance(value, bool | dict | list):
        return None
    return str(value)
