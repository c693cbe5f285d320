"""A Plan in, Markdown out: the pull-request comment, always under GitHub's size limit.

The remote and the counts first, then one folded ``<details>`` section per
post (not per post and account: a post on five networks is one section that
lists its five accounts and their local times). A section shows the text as
it will appear, once per distinct text, with its length counted the way each
network counts it against its limit; a text change is a ``diff`` block of the
whole text, so a change at the end of a long post is visible; media by file
name and what changed about them; any other field as before/after. Titles are
plain HTML because GitHub does not render Markdown inside ``<summary>``;
everything from the manifests goes through ``markdown_safe`` so it shows as
written. Sections that would not fit are counted in a closing line that says
where every change is (the JSON plan). Reads the Plan value and decides nothing.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import PurePosixPath

from contentctl.model import JSONValue
from contentctl.plan.build import Action, Change, FieldChange, Plan
from contentctl.publer_facts import length_unit, text_length, text_limit
from contentctl.report.markdown_safe import code, fence, html_text, inline
from contentctl.report.plan_text import SYMBOL, ordered, show_time

_ADOPTIONS = (
    "#### Already on Publer: recorded in the state, not posted again\n\n"
    "These posts were found on Publer (a lost state or a lost answer); apply only records them."
)
GITHUB_LIMIT = 65_536  # characters in one issue or pull-request comment
MARKDOWN_LIMIT = 65_000  # what we aim under, leaving room for the closing lines
MARKER = "<!-- contentctl-plan -->"
_TITLE_ACCOUNTS = 4  # accounts named in a section title before "and N more"
_DRIFT_BUDGET = 15_000  # characters of drift listed; the JSON plan has it all
_VALUE_WIDTH = 200  # a before/after value in a table cell, beyond which it is cut
_ALWAYS = ("create", "update", "replace", "delete", "blocked")
_TEXT = "network.text"
_MEDIA = "network.media"


def render_markdown(plan: Plan, *, now: datetime | None = None, limit: int = MARKDOWN_LIMIT) -> str:
    """A pull-request comment: remote and counts first, a section per post, under ``limit``."""
    now = now or plan.created_at
    head = [MARKER, *([f"Remote: {plan.remote}", ""] if plan.remote else [])]
    head.extend(["### contentctl plan", "", f"**{plan.summary()}**", ""])
    counts = plan.counts
    # the five classic actions always, adopt (or any later one) only when the plan has it
    columns = [
        a.value for a in Action if a.value in _ALWAYS or (a is not Action.NOOP and counts[a])
    ]
    head.append("| " + " | ".join([*columns, "unchanged"]) + " |")
    head.append("|" + "---:|" * (len(columns) + 1))
    head.append("| " + " | ".join(str(counts[k]) for k in [*columns, "no-op"]) + " |")
    head.extend(["", *(f"> {inline(note)}" for note in plan.notes)])
    if plan.notes:
        head.append("")
    head.extend(_drift(plan))
    grouped = by_post(c for c in plan.changes if c.action is not Action.NOOP)
    # adoptions are their own section: nothing is sent for them, the state just learns them
    adoptions = [g for g in grouped if all(c.action is Action.ADOPT for c in g)]
    posts = [g for g in grouped if g not in adoptions] + adoptions
    tail_reserve = 600
    body: list[str] = []
    size = sum(len(line) + 1 for line in head)
    folded_posts = folded_changes = 0
    for index, changes in enumerate(posts):
        block = _section(changes, now)
        if adoptions and changes is adoptions[0]:
            block = f"\n{_ADOPTIONS}\n\n{block}"  # a blank line ends the HTML block above
        if size + len(block) + tail_reserve > limit:
            block = _section(changes, now, brief=True)
        if size + len(block) + tail_reserve > limit:
            rest = posts[index:]
            folded_posts, folded_changes = len(rest), sum(len(group) for group in rest)
            break
        body.append(block)
        size += len(block) + 1
    tail = []
    if folded_posts:
        tail.extend(
            [
                "",
                f"_{folded_posts} more posts ({folded_changes} changes) are not shown to stay "
                "under GitHub's comment limit; every change is in the JSON plan "
                "(`contentctl plan --format json`, the plan.json artifact)._",
            ]
        )
    return "\n".join([*head, *body, *tail]) + "\n"


def by_post(changes: Iterable[Change]) -> list[list[Change]]:
    """The changes grouped by post, posts in the order of their first (most pressing) change."""
    groups: dict[str, list[Change]] = {}
    for change in ordered(changes):
        groups.setdefault(change.post_id, []).append(change)
    return list(groups.values())


def _drift(plan: Plan) -> list[str]:
    """Its own section, before the changes: what changed on Publer outside contentctl."""
    if not plan.drift:
        return []
    lines = [f"#### Drift: {len(plan.drift)} changed on Publer outside contentctl", ""]
    size, shown = 0, 0
    for drift in sorted(plan.drift, key=lambda d: (d.post_id, d.alias)):
        detail = f" ({inline(drift.detail)})" if drift.detail else ""
        entry = [
            f"- {code(drift.post_id)} on {code(drift.alias)}: {inline(drift.kind.value)}{detail}"
        ]
        entry.extend(
            f"  - {code(f.path)}: applied {_value(f.applied)}, on Publer now {_value(f.remote)}"
            for f in drift.fields
        )
        size += sum(len(line) + 1 for line in entry)
        if size > _DRIFT_BUDGET:
            break
        lines.extend(entry)
        shown += 1
    if shown < len(plan.drift):
        lines.append(f"- _and {len(plan.drift) - shown} more, in the JSON plan_")
    return [*lines, ""]


def _section(changes: Sequence[Change], now: datetime, *, brief: bool = False) -> str:
    lines = ["<details>", f"<summary>{_title(changes)}</summary>", "", *_accounts(changes, now)]
    if brief:
        lines.extend(["", "_Text and fields left out to stay under the comment limit._"])
    else:
        lines.extend(_texts(changes))
        lines.extend(_media(changes))
        lines.extend(_fields(changes))
    lines.extend(["", "</details>"])
    return "\n".join(lines)


def _title(changes: Sequence[Change]) -> str:
    actions = list(dict.fromkeys(change.action for change in changes))
    verbs = ", ".join(f"<b>{action.value}</b>" for action in actions)
    aliases = [change.alias for change in changes]
    named = ", ".join(f"<code>{html_text(alias)}</code>" for alias in aliases[:_TITLE_ACCOUNTS])
    more = len(aliases) - _TITLE_ACCOUNTS
    if more > 0:
        named += f" and {more} more"
    return f"{verbs} <code>{html_text(changes[0].post_id)}</code> on {named}"


def _accounts(changes: Sequence[Change], now: datetime) -> list[str]:
    lines = []
    for change in changes:
        line = (
            f"- {code(SYMBOL[change.action])} **{change.action.value}** on "
            f"{code(change.alias)} ({inline(change.provider)})"
        )
        when = change.scheduled_at
        if when is not None:
            zone = change.target.timezone if change.target is not None else "UTC"
            past = " ⚠️ in the past:" if when < now else ""
            line += f",{past} {inline(show_time(when, zone, now))}"
        lines.append(line)
        if change.reason:
            warn = "⚠️ " if change.action is Action.BLOCKED else ""
            lines.append(f"  - {warn}{inline(change.reason)}")
    return lines


def _field(change: Change, path: str) -> FieldChange | None:
    return next((field for field in change.fields if field.path == path), None)


def _texts(changes: Sequence[Change]) -> list[str]:
    """Each distinct text (or text change) once, with the accounts it goes to."""
    groups: dict[tuple[str | None, str], list[Change]] = {}
    for change in changes:
        if change.target is None:
            continue
        edit = _field(change, _TEXT)
        if edit is not None:
            was = edit.before if isinstance(edit.before, str) else ""
            groups.setdefault((was, change.target.text), []).append(change)
        elif change.action in (Action.CREATE, Action.REPLACE) and change.target.text:
            groups.setdefault((None, change.target.text), []).append(change)
    lines: list[str] = []
    for (before, after), group in groups.items():
        where = "" if len(groups) == 1 else " on " + ", ".join(code(c.alias) for c in group)
        what = "Text" if before is None else "Text change"
        lines.extend(["", f"**{what}**{where}: {_lengths(group, after)}", ""])
        lines.append(fence(after, "text") if before is None else fence(diff(before, after), "diff"))
    return lines


def _lengths(group: Sequence[Change], text: str) -> str:
    """Its length per network: "37/3000 characters on linkedin, 37/500 characters on mastodon"."""
    parts = []
    for provider in dict.fromkeys(change.provider for change in group):
        length, limit = text_length(provider, text), text_limit(provider)
        count = f"{length}/{limit}" if limit else str(length)
        mark = "" if limit is None or length <= 0.9 * limit else "⚠️ " if length <= limit else "❌ "
        parts.append(f"{mark}{count} {length_unit(provider)} on {inline(provider)}")
    return ", ".join(parts)


def diff(before: str, after: str) -> str:
    """The whole of ``after`` as diff lines against ``before``: every line, changed ones marked."""
    old, new = before.splitlines() or [""], after.splitlines() or [""]
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            out.extend(f" {line}" for line in old[i1:i2])
            continue
        out.extend(f"-{line}" for line in old[i1:i2])
        out.extend(f"+{line}" for line in new[j1:j2])
    return "\n".join(out)


def _media(changes: Sequence[Change]) -> list[str]:
    seen: dict[str, list[Change]] = {}
    for change in changes:
        edit = _field(change, _MEDIA)
        if edit is not None:
            line = _media_change(edit.before, edit.after)
        elif change.action in (Action.CREATE, Action.REPLACE) and change.target is not None:
            names = [_media_name(item) for item in change.target.media]
            line = ", ".join(code(name) for name in names)
        else:
            continue
        if line:
            seen.setdefault(line, []).append(change)
    lines = []
    for line, group in seen.items():
        where = "" if len(seen) == 1 else " on " + ", ".join(code(c.alias) for c in group)
        lines.extend(["", f"**Media**{where}: {line}"])
    return lines


def _media_items(value: JSONValue) -> list[dict[str, JSONValue]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _media_name(item: Mapping[str, JSONValue]) -> str:
    where = item.get("path") or item.get("url") or item.get("id") or "?"
    name = str(where)
    return PurePosixPath(name).name if item.get("path") else name


def _media_change(before: JSONValue, after: JSONValue) -> str:
    """ "added a.png; removed b.png; c.png: new bytes": by name, never the hashes."""
    old = {_media_name(item): item for item in _media_items(before)}
    new = {_media_name(item): item for item in _media_items(after)}
    parts = []
    added = [name for name in new if name not in old]
    removed = [name for name in old if name not in new]
    if added:
        parts.append("added " + ", ".join(code(name) for name in added))
    if removed:
        parts.append("removed " + ", ".join(code(name) for name in removed))
    for name in (n for n in new if n in old):
        if old[name].get("sha256") != new[name].get("sha256"):
            parts.append(f"{code(name)}: new file contents")
        elif old[name] != new[name]:
            keys = sorted(
                k for k in {*old[name], *new[name]} if old[name].get(k) != new[name].get(k)
            )
            parts.append(f"{code(name)}: changed {', '.join(inline(k) for k in keys)}")
    kept = [name for name in old if name in new]
    if not parts and kept != list(new):
        parts.append("reordered: " + ", ".join(code(name) for name in new))
    return "; ".join(parts)


def _fields(changes: Sequence[Change]) -> list[str]:
    rows = [
        f"| {code(change.alias, in_table=True)} | {code(field.path, in_table=True)} "
        f"| {_value(field.before)} | {_value(field.after)} |"
        for change in changes
        for field in change.fields
        if field.path not in (_TEXT, _MEDIA)
    ]
    if not rows:
        return []
    return ["", "| account | field | before | after |", "|---|---|---|---|", *rows]


def _value(value: JSONValue) -> str:
    if value is None:
        return "_(none)_"
    shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if len(shown) > _VALUE_WIDTH:
        shown = shown[: _VALUE_WIDTH - 1] + "…"
    return inline(shown)
