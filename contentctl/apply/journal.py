"""Settling intents: a batch sent to Publer in, its outcome in the state out.

Publer has no idempotency key and its jobs return no post ids, so every
create is recorded as an *intent* (fsynced) before it is sent. Settling an
intent finds what the remote actually holds — ``GET /posts`` by account and
time window, matched on account, time and a content fingerprint — and turns
each item into a recorded post, a recorded failure, or (when the remote has
no such post and no job says otherwise) a *missing* item: absent for sure, so
apply may send it again and the next plan creates it again. The same code
finishes a normal apply and repairs an interrupted one: that is what makes
apply exactly-once. It works on the records of ``state.records`` (``Intent``
and ``IntentItem`` in, ``Entry`` out) and the ``RemotePost``s the client lists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from contentctl.errors import PublerRequestError
from contentctl.plan.targets import fingerprint, format_utc, json_object, parse_utc
from contentctl.publer import JobFailure, JobState, JobStatus, PublerClient, RemotePost
from contentctl.state.records import Entry, EntryStatus, Intent, IntentItem, State

WINDOW = timedelta(minutes=2)  # slack around planned times when listing the remote
TIME_TOLERANCE = timedelta(seconds=60)
# Publer's post states by prefix (scheduled_approved, published_posted, draft_dated, …).
_STATUS_PREFIXES = (
    ("published", EntryStatus.PUBLISHED),
    ("draft", EntryStatus.DRAFT),
    ("recycling", EntryStatus.RECYCLING),
    ("recurring", EntryStatus.RECURRING),
    ("failed", EntryStatus.FAILED),
)


@dataclass
class SettleResult:
    found: int = 0
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # (post_id, alias, message)
    # intent items not on the remote and without a job outcome: absent, so safe to send again
    missing_items: list[IntentItem] = field(default_factory=list)

    @property
    def missing(self) -> int:
        return len(self.missing_items)

    def merge(self, other: SettleResult) -> None:
        self.found += other.found
        self.failed.extend(other.failed)
        self.missing_items.extend(other.missing_items)


def remote_status(remote_state: str | None) -> EntryStatus:
    """The entry status for a post Publer lists in ``remote_state`` (None: scheduled)."""
    state = (remote_state or "scheduled").lower()
    for prefix, status in _STATUS_PREFIXES:
        if state.startswith(prefix):
            return status
    return EntryStatus.SCHEDULED


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
    items = intent.items
    remote = _list_candidates(client, intent, now)
    claimed = {e.remote_id for _, _, e in state.iter_entries() if e.remote_id}
    failures = _failures_by_item(job, items) if job is not None else {}
    result = SettleResult()
    for item in items:
        match = _match(item, remote, claimed)
        if match is not None:
            claimed.add(match.id)
            _record_found(state, item, match, intent.job_id, now)
            result.found += 1
            continue
        message = failures.get(item.key)
        if message is None and job is not None:
            if job.state is JobState.FAILED:
                message = "Publer's job ended 'failed' without a per-account reason"
            elif job.state is JobState.COMPLETE:
                message = "Publer's job completed but the post was not found on Publer"
        if message is None:
            result.missing_items.append(item)
            continue
        _record_failure(state, item, intent.job_id, message, now)
        result.failed.append((item.post_id, item.alias, message))
    del state.intents[batch_id]
    return result


def fail_intent(state: State, batch_id: str, message: str, now: datetime) -> SettleResult:
    """Publer refused the whole batch synchronously (400): every item failed, nothing posted."""
    intent = state.intents.pop(batch_id)
    return fail_items(state, intent.items, message, now, job_id=intent.job_id)


def fail_items(
    state: State,
    items: Iterable[IntentItem],
    message: str,
    now: datetime,
    *,
    job_id: str | None = None,
) -> SettleResult:
    """Record each item as failed with ``message`` (the next plan creates it again)."""
    result = SettleResult()
    for item in items:
        _record_failure(state, item, job_id, message, now)
        result.failed.append((item.post_id, item.alias, message))
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
    batches = sorted(state.intents, key=lambda b: state.intents[b].created_at)
    count = sum(len(state.intents[b].items) for b in batches)
    for batch_id in batches:
        job_id = state.intents[batch_id].job_id
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


def _list_candidates(client: PublerClient, intent: Intent, now: datetime) -> list[RemotePost]:
    items = intent.items
    account_ids = sorted({i.account_id for i in items if i.account_id})
    times = [parse_utc(i.scheduled_at) for i in items if i.scheduled_at]
    started = parse_utc(intent.created_at)
    if len(times) < len(items):
        # posts without a planned time (publish now, auto, undated drafts) land near "now"
        # or inside their auto range; widen the window to cover them
        times.extend([started, now])
        for item in items:
            until = json_object(json_object(item.spec.get("post")).get("range")).get("end_date")
            if isinstance(until, str) and until:
                times.append(_date_or_time(until))
    start, end = min(times) - WINDOW, max(times) + WINDOW
    posts = client.list_posts(state="all", account_ids=account_ids, start=start, end=end)
    undated = [i for i in items if not i.scheduled_at]
    if undated and any(str(i.spec.get("bulk_state")).startswith("draft") for i in undated):
        # undated drafts have no time to filter on
        posts = [*posts, *client.list_posts(state="draft", account_ids=account_ids)]
    return posts


def _date_or_time(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC) + timedelta(days=1)


def _match(item: IntentItem, remote: Iterable[RemotePost], claimed: set[str]) -> RemotePost | None:
    wanted = item.scheduled_at
    for post in remote:
        if post.id in claimed or post.account_id != item.account_id:
            continue
        if fingerprint(post.text) != item.fingerprint:
            continue
        if wanted and post.scheduled_at:
            delta = abs(parse_utc(post.scheduled_at) - parse_utc(wanted))
            if delta > TIME_TOLERANCE:
                continue
        return post
    return None


def _failures_by_item(job: JobStatus, items: Sequence[IntentItem]) -> dict[tuple[str, str], str]:
    """Attach each failure to its item: by bulk index when the key is one, else by account."""
    out: dict[tuple[str, str], str] = {}
    for failure in job.failures:
        whole_job = failure.account_id is None and failure.key is None
        if job.state is JobState.FAILED and whole_job:
            matched: Sequence[IntentItem] = items  # "failed" with only a job-level reason
        else:
            matched = _items_for(failure, items)
        for item in matched:
            out.setdefault(item.key, failure.message)
    return out


def _items_for(failure: JobFailure, items: Sequence[IntentItem]) -> list[IntentItem]:
    same_account = [i for i in items if i.account_id == failure.account_id]
    if failure.key is not None and failure.key.isdigit():
        indexed = [i for i in same_account if i.index == int(failure.key)]
        if indexed:
            return indexed
    return same_account


def _record_found(
    state: State, item: IntentItem, post: RemotePost, job_id: str | None, now: datetime
) -> None:
    previous = state.entry(item.post_id, item.alias)
    when = item.scheduled_at or post.scheduled_at
    state.set_entry(
        item.post_id,
        item.alias,
        Entry(
            account_id=item.account_id,
            provider=_provider(item, previous),
            remote_id=post.id,
            status=remote_status(post.state),
            content_hash=item.content_hash,
            spec=item.spec,
            scheduled_at=format_utc(parse_utc(when)) if when else None,
            job_id=job_id,
            post_link=post.post_link,
            last_error=None,
            created_at=previous.created_at if previous else format_utc(now),
            updated_at=format_utc(now),
        ),
    )


def _record_failure(
    state: State, item: IntentItem, job_id: str | None, message: str, now: datetime
) -> None:
    previous = state.entry(item.post_id, item.alias)
    state.set_entry(
        item.post_id,
        item.alias,
        Entry(
            account_id=item.account_id,
            provider=_provider(item, previous),
            remote_id=None,
            status=EntryStatus.FAILED,
            content_hash=item.content_hash,
            spec=item.spec,
            scheduled_at=item.scheduled_at,
            job_id=job_id,
            post_link=None,
            last_error=message,
            created_at=previous.created_at if previous else format_utc(now),
            updated_at=format_utc(now),
        ),
    )


def _provider(item: IntentItem, previous: Entry | None) -> str:
    # Every item this version journals names its provider; the schema lets older ones omit it.
    if item.provider is not None:
        return item.provider
    return previous.provider if previous is not None else "default"
