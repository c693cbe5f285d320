"""Every view of a plan or of diagnostics, chosen by name: a value in, the text to print out.

``render_plan(plan, "text" | "json" | "markdown", color=..., now=..., full=...)`` and
``render_diagnostics(diagnostics, "text" | "json" | "github", files=..., posts=...)``
look the view up in ``PLAN_VIEWS`` / ``DIAGNOSTICS_VIEWS``, so the CLI passes
its ``--format`` straight through. Views only format: they read the value and
decide nothing, and none of them prints (the CLI does). The plan's JSON view
is the saved-plan document of ``plan.saved.plan_to_json``, so what
``plan --format json`` shows is exactly what ``apply FILE`` reads.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import Protocol, TypeVar

from contentctl.model import Diagnostic
from contentctl.plan.build import Plan
from contentctl.plan.saved import plan_to_json
from contentctl.report import diagnostics as diagnostic_views
from contentctl.report import plan_markdown, plan_text

View = TypeVar("View")


class PlanView(Protocol):
    def __call__(self, plan: Plan, *, color: bool, now: datetime | None, full: bool) -> str: ...


class DiagnosticsView(Protocol):
    def __call__(self, diagnostics: Sequence[Diagnostic], *, files: int, posts: int) -> str: ...


def _plan_text(plan: Plan, *, color: bool, now: datetime | None, full: bool) -> str:
    return plan_text.render_text(plan, color=color, now=now, full=full)


def _plan_json(plan: Plan, *, color: bool, now: datetime | None, full: bool) -> str:
    return json.dumps(plan_to_json(plan), indent=2, ensure_ascii=False) + "\n"


def _plan_markdown(plan: Plan, *, color: bool, now: datetime | None, full: bool) -> str:
    return plan_markdown.render_markdown(plan, now=now)  # folds by size, always


PLAN_VIEWS: Mapping[str, PlanView] = MappingProxyType(
    {"text": _plan_text, "json": _plan_json, "markdown": _plan_markdown}
)
DIAGNOSTICS_VIEWS: Mapping[str, DiagnosticsView] = MappingProxyType(
    {
        "text": diagnostic_views.render_text,
        "json": diagnostic_views.render_json,
        "github": diagnostic_views.render_github,
    }
)


def render_plan(
    plan: Plan, fmt: str, *, color: bool = False, now: datetime | None = None, full: bool = True
) -> str:
    """The plan in view ``fmt``; ``color`` only colours the text view, and ``full=False``
    lets the text view sum up a big plan instead of listing every change."""
    return _pick(PLAN_VIEWS, fmt, "plan")(plan, color=color, now=now, full=full)


def render_diagnostics(
    diagnostics: Sequence[Diagnostic], fmt: str, *, files: int, posts: int
) -> str:
    """The problems of one check in view ``fmt``; ``files`` and ``posts`` are the counts read."""
    return _pick(DIAGNOSTICS_VIEWS, fmt, "diagnostics")(diagnostics, files=files, posts=posts)


def _pick(views: Mapping[str, View], fmt: str, what: str) -> View:
    try:
        return views[fmt]
    except KeyError:
        # The CLI offers only the registered names, so this is a caller's bug.
        known = ", ".join(views)
        raise ValueError(f"no {what} view named {fmt!r} (known: {known})") from None
