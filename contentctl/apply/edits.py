"""The applier's in-place steps: deletes (and the delete half of replaces) and updates.

``EditSteps`` is the part of ``Applier`` that changes posts Publer already
holds: ``_delete`` sends ``DELETE /posts`` and tells a refused delete from one
already gone (a refused one keeps its remote id, so the next plan shows it
blocked and never creates a copy); ``_update`` sends ``PUT /posts/{id}`` with the
body ``update_body`` gives (the whole text always, labels when they changed).
Each records its outcome in the state entry and tells it as an event.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from contentctl.apply.events import ApplyEvent, EventKind
from contentctl.errors import PublerRequestError
from contentctl.model import JSONObject, JSONValue
from contentctl.plan.build import LABEL_PATHS, Action, Change
from contentctl.plan.targets import format_utc, json_object, parse_utc
from contentctl.publer import PublerClient
from contentctl.state.records import DELETE_REFUSED, UPDATE_REFUSED, Entry, EntryStatus, State
from contentctl.testing import crashpoints as faultpoints

if TYPE_CHECKING:
    from contentctl.apply.applier import ApplyReport


class EditSteps:
    """Deletes and updates; ``Applier`` supplies the fields declared here."""

    client: PublerClient
    state: State
    report: ApplyReport
    progress: Callable[[str], None]
    now: Callable[[], datetime]
    events: Callable[[ApplyEvent], None]

    def write(self) -> None:
        raise NotImplementedError

    def _delete(self, changes: Sequence[Change]) -> None:
        if not changes:
            return  # nothing to record: a fresh state is first written with the first intent
        with_remote = [c for c in changes if c.remote_id]
        for change in changes:
            if not change.remote_id and change.action is Action.DELETE:
                self.state.remove_entry(*change.key)
                self.report.deleted += 1
                self._tell(EventKind.POST_DELETED, change.post_id, change.alias, change.action)
        if not with_remote:
            self.write()
            return
        self.progress(f"Deleting {len(with_remote)} posts…")
        deleted = set(self.client.delete_posts([str(c.remote_id) for c in with_remote]))
        faultpoints.kill_point("after-delete")
        for change in with_remote:
            if change.remote_id not in deleted and self._still_on_remote(change):
                # kept with its remote id: the next plan shows it blocked, never creates a copy
                message = f"{DELETE_REFUSED} {change.remote_id} ({_refusal(change)})"
                self._mark_failed(change, message, keep_remote=True)
                continue
            if change.action is Action.DELETE:
                self.state.remove_entry(*change.key)
                self.report.deleted += 1
                self._tell(EventKind.POST_DELETED, change.post_id, change.alias, change.action)
            else:
                gone = replace(
                    self._current(change),
                    status=EntryStatus.DELETED,
                    remote_id=None,
                    post_link=None,
                    updated_at=format_utc(self.now()),
                )
                self.state.set_entry(*change.key, gone)
        self.write()
        faultpoints.kill_point("replace-between")

    def _still_on_remote(self, change: Change) -> bool:
        """An id missing from deleted_ids is either gone already (fine) or refused (not fine)."""
        when = change.before.scheduled_at if change.before else None
        start, end = (None, None)
        if when:
            start = parse_utc(when) - timedelta(hours=1)
            end = parse_utc(when) + timedelta(hours=1)
        account = change.before.account_id if change.before else None
        posts = self.client.list_posts(
            state="all", account_ids=[account] if account else [], start=start, end=end
        )
        return any(post.id == change.remote_id for post in posts)

    def _update(self, changes: Sequence[Change]) -> None:
        for index, change in enumerate(changes, 1):
            assert change.target is not None
            self.progress(f"Updating {index}/{len(changes)}: {change.post_id} @ {change.alias}")
            try:
                answer = self.client.update_post(str(change.remote_id), update_body(change))
            except PublerRequestError as exc:
                if _edit_refused(exc):  # kept as it is: the next plan shows further edits blocked
                    message = f"{UPDATE_REFUSED} {change.remote_id} ({'; '.join(exc.errors)})"
                    self._mark_failed(change, message, keep_remote=True)
                    continue
                self._mark_failed(change, exc.message, keep_remote=True)
                continue
            entry = self._current(change)
            link = answer.get("post_link")
            updated = replace(
                entry,
                content_hash=change.target.content_hash,
                spec=dict(change.target.spec),
                post_link=link if isinstance(link, str) and link else entry.post_link,
                last_error=None,
                updated_at=format_utc(self.now()),
            )
            self.state.set_entry(*change.key, updated)
            self.report.updated += 1
            self._tell(EventKind.POST_UPDATED, change.post_id, change.alias, change.action)
        if changes:
            self.write()

    def _listed_accounts(self) -> list[JSONObject]:
        """``GET /accounts``, asked once per run (it tells a WordPress account's kind)."""
        from contentctl.accounts import listed_accounts

        return listed_accounts(self.client)

    def _mark_failed(self, change: Change, message: str, *, keep_remote: bool = False) -> None:
        entry = self._current(change)
        failed = replace(
            entry,
            status=entry.status if keep_remote else EntryStatus.FAILED,
            last_error=message,
            updated_at=format_utc(self.now()),
        )
        self.state.set_entry(*change.key, failed)
        self.report.failed.append((change.post_id, change.alias, message))
        self._tell(EventKind.POST_FAILED, change.post_id, change.alias, change.action, message)

    def _tell(
        self, kind: EventKind, post_id: str, alias: str, action: str, message: str = ""
    ) -> None:
        entry = self.state.entry(post_id, alias)
        remote_id = entry.remote_id if entry is not None else None
        self.events(ApplyEvent(kind, post_id, alias, remote_id, str(action), message))

    def _current(self, change: Change) -> Entry:
        """The entry a delete or update changes: as the state holds it now, else as planned."""
        entry = self.state.entry(*change.key) or change.before
        assert entry is not None, "deletes and updates are planned from a state entry"
        return entry


def update_body(change: Change) -> JSONObject:
    """The ``post`` object of ``PUT /posts/{id}``: the whole text, always (Publer requires it,
    so a title-only edit sends the manifest's current text too), the title when the post has
    one, and the labels when they changed (``publer_facts.LABELS_IN_UPDATE``)."""
    assert change.target is not None
    network, target = change.target.network, change.target
    text = network.get("text")
    body: JSONObject = {"text": text if isinstance(text, str) else ""}
    if network.get("title") is not None:
        body["title"] = network["title"]
    if any(f.path in LABEL_PATHS for f in change.fields):
        names = [*_names(target.post.get("labels")), *_names(target.account.get("labels"))]
        body["labels"] = list(dict.fromkeys(names))
    return body


def _names(value: JSONValue | None) -> list[JSONValue]:
    return [name for name in value if isinstance(name, str)] if isinstance(value, list) else []


def _edit_refused(exc: PublerRequestError) -> bool:
    """Whether Publer will not edit the post at all: 403 for one published with approval, 422
    for a published post on a network that keeps it (https://publer.com/docs/posting/update-posts)."""
    said = " ".join(exc.errors).lower()
    return exc.status == 403 or (exc.status == 422 and "cannot be edited" in said)


def _refusal(change: Change) -> str:
    """Why Publer keeps a post it was asked to delete, as far as the entry tells."""
    post = json_object(change.before.spec.get("post")) if change.before else {}
    if post.get("auto"):
        return "Publer does not delete queued (auto-scheduled) posts"
    return (
        "Publer kept it: queued posts, posts published with approval and other members' "
        "private drafts cannot be deleted through the API"
    )
