"""What the refresh found changed on Publer outside contentctl: one ``Drift`` per post × account.

A value of the plan (``Plan.drift``), shown as its own section by every view
and kept in saved plans; ``apply.refresh`` makes them and records them in the
state once: a post awaiting approval as ``EntryStatus.PENDING``, one Publer
failed to publish with ``last_error`` "failed at publish time: <reason>"
(``publish_failed``). What the plan proposes for a failed post
(``failed_again``): Publer will not try again, so it is posted again in its
place (a replace) where it can be sent now (publish now, a time still ahead),
and blocked with the user's choices where its time has passed. No I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TypedDict

from contentctl.model import JSONValue
from contentctl.state.records import PUBLISH_FAILED, Entry


class DriftKind(StrEnum):
    EDITED = "edited outside contentctl"
    DELETED = "deleted outside contentctl"
    PUBLISHED = "published"
    FAILED = "failed at publish time"
    AWAITING_APPROVAL = "awaiting approval"


class DriftJSON(TypedDict):
    post_id: str
    alias: str
    kind: str
    detail: str
    fields: list[dict[str, JSONValue]]


@dataclass(frozen=True)
class DriftField:
    path: str  # e.g. "network.text"
    applied: JSONValue  # what contentctl applied
    remote: JSONValue  # what Publer holds now


@dataclass(frozen=True)
class Drift:
    post_id: str
    alias: str
    kind: DriftKind
    detail: str = ""
    fields: tuple[DriftField, ...] = ()

    def line(self) -> str:
        detail = f" ({self.detail})" if self.detail else ""
        return f"{self.post_id} @ {self.alias}: {self.kind.value}{detail}"

    def to_json(self) -> DriftJSON:
        return {
            "post_id": self.post_id,
            "alias": self.alias,
            "kind": self.kind.name.lower(),
            "detail": self.detail,
            "fields": [
                {"path": f.path, "applied": f.applied, "remote": f.remote} for f in self.fields
            ],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Drift:
        fields = data.get("fields")
        items = fields if isinstance(fields, list) else []
        return cls(
            post_id=str(data["post_id"]),
            alias=str(data["alias"]),
            kind=DriftKind[str(data["kind"]).upper()],
            detail=str(data.get("detail", "")),
            fields=tuple(
                DriftField(str(f["path"]), f.get("applied"), f.get("remote"))
                for f in items
                if isinstance(f, dict)
            ),
        )


def publish_failed(entry: Entry) -> bool:
    """Whether the refresh recorded that Publer failed to publish this post."""
    return bool(entry.last_error and entry.last_error.startswith(PUBLISH_FAILED))


def failed_again(last_error: str, *, missed: bool) -> str:
    """The plan's reason for a post Publer failed to publish: re-posted, or the choices."""
    if not missed:
        return f"{last_error}; posted again in its place"
    return (
        f"{last_error}; Publer will not try again and its time has passed: give it a new "
        "`at:` (it is then posted again in its place), make it `method: publish_now`, or "
        "remove it from the manifests"
    )
