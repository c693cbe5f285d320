"""Apply events in, progress out: done of total and the time left, as a bar or as plain lines.

``ApplyProgress`` counts what the events say is done and estimates the time
left as the larger of two numbers: the pace so far, and what Publer's rate
limit forces (``publer_facts``: 100 requests per 120 s), from the requests the
rest of the plan still needs. ``PlainProgress`` turns that into lines such as
``Applied 200/2000 posts, about 6 min left`` (no control characters, for logs
and pipes); ``BarProgress`` draws a ``rich`` bar on a terminal (rich is imported
only then). Both receive the applier's messages too and drop those the count
already says. The CLI builds one and hands its ``event``/``message`` methods to
the applier; nothing here decides anything about the apply.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from contentctl.apply.events import POST_RESULTS, ApplyEvent, EventKind
from contentctl.plan.build import Action, Plan
from contentctl.publer_facts import RATE_LIMIT_REQUESTS, RATE_LIMIT_WINDOW_SECONDS

if TYPE_CHECKING:
    from rich.progress import Progress

POLLS_PER_JOB = 2  # a bulk's job is usually done by the second poll
_PER_ITEM = re.compile(r"^Updating \d+/\d+: ")  # one per post: the count says it better
_FIRST_POLL = re.compile(r"^Waiting for job \S+ \(0s so far\)$")  # the moving bar says it


@dataclass(frozen=True)
class RateWindow:
    requests: int = RATE_LIMIT_REQUESTS
    seconds: float = RATE_LIMIT_WINDOW_SECONDS


@dataclass
class ApplyProgress:
    """What is done of a plan's posts × accounts, and the requests still to send."""

    total: int
    updates: int  # left to send, one request each
    batches: int  # bulks left to submit and poll
    deletes: int  # delete requests left (one per chunk of posts)
    started: float
    window: RateWindow = field(default_factory=RateWindow)
    done: int = 0
    failed: int = 0
    ahead: int = 0  # posts counted done when their job finished, their own events to come
    planned_requests: int = field(default=-1)  # requests_left at the start (set from it)

    def __post_init__(self) -> None:
        if self.planned_requests < 0:
            self.planned_requests = self.requests_left

    @classmethod
    def for_plan(cls, plan: Plan, *, batch_size: int, now: float) -> ApplyProgress:
        changes = plan.actionable()
        creates = sum(1 for c in changes if c.action in (Action.CREATE, Action.REPLACE))
        removes = sum(1 for c in changes if c.action in (Action.DELETE, Action.REPLACE))
        return cls(
            total=len(changes),
            updates=sum(1 for c in changes if c.action is Action.UPDATE),
            batches=math.ceil(creates / max(1, batch_size)),
            deletes=math.ceil(removes / 100),
            started=now,
        )

    @property
    def requests_left(self) -> int:
        return self.updates + self.deletes + self.batches * (1 + POLLS_PER_JOB)

    def record(self, event: ApplyEvent) -> None:
        if event.kind in POST_RESULTS:
            if self.ahead and event.action == Action.CREATE.value:
                self.ahead -= 1  # counted when its job was done
            else:
                self.done = min(self.total, self.done + 1)
            self.failed += event.kind is EventKind.POST_FAILED
        if event.kind is EventKind.POST_UPDATED or event.action == Action.UPDATE.value:
            self.updates = max(0, self.updates - 1)
        elif event.kind is EventKind.JOB_DONE:
            self.batches = max(0, self.batches - 1)
            # the job's posts are done on Publer; the one listing that settles them all
            # comes after the last job, so the bar moves with the jobs, not all at the end
            moved = min(event.posts, self.total - self.done)
            self.done += moved
            self.ahead += moved
        elif event.kind is EventKind.POST_DELETED:
            self.deletes = 0  # the deletes went out together

    def seconds_left(self, now: float) -> float | None:
        """The larger of the pace so far and the rate limit's floor; None before any estimate."""
        left = self.total - self.done
        if left <= 0:
            return 0.0
        # at most ``requests`` per window: the last request of the plan cannot go out before
        # as many windows after the start as it has full windows ahead of it
        windows = max(0, self.planned_requests - 1) // self.window.requests
        floor = max(0.0, self.started + windows * self.window.seconds - now)
        pace = (now - self.started) / self.done * left if self.done else 0.0
        best = max(floor, pace)
        return best if best > 0 else None


def time_left(seconds: float | None) -> str:
    """ "about 6 min left", "about 40 s left", "about 1 h 5 min left"."""
    if seconds is None:
        return "estimating time left"
    if seconds < 60:
        return f"about {max(1, math.ceil(seconds))} s left"
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return f"about {minutes} min left"
    return f"about {minutes // 60} h {minutes % 60} min left"


def progress_line(progress: ApplyProgress, now: float) -> str:
    failed = f" ({progress.failed} failed)" if progress.failed else ""
    done = f"Applied {progress.done}/{progress.total} posts{failed}"
    if progress.done >= progress.total:
        return done
    return f"{done}, {time_left(progress.seconds_left(now))}"


@dataclass
class PlainProgress:
    """Progress as whole lines: at every finished job and every tenth of the posts."""

    progress: ApplyProgress
    write: Callable[[str], None]
    clock: Callable[[], float] = time.monotonic
    _step_shown: int = 0

    def event(self, event: ApplyEvent) -> None:
        self.progress.record(event)
        step = self.progress.done * 10 // max(1, self.progress.total)
        if event.kind is EventKind.JOB_DONE or (
            event.kind in POST_RESULTS and step > self._step_shown
        ):
            self._step_shown = step
            self.write(progress_line(self.progress, self.clock()))

    def message(self, text: str) -> None:
        if not _PER_ITEM.match(text):
            self.write(text)

    def close(self) -> None:
        """Nothing to tidy: every line is already whole."""


class BarProgress:
    """A ``rich`` bar on the terminal ``stream``: done/total, percent, time left."""

    def __init__(
        self, progress: ApplyProgress, stream: IO[str], clock: Callable[[], float] = time.monotonic
    ) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn

        self.progress = progress
        self._clock = clock
        self._bar: Progress = Progress(
            "Applying",
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            _eta_column(progress, clock),
            console=Console(file=stream, force_terminal=True),
            transient=False,
        )
        self._task = self._bar.add_task("apply", total=progress.total)
        self._bar.start()

    def event(self, event: ApplyEvent) -> None:
        before = self.progress.done
        self.progress.record(event)
        # drawn at once when posts are done: jobs finishing back to back each show their step
        self._bar.update(self._task, completed=self.progress.done,
                         refresh=self.progress.done != before)  # fmt: skip

    def message(self, text: str) -> None:
        if not _PER_ITEM.match(text) and not _FIRST_POLL.match(text):
            self._bar.console.print(text, markup=False, highlight=False)

    def close(self) -> None:
        self._bar.update(self._task, completed=self.progress.done)
        self._bar.stop()


def _eta_column(progress: ApplyProgress, clock: Callable[[], float]) -> Any:
    """A column that asks ``progress`` at every redraw, so the estimate moves during a pause."""
    from rich.progress import ProgressColumn, Task
    from rich.text import Text

    class TimeLeft(ProgressColumn):
        def render(self, task: Task) -> Text:
            return Text(time_left(progress.seconds_left(clock())) if not task.finished else "done")

    return TimeLeft()
