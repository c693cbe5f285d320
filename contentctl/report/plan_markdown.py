"""A Plan in, Markdown out: the pull-request comment, always under GitHub's size limit.

Counts first, then one folded ``<details>`` block per change; changes that
would not fit are counted in a closing line instead. Reads the Plan value and
decides nothing.
"""

from __future__ import annotations

from datetime import datetime

from contentctl.plan.build import Action, Change, Plan
from contentctl.publer_facts import text_limit
from contentctl.report.plan_text import SYMBOL, ordered, short, show_time

MARKDOWN_LIMIT = 65_000
MARKER = "<!-- contentctl-plan -->"


def render_markdown(plan: Plan, *, now: datetime | None = None, limit: int = MARKDOWN_LIMIT) -> str:
    """A pull-request comment: counts first, each post folded, always under ``limit`` chars."""
    now = now or plan.created_at
    head = [MARKER, *([f"Remote: {plan.remote}", ""] if plan.remote else [])]
    head.extend(["### contentctl plan", "", f"**{plan.summary()}**", ""])
    head.append("| create | update | replace | delete | blocked | unchanged |")
    head.append("|---:|---:|---:|---:|---:|---:|")
    counts = plan.counts
    head.append(
        "| {create} | {update} | {replace} | {delete} | {blocked} | {noop} |".format(
            noop=counts["no-op"],
            **{k: counts[k] for k in ("create", "update", "replace", "delete", "blocked")},
        )
    )
    head.extend(["", *(f"> {note}" for note in plan.notes)])
    shown = ordered(c for c in plan.changes if c.action is not Action.NOOP)
    tail_reserve = 300
    body: list[str] = []
    size = sum(len(line) + 1 for line in head)
    folded = 0
    for index, change in enumerate(shown):
        block = _markdown_block(change, now)
        if size + len(block) + tail_reserve > limit:
            folded = len(shown) - index
            break
        body.append(block)
        size += len(block) + 1
    tail = []
    if folded:
        tail.append(
            f"_{folded} more changes are not shown to stay under GitHub's comment limit; "
            "the full plan is in the plan.json artifact._"
        )
    return "\n".join([*head, *body, *tail]) + "\n"


def _markdown_block(change: Change, now: datetime) -> str:
    symbol = SYMBOL[change.action]
    title = (
        f"<code>{symbol}</code> **{change.action.value}** `{change.post_id}` "
        f"on `{change.alias}` ({change.provider})"
    )
    lines = ["<details>", f"<summary>{title}</summary>", ""]
    if change.reason:
        prefix = "⚠️ " if change.action is Action.BLOCKED else ""
        lines.append(f"{prefix}{change.reason}")
        lines.append("")
    when = change.scheduled_at
    if when is not None:
        zone = change.target.timezone if change.target is not None else "UTC"
        warn = "⚠️ in the past: " if when < now else ""
        lines.append(f"- {warn}at {show_time(when, zone, now)}")
    if change.target is not None:
        text = change.target.text
        limit = text_limit(change.provider)
        near = limit is not None and len(text) > 0.9 * limit
        count = f"{len(text)}/{limit}" if limit else str(len(text))
        lines.append(f"- {'⚠️ ' if near else ''}text: {count} characters")
        names = [str(m.get("path") or m.get("url") or m.get("id")) for m in change.target.media]
        if names:
            lines.append(f"- media: {', '.join(names)}")
        if text and change.action in (Action.CREATE, Action.REPLACE):
            lines.extend(["", "```text", text[:1500].replace("```", "ʼʼʼ"), "```"])
    if change.fields:
        lines.extend(["", "| field | before | after |", "|---|---|---|"])
        for field in change.fields:
            before = short(field.before, 80).replace("|", "\\|")
            after = short(field.after, 80).replace("|", "\\|")
            lines.append(f"| `{field.path}` | {before} | {after} |")
    lines.extend(["", "</details>"])
    return "\n".join(lines)
