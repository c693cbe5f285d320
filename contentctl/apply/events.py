"""What an apply tells its watchers as it goes: one frozen ``ApplyEvent`` per step.

The applier emits batch, job and per-post events (through ``Applier.events``);
the CLI adds the plan summary first and the finish last. The same values feed
the progress bar, the plain progress lines and ``apply --json-events``
(``report.apply_json``), so what a script reads is what a person sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class EventKind(StrEnum):
    PLANNED = "plan"  # the plan about to be applied (summary and counts)
    BATCH_SUBMITTED = "batch_submitted"  # Publer took a bulk and answered a job id
    JOB_DONE = "job_done"  # a bulk's job finished on Publer; its posts' events follow
    POST_CREATED = "post_created"
    POST_ADOPTED = "post_adopted"
    POST_UPDATED = "post_updated"
    POST_DELETED = "post_deleted"
    POST_FAILED = "post_failed"
    WAITING = "waiting"  # a pause the rate limit or a retry forces (``message`` says which)
    FINISHED = "finished"  # the final counts


# One of these per post and account ends its part of the apply.
POST_RESULTS = frozenset(
    {
        EventKind.POST_CREATED,
        EventKind.POST_ADOPTED,
        EventKind.POST_UPDATED,
        EventKind.POST_DELETED,
        EventKind.POST_FAILED,
    }
)


@dataclass(frozen=True)
class ApplyEvent:
    kind: EventKind
    post_id: str = ""
    alias: str = ""
    remote_id: str | None = None
    action: str = ""  # the planned Action's value, for a post's event
    message: str = ""
    batch: int = 0  # BATCH_SUBMITTED: its number, of ``batches``
    batches: int = 0
    posts: int = 0  # BATCH_SUBMITTED / JOB_DONE: the posts (× accounts) in the bulk
    job_id: str = ""
    counts: tuple[tuple[str, int], ...] = ()  # PLANNED / FINISHED: ("create", 3), …
