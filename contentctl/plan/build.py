"""Targets + state in, a ``Plan`` value out (Terraform's plans.Action / Change).

The unit is one post on one account. A target whose spec equals the applied
spec is a no-op; the rest are diffed field by field (``diff_specs``: each field's
canonical JSON, as the content hash sees it) and classified:
create, update (text/title in place), replace (delete and re-create),
delete, or blocked (a published post the network will not let us edit).
Text, JSON and Markdown views (``render``) and ``apply`` consume the same value.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import cached_property

from contentctl.plan.drift import Drift, failed_again, publish_failed
from contentctl.plan.fields import FieldChange as FieldChange  # re-exported: views, saved plans
from contentctl.plan.fields import diff_specs as diff_specs
from contentctl.plan.targets import (
    Endpoint,
    Target,
    format_utc,
    json_object,
    parse_utc,
)
from contentctl.publer_facts import (
    EDITABLE_UNPUBLISHED,
    LABELS_IN_UPDATE,
    MIN_LEAD_SECONDS,
    RULES,
)
from contentctl.state.records import DELETE_REFUSED, UPDATE_REFUSED, Entry, EntryStatus, State

PLAN_FORMAT_VERSION = 1
MIN_LEAD = timedelta(seconds=MIN_LEAD_SECONDS)  # Publer refuses a time closer than this

# What Publer's PUT /posts/{id} lets you edit once a post is live (EDITABLE_UNPUBLISHED before).
EDITABLE_PUBLISHED: Mapping[str, frozenset[str]] = {
    provider: rule.editable_published for provider, rule in RULES.items() if rule.editable_published
}


# Where a target's labels are in its spec; a change of only these is an update in place.
LABEL_PATHS = frozenset({"post.labels", "account.labels"})


class Action(StrEnum):
    CREATE = "create"
    ADOPT = "adopt"  # already on Publer (a lost state, a lost answer): recorded, not posted again
    UPDATE = "update"
    REPLACE = "replace"
    DELETE = "delete"
    NOOP = "no-op"
    BLOCKED = "blocked"


ACTION_ORDER = (
    Action.CREATE,
    Action.ADOPT,
    Action.UPDATE,
    Action.REPLACE,
    Action.DELETE,
    Action.BLOCKED,
)


@dataclass(frozen=True)
class Change:
    """What happens to one post on one account."""

    post_id: str
    alias: str
    provider: str
    action: Action
    reason: str = ""
    target: Target | None = None  # the desired post (None for delete)
    before: Entry | None = None  # the state entry (None for create)
    fields: tuple[FieldChange, ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        return (self.post_id, self.alias)

    @property
    def remote_id(self) -> str | None:
        return None if self.before is None else self.before.remote_id

    @property
    def scheduled_at(self) -> datetime | None:
        if self.target is not None:
            return self.target.scheduled_at
        value = None if self.before is None else self.before.scheduled_at
        return parse_utc(value) if value else None


@dataclass(frozen=True)
class Found:
    """What the refresh found on Publer for targets the state does not hold (adoption)."""

    adopt: Mapping[tuple[str, str], Entry] = field(default_factory=dict)  # entry to record
    blocked: Mapping[tuple[str, str], str] = field(default_factory=dict)  # key → reason
    # the post in a target's minute with other content (edited on Publer): entry as listed
    slotted: Mapping[tuple[str, str], Entry] = field(default_factory=dict)


@dataclass(frozen=True)
class PlanOptions:
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    replace_published: bool = False
    delete_published: bool = False


@dataclass(frozen=True)
class Plan:
    changes: tuple[Change, ...]
    created_at: datetime
    state_lineage: str
    state_serial: int
    state_digest: str = ""  # set only on a saved plan (see planfile.save_plan)
    notes: tuple[str, ...] = ()  # e.g. what settling an interrupted apply found
    remote: str = ""  # the Publer it was made against ("sandbox (workspace …)"); "" unknown
    drift: tuple[Drift, ...] = ()  # what the refresh found changed on Publer
    refresh_requests: int | None = None  # requests the refresh took; None: no refresh

    @cached_property
    def manifests_digest(self) -> str:
        return manifests_digest(c.target for c in self.changes if c.target is not None)

    def count(self, action: Action) -> int:
        return sum(1 for change in self.changes if change.action is action)

    @property
    def counts(self) -> dict[str, int]:
        return {action.value: self.count(action) for action in Action}

    @property
    def has_changes(self) -> bool:
        return any(c.action not in (Action.NOOP, Action.BLOCKED) for c in self.changes)

    def actionable(self) -> list[Change]:
        return [c for c in self.changes if c.action not in (Action.NOOP, Action.BLOCKED)]

    def summary(self) -> str:
        adopt = self.count(Action.ADOPT)
        adopted = f"{adopt} to adopt, " if adopt else ""
        return (
            f"Plan: {self.count(Action.CREATE)} to create, {adopted}"
            f"{self.count(Action.UPDATE)} to update, "
            f"{self.count(Action.REPLACE)} to replace, {self.count(Action.DELETE)} to delete, "
            f"{self.count(Action.BLOCKED)} blocked."
        )


def manifests_digest(targets: Iterable[Target]) -> str:
    """One hash over every target's identity and content: changes iff the manifests' effect does."""
    digest = hashlib.sha256()
    for target in sorted(targets, key=lambda t: t.key):
        digest.update(f"{target.post_id}\0{target.alias}\0{target.content_hash}\n".encode())
    return digest.hexdigest()


def is_published(entry: Entry, now: datetime) -> bool:
    """Published, or a scheduled post whose time has passed (Publer will have posted it)."""
    if entry.status is EntryStatus.PUBLISHED:
        return True
    if entry.status is not EntryStatus.SCHEDULED or publish_failed(entry):
        return False
    spec = entry.spec
    if spec.get("endpoint") == Endpoint.PUBLISH.value:
        return True
    post = json_object(spec.get("post"))
    if spec.get("bulk_state") == "scheduled" and not (post.get("recycling") or post.get("auto")):
        when = entry.scheduled_at
        return when is not None and parse_utc(when) <= now
    return False


def build_plan(
    targets: Sequence[Target],
    state: State,
    options: PlanOptions | None = None,
    *,
    notes: Sequence[str] = (),
    found: Found | None = None,
) -> Plan:
    """Compare desired targets with the recorded state; every target and entry gets a Change."""
    opts = options or PlanOptions()
    desired = {target.key: target for target in targets}
    changes = [_change_for(target, state.entry(*target.key), opts) for target in targets]
    pending = {item.key for intent in state.intents.values() for item in intent.items}
    if pending:
        changes = [_pending(change) if change.key in pending else change for change in changes]
    if found is not None and (found.adopt or found.blocked or found.slotted):
        changes = [_found(change, found, opts) for change in changes]
    changes = [_missed(change, opts.now) for change in changes]
    for post_id, alias, entry in state.iter_entries():
        if (post_id, alias) not in desired:
            changes.append(_removal(post_id, alias, entry, opts))
    return Plan(
        changes=tuple(changes),
        created_at=opts.now,
        state_lineage=state.lineage if state.exists else "",  # "" = no state file yet
        state_serial=state.serial,
        notes=tuple(notes),
    )


def _missed(change: Change, now: datetime) -> Change:
    """A create whose planned time has passed: a decision for the user, not a failure to retry."""
    target = change.target
    if change.action is not Action.CREATE or target is None:
        return change
    when = target.scheduled_at
    post = target.post
    if when is None or target.endpoint is Endpoint.PUBLISH or post.get("auto"):
        return change
    if target.bulk_state not in ("scheduled", "recurring") or when > now + MIN_LEAD:
        return change
    reason = (
        f"missed: its time {format_utc(when)} passed before it could be created; give it a "
        "new `at:`, make it `method: publish_now`, or remove it from the manifests"
    )
    return replace(change, action=Action.BLOCKED, reason=reason)


def _failed_at_publish(target: Target, entry: Entry, opts: PlanOptions) -> Change:
    again = Change(target.post_id, target.alias, target.provider, Action.CREATE, target=target,
                   before=entry, fields=diff_specs(entry.spec, target.spec))  # fmt: skip
    late = missed(again, opts.now)
    return replace(again, action=Action.BLOCKED if late else Action.REPLACE,
                   reason=failed_again(str(entry.last_error), missed=late))  # fmt: skip


def missed(change: Change, now: datetime) -> bool:  # a create's time past or inside the lead
    return _missed(change, now).action is Action.BLOCKED


def _pending(change: Change) -> Change:
    """A post of a bulk whose answer was lost and that Publer may still be creating."""
    if change.action is not Action.CREATE:
        return change
    reason = (
        "sent in a bulk whose answer was lost; Publer may still be creating it, so it is "
        "looked for again on the next run and never sent twice"
    )
    return replace(change, action=Action.BLOCKED, reason=reason)


def _found(change: Change, found: Found, opts: PlanOptions) -> Change:
    """A create whose post Publer already holds is an adopt; an undecidable one is blocked;
    one whose minute holds a post with other content takes it back as edited on Publer."""
    if change.action is not Action.CREATE:
        return change
    adopted = found.adopt.get(change.key)
    if adopted is not None:
        reason = f"already on Publer as post {adopted.remote_id} ({adopted.status.value})"
        return replace(change, action=Action.ADOPT, reason=reason, before=adopted)
    listed = found.slotted.get(change.key)
    if listed is not None and change.target is not None:
        return _slotted(change.target, listed, opts)
    blocked = found.blocked.get(change.key)
    if blocked is not None:
        return replace(change, action=Action.BLOCKED, reason=blocked)
    return change


def _slotted(target: Target, listed: Entry, opts: PlanOptions) -> Change:
    """Publer holds a post at this minute of this account (one a minute): it is this one,
    edited there, taken back and updated in place, or blocked where it cannot be."""
    taken = f"on Publer at this minute as post {listed.remote_id} ({listed.status.value})"
    change = _change_for(target, listed, opts)
    if change.action is Action.UPDATE:
        return replace(change, reason=f"{taken}, edited there: taken back and updated")
    reason = (
        f"{taken} with other content, and Publer allows one post a minute per account: "
        "delete it on Publer, or give this post another `at:`"
    )
    if change.action is not Action.BLOCKED:  # published ones keep the reason they have
        change = replace(change, action=Action.BLOCKED, reason=reason)
    return change


def _change_for(target: Target, entry: Entry | None, opts: PlanOptions) -> Change:
    if entry is None or entry.status is EntryStatus.DELETED:
        return Change(target.post_id, target.alias, target.provider, Action.CREATE, target=target)
    if entry.status is EntryStatus.FAILED or not entry.remote_id:
        reason = f"last attempt failed: {entry.last_error or 'unknown error'}"
        return Change(
            target.post_id,
            target.alias,
            target.provider,
            Action.CREATE,
            reason,
            target=target,
            before=entry,
        )
    if publish_failed(entry):  # Publer failed it: posted again in its place where it still can be
        return _failed_at_publish(target, entry, opts)
    # == on the specs is the fast path; the hash covers specs equal up to JSON types
    if entry.spec == target.spec or entry.content_hash == target.content_hash:
        return Change(
            target.post_id, target.alias, target.provider, Action.NOOP, target=target, before=entry
        )
    base = Change(target.post_id, target.alias, target.provider, Action.NOOP, target=target)
    fields = diff_specs(entry.spec, target.spec)
    changed = {f.path for f in fields}
    network_only = {p.removeprefix("network.") for p in changed if p.startswith("network.")}
    # labels live in Publer's own database: editable in place, even once published
    labels = changed & LABEL_PATHS if LABELS_IN_UPDATE else frozenset()
    in_place = len(network_only) + len(labels) == len(changed)
    if entry.last_error and entry.last_error.startswith(UPDATE_REFUSED):  # a PUT Publer refused
        return replace(base, action=Action.BLOCKED, reason=_refused_reason(entry), target=target,
                       before=entry, fields=fields)  # fmt: skip
    if is_published(entry, opts.now):
        editable = EDITABLE_PUBLISHED.get(target.provider, frozenset())
        if in_place and network_only <= editable:
            return replace(base, action=Action.UPDATE, target=target, before=entry, fields=fields)
        if opts.replace_published:
            reason = "published; re-posting because --replace-published was given"
            return replace(
                base,
                action=Action.REPLACE,
                reason=reason,
                target=target,
                before=entry,
                fields=fields,
            )
        allowed = (
            f"lets Publer edit only {', '.join(sorted(editable))}"
            if editable
            else "allows no edits once published (only labels)"
        )
        reason = (
            f"already published; {target.provider} {allowed} "
            f"(changed: {', '.join(sorted(changed))}); --replace-published deletes and re-posts it"
        )
        return replace(
            base, action=Action.BLOCKED, reason=reason, target=target, before=entry, fields=fields
        )
    if in_place and network_only <= EDITABLE_UNPUBLISHED:
        return replace(base, action=Action.UPDATE, target=target, before=entry, fields=fields)
    if _delete_refused(entry):
        return replace(base, action=Action.BLOCKED, reason=_refused_reason(entry), target=target,
                       before=entry, fields=fields)  # fmt: skip
    reason = "changed " + ", ".join(sorted(changed)) + " (Publer cannot edit these in place)"
    return replace(
        base, action=Action.REPLACE, reason=reason, target=target, before=entry, fields=fields
    )


def _removal(post_id: str, alias: str, entry: Entry, opts: PlanOptions) -> Change:
    base = Change(post_id, alias, entry.provider, Action.NOOP, before=entry)
    if not entry.remote_id or entry.status in (EntryStatus.FAILED, EntryStatus.DELETED):
        return replace(
            base, action=Action.DELETE, reason="never created on Publer; forgotten", before=entry
        )
    if is_published(entry, opts.now) and not opts.delete_published:
        reason = "removed from the manifests but already published; --delete-published removes it"
        return replace(base, action=Action.BLOCKED, reason=reason, before=entry)
    if _delete_refused(entry):
        return replace(base, action=Action.BLOCKED, reason=_refused_reason(entry), before=entry)
    reason = "removed from the manifests"
    return replace(base, action=Action.DELETE, reason=reason, before=entry)


def _delete_refused(entry: Entry) -> bool:
    return bool(
        entry.remote_id and entry.last_error and entry.last_error.startswith(DELETE_REFUSED)
    )


def _refused_reason(entry: Entry) -> str:
    return (
        f"{entry.last_error}; it stays as it is and no second copy is made: delete it in "
        "Publer (the next plan then sees it gone), or change the manifest back"
    )
