"""The applier's sending steps: a bulk in, journaled, sent and its answer recorded.

``SendSteps`` is the part of ``Applier`` that puts bulks on the wire. ``_submit``
journals a bulk as an intent (written before anything is sent; the write that
records a job id also journals the next bulk, so n bulks cost n + 1 writes to
send), sends it and records Publer's answer: a job id, an error status
(``ERROR_ANSWER``: not running, may be sent again) or no answer at all
(``LOST_ANSWER``: it may still run, so it is looked for, never sent again for a
while). ``_resolve_unknown`` settles a bulk whose outcome is unknown and sends again
only what Publer surely lacks, at most ``MAX_SENDS`` sends in all.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from contentctl.apply.bulks import bulk_post, intent_item, network_keys, plan_batches
from contentctl.apply.journal import fail_intent, fail_items
from contentctl.apply.settling import SettleSteps
from contentctl.errors import PublerError, PublerRequestError, StateError, UnknownOutcomeError
from contentctl.model import Config, JSONObject
from contentctl.plan.targets import Endpoint, Target, format_utc
from contentctl.publer_facts import MAX_BULK_POSTS
from contentctl.state.records import ERROR_ANSWER, LOST_ANSWER, Intent
from contentctl.testing import crashpoints as faultpoints

MAX_BULK = MAX_BULK_POSTS  # Publer's limit per POST /posts/schedule
MAX_SENDS = 3  # a bulk whose answer was lost: the first send and at most 2 more


@dataclass(frozen=True)
class _Sent:
    """One submitted bulk: its journal id, and why its outcome is unknown (None if a job id)."""

    batch_id: str
    unknown: str | None = None
    lost: bool = False  # no answer at all (a cut connection): Publer may still be running it


class SendSteps(SettleSteps):
    """Journaling and sending bulks; ``Applier`` supplies the fields declared here."""

    config: Config
    batches_sent: int = 0
    _journaled: str | None = None  # the next bulk's intent, written with the last job id

    def _listed_accounts(self) -> list[JSONObject]:
        raise NotImplementedError

    def _journal(self, batch: Sequence[Sequence[Target]]) -> str:
        """The intent of ``batch`` in the state (in memory): its journal id."""
        batch_id = uuid.uuid4().hex
        first = batch[0][0]
        self.state.intents[batch_id] = Intent(
            created_at=format_utc(self.now()),
            endpoint=first.endpoint.value,
            bulk_state=first.bulk_state,
            job_id=None,
            items=tuple(intent_item(t, index) for index, group in enumerate(batch) for t in group),
        )
        return batch_id

    def _submit(
        self,
        batch: Sequence[Sequence[Target]],
        media_ids: Mapping[str, str],
        label: str = "",
        *,
        following: Sequence[Sequence[Target]] | None = None,
    ) -> _Sent | None:
        """Journal and send one bulk; None when Publer refused it outright (items failed).

        The write that records this bulk's job id also journals the ``following``
        bulk's intent, so a run of n bulks writes the state n + 1 times to send
        them (the media uploaded before them go with the first), not 2n: nothing
        is sent between the answer and that write, and
        every bulk is still journalled before it is sent and its job id durable
        before anything else goes to Publer.
        """
        with self.guard.critical():
            if label:
                self.progress(label)  # inside: a Ctrl-C once this shows still records the bulk
            journaled, self._journaled = self._journaled, None
            if journaled is not None and journaled in self.state.intents:
                batch_id = journaled  # written with the previous bulk's job id
            else:
                batch_id = self._journal(batch)
                self._write_journal(batch_id)
            faultpoints.kill_point("intent-written")
            first = batch[0][0]
            keys = network_keys((t for group in batch for t in group), self._listed_accounts)
            bulk: JSONObject = {
                "state": first.bulk_state,
                "posts": [bulk_post(group, media_ids, self.state.media, keys) for group in batch],
            }
            try:
                job_id = self.client.schedule(bulk, publish_now=first.endpoint is Endpoint.PUBLISH)
            except UnknownOutcomeError as exc:
                # it may have been created: look for it later instead of sending it again now
                self.batches_sent += 1
                self.progress(f"Outcome of a batch unknown ({exc.message}); checking Publer later…")
                if exc.status is not None:  # Publer answered an error: not running
                    error = f"{ERROR_ANSWER}{format_utc(self.now())}"
                    self.state.intents[batch_id] = replace(
                        self.state.intents[batch_id], job_id=error
                    )
                    return _Sent(batch_id, exc.message)
                lost = f"{LOST_ANSWER}{format_utc(self.now())}"
                self.state.intents[batch_id] = replace(self.state.intents[batch_id], job_id=lost)
                self.write()
                return _Sent(batch_id, exc.message, lost=True)
            except PublerRequestError as exc:
                self._absorb(fail_intent(self.state, batch_id, exc.message, self.now()))
                self.write()
                return None
            except PublerError:
                # auth, rate limit, unreachable: Publer never took it, so nothing to look for
                del self.state.intents[batch_id]
                raise
            self.batches_sent += 1
            faultpoints.kill_point("after-answer")
            self.state.intents[batch_id] = replace(self.state.intents[batch_id], job_id=job_id)
            if following:
                self._journaled = self._journal(following)
            self._write_journal(self._journaled)
            faultpoints.kill_point("job-id-written")
            return _Sent(batch_id)

    def _write_journal(self, unsent: str | None) -> None:
        """Write the state that journals ``unsent``, a bulk about to be sent.

        If the write fails nothing of that bulk was sent, so the state saved aside for
        ``contentctl state push`` must not hold it as a bulk that may have been sent (a run
        after the push would wait ``JOB_GRACE`` for it): it is saved again without it.
        """
        try:
            self.write()
        except StateError:
            if unsent is not None:
                self.state.intents.pop(unsent, None)
                self._journaled = None
                with contextlib.suppress(StateError):
                    self.write()  # fails as the first did, and saves the copy aside again
            raise

    def _resolve_unknown(
        self,
        sent: _Sent,
        by_key: Mapping[tuple[str, str], Target],
        media_ids: Mapping[str, str],
        size: int,
    ) -> None:
        """Settle a bulk whose answer was lost; send again only what Publer surely lacks."""
        if sent.lost:
            # its job may not have run yet: wait and look again; what is still not there
            # stays in the journal for the next run, and is never sent again now
            self._look_again(sent.batch_id)
            self._settle(sent.batch_id, job=None)
            return
        reason = sent.unknown
        missing = self._settle(sent.batch_id, job=None).missing_items
        for attempt in range(2, MAX_SENDS + 1):
            if not missing:
                return
            self.progress(
                f"{len(missing)} posts of a batch whose answer was lost are not on Publer; "
                f"sending them again (attempt {attempt} of {MAX_SENDS})…"
            )
            targets = [by_key[item.key] for item in missing]
            missing = []
            for batch in plan_batches(targets, size):
                again = self._submit(batch, media_ids)
                if again is None:
                    continue
                if again.unknown is None:
                    missing.extend(self._finish(again.batch_id).missing_items)
                else:
                    reason = again.unknown
                    missing.extend(self._settle(again.batch_id, job=None).missing_items)
        if missing:
            message = (
                f"outcome unknown ({reason}); not found on Publer; "
                "will be retried on the next apply"
            )
            with self.guard.critical():
                self._absorb(fail_items(self.state, missing, message, self.now()))
                self.write()
