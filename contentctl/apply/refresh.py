"""A state, the desired targets and a ``RemoteView`` in, what Publer really holds out.

``refresh`` reads the posts the state manages (``GET /posts`` scoped by their
accounts, states and merged time windows, so the cost follows what is
managed) and returns a ``Refreshed``: a copy of the state brought to the
remote's truth, the ``Drift`` found (edited outside contentctl with the field
diff, deleted outside, published with its link, failed at publish time with
Publer's reason, awaiting approval), and what the targets the state does not
hold already have on Publer (``Found``: adopt, or blocked when ambiguous;
``slotted``: the post in a target's minute with other content, recorded as
listed so the plan updates it back instead of a create Publer refuses).
The plan built from the refreshed copy proposes what brings Publer back to
the manifests: an edit outside is an update back, a post deleted outside is
created again, a published post is recorded with its link. A post missing
from the scoped listing is looked up once more by its text before it is
called deleted, so a post moved out of its window is never posted twice.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from contentctl.apply.adoption import find_on_remote, learn_signatures, search_text
from contentctl.apply.journal import remote_status
from contentctl.apply.matching import (
    IDEA_STATES,
    TIME_TOLERANCE,
    Method,
    listed_fingerprints,
    method_of,
    signature_of,
    wanted_from_target,
)
from contentctl.model import JSONObject, JSONValue
from contentctl.plan.build import Found
from contentctl.plan.drift import Drift, DriftField, DriftKind, publish_failed
from contentctl.plan.targets import (
    Target,
    fingerprint,
    format_utc,
    json_object,
    parse_utc,
    spec_hash,
)
from contentctl.publer import RemotePost
from contentctl.remote_view import RemoteView, Scope, windows
from contentctl.state.records import PUBLISH_FAILED, Entry, EntryStatus, State

IGNORABLE = ("text", "title", "labels", "scheduled_at")


@dataclass
class Refreshed:
    state: State
    drift: list[Drift] = field(default_factory=list)
    found: Found = field(default_factory=Found)
    requests: int = 0


def refresh(
    state: State,
    targets: Sequence[Target],
    view: RemoteView,
    *,
    now: datetime,
    ignore: Collection[str] = (),
    adopt: bool = True,
) -> Refreshed:
    """The state as Publer has it, the drift, and what Publer holds for unrecorded targets."""
    before = view.requests
    fresh = copy.deepcopy(state)
    managed = [
        (post_id, alias, entry)
        for post_id, alias, entry in state.iter_entries()
        if entry.remote_id and entry.status not in (EntryStatus.FAILED, EntryStatus.DELETED)
    ]
    signed = [(e.account_id, signature_of(e.spec)) for _, _, e in managed]
    learn_signatures(view.client, signed)  # a signature Publer appended is no edit
    listed = {post.id: post for post in view.gather(_scopes(managed))}
    result = Refreshed(fresh)
    for post_id, alias, entry in managed:
        post = listed.get(str(entry.remote_id)) or _look_again(view, entry)
        drift, updated = _compare(post_id, alias, entry, post, now, ignore)
        if drift is not None:
            result.drift.append(drift)
        if updated is not entry:
            fresh.set_entry(post_id, alias, updated)
    if adopt:
        result.found = adoptions(fresh, targets, view, now=now)
    result.requests = view.requests - before
    return result


def adoptions(state: State, targets: Sequence[Target], view: RemoteView, *, now: datetime) -> Found:
    """For the targets the state does not hold on Publer: the remote posts to adopt."""
    creates = [t for t in targets if _needs_create(state.entry(*t.key))]
    if not creates:
        return Found()
    claimed = {e.remote_id for _, _, e in state.iter_entries() if e.remote_id}
    texts = {t.key: t.text for t in creates}
    wanted = [wanted_from_target(t) for t in creates]
    assignment = find_on_remote(wanted, view, texts, claimed=claimed)
    by_key = {t.key: t for t in creates}
    adopt = {
        key: adopted_entry(by_key[key], post, now, state.entry(*key))
        for key, post in assignment.found.items()
    }
    slotted = {
        key: _as_listed(adopted_entry(by_key[key], post, now, state.entry(*key)), post)
        for key, post in assignment.slotted.items()
    }
    return Found(adopt=adopt, blocked=dict(assignment.ambiguous), slotted=slotted)


def _as_listed(entry: Entry, post: RemotePost) -> Entry:
    """An adopted entry with what Publer holds (its text, title), so the plan diffs that."""
    fields = _edited(entry, post, ())
    spec = _with_remote(dict(entry.spec), fields)
    return replace(entry, spec=spec, content_hash=spec_hash(spec))


def adopted_entry(target: Target, post: RemotePost, now: datetime, previous: Entry | None) -> Entry:
    when = target.scheduled_at_text or (
        format_utc(parse_utc(post.scheduled_at)) if post.scheduled_at else None
    )
    job = post.raw.get("job_id")
    stamp = format_utc(now)
    return Entry(
        account_id=target.account_id,
        provider=target.provider,
        remote_id=post.id,
        status=remote_status(post.state),
        content_hash=target.content_hash,
        spec=dict(target.spec),
        scheduled_at=when,
        job_id=job if isinstance(job, str) else None,
        post_link=post.post_link,
        last_error=None,
        created_at=previous.created_at if previous else stamp,
        updated_at=stamp,
    )


def _needs_create(entry: Entry | None) -> bool:
    return (
        entry is None
        or entry.status in (EntryStatus.DELETED, EntryStatus.FAILED)
        or (not entry.remote_id)
    )


def _scopes(managed: Sequence[tuple[str, str, Entry]]) -> list[Scope]:
    timed = [e for _, _, e in managed if e.scheduled_at]
    scopes = [
        Scope(frozenset(e.account_id for e in timed if e.account_id), "all", start, end)
        for start, end in windows([parse_utc(str(e.scheduled_at)) for e in timed])
    ]
    undated = [e for _, _, e in managed if not e.scheduled_at]
    drafts = frozenset(
        e.account_id for e in undated if e.account_id and e.spec.get("bulk_state") == "draft"
    )
    if drafts:
        scopes.append(Scope(drafts, "draft"))
    for state in sorted({str(e.spec.get("bulk_state")) for e in undated} & set(IDEA_STATES)):
        scopes.append(Scope(frozenset(), state))
    return scopes


def _look_again(view: RemoteView, entry: Entry) -> RemotePost | None:
    """Not in its window: search the account by text before calling it deleted."""
    text = json_object(entry.spec.get("network")).get("text")
    query = search_text(text if isinstance(text, str) else "")
    accounts = frozenset([entry.account_id] if entry.account_id else [])
    for post in view.posts(Scope(accounts, "all", query=query or None)):
        if post.id == entry.remote_id:
            return post
    return None


def _compare(
    post_id: str,
    alias: str,
    entry: Entry,
    post: RemotePost | None,
    now: datetime,
    ignore: Collection[str],
) -> tuple[Drift | None, Entry]:
    stamp = format_utc(now)
    if post is None:
        gone = replace(entry, status=EntryStatus.DELETED, remote_id=None, post_link=None,
                       updated_at=stamp)  # fmt: skip
        return Drift(post_id, alias, DriftKind.DELETED, f"post {entry.remote_id}"), gone
    state = (post.state or "scheduled").lower()
    if "pending" in state or "approval" in state:
        if entry.status is EntryStatus.PENDING:
            return None, entry  # recorded already: drift once, not every plan
        waiting = replace(entry, status=EntryStatus.PENDING, updated_at=stamp)
        return Drift(post_id, alias, DriftKind.AWAITING_APPROVAL, f"Publer says {state}"), waiting
    if state.startswith("failed"):
        reason = _reason(post.raw) or f"Publer says {state}"
        marked = f"{PUBLISH_FAILED}: {reason}"
        if entry.last_error == marked:
            return None, entry
        failed = replace(entry, last_error=marked, post_link=None, updated_at=stamp)
        return Drift(post_id, alias, DriftKind.FAILED, reason), failed
    entry = _settled(entry, post, stamp)  # approved, or posted again on Publer: no drift
    fields = _edited(entry, post, ignore)
    if fields:
        spec = _with_remote(entry.spec, fields)
        edited = replace(entry, spec=spec, content_hash=spec_hash(spec), updated_at=stamp)
        paths = ", ".join(f.path for f in fields)
        return Drift(post_id, alias, DriftKind.EDITED, paths, tuple(fields)), edited
    status = remote_status(post.state)
    if status is EntryStatus.PUBLISHED and (
        entry.status is not EntryStatus.PUBLISHED or entry.post_link != post.post_link
    ):
        published = replace(entry, status=status, post_link=post.post_link, updated_at=stamp)
        link = post.post_link or "no link yet"
        return Drift(post_id, alias, DriftKind.PUBLISHED, link), published
    return None, entry


def _settled(entry: Entry, post: RemotePost, stamp: str) -> Entry:
    """An entry recorded as awaiting approval or failed, which Publer no longer says it is."""
    failed = publish_failed(entry)
    if entry.status is not EntryStatus.PENDING and not failed:
        return entry
    status = remote_status(post.state) if entry.status is EntryStatus.PENDING else entry.status
    return replace(entry, status=status, last_error=None if failed else entry.last_error,
                   updated_at=stamp)  # fmt: skip


def _edited(entry: Entry, post: RemotePost, ignore: Collection[str]) -> list[DriftField]:
    network = json_object(entry.spec.get("network"))
    out: list[DriftField] = []
    applied_text = network.get("text")
    if (
        "text" not in ignore
        and isinstance(applied_text, str)
        and " ".join(applied_text.split()) != " ".join(post.text.split())
        and fingerprint(applied_text)
        not in listed_fingerprints(post.text, signature_of(entry.spec))
    ):
        out.append(DriftField("network.text", applied_text, post.text))
    title = network.get("title")
    remote_title = post.raw.get("title")
    if "title" not in ignore and isinstance(title, str) and isinstance(remote_title, str):
        out.extend(
            [DriftField("network.title", title, remote_title)] if title != remote_title else []
        )
    if "labels" not in ignore:
        wanted = _labels(json_object(entry.spec.get("post")).get("labels")) | _labels(
            json_object(entry.spec.get("account")).get("labels")
        )
        remote = _labels(post.raw.get("labels"))
        if "labels" in post.raw and wanted and remote != wanted:
            applied_labels: list[JSONValue] = list(sorted(wanted))
            remote_labels: list[JSONValue] = list(sorted(remote))
            out.append(DriftField("post.labels", applied_labels, remote_labels))
    method = method_of(entry.spec)
    timed = method in (Method.SCHEDULED, Method.DRAFT)
    live = remote_status(post.state) is not EntryStatus.PUBLISHED
    if "scheduled_at" not in ignore and timed and live and entry.scheduled_at and post.scheduled_at:
        applied_at, remote_at = parse_utc(entry.scheduled_at), parse_utc(post.scheduled_at)
        if abs(applied_at - remote_at) > TIME_TOLERANCE:
            out.append(
                DriftField("account.scheduled_at", entry.scheduled_at, format_utc(remote_at))
            )
    return out


def _with_remote(spec: JSONObject, fields: Sequence[DriftField]) -> JSONObject:
    """The applied spec with the remote's values, so the plan diffs the remote, not the state."""
    out: JSONObject = copy.deepcopy(spec)
    for change in fields:
        part, name = change.path.split(".", 1)
        section = out.get(part)
        if isinstance(section, dict):
            section[name] = change.remote
    return out


def _labels(value: JSONValue | None) -> frozenset[str]:
    if not isinstance(value, list):
        return frozenset()
    names = [item.get("name") if isinstance(item, dict) else item for item in value]
    return frozenset(n for n in names if isinstance(n, str))


def _reason(raw: object) -> str:
    if not isinstance(raw, dict):
        return ""
    for key in ("error", "failure_reason", "message"):
        value = raw.get(key)
        if isinstance(value, str) and value:
            return value
    return ""
