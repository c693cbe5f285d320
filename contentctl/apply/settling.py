"""The applier's settling steps: bulks sent in, their jobs' outcome in the state out.

``SettleSteps`` is the part of ``Applier`` that learns what the bulks it sent
created: ``_finish_all`` waits for every job, then lists Publer once (one
``RemoteView`` listing of the union of the bulks' scopes, shared by all of
them, instead of overlapping windows per bulk), settles each intent from it
(``journal.settle_intent``) and writes the state once. ``_settle`` settles one
intent from a listing of its own, for a bulk whose answer was lost;
``_look_again`` waits for such a bulk's posts to appear. Each outcome is told as
an event.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from contentctl.apply.events import ApplyEvent, EventKind
from contentctl.apply.interrupts import InterruptGuard
from contentctl.apply.journal import SettleResult, all_on_remote, prefetch, settle_intent
from contentctl.plan.build import Action
from contentctl.publer import JobStatus, PublerClient
from contentctl.remote_view import RemoteView
from contentctl.state.records import State
from contentctl.testing import crashpoints as faultpoints
from contentctl.testing.timescale import client_sleep

if TYPE_CHECKING:
    from contentctl.apply.applier import ApplyReport

LOOK_AGAIN = (1.0, 2.0, 4.0, 8.0)  # seconds between looks for a bulk that got no answer


class SettleSteps:
    """Polling and settling; ``Applier`` supplies the fields declared here."""

    client: PublerClient
    state: State
    report: ApplyReport
    view: RemoteView | None
    guard: InterruptGuard
    progress: Callable[[str], None]
    now: Callable[[], datetime]
    events: Callable[[ApplyEvent], None]
    sleep: Callable[[float], None] | None

    def write(self) -> None:
        raise NotImplementedError

    def _tell(
        self, kind: EventKind, post_id: str, alias: str, action: str, message: str = ""
    ) -> None:
        raise NotImplementedError

    def _finish(self, batch_id: str) -> SettleResult:
        return self._finish_all([batch_id])

    def _count_posts(self) -> int | None:
        raise NotImplementedError

    def _mark_read(self, posts: int | None) -> bool:
        raise NotImplementedError

    def _finish_all(self, batch_ids: Sequence[str], *, vouch: bool = False) -> SettleResult:
        """Wait for every job, then settle them all from one listing and write once.

        With ``vouch`` (the run's last step) that write also holds the marker that the
        state is what Publer holds, counted before the write, so it costs no write of its own.
        """
        jobs: dict[str, JobStatus] = {}
        for batch_id in batch_ids:
            job_id = self.state.intents[batch_id].job_id
            assert job_id is not None, "only a bulk Publer answered with a job id is polled"
            faultpoints.kill_point("polling")
            jobs[batch_id] = self.client.wait_for_job(job_id)
            faultpoints.kill_point("job-complete")
            # told now, not after the one listing: a bar moves as each job is done
            posts = len(self.state.intents[batch_id].items)
            self.events(ApplyEvent(EventKind.JOB_DONE, posts=posts, job_id=job_id))
        total = SettleResult()
        if not jobs:
            return total
        job_ids = {batch_id: self.state.intents[batch_id].job_id or "" for batch_id in batch_ids}
        view = self._view()
        view.invalidate()  # the jobs created posts: what was listed before is out of date
        prefetch(self.state, batch_ids, view)
        counted = self._count_posts() if vouch else None
        with self.guard.critical():
            settled = [(b, self._settle_one(b, jobs[b], view)) for b in batch_ids]
            view.invalidate()  # settled: the listing is not held through the write, nor after
            if vouch:
                self._mark_read(counted)
            self.write()
        for batch_id, (result, keys) in settled:
            total.merge(result)
            self._told(result, keys, job_ids[batch_id], done=False)  # JOB_DONE told above
        return total

    def _view(self) -> RemoteView:
        if self.view is None:
            self.view = RemoteView(self.client)
        return self.view

    def _look_again(self, batch_id: str) -> None:
        """Wait for a bulk's posts to appear, a few times, longer each time."""
        sleep = self.sleep if self.sleep is not None else client_sleep()
        for wait in LOOK_AGAIN:
            if all_on_remote(self.state, self.state.intents[batch_id], self.client):
                return
            self.progress(f"Posts of a batch whose answer was lost are not on Publer yet; "
                          f"looking again in {wait:g} s…")  # fmt: skip
            sleep(wait)

    def _settle(self, batch_id: str, job: JobStatus | None) -> SettleResult:
        """Settle one intent from a listing of its own and write the state."""
        job_id = self.state.intents[batch_id].job_id or ""
        with self.guard.critical():
            result, keys = self._settle_one(batch_id, job, RemoteView(self.client))
            self.write()
        self._told(result, keys, job_id, done=job is not None)
        return result

    def _settle_one(
        self, batch_id: str, job: JobStatus | None, view: RemoteView
    ) -> tuple[SettleResult, list[tuple[str, str]]]:
        intent = self.state.intents[batch_id]
        keys = [item.key for item in intent.items]
        result = settle_intent(
            self.state, batch_id, self.client, now=self.now(), job=job, view=view
        )
        self._absorb(result)
        return result, keys

    def _told(
        self, result: SettleResult, keys: Sequence[tuple[str, str]], job_id: str, *, done: bool
    ) -> None:
        if done:
            self.events(ApplyEvent(EventKind.JOB_DONE, posts=len(keys), job_id=job_id))
        unsettled = {(p, a) for p, a, _m in result.failed} | {i.key for i in result.missing_items}
        for key in keys:
            entry = self.state.entry(*key)
            if key not in unsettled and entry is not None and entry.remote_id:
                self._tell(EventKind.POST_CREATED, *key, Action.CREATE)

    def _absorb(self, result: SettleResult) -> None:
        self.report.created += result.found
        self.report.failed.extend(result.failed)
        for post_id, alias, message in result.failed:
            self._tell(EventKind.POST_FAILED, post_id, alias, Action.CREATE, message)
