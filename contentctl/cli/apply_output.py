"""What apply shows while and after it runs: progress, the event stream, the final report.

``ApplyOutput`` is chosen from apply's flags: on a terminal a bar with done,
total and time left (``report.progress.BarProgress``), otherwise plain progress
lines on stderr; ``--json-events`` writes one JSON object per event on stdout
(Terraform's ``-json``); ``--format json`` writes one final report on stdout.
Progress always goes to stderr, so stdout stays what a script reads. Before the
apply starts (settling, planning) messages pass straight through as lines.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

import click

from contentctl.apply.events import ApplyEvent, EventKind

if TYPE_CHECKING:
    from contentctl.apply.applier import ApplyReport
    from contentctl.plan.build import Plan
    from contentctl.state.records import State


class _Display(Protocol):
    def event(self, event: ApplyEvent) -> None: ...
    def message(self, text: str) -> None: ...
    def close(self) -> None: ...


def _stderr_line(text: str) -> None:
    click.echo(text, err=True)


@dataclass
class ApplyOutput:
    fmt: str = "text"  # the final report: "text" or "json"
    json_events: bool = False
    bar: bool | None = None  # None: a bar when stderr is a terminal
    clock: Callable[[], float] = time.monotonic
    wall: Callable[[], datetime] = lambda: datetime.now(UTC)
    _display: _Display | None = field(default=None, init=False)

    @property
    def machine(self) -> bool:
        """stdout is for a script: the plan text and other human lines go to stderr."""
        return self.fmt == "json" or self.json_events

    def message(self, text: str) -> None:
        """A line from the client or applier (a pause, a retry, an upload)."""
        if self._display is not None:
            self._display.message(text)
        else:
            _stderr_line(text)
        if self.json_events and text.startswith(("Rate limit", "Rate limited")):
            self._emit(ApplyEvent(EventKind.WAITING, message=text))

    def start(self, plan: Plan, *, batch_size: int) -> None:
        from contentctl.report.progress import ApplyProgress, BarProgress, PlainProgress

        counts = tuple((action, count) for action, count in plan.counts.items() if count)
        self._emit(ApplyEvent(EventKind.PLANNED, message=plan.summary(), counts=counts))
        progress = ApplyProgress.for_plan(plan, batch_size=batch_size, now=self.clock())
        wants_bar = sys.stderr.isatty() if self.bar is None else self.bar
        if wants_bar:
            self._display = BarProgress(progress, sys.stderr, clock=self.clock)
        else:
            self._display = PlainProgress(progress, _stderr_line, clock=self.clock)

    def event(self, event: ApplyEvent) -> None:
        if self._display is not None:
            self._display.event(event)
        self._emit(event)

    def stop(self) -> None:
        """End the bar (also when the apply was interrupted or failed)."""
        if self._display is not None:
            self._display.close()
            self._display = None

    def finish(self, plan: Plan, state: State, report: ApplyReport) -> None:
        from contentctl.report.apply_json import apply_to_json

        self.stop()
        document = apply_to_json(plan, state, report)
        counts = tuple(document["counts"].items())
        self._emit(ApplyEvent(EventKind.FINISHED, message=report.summary(), counts=counts))
        if self.fmt == "json":
            click.echo(json.dumps(document, indent=2, ensure_ascii=False))
            return
        if self.json_events:
            return
        click.echo(report.summary())
        for post_id, alias, message in report.failed:
            click.echo(f"  failed: {post_id} @ {alias}: {message}")

    def _emit(self, event: ApplyEvent) -> None:
        if not self.json_events:
            return
        from contentctl.report.apply_json import event_to_json

        line = json.dumps(event_to_json(event, self.wall()), ensure_ascii=False)
        click.echo(line)
