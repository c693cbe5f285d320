"""What the refresh found changed on Publer outside contentctl: one ``Drift`` per post × account.

A value of the plan (``Plan.drift``), shown as its own section by every view
and kept in saved plans; ``apply.refresh`` makes them. No I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TypedDict

from contentctl.model import JSONValue


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
