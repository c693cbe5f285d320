"""An apply's outcome in, JSON out: the final report (``apply --format json``) and the events.

``apply_to_json(plan, state, report)`` is one document, versioned like the
plan (``format_version``): the counts and one result per post and account of
the plan, read back from the state the apply wrote (the record of what Publer
holds), so ``created`` means recorded with a Publer id. ``event_to_json`` is
one line of ``apply --json-events`` (like Terraform's ``-json``): every line an
object with ``format_version``, ``type`` and ``timestamp``. Pure functions of
values; the CLI prints.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from contentctl.apply.applier import ApplyReport
from contentctl.apply.events import ApplyEvent
from contentctl.model import JSONValue
from contentctl.plan.build import Action, Change, Plan
from contentctl.plan.targets import format_utc
from contentctl.state.records import EntryStatus, State

APPLY_FORMAT_VERSION = 1
# what a create, replace or adopt is once its entry holds a Publer id
_DONE = {"create": "created", "replace": "created", "adopt": "adopted"}


class ResultJSON(TypedDict):
    post_id: str
    alias: str
    provider: str
    action: str  # what the plan said
    result: str  # created, adopted, updated, deleted, failed, unconfirmed, not-done
    remote_id: str | None
    message: str


class ApplyJSON(TypedDict):
    format_version: int
    summary: str
    remote: str
    counts: dict[str, int]
    results: list[ResultJSON]


def apply_to_json(plan: Plan, state: State, report: ApplyReport) -> ApplyJSON:
    failed = {(post_id, alias): message for post_id, alias, message in report.failed}
    pending = {item.key for intent in state.intents.values() for item in intent.items}
    results = [_result(change, state, failed, pending) for change in plan.actionable()]
    return {
        "format_version": APPLY_FORMAT_VERSION,
        "summary": report.summary(),
        "remote": plan.remote,
        "counts": {
            "created": report.created,
            "adopted": report.adopted,
            "updated": report.updated,
            "deleted": report.deleted,
            "failed": len(report.failed),
            "unconfirmed": report.unresolved,
            "blocked": plan.count(Action.BLOCKED),
            "unchanged": plan.count(Action.NOOP),
        },
        "results": results,
    }


def _result(
    change: Change,
    state: State,
    failed: dict[tuple[str, str], str],
    pending: set[tuple[str, str]],
) -> ResultJSON:
    entry = state.entry(*change.key)
    remote_id = entry.remote_id if entry is not None else None
    message = failed.get(change.key, "")
    if change.key in failed:
        result = "failed"
    elif change.key in pending:
        result = "unconfirmed"  # sent, outcome not yet known: the next run settles it
    elif change.action is Action.DELETE:
        result = "deleted" if entry is None else "not-done"
    elif entry is None or not remote_id or entry.status is EntryStatus.FAILED:
        result = "not-done"
    elif change.action is Action.UPDATE:
        done = change.target is not None and entry.content_hash == change.target.content_hash
        result = "updated" if done else "not-done"
    else:
        result = _DONE.get(change.action.value, "not-done")
    return {
        "post_id": change.post_id,
        "alias": change.alias,
        "provider": change.provider,
        "action": change.action.value,
        "result": result,
        "remote_id": remote_id,
        "message": message,
    }


def event_to_json(event: ApplyEvent, at: datetime) -> dict[str, JSONValue]:
    """One event line: the type, the time, and only the fields this kind of event has."""
    line: dict[str, JSONValue] = {
        "format_version": APPLY_FORMAT_VERSION,
        "type": event.kind.value,
        "timestamp": format_utc(at),
    }
    fields: dict[str, JSONValue] = {
        "post_id": event.post_id,
        "alias": event.alias,
        "remote_id": event.remote_id,
        "action": event.action,
        "message": event.message,
        "batch": event.batch,
        "batches": event.batches,
        "posts": event.posts,
        "job_id": event.job_id,
        "counts": dict(event.counts),
    }
    line.update({key: value for key, value in fields.items() if value})
    return line
