"""A Plan in, Publer changes made and an ``ApplyReport`` out; the state written after every step.

Order: deletes (and the delete half of replaces), updates, media uploads, then
creates as bulks grouped by endpoint and ``bulk.state``. Each bulk is journaled
as an intent (``journal``) before it is sent and its job id recorded the
moment it is known; all bulks are submitted before the jobs are polled, so
several jobs run at once. A bulk whose answer was lost (5xx, cut connection) is
settled by listing Publer once the other jobs are done; what is confirmed
absent is sent again (at most ``sending.MAX_SENDS`` sends in all), and what is still
unresolved is recorded as failed, for the next apply to retry. Ctrl-C stops new
submissions (a bulk in flight gets its job id recorded first), writes the state
and raises ``ApplyInterrupted``; a run-stopping Publer error writes the state and
propagates. Either way the next run settles what was left in the journal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from contentctl.apply.bulks import bulk_post, plan_batches
from contentctl.apply.edits import EditSteps
from contentctl.apply.events import ApplyEvent, EventKind
from contentctl.apply.interrupts import InterruptGuard
from contentctl.apply.refresh import adoptions
from contentctl.apply.sending import MAX_BULK, SendSteps, _Sent
from contentctl.apply.uploads import upload_one
from contentctl.errors import (
    ApplyInterrupted,
    PublerError,
)
from contentctl.model import Config
from contentctl.plan.build import Action, Change, Plan, missed
from contentctl.plan.targets import Target, format_utc
from contentctl.publer import PublerClient
from contentctl.remote_view import RemoteView
from contentctl.state.records import (
    MediaRecord,
    State,
)
from contentctl.state.remote_read import RemoteRead, counted_accounts, scope_of
from contentctl.state.store import StateStore
from contentctl.testing import crashpoints as faultpoints

__all__ = ["Applier", "ApplyReport", "InterruptGuard", "bulk_post", "plan_batches"]


@dataclass
class ApplyReport:
    created: int = 0
    adopted: int = 0  # already on Publer: recorded instead of posted again
    updated: int = 0
    deleted: int = 0
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # (post_id, alias, message)
    unresolved: int = 0  # items left in the intent journal; the next run settles them

    def summary(self) -> str:
        adopted = f"{self.adopted} adopted, " if self.adopted else ""
        text = (
            f"Apply complete: {self.created} created, {adopted}{self.updated} updated, "
            f"{self.deleted} deleted, {len(self.failed)} failed."
        )
        if self.unresolved:
            text += f" {self.unresolved} not yet confirmed; the next run settles them."
        return text


@dataclass
class Applier(EditSteps, SendSteps):
    config: Config
    store: StateStore
    state: State
    client: PublerClient
    progress: Callable[[str], None] = lambda _m: None
    now: Callable[[], datetime] = lambda: datetime.now(UTC)
    report: ApplyReport = field(default_factory=ApplyReport)
    view: RemoteView | None = None  # the run's listings, shared with the plan's refresh
    # structured progress for bars and scripts; pass it by name (the fields above are positional)
    events: Callable[[ApplyEvent], None] = lambda _e: None
    guard: InterruptGuard = field(default_factory=InterruptGuard, init=False)
    sleep: Callable[[float], None] | None = None  # waits before looking again (default: scaled)
    _vouched: bool = field(default=False, init=False)  # the marker is in the state (remote_read)
    # Publer's time when this run began listing what the state manages (its refresh); None: it
    # did not (--no-refresh), and the run vouches for nothing (state/remote_read.py).
    read_at: datetime | None = None

    def write(self) -> None:
        self.state = self.store.write(self.state)

    def _vouch(self) -> None:
        """Record that the state is what Publer holds, for the plan right after this run.

        Only a run that listed Publer, had nothing blocked (an ambiguous adoption is found
        only by listing) and left nothing in flight; with Publer's count of the config's
        posts, so a later plan sees a post created or deleted since. A run whose creates
        all settled has put the marker in with their results (``_finish_all``); any
        other writes it here, alone.
        """
        if not self._vouched and self._mark_read(self._count_posts()):
            self.write()

    def _count_posts(self) -> int | None:
        """Publer's count of the config's posts for the marker; None: no marker this run."""
        if self.read_at is None:
            return None
        try:
            return self.client.count_posts(counted_accounts(self.config))
        except PublerError:  # the work is done and recorded: the next plan just lists
            return None

    def _mark_read(self, posts: int | None) -> bool:
        """Put the marker in the state for the write that comes next; False: none may be."""
        if posts is None or self.read_at is None or self.state.intents:
            return False
        serial = self.state.serial + 1  # the serial of the write that holds it
        scope = scope_of(counted_accounts(self.config))
        self.state.remote_read = RemoteRead(self.read_at, "apply", serial, posts, scope)
        self._vouched = True
        return True

    # -- the phases ------------------------------------------------------

    def run(self, plan: Plan) -> ApplyReport:
        changes = plan.actionable()
        with self.guard:
            try:
                self._adopt([c for c in changes if c.action is Action.ADOPT])
                deletes = [c for c in changes if c.action in (Action.DELETE, Action.REPLACE)]
                self._delete(deletes)
                if deletes and self.view is not None:
                    self.view.invalidate()  # what was just deleted must not be adopted back
                self._update([c for c in changes if c.action is Action.UPDATE])
                creates = [c for c in changes if c.action in (Action.CREATE, Action.REPLACE)]
                wanted = [c.target for c in creates if c.target and self._still_wanted(c)]
                # a blocked change (ambiguous, missed, refused): the next plan lists again
                vouch = not any(change.action is Action.BLOCKED for change in plan.changes)
                self._create(wanted, vouch=vouch)
                if vouch:
                    self._vouch()
            except KeyboardInterrupt:
                with self.guard.critical():
                    self._forget_unsent()
                    self.write()
                sent = self.batches_sent
                raise ApplyInterrupted(
                    f"interrupted: {sent} batch{'' if sent == 1 else 'es'} sent and recorded, "
                    "no new ones sent; the next plan or apply finishes the work"
                ) from None
            except PublerError as exc:
                with self.guard.critical():
                    self._forget_unsent()
                    self.write()
                if self.state.intents and exc.hint is None:
                    exc.hint = "what was sent is recorded; the next plan or apply settles it"
                raise
        self.report.unresolved = sum(len(i.items) for i in self.state.intents.values())
        return self.report

    def _forget_unsent(self) -> None:
        """Drop the next bulk's intent, written with the last job id, if it was never sent."""
        if self._journaled is not None:
            self.state.intents.pop(self._journaled, None)
            self._journaled = None

    def _adopt(self, changes: Sequence[Change]) -> None:
        """Record the posts the plan found on Publer; nothing is sent."""
        stamp = format_utc(self.now())
        for change in changes:
            assert change.before is not None, "an adopt carries the entry it records"
            self.state.set_entry(*change.key, replace(change.before, updated_at=stamp))
            self.report.adopted += 1
            self._tell(EventKind.POST_ADOPTED, change.post_id, change.alias, change.action)
        if changes:
            self.write()

    def _still_wanted(self, change: Change) -> bool:
        # a replace whose delete failed must not create a second copy
        entry = self.state.entry(*change.key)
        return not (change.action is Action.REPLACE and entry and entry.remote_id)

    # -- creates ---------------------------------------------------------

    def _still_ahead(self, targets: Sequence[Target]) -> list[Target]:
        """Not a post whose time is now within the minute Publer needs, on Publer's clock
        (the plan was made a while ago): left unsent, the next plan shows it missed."""
        now = self.now()
        kept = []
        for target in targets:
            if missed(Change(*target.key, target.provider, Action.CREATE, target=target), now):
                self.progress(f"Not sent: {target.post_id} @ {target.alias}: its time is no "
                              "longer a minute ahead on Publer's clock (missed)")  # fmt: skip
            else:
                kept.append(target)
        return kept

    def _create(self, targets: Sequence[Target], *, vouch: bool = False) -> None:
        """Send ``targets`` in bulks and settle them; ``vouch``: the settling write may hold
        the marker (``_mark_read``) when every bulk was answered."""
        targets = self._adopt_found(self._still_ahead(targets))
        if not targets:
            return
        media_ids = self._upload_media(targets)
        size = min(self.config.batch_size, MAX_BULK)
        batches = plan_batches(targets, size)
        sent: list[_Sent] = []
        for number, batch in enumerate(batches, 1):
            label = f"Submitting batch {number}/{len(batches)} ({len(batch)} posts)…"
            following = batches[number] if number < len(batches) else None
            found = self._submit(batch, media_ids, label, following=following)
            if found is not None:
                sent.append(found)
                posts = sum(len(group) for group in batch)
                self.events(
                    ApplyEvent(
                        EventKind.BATCH_SUBMITTED, batch=number, batches=len(batches), posts=posts
                    )
                )
            faultpoints.kill_point("between-batches")
        answered = [done.batch_id for done in sent if done.unknown is None]
        self._finish_all(answered, vouch=vouch and len(answered) == len(sent))
        # after the other jobs, so a bulk Publer took but had not yet run has had its turn
        by_key = {t.key: t for t in targets}
        for done in sent:
            if done.unknown is not None:
                self._resolve_unknown(done, by_key, media_ids, size)

    def _adopt_found(self, targets: Sequence[Target]) -> list[Target]:
        """Look for the posts on Publer before creating them; adopt what is there."""
        if not targets:
            return []
        from contentctl.plan.build import Found

        view = self.view if self.view is not None else RemoteView(self.client)
        probe = State(self.state.serial, self.state.lineage, self.state.workspace_id)
        probe.posts = {k: dict(v) for k, v in self.state.posts.items()}
        for target in targets:
            probe.remove_entry(*target.key)  # every target here is to be created
        found: Found = adoptions(probe, targets, view, now=self.now())
        rest = []
        for target in targets:
            entry = found.adopt.get(target.key)
            reason = found.blocked.get(target.key)
            if entry is not None:
                self.state.set_entry(*target.key, entry)
                self.report.adopted += 1
                self._tell(EventKind.POST_ADOPTED, target.post_id, target.alias, Action.CREATE)
            elif reason is not None:
                self.report.failed.append((target.post_id, target.alias, reason))
                self._tell(EventKind.POST_FAILED, *target.key, Action.CREATE, reason)
            else:
                rest.append(target)
        if len(rest) != len(targets):
            self.write()
        return rest

    def _upload_media(self, targets: Sequence[Target]) -> dict[str, str]:
        """Local media files to Publer media ids, each file uploaded once ever (by SHA-256)."""
        needed: dict[str, str] = {}
        for target in targets:
            for item in target.uploads:  # media, thumbnails and media by URL
                sha, path = item.get("sha256"), item.get("path")
                if isinstance(sha, str) and sha and isinstance(path, str):
                    needed[sha] = path
        known = self.state.media
        ids = {sha: known[sha].media_id for sha in needed if sha in known}
        missing = {sha: path for sha, path in needed.items() if sha not in ids}
        for index, (sha, path) in enumerate(sorted(missing.items()), 1):
            self.progress(f"Uploading media {index}/{len(missing)}: {path}")
            try:
                uploaded = upload_one(self.client, self.config.root, path)
            except PublerError as exc:
                raise type(exc)(f"uploading {path}: {exc.message}") from None
            ids[sha] = str(uploaded["id"])
            known[sha] = MediaRecord(
                media_id=ids[sha],
                path=path,
                type=str(uploaded.get("type") or "photo"),
                uploaded_at=format_utc(self.now()),
            )
        # not written here: the first bulk's intent is written before anything is sent, and
        # these records with it (a run stopped before that writes them on its way out)
        return ids
