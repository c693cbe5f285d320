"""Settling intents: a batch sent to Publer in, its outcome in the state out.

Publer has no idempotency key and its jobs return no post ids, so every
create is recorded as an *intent* (fsynced) before it is sent. Settling an
intent finds what the remote actually holds — ``GET /posts`` scoped by the
items' accounts, times and texts, matched one to one by each publishing
method's rule (``matching``; the bulk's job id decides between look-alikes) — and turns
each item into a recorded post, a recorded failure, or (when the remote has
no such post and no job says otherwise) a *missing* item: absent for sure, so
apply may send it again and the next plan creates it again. The same code
finishes a normal apply and repairs an interrupted one: that is what makes
apply exactly-once. It works on the records of ``state.records`` (``Intent``
and ``IntentItem`` in, ``Entry`` out) and the ``RemotePost``s the client lists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from contentctl.apply.adoption import find_on_remote, scopes_for
from contentctl.apply.matching import Assignment, Wanted, wanted_from_spec
from contentctl.errors import PublerRequestError
from contentctl.plan.targets import format_utc, json_object, parse_utc
from contentctl.publer import JobFailure, JobState, JobStatus, PublerClient, RemotePost
from contentctl.remote_view import RemoteView
from contentctl.state.records import (
    LOST_ANSWER,
    Entry,
    EntryStatus,
    Intent,
    IntentItem,
    State,
    recorded_job,
)

# Publer's post states by prefix (scheduled_approved, published_posted, draft_dated, …).
_STATUS_PREFIXES = (
    ("published", EntryStatus.PUBLISHED),
    ("draft", EntryStatus.DRAFT),
    ("recycling", EntryStatus.RECYCLING),
    ("recurring", EntryStatus.RECURRING),
    ("failed", EntryStatus.FAILED),
)


# How long a bulk whose answer was lost may still be running on Publer: until then, what is
# not found is looked for again on the next run, never sent again.
JOB_GRACE = timedelta(hours=1)


@dataclass
class SettleResult:
    found: int = 0
    pending: int = 0  # of a bulk whose answer was lost, not found yet: left in the journal
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # (post_id, alias, message)
    # intent items not on the remote and without a job outcome: absent, so safe to send again
    missing_items: list[IntentItem] = field(default_factory=list)

    @property
    def missing(self) -> int:
        return len(self.missing_items)

    def merge(self, other: SettleResult) -> None:
        self.found += other.found
        self.pending += other.pending
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
    view: RemoteView | None = None,
) -> SettleResult:
    """Resolve one intent into state entries and drop it from the journal.

    ``view`` is the run's listing (``prefetch`` it once for several intents); without
    one the intent's own scopes are listed.
    """
    intent = state.intents[batch_id]
    items = intent.items
    assignment = _find(state, intent, view if view is not None else RemoteView(client))
    failures = _failures_by_item(job, items) if job is not None else {}
    result = SettleResult()
    still: list[IntentItem] = []
    for item in items:
        match = assignment.found.get(item.key)
        if match is not None:
            _record_found(state, item, match, _real_job(intent), now)
            result.found += 1
            continue
        message = failures.get(item.key) or assignment.ambiguous.get(item.key)
        if message is None and job is not None:
            if job.state is JobState.FAILED:
                message = "Publer's job ended 'failed' without a per-account reason"
            elif job.state is JobState.COMPLETE:
                message = "Publer's job completed but the post was not found on Publer"
        if message is None and job is None and job_may_run(intent, now):
            still.append(item)  # its job may not have run yet: look again, never resend
            continue
        if message is None:
            result.missing_items.append(item)
            continue
        _record_failure(state, item, _real_job(intent), message, now)
        result.failed.append((item.post_id, item.alias, message))
    if still:
        state.intents[batch_id] = replace(intent, items=tuple(still))
        result.pending += len(still)
    else:
        del state.intents[batch_id]
    return result


def fail_intent(state: State, batch_id: str, message: str, now: datetime) -> SettleResult:
    """Publer refused the whole batch synchronously (400): every item failed, nothing posted."""
    intent = state.intents.pop(batch_id)
    return fail_items(state, intent.items, message, now, job_id=_real_job(intent))


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


def prefetch(state: State, batch_ids: Iterable[str], view: RemoteView) -> None:
    """List once, into ``view``, what can hold the items of all these intents.

    One listing of the union of their scopes (``adoption.scopes_for`` merges the
    windows and accounts), so settling each intent afterwards is served from it
    instead of listing overlapping windows once per bulk.
    """
    intents = [state.intents[b] for b in batch_ids if b in state.intents]
    wanted = [w for intent in intents for w in _wanted(intent)]
    texts = {item.key: _text_of(item) for intent in intents for item in intent.items}
    view.gather(scopes_for(wanted, texts))


def settle_pending(
    state: State,
    client: PublerClient,
    *,
    now: Callable[[], datetime],
    after_each: Callable[[State], object],
    progress: Callable[[str], None] = lambda _m: None,
    view: RemoteView | None = None,
) -> tuple[SettleResult, list[str]]:
    """Settle every intent left by an interrupted apply; returns what was found, as notes too.

    Every recorded job is waited for first, then one listing (in ``view``, the run's,
    shared with the refresh that follows) serves all the intents, and the state is
    written once (``after_each``): an intent not yet written as settled is simply
    settled again by the next run.
    """
    total = SettleResult()
    batches = sorted(state.intents, key=lambda b: state.intents[b].created_at)
    count = sum(len(state.intents[b].items) for b in batches)
    jobs: dict[str, JobStatus | None] = {}
    for batch_id in batches:
        job_id = recorded_job(state.intents[batch_id].job_id)
        jobs[batch_id] = None
        if job_id is not None:
            progress(f"Resuming job {job_id} from an interrupted apply…")
            # the remote may no longer know the job: then fall back to looking
            with suppress(PublerRequestError):
                jobs[batch_id] = client.wait_for_job(job_id)
    view = view if view is not None else RemoteView(client)
    if batches:
        view.invalidate()  # the jobs just finished: what was listed before is out of date
        prefetch(state, batches, view)
    for batch_id in batches:
        total.merge(
            settle_intent(state, batch_id, client, now=now(), job=jobs[batch_id], view=view)
        )
    if batches:
        after_each(state)
    notes = []
    if count:
        notes.append(
            f"{count} pending from an interrupted apply: {total.found} found on Publer, "
            f"{len(total.failed)} failed, {total.missing} to create"
            + (
                f", {total.pending} not yet on Publer (a bulk whose answer was lost or never "
                "recorded may still be running; looked for again next run, never sent again "
                f"within {_hours(JOB_GRACE)} of sending)"
                if total.pending
                else ""
            )
        )
    return total, notes


def _hours(span: timedelta) -> str:
    hours = span.total_seconds() / 3600
    return f"{hours:g} hour{'s' * (hours != 1)}"


def job_may_run(intent: Intent, now: datetime) -> bool:
    """A bulk that may be running on Publer unseen, sent less than ``JOB_GRACE`` ago.

    Its answer was lost (``LOST_ANSWER``), or the run that journaled it died before
    recording any answer (no job id): whether the request left first nobody can tell,
    and Publer creates a job's posts only when the job runs, so what is not listed yet
    may still come. Until the grace is over it is looked for, never sent again.
    """
    job_id = intent.job_id
    if job_id is None:
        since = intent.created_at
    elif job_id.startswith(LOST_ANSWER):
        since = job_id.removeprefix(LOST_ANSWER)
    else:
        return False  # a job Publer named (polled instead), or an error it answered
    return now - parse_utc(since) < JOB_GRACE


def _real_job(intent: Intent) -> str | None:
    """The bulk's job id; None for one Publer never answered with one."""
    return recorded_job(intent.job_id)


def all_on_remote(state: State, intent: Intent, client: PublerClient) -> bool:
    """Whether Publer lists every item of ``intent`` now (a look that changes nothing)."""
    found = _find(state, intent, RemoteView(client)).found
    return all(item.key in found for item in intent.items)


def _find(state: State, intent: Intent, view: RemoteView) -> Assignment:
    """What Publer holds for the intent's items, by each method's rule (``matching``).

    Scoped by the items' accounts and planned times, and for posts whose time
    is Publer's (publish now, auto-scheduled) by their text and range: never by
    this machine's clock, so a clock skew on either side changes nothing. The
    bulk's job id, which Publer's listing carries, decides between look-alikes.
    """
    claimed = {e.remote_id for _, _, e in state.iter_entries() if e.remote_id}
    texts = {item.key: _text_of(item) for item in intent.items}
    return find_on_remote(_wanted(intent), view, texts, claimed=claimed)


def _wanted(intent: Intent) -> list[Wanted]:
    return [
        wanted_from_spec(
            item.key,
            item.account_id,
            item.spec,
            text_fingerprint=item.fingerprint,
            job_id=_real_job(intent),
        )
        for item in intent.items
    ]


def _text_of(item: IntentItem) -> str:
    text = json_object(item.spec.get("network")).get("text")
    return text if isinstance(text, str) else ""


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
