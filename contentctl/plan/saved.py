"""A Plan to and from versioned JSON: ``plan --format json`` and ``plan --out FILE``.

The same document serves both: a saved plan carries each change's full target,
the state's lineage, serial and digest, the manifests' digest and the
repository it was made in (``repo``), so ``apply FILE`` can make the plan again
and refuse it unless it is this one (``pipeline.check_saved_plan``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import NotRequired, TypedDict, cast

from contentctl.errors import PlanError
from contentctl.files import read_regular
from contentctl.model import JSONValue
from contentctl.plan.build import PLAN_FORMAT_VERSION, Action, Change, FieldChange, Plan
from contentctl.plan.drift import Drift, DriftJSON
from contentctl.plan.targets import Target, TargetJSON, format_utc
from contentctl.state.records import Entry, EntryJSON


class FieldChangeJSON(TypedDict):
    path: str
    before: JSONValue
    after: JSONValue


class ChangeJSON(TypedDict):
    post_id: str
    alias: str
    provider: str
    action: str
    reason: str
    scheduled_at: str | None
    fields: list[FieldChangeJSON]
    before: EntryJSON | None
    after: TargetJSON | None


class PlanStateJSON(TypedDict):
    lineage: str
    serial: int
    digest: str


class PlanJSON(TypedDict):
    format_version: int
    created_at: str
    summary: str
    counts: dict[str, int]
    has_changes: bool
    notes: list[str]
    remote: NotRequired[str]
    repo: NotRequired[str]  # a saved plan's repository (commitment.repo_identity)
    drift: NotRequired[list[DriftJSON]]
    refresh_requests: NotRequired[int]
    state: PlanStateJSON
    manifests_digest: str
    changes: list[ChangeJSON]


def plan_to_json(plan: Plan) -> PlanJSON:
    document: PlanJSON = {
        "format_version": PLAN_FORMAT_VERSION,
        "created_at": format_utc(plan.created_at),
        "summary": plan.summary(),
        "counts": plan.counts,
        "has_changes": plan.has_changes,
        "notes": list(plan.notes),
        "state": {
            "lineage": plan.state_lineage,
            "serial": plan.state_serial,
            "digest": plan.state_digest,
        },
        "manifests_digest": plan.manifests_digest,
        "changes": [_change_to_json(change) for change in plan.changes],
    }
    if plan.remote:
        document["remote"] = plan.remote
    if plan.drift:
        document["drift"] = [drift.to_json() for drift in plan.drift]
    if plan.refresh_requests is not None:
        document["refresh_requests"] = plan.refresh_requests
    return document


def _change_to_json(change: Change) -> ChangeJSON:
    when = change.scheduled_at
    return {
        "post_id": change.post_id,
        "alias": change.alias,
        "provider": change.provider,
        "action": change.action.value,
        "reason": change.reason,
        "scheduled_at": None if when is None else format_utc(when),
        "fields": [{"path": f.path, "before": f.before, "after": f.after} for f in change.fields],
        "before": None if change.before is None else change.before.to_json(),
        "after": None if change.target is None else change.target.to_json(),
    }


def plan_from_json(data: Mapping[str, object]) -> Plan:
    """The plan in a decoded document; a document of another shape is a ``PlanError``."""
    version = data.get("format_version")
    if version != PLAN_FORMAT_VERSION:
        raise PlanError(
            f"plan format_version {version!r} is not {PLAN_FORMAT_VERSION}; make the plan again"
        )
    # Read as a PlanJSON; where the file is not one, the lookups below fail and say so.
    document = cast(PlanJSON, data)
    try:
        changes = tuple(_change_from_json(item) for item in document["changes"])
        state = document["state"]
        return Plan(
            changes=changes,
            created_at=datetime.fromisoformat(document["created_at"].replace("Z", "+00:00")),
            state_lineage=state["lineage"],
            state_serial=int(state["serial"]),
            state_digest=state["digest"],
            notes=tuple(document.get("notes", ())),
            remote=str(document.get("remote", "")),
            drift=tuple(Drift.from_json(item) for item in document.get("drift", [])),
            refresh_requests=document.get("refresh_requests"),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise PlanError(f"the saved plan is malformed ({exc!r}); make the plan again") from None


def _change_from_json(item: ChangeJSON) -> Change:
    after = item.get("after")
    before = item.get("before")
    for name in ("post_id", "alias", "provider"):
        if not isinstance(item[name], str):  # keys of the comparison with the plan made again
            raise TypeError(f"{name} {item[name]!r} is not a string")
    if after is not None and not isinstance(after.get("spec"), dict):
        raise TypeError("after.spec is not an object")
    return Change(
        post_id=item["post_id"],
        alias=item["alias"],
        provider=item["provider"],
        action=Action(item["action"]),
        reason=item.get("reason", ""),
        target=None if after is None else Target.from_json(after),
        before=None if before is None else Entry.from_json(before),
        fields=tuple(FieldChange(f["path"], f["before"], f["after"]) for f in item["fields"]),
    )


@dataclass(frozen=True)
class SavedPlan(Plan):
    """A plan read from a file, with the repository it says it was made in."""

    repo: str = ""  # "" when the file names none (refused)
    # the manifests' digest as written when it was saved: if the plan made again has it
    # too, whatever else differs was edited in the file, not changed in the manifests
    saved_manifests_digest: str = ""


def save_plan(plan: Plan, path: Path, *, state_digest: str, repo: str = "") -> None:
    """Write the plan with the state's digest and the repository, for ``apply FILE``'s check."""
    from dataclasses import replace

    from contentctl.files import atomic_write

    document = plan_to_json(replace(plan, state_digest=state_digest))
    if repo:
        document["repo"] = repo
    text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    try:
        atomic_write(path, text.encode("utf-8"))
    except OSError as exc:
        raise PlanError(f"{path}: cannot write the plan: {exc.strerror}") from None


def read_plan(path: Path) -> SavedPlan:
    try:
        data = json.loads(read_regular(path, "the plan").decode("utf-8"))  # a FIFO would hang
    except OSError as exc:
        raise PlanError(f"{path}: cannot read the plan: {exc.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PlanError(f"{path}: not a saved plan ({exc})") from None
    if not isinstance(data, dict):
        raise PlanError(f"{path}: not a saved plan")
    plan = plan_from_json(data)
    known = {f.name: getattr(plan, f.name) for f in fields(Plan)}
    digest = str(data.get("manifests_digest", ""))
    return SavedPlan(**known, repo=str(data.get("repo", "")), saved_manifests_digest=digest)
