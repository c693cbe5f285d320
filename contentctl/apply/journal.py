"""Settling intents: a batch sent to Publer in, its outcome in the state out.

Publer has no idempotency key and its jobs return no post ids, so every
create is recorded as an *intent* (fsynced) before it is sent. Settling an
intent finds what the remote actually holds — ``GET /posts`` by account and
time window, matched on account, time and a content fingerprint — and turns
each item into a recorded post, a recorded failure, or (when the remote has
no such post and no job says otherwise) a *missing* item: absent for sure, so
apply may send it again and the next plan creates it again. The same code
finishes a normal apply and repairs an interrupted one: that is what makes
apply exactly-once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from contentctl.errors import PublerRequestError
from contentctl.plan.targets import fingerprint, format_utc, parse_utc
from contentctl.publer import JobFailure, JobState, JobStatus, PublerClient
from contentctl.state.store import State

WINDOW = timedelta(minutes=2)  # slack around planned times when listing the remote
TIME_TOLERANCE = timedelta(seconds=60)


@dataclass
class SettleResult:
    found: int = 0
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # (post_id, alias, message)
    # intent items not on the remote and without a job outcome: absent, so safe to send again
    missing_items: list[dict[str, Any]] = field(default_factory=list)

    @property
    def missing(self) -> int:
        return len(self.missing_items)

    def merge(self, other: SettleResult) -> None:
        self.found += other.found
        self.failed.extend(other.failed)
        self.missing_items.extend(other.missing_items)


def remote_status(remote_state: str | None) -> str:
    state = (remote_state or "scheduled").lower()
    for prefix in ("published", "draft", "recycling", "recurring", "failed"):
        if state.startswith(prefix):
            return "draft" if prefix == "draft" else prefix
    return "scheduled"


def settle_intent(
    state: State,
    batch_id: str,
    client: PublerClient,
    *,
    now: datetime,
    job: JobStatus | None = None,
) -> SettleResult:
    """Resolve one intent into state entries and drop it from the journal."""
    intent = state.intents[batch_id]
    items: list[dict[str, Any]] = list(intent["items"])
    remote = _list_candidates(client, intent, items, now)
    claimed = {e.get("remote_id") for _, _, e in state.iter_entries() if e.get("remote_id")}
    failures = _failures_by_item(job, items) if job is not None else {}
    result = SettleResult()
    for item in items:
        match = _match(item, remote, claimed)
        if match is not None:
            claimed.add(match["id"])
            _record_found(state, item, match, intent, now)
            result.found += 1
            continue
        message = failures.get(_item_key(item))
        if message is None and job is not None:
            if job.state is JobState.FAILED:
                message = "Publer's job ended 'failed' without a per-account reason"
            elif job.state is JobState.COMPLETE:
                message = "Publer's job completed but the post was not found on Publer"
        if message is None:
            result.missing_items.append(item)
            continue
        _record_failure(state, item, intent, message, now)
        result.failed.append((item["post_id"], item["alias"], message))
    del state.intents[batch_id]
    return result


def fail_intent(state: State, batch_id: str, message: str, now: datetime) -> SettleResult:
    """Publer refused the whole batch synchronously (400): every item failed, nothing posted."""
    intent = state.intents.pop(batch_id)
    return fail_items(state, intent["items"], message, now, job_id=intent.get("job_id"))


def fail_items(
    state: State,
    items: Iterable[Mapping[str, Any]],
    message: str,
    now: datetime,
    *,
    job_id: str | None = None,
) -> SettleResult:
    """Record each item as failed with ``message`` (the next plan creates it again)."""
    result = SettleResult()
    for item in items:
        _record_failure(state, item, {"job_id": job_id}, message, now)
        result.failed.append((item["post_id"], item["alias"], message))
    return result


def settle_pending(
    state: State,
    client: PublerClient,
    *,
    now: Callable[[], datetime],
    after_each: Callable[[State], object],
    progress: Callable[[str], None] = lambda _m: None,
) -> tuple[SettleResult, list[str]]:
    """Settle every intent left by an interrupted apply; returns what was found, as notes too."""
    total = SettleResult()
    batches = sorted(state.intents, key=lambda b: state.intents[b].get("created_at", ""))
    count = sum(len(state.intents[b]["items"]) for b in batches)
    for batch_id in batches:
        job_id = state.intents[batch_id].get("job_id")
        job = None
        if job_id:
            progress(f"Resuming job {job_id} from an interrupted apply…")
            try:
                job = client.wait_for_job(job_id)
            except PublerRequestError:
                job = None  # the remote no longer knows the job: fall back to looking
        total.merge(settle_intent(state, batch_id, client, now=now(), job=job))
        after_each(state)
    notes = []
    if count:
        notes.append(
            f"{count} pending from an interrupted apply: {total.found} found on Publer, "
            f"{len(total.failed)} failed, {total.missing} to create"
        )
    return total, notes


def _list_candidates(
    client: PublerClient,
    intent: Mapping[str, Any],
    items: Sequence[Mapping[str, Any]],
    now: datetime,
) -> list[dict[str, Any]]:
    account_ids = sorted({i["account_id"] for i in items if i.get("account_id")})
    times = [parse_utc(i["scheduled_at"]) for i in items if i.get("scheduled_at")]
    started = parse_utc(intent["created_at"])
    if len(times) < len(items):
        # posts without a planned time (publish now, auto, undated drafts) land near "now"
        # or inside their auto range; widen the window to cover them
        times.extend([started, now])
        for item in items:
            end = (item.get("spec", {}).get("post", {}).get("range") or {}).get("end_date")
            if end:
                times.append(_date_or_time(end))
    start, end = min(times) - WINDOW, max(times) + WINDOW
    posts = client.list_posts(state="all", account_ids=account_ids, start=start, end=end)
    undated = [i for i in items if not i.get("scheduled_at")]
    if undated and any(i["spec"]["bulk_state"].startswith("draft") for i in undated):
        # undated drafts have no time to filter on
        posts = [*posts, *client.list_posts(state="draft", account_ids=account_ids)]
    return posts


def _date_or_time(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC) + timedelta(days=1)


def _match(
    item: Mapping[str, Any], remote: Iterable[Mapping[str, Any]], claimed: set[Any]
) -> Mapping[str, Any] | None:
    wanted = item.get("scheduled_at")
    for post in remote:
        if post.get("id") in claimed or post.get("account_id") != item.get("account_id"):
            continue
        if fingerprint(str(post.get("text") or "")) != item["fingerprint"]:
            continue
        if wanted and post.get("scheduled_at"):
            delta = abs(parse_utc(str(post["scheduled_at"])) - parse_utc(wanted))
            if delta > TIME_TOLERANCE:
                continue
        return post
    return None


def _item_key(item: Mapping[str, Any]) -> tuple[str, str]:
    return (item["post_id"], item["alias"])


def _failures_by_item(
    job: JobStatus, items: Sequence[Mapping[str, Any]]
) -> dict[tuple[str, str], str]:
    """Attach each failure to its item: by bulk index when the key is one, else by account."""
    out: dict[tuple[str, str], str] = {}
    for failure in job.failures:
        whole_job = failure.account_id is None and failure.key is None
        if job.state is JobState.FAILED and whole_job:
            matched: Sequence[Mapping[str, Any]] = items  # "failed" with only a job-level reason
        else:
            matched = _items_for(failure, items)
        for item in matched:
            out.setdefault(_item_key(item), failure.message)
    return out


def _items_for(failure: JobFailure, items: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    same_account = [i for i in items if i.get("account_id") == failure.account_id]
    if failure.key is not None and failure.key.isdigit():
        indexed = [i for i in same_account if i.get("index") == int(failure.key)]
        if indexed:
            return indexed
    return same_account


def _record_found(
    state: State,
    item: Mapping[str, Any],
    post: Mapping[str, Any],
    intent: Mapping[str, Any],
    now: datetime,
) -> None:
    previous = state.entry(item["post_id"], item["alias"]) or {}
    when = item.get("scheduled_at") or post.get("scheduled_at")
    state.set_entry(
        item["post_id"],
        item["alias"],
        {
            "account_id": item.get("account_id"),
            "provider": item["provider"],
            "remote_id": str(post["id"]),
            "status": remote_status(post.get("state")),
            "content_hash": item["content_hash"],
            "spec": item["spec"],
            "scheduled_at": format_utc(parse_utc(str(when))) if when else None,
            "job_id": intent.get("job_id"),
            "post_link": post.get("post_link"),
            "last_error": None,
            "created_at": previous.get("created_at") or format_utc(now),
            "updated_at": format_utc(now),
        },
    )


def _record_failure(
    state: State, item: Mapping[str, Any], intent: Mapping[str, Any], message: str, now: datetime
) -> None:
    previous = state.entry(item["post_id"], item["alias"]) or {}
    state.set_entry(
        item["post_id"],
        item["alias"],
        {
            "account_id": item.get("account_id"),
            "provider": item["provider"],
            "remote_id": None,
            "status": "failed",
            "content_hash": item["content_hash"],
            "spec": item["spec"],
            "scheduled_at": item.get("scheduled_at"),
            "job_id": intent.get("job_id"),
            "post_link": None,
            "last_error": message,
            "created_at": previous.get("created_at") or format_utc(now),
            "updated_at": format_utc(now),
        },
    )
