"""A Plan in, Publer changes made and an ``ApplyReport`` out; the state written after every step.

Order: deletes (and the delete half of replaces), updates, media uploads, then
creates as bulks grouped by endpoint and ``bulk.state``. Each bulk is journaled
as an intent (``reconcile``) before it is sent and its job id recorded the
moment it is known; all bulks are submitted before the jobs are polled, so
several jobs run at once. A Ctrl-C stops new submissions, records what is
known and raises ``ApplyInterrupted``; the next run settles the rest.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from contentctl import faultpoints
from contentctl.desired import NO_ACCOUNT, Endpoint, Target, fingerprint, format_utc, parse_utc
from contentctl.errors import ApplyInterrupted, PublerError, PublerRequestError, UnknownOutcomeError
from contentctl.model import Config
from contentctl.plan import Action, Change, Plan
from contentctl.publer import PublerClient
from contentctl.reconcile import SettleResult, fail_intent, settle_intent
from contentctl.state import State, StateStore

MAX_BULK = 500


@dataclass
class ApplyReport:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # (post_id, alias, message)
    unresolved: int = 0  # creates whose outcome is still unknown; settled next run

    def summary(self) -> str:
        text = (
            f"Apply complete: {self.created} created, {self.updated} updated, "
            f"{self.deleted} deleted, {len(self.failed)} failed."
        )
        if self.unresolved:
            text += f" {self.unresolved} not yet confirmed; the next run settles them."
        return text


@dataclass
class Applier:
    config: Config
    store: StateStore
    state: State
    client: PublerClient
    progress: Callable[[str], None] = lambda _m: None
    now: Callable[[], datetime] = lambda: datetime.now(UTC)
    report: ApplyReport = field(default_factory=ApplyReport)

    def write(self) -> None:
        self.state = self.store.write(self.state)

    # -- the phases ------------------------------------------------------

    def run(self, plan: Plan) -> ApplyReport:
        changes = plan.actionable()
        try:
            self._delete([c for c in changes if c.action in (Action.DELETE, Action.REPLACE)])
            self._update([c for c in changes if c.action is Action.UPDATE])
            creates = [c for c in changes if c.action in (Action.CREATE, Action.REPLACE)]
            targets = [c.target for c in creates if c.target is not None and self._still_wanted(c)]
            self._create(targets)
        except KeyboardInterrupt:
            self.write()
            raise ApplyInterrupted(
                "interrupted: no new batches were sent; what was sent is recorded and the "
                "next plan or apply finishes it"
            ) from None
        return self.report

    def _still_wanted(self, change: Change) -> bool:
        # a replace whose delete failed must not create a second copy
        entry = self.state.entry(*change.key)
        return not (change.action is Action.REPLACE and entry and entry.get("remote_id"))

    def _delete(self, changes: Sequence[Change]) -> None:
        with_remote = [c for c in changes if c.remote_id]
        for change in changes:
            if not change.remote_id and change.action is Action.DELETE:
                self.state.remove_entry(*change.key)
                self.report.deleted += 1
        if not with_remote:
            self.write()
            return
        self.progress(f"Deleting {len(with_remote)} posts…")
        deleted = set(self.client.delete_posts([str(c.remote_id) for c in with_remote]))
        faultpoints.kill_point("after-delete")
        for change in with_remote:
            if change.remote_id not in deleted and self._still_on_remote(change):
                message = f"Publer did not delete post {change.remote_id}"
                self._mark_failed(change, message)
                continue
            if change.action is Action.DELETE:
                self.state.remove_entry(*change.key)
                self.report.deleted += 1
            else:
                entry = dict(self.state.entry(*change.key) or {})
                entry.update(
                    status="deleted",
                    remote_id=None,
                    post_link=None,
                    updated_at=format_utc(self.now()),
                )
                self.state.set_entry(*change.key, entry)
        self.write()
        faultpoints.kill_point("replace-between")

    def _still_on_remote(self, change: Change) -> bool:
        """An id missing from deleted_ids is either gone already (fine) or refused (not fine)."""
        entry = change.before or {}
        when = entry.get("scheduled_at")
        start, end = (None, None)
        if when:
            start = parse_utc(when) - timedelta(hours=1)
            end = parse_utc(when) + timedelta(hours=1)
        account = entry.get("account_id")
        posts = self.client.list_posts(
            state="all", account_ids=[account] if account else [], start=start, end=end
        )
        return any(str(p.get("id")) == change.remote_id for p in posts)

    def _update(self, changes: Sequence[Change]) -> None:
        for index, change in enumerate(changes, 1):
            assert change.target is not None
            self.progress(f"Updating {index}/{len(changes)}: {change.post_id} @ {change.alias}")
            fields = {
                k: change.target.network.get(k)
                for k in ("text", "title")
                if change.target.network.get(k) is not None
            }
            try:
                answer = self.client.update_post(str(change.remote_id), fields)
            except PublerRequestError as exc:
                self._mark_failed(change, exc.message, keep_remote=True)
                continue
            entry = dict(self.state.entry(*change.key) or {})
            entry.update(
                content_hash=change.target.content_hash,
                spec=dict(change.target.spec),
                post_link=answer.get("post_link") or entry.get("post_link"),
                last_error=None,
                updated_at=format_utc(self.now()),
            )
            self.state.set_entry(*change.key, entry)
            self.report.updated += 1
        if changes:
            self.write()

    def _mark_failed(self, change: Change, message: str, *, keep_remote: bool = False) -> None:
        entry = dict(self.state.entry(*change.key) or change.before or {})
        entry.update(last_error=message, updated_at=format_utc(self.now()))
        if not keep_remote:
            entry["status"] = "failed"
        self.state.set_entry(*change.key, entry)
        self.report.failed.append((change.post_id, change.alias, message))

    # -- creates ---------------------------------------------------------

    def _create(self, targets: Sequence[Target]) -> None:
        if not targets:
            return
        media_ids = self._upload_media(targets)
        batches = plan_batches(targets, min(self.config.batch_size, MAX_BULK))
        submitted: list[str] = []
        for number, batch in enumerate(batches, 1):
            self.progress(f"Submitting batch {number}/{len(batches)} ({len(batch)} posts)…")
            batch_id = self._submit(batch, media_ids)
            if batch_id is not None:
                submitted.append(batch_id)
            faultpoints.kill_point("between-batches")
        for batch_id in submitted:
            self._finish(batch_id)

    def _submit(
        self, batch: Sequence[Sequence[Target]], media_ids: Mapping[str, str]
    ) -> str | None:
        batch_id = uuid.uuid4().hex
        first = batch[0][0]
        self.state.intents[batch_id] = {
            "created_at": format_utc(self.now()),
            "endpoint": first.endpoint.value,
            "bulk_state": first.bulk_state,
            "job_id": None,
            "items": [_intent_item(t, index) for index, group in enumerate(batch) for t in group],
        }
        self.write()
        faultpoints.kill_point("intent-written")
        bulk = {
            "state": first.bulk_state,
            "posts": [bulk_post(group, media_ids) for group in batch],
        }
        try:
            job_id = self.client.schedule(bulk, publish_now=first.endpoint is Endpoint.PUBLISH)
        except UnknownOutcomeError as exc:
            # it may have been created: look for it instead of sending it again
            self.progress(f"Outcome of a batch unknown ({exc.message}); checking Publer…")
            self._settle(batch_id, job=None)
            return None
        except PublerRequestError as exc:
            self._absorb(fail_intent(self.state, batch_id, exc.message, self.now()))
            self.write()
            return None
        faultpoints.kill_point("after-answer")
        self.state.intents[batch_id]["job_id"] = job_id
        self.write()
        faultpoints.kill_point("job-id-written")
        return batch_id

    def _finish(self, batch_id: str) -> None:
        job_id = self.state.intents[batch_id]["job_id"]
        faultpoints.kill_point("polling")
        job = self.client.wait_for_job(job_id)
        faultpoints.kill_point("job-complete")
        self._settle(batch_id, job=job)

    def _settle(self, batch_id: str, job: Any) -> None:
        result = settle_intent(self.state, batch_id, self.client, now=self.now(), job=job)
        self._absorb(result)
        self.write()

    def _absorb(self, result: SettleResult) -> None:
        self.report.created += result.found
        self.report.failed.extend(result.failed)
        self.report.unresolved += result.missing

    def _upload_media(self, targets: Sequence[Target]) -> dict[str, str]:
        """Local media files to Publer media ids, each file uploaded once ever (by SHA-256)."""
        needed: dict[str, str] = {}
        for target in targets:
            for item in target.network.get("media") or ():
                if item.get("sha256"):
                    needed[item["sha256"]] = item["path"]
        ids = {sha: self.state.media[sha]["media_id"] for sha in needed if sha in self.state.media}
        missing = {sha: path for sha, path in needed.items() if sha not in ids}
        for index, (sha, path) in enumerate(sorted(missing.items()), 1):
            self.progress(f"Uploading media {index}/{len(missing)}: {path}")
            data = (self.config.root / path).read_bytes()
            try:
                media = self.client.upload_media(data, Path(path).name)
            except PublerError as exc:
                raise type(exc)(f"uploading {path}: {exc.message}") from None
            ids[sha] = str(media["id"])
            self.state.media[sha] = {
                "media_id": ids[sha],
                "path": path,
                "type": str(media.get("type") or "photo"),
                "uploaded_at": format_utc(self.now()),
            }
        if missing:
            self.write()
        return ids


def plan_batches(targets: Sequence[Target], size: int) -> list[list[list[Target]]]:
    """Targets grouped into bulk posts (one per post id), then into bulks of ``size`` posts.

    A bulk has one endpoint and one ``bulk.state``; TikTok takes one account per
    request, so a post's TikTok accounts each get a bulk post of their own.
    """
    groups: dict[tuple[str, str], dict[tuple[str, int], list[Target]]] = {}
    # in time order, so each bulk covers a narrow window and settling lists few pages
    for target in sorted(targets, key=_time_key):
        lane = groups.setdefault((target.endpoint.value, target.bulk_state), {})
        slot = 0
        if target.provider == "tiktok":
            slot = sum(1 for (pid, _s) in lane if pid == target.post_id)
        lane.setdefault((target.post_id, slot), []).append(target)
    batches: list[list[list[Target]]] = []
    for lane in groups.values():
        posts = list(lane.values())
        batches.extend(posts[i : i + size] for i in range(0, len(posts), size))
    return batches


def _time_key(target: Target) -> str:
    return str(target.spec["account"].get("scheduled_at") or "")


def bulk_post(group: Sequence[Target], media_ids: Mapping[str, str]) -> dict[str, Any]:
    """One entry of ``bulk.posts``: the networks of a post's accounts and the accounts."""
    first = group[0]
    networks: dict[str, Any] = {}
    accounts: list[dict[str, Any]] = []
    for target in group:
        networks[target.provider] = _wire_network(target.network, media_ids)
        if target.alias != NO_ACCOUNT:
            entry = {"id": target.account_id, **dict(target.spec["account"])}
            accounts.append(entry)
    post: dict[str, Any] = {"networks": networks, **dict(first.spec["post"])}
    if accounts:
        post["accounts"] = accounts
    return post


def _wire_network(network: Mapping[str, Any], media_ids: Mapping[str, str]) -> dict[str, Any]:
    wire = dict(network)
    if "media" in wire:
        items = []
        for index, item in enumerate(wire["media"]):
            ref = {k: v for k, v in item.items() if k not in ("path", "sha256", "url")}
            if item.get("sha256"):
                ref["id"] = media_ids[item["sha256"]]
            elif item.get("url"):
                ref.setdefault("id", f"external-{index}")
                ref["path"] = item["url"]
            ref.setdefault("type", "photo")
            items.append(ref)
        wire["media"] = items
    return wire


def _intent_item(target: Target, index: int) -> dict[str, Any]:
    return {
        "post_id": target.post_id,
        "alias": target.alias,
        "account_id": target.account_id,
        "provider": target.provider,
        "index": index,
        "fingerprint": fingerprint(target.text),
        "scheduled_at": target.spec["account"].get("scheduled_at"),
        "content_hash": target.content_hash,
        "spec": dict(target.spec),
    }
