"""Publer job answers in, one normalised ``JobStatus`` out.

``GET /job_status/{id}`` comes back in more than one envelope (flat
``{"status", "payload"}`` or ``{"success", "data": {"status", "result": {...}}}``),
says ``complete`` or ``completed``, and reports per-account ``failures`` as a dict of
lists, a dict of objects, a list or one object. ``parse_job_status`` turns any of them
into a ``JobStatus``; ``media_items`` turns a media-from-URL job payload into a list.
Pure functions over decoded JSON: no HTTP here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from contentctl.model import JSONObject, JSONValue

_COMPLETE = frozenset({"complete", "completed", "done", "success", "succeeded", "finished"})
_FAILED = frozenset({"failed", "failure", "error", "errored"})
# Keys that mark a dict as one failure record rather than a mapping of key -> failures.
_FAILURE_FIELDS = frozenset({"message", "account_id", "account_name", "provider", "error"})


class JobState(Enum):
    """Where a Publer job is: still running, finished, or failed as a whole."""

    WORKING = "working"
    COMPLETE = "complete"
    FAILED = "failed"


@dataclass(frozen=True)
class JobFailure:
    """One per-account failure reported inside a job (the job itself may be complete)."""

    account_id: str | None
    provider: str | None
    message: str
    key: str | None = None
    account_name: str | None = None


@dataclass(frozen=True)
class JobStatus:
    """A job's state, its per-account failures, its payload and the raw answer."""

    state: JobState
    failures: tuple[JobFailure, ...]
    payload: JSONValue
    raw: JSONObject

    @property
    def finished(self) -> bool:
        """True once polling can stop (complete or failed)."""
        return self.state is not JobState.WORKING


def parse_job_status(body: Mapping[str, JSONValue]) -> JobStatus:
    """Normalise either job-status envelope into a ``JobStatus``."""
    raw = dict(body)
    data = raw.get("data")
    result = data.get("result") if isinstance(data, dict) else None
    layers = [layer for layer in (raw, data, result) if isinstance(layer, dict)]

    status = next((layer["status"] for layer in layers if layer.get("status") is not None), None)
    payload = next((layer["payload"] for layer in layers if "payload" in layer), None)
    state = _state(status)
    if status is None and raw.get("success") is False:
        state = JobState.FAILED

    failures: list[JobFailure] = []
    sources: list[JSONValue] = [payload.get("failures")] if isinstance(payload, dict) else []
    sources += [layer.get("failures") for layer in reversed(layers)]
    for source in sources:
        if source:
            failures = _flatten_failures(source)
            break
    if state is JobState.FAILED and not failures:
        failures = [JobFailure(None, None, _job_error_text(layers), None, None)]
    return JobStatus(state=state, failures=tuple(failures), payload=payload, raw=raw)


def media_items(payload: JSONValue) -> list[JSONObject]:
    """The media objects of a finished media-from-URL job (a list or one object)."""
    if isinstance(payload, list):
        return [item for item in payload if isinstance(item, dict)]
    if isinstance(payload, dict):
        for key in ("media", "results", "items"):
            inner = payload.get(key)
            if isinstance(inner, list):
                return [item for item in inner if isinstance(item, dict)]
        if "id" in payload:
            return [payload]
    return []


def _state(status: JSONValue) -> JobState:
    text = str(status).strip().lower() if status is not None else ""
    if text in _COMPLETE:
        return JobState.COMPLETE
    if text in _FAILED:
        return JobState.FAILED
    return JobState.WORKING


def _flatten_failures(source: JSONValue) -> list[JobFailure]:
    if isinstance(source, list):
        return [_failure(item, None) for item in source if item is not None]
    if isinstance(source, dict):
        if _FAILURE_FIELDS & source.keys() and not any(
            isinstance(value, (dict, list)) for value in source.values()
        ):
            return [_failure(source, None)]
        out: list[JobFailure] = []
        for key, value in source.items():
            items = value if isinstance(value, list) else [value]
            out.extend(_failure(item, str(key)) for item in items if item is not None)
        return out
    return [_failure(source, None)]


def _failure(item: JSONValue, key: str | None) -> JobFailure:
    if not isinstance(item, dict):
        return JobFailure(None, None, str(item), key, None)
    message = item.get("message") or item.get("error") or item.get("errors") or ""
    if isinstance(message, list):
        message = "; ".join(str(part) for part in message)
    return JobFailure(
        account_id=_opt_str(item.get("account_id")),
        provider=_opt_str(item.get("provider") or item.get("network")),
        message=str(message) or "unknown failure (Publer gave no message)",
        key=key,
        account_name=_opt_str(item.get("account_name")),
    )


def _job_error_text(layers: list[JSONObject]) -> str:
    for layer in layers:
        for name in ("errors", "error", "message"):
            value = layer.get(name)
            if isinstance(value, list) and value:
                return "; ".join(str(part) for part in value)
            if value:
                return str(value)
    return "the job failed (Publer gave no message)"


def _opt_str(value: JSONValue) -> str | None:
    return None if value is None or value == "" else str(value)
