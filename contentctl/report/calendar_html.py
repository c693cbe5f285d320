"""A ``Calendar`` in, one self-contained HTML page out (``contentctl calendar``).

The page needs no server, network, script, font or image: inline CSS only, so
it can be opened from disk or published as a CI artifact. A month view and a
week view (switched by two radio buttons and CSS) place every post × account
on its local date at its local time, with the zone beside it; drafts and ideas
without a time, and posts Publer times itself, have lanes of their own. Each
entry carries the network (``net-<provider>`` and a label) and what the plan
would do to it (``change-<action>``, highlighted unless it is a no-op), and
``data-post`` / ``data-account`` for tools. Every piece of post text is
HTML-escaped, so a post shows as written.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from html import escape

from contentctl.model import Method
from contentctl.plan.build import ACTION_ORDER, Action
from contentctl.plan.targets import NO_ACCOUNT
from contentctl.report.calendar import (
    RECURRING_DAYS,
    Calendar,
    Entry,
    Lane,
    format_local,
)

TEXT_CHARS = 200  # of a post's text shown in an entry; the rest is in the source
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
NETWORK_COLOURS = {
    "facebook": "#1877f2",
    "instagram": "#c13584",
    "twitter": "#14171a",
    "linkedin": "#0a66c2",
    "pinterest": "#e60023",
    "youtube": "#ff0000",
    "tiktok": "#25a5a0",
    "google": "#34a853",
    "wordpress": "#21759b",
    "telegram": "#229ed9",
    "mastodon": "#6364ff",
    "threads": "#5b5b5b",
    "bluesky": "#0085ff",
    "default": "#8a8a8a",
}

# What stands where the time would be, in a lane.
_UNTIMED_WORDS = {
    Method.DRAFT: "draft",
    Method.DRAFT_PRIVATE: "idea",
    Method.DRAFT_PUBLIC: "idea",
    Method.PUBLISH_NOW: "now",
    Method.AUTO: "auto",
}

_CSS = """
*{box-sizing:border-box}
body{margin:0;font:13px/1.35 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
color:#1d2328;background:#f4f5f7}
header.top{padding:16px 24px 8px;background:#fff;border-bottom:1px solid #dde1e6}
h1{margin:0 0 4px;font-size:20px}
h2{margin:18px 0 8px;font-size:16px}
.summary{margin:2px 0;font-weight:600}
.meta,.how{margin:2px 0;color:#505a64}
ul.legend{display:flex;flex-wrap:wrap;gap:6px;margin:8px 0 0;padding:0;list-style:none}
ul.legend li{padding:1px 8px;border-radius:10px;border:1px solid #ccd2d8;background:#fff}
.notes{margin:6px 0 0;padding-left:18px;color:#8a4b00}
.switch{padding:10px 24px 0}
body>input[name=view]{position:absolute;opacity:0;pointer-events:none}
.switch label{display:inline-block;padding:4px 14px;border:1px solid #aab4be;background:#fff;
cursor:pointer;margin-right:-1px}
.switch label:first-of-type{border-radius:6px 0 0 6px}
.switch label:last-of-type{border-radius:0 6px 6px 0}
#show-month:checked~.switch label[for=show-month],#show-week:checked~.switch label[for=show-week]
{background:#1d2328;color:#fff;border-color:#1d2328}
#show-month:checked~main .week-view,#show-week:checked~main .month-view{display:none}
main{display:grid;grid-template-columns:minmax(0,1fr) 300px;gap:20px;padding:0 24px 24px}
table.grid{width:100%;border-collapse:collapse;table-layout:fixed;background:#fff}
.grid th{padding:4px;font-weight:600;color:#505a64;border:1px solid #dde1e6;background:#fafbfc}
.grid td{vertical-align:top;height:84px;padding:3px;border:1px solid #dde1e6}
.grid td.other{background:#f0f1f3}
.dnum{display:block;font-size:11px;color:#6b7580;margin-bottom:2px}
ul.entries{margin:0;padding:0;list-style:none}
.entry{position:relative;margin:0 0 3px;padding:2px 4px 2px 7px;border:1px solid #dde1e6;
border-left:4px solid var(--net);border-radius:4px;background:#fff;overflow:hidden}
.entry .row{display:flex;gap:4px;align-items:baseline;flex-wrap:wrap}
.entry time,.entry .when{font-weight:600;white-space:nowrap}
.entry .net{font-size:11px;color:#fff;background:var(--net);padding:0 4px;border-radius:3px}
.entry .badge{font-size:10px;text-transform:uppercase;letter-spacing:.03em;padding:0 4px;
border-radius:3px;color:#fff;background:var(--change,#6b7580)}
.entry .who{display:block;color:#505a64;font-size:11px;overflow-wrap:anywhere}
.entry .post{font-weight:600;color:#1d2328}
.entry .repeat{display:block;font-size:11px;color:#6b3fa0}
.entry .text{display:-webkit-box;-webkit-box-orient:vertical;-webkit-line-clamp:2;
overflow:hidden;font-size:11px;color:#39424a;overflow-wrap:anywhere;white-space:pre-line}
.week-view .entry .text{-webkit-line-clamp:5}
.change-create{--change:#1a7f37;background:#eaf7ee!important}
.change-update{--change:#9a6700;background:#fff6dc!important}
.change-replace{--change:#8250df;background:#f3edfd!important}
.change-delete{--change:#cf222e;background:#fdecec!important}
.change-delete .text,.change-delete .post{text-decoration:line-through}
.change-blocked{--change:#57606a;outline:2px dashed #cf222e;outline-offset:-2px}
.method-draft,.method-draft_private,.method-draft_public{border-style:dashed}
.week{margin-bottom:18px}
.week-grid{display:grid;grid-template-columns:repeat(7,minmax(0,1fr));gap:4px}
.wday{background:#fff;border:1px solid #dde1e6;border-radius:4px;padding:4px;min-height:90px}
.wday h3{margin:0 0 4px;font-size:12px;color:#505a64}
aside .lane{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:8px;
margin-top:18px}
aside .lane h2{margin:0 0 4px}
aside .lane p{margin:0 0 6px;color:#505a64}
.empty{color:#8a939c;font-style:italic}
a{color:inherit}
"""


def render_calendar_html(cal: Calendar, *, title: str = "contentctl calendar") -> str:
    """The whole page for ``cal``; ``title`` names the repo in the page's heading."""
    dated = [e for e in cal.entries if e.lane is Lane.CALENDAR]
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        _header(cal, title),
        '<input type="radio" name="view" id="show-month" checked>',
        '<input type="radio" name="view" id="show-week">',
        '<nav class="switch" aria-label="view"><label for="show-month">Month</label>'
        '<label for="show-week">Week</label></nav>',
        '<main><div class="views">',
        _month_view(cal, dated),
        _week_view(dated),
        "</div><aside>",
        _lane(
            "lane-drafts",
            "Drafts and ideas",
            "Drafts without a time and ideas (no account): nothing is published.",
            [e for e in cal.entries if e.lane is Lane.DRAFTS],
        ),
        _lane(
            "lane-untimed",
            "No fixed time",
            "Published when apply runs, or at a slot Publer picks within a range.",
            [e for e in cal.entries if e.lane is Lane.UNTIMED],
        ),
        "</aside></main></body></html>",
    ]
    return "\n".join(parts) + "\n"


def _header(cal: Calendar, title: str) -> str:
    posts = len({e.post_id for e in cal.entries})
    accounts = len({e.alias for e in cal.entries if e.alias != NO_ACCOUNT})
    span = f" · {cal.first_day:%d %b %Y} – {cal.last_day:%d %b %Y}" if cal.first_day else ""
    made = cal.created_at.strftime("%Y-%m-%d %H:%M UTC")
    counts = {a: sum(1 for e in cal.entries if e.change is a) for a in ACTION_ORDER}
    changes = "".join(
        f'<li class="change-{a.value}">{escape(a.value)} {n}</li>' for a, n in counts.items()
    )
    networks = sorted({(e.network, e.provider) for e in cal.entries})
    legend = "".join(
        f'<li style="border-left:6px solid {_colour(p)}">{escape(name)}</li>'
        for name, p in networks
    )
    notes = "".join(f"<li>{escape(note)}</li>" for note in cal.notes)
    return (
        f'<header class="top"><h1>{escape(title)}</h1>'
        f'<p class="summary">{escape(cal.summary)}</p>'
        f'<p class="meta">{posts} posts on {accounts} accounts{span} · made {made}. '
        "Each time is the post's local time in its own timezone, shown beside it.</p>"
        '<p class="how">Recurring posts are shown at every occurrence up to their end_date '
        f"(or for {RECURRING_DAYS} days from start_date without one); recycling posts at "
        "their first publication, labelled with how they are re-shared. Highlighted: what "
        "apply would change.</p>"
        f'<ul class="legend" aria-label="changes">{changes}</ul>'
        f'<ul class="legend" aria-label="networks">{legend}</ul>'
        + (f'<ul class="notes">{notes}</ul>' if notes else "")
        + "</header>"
    )


def _colour(provider: str) -> str:
    return NETWORK_COLOURS.get(provider, "#888")


def _placed(entries: Iterable[Entry]) -> dict[date, list[tuple[int, Entry]]]:
    """Entries by local date; each with the index of its occurrence."""
    days: dict[date, list[tuple[int, Entry]]] = {}
    for entry in entries:
        for index, moment in enumerate(entry.occurrences):
            days.setdefault(entry.local(moment).date(), []).append((index, entry))
    for items in days.values():
        items.sort(key=lambda item: (item[1].occurrences[item[0]], item[1].post_id, item[1].alias))
    return days


def _months(first: date, last: date) -> Iterator[date]:
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = (month + timedelta(days=32)).replace(day=1)


def _month_view(cal: Calendar, dated: list[Entry]) -> str:
    out = ['<section class="month-view" aria-label="month view">']
    if cal.first_day is None or cal.last_day is None:
        out.append('<p class="empty">No post has a time yet.</p></section>')
        return "".join(out)
    days = _placed(dated)
    head = "".join(f'<th scope="col">{d}</th>' for d in WEEKDAYS)
    for month in _months(cal.first_day, cal.last_day):
        out.append(
            f'<section class="month" data-month="{month:%Y-%m}"><h2>{month:%B %Y}</h2>'
            f'<table class="grid"><thead><tr>{head}</tr></thead><tbody>'
        )
        day = month - timedelta(days=month.weekday())
        while day.month == month.month or day < month:
            out.append("<tr>")
            for _ in range(7):
                if day.month != month.month:
                    out.append('<td class="other"></td>')
                else:
                    items = "".join(_entry(e, i) for i, e in days.get(day, []))
                    out.append(
                        f'<td class="day" data-date="{day.isoformat()}">'
                        f'<span class="dnum">{day.day}</span><ul class="entries">{items}</ul></td>'
                    )
                day += timedelta(days=1)
            out.append("</tr>")
        out.append("</tbody></table></section>")
    out.append("</section>")
    return "".join(out)


def _week_view(dated: list[Entry]) -> str:
    days = _placed(dated)
    out = ['<section class="week-view" aria-label="week view">']
    mondays = sorted({day - timedelta(days=day.weekday()) for day in days})
    for monday in mondays:
        sunday = monday + timedelta(days=6)
        year, week, _ = monday.isocalendar()
        out.append(
            f'<section class="week" data-week="{year}-W{week:02d}">'
            f"<h2>Week {week}: {monday:%d %b} – {sunday:%d %b %Y}</h2>"
            '<div class="week-grid">'
        )
        for offset in range(7):
            day = monday + timedelta(days=offset)
            items = "".join(_entry(e, i) for i, e in days.get(day, []))
            out.append(
                f'<div class="wday" data-date="{day.isoformat()}"><h3>{day:%a %d %b}</h3>'
                f'<ul class="entries">{items}</ul></div>'
            )
        out.append("</div></section>")
    if not mondays:
        out.append('<p class="empty">No post has a time yet.</p>')
    out.append("</section>")
    return "".join(out)


def _lane(ident: str, heading: str, explain: str, entries: list[Entry]) -> str:
    items = "".join(_entry(e, None) for e in entries) or '<li class="empty">none</li>'
    return (
        f'<section class="lane" id="{ident}"><h2>{escape(heading)} ({len(entries)})</h2>'
        f'<p>{escape(explain)}</p><ul class="entries">{items}</ul></section>'
    )


def _entry(entry: Entry, occurrence: int | None) -> str:
    """One entry; ``occurrence`` is the index of the shown time, None in a lane."""
    colour = _colour(entry.provider)
    classes = f"entry net-{entry.provider} change-{entry.change.value} method-{entry.method.value}"
    if occurrence is None:
        when = f'<span class="when">{escape(_UNTIMED_WORDS.get(entry.method, "no time"))}</span>'
        shown_at = ""
    else:
        local = entry.local(entry.occurrences[occurrence])
        shown_at = local.isoformat(timespec="minutes")
        when = f'<time datetime="{shown_at}">{escape(format_local(local))}</time>'
    alias = "idea" if entry.alias == NO_ACCOUNT else entry.alias
    badge = (
        ""
        if entry.change is Action.NOOP
        else f'<span class="badge">{escape(entry.change.value)}</span>'
    )
    post = escape(entry.post_id)
    if entry.post_link.startswith(("https://", "http://")):
        post = f'<a href="{escape(entry.post_link)}">{post}</a>'
    text = entry.text if len(entry.text) <= TEXT_CHARS else entry.text[:TEXT_CHARS] + "…"
    return (
        f'<li class="{escape(classes)}" style="--net:{colour}" data-post="{escape(entry.post_id)}" '
        f'data-account="{escape(alias)}" data-change="{entry.change.value}" '
        f'data-local="{shown_at}" data-zone="{escape(entry.timezone)}" '
        f'title="{escape(_details(entry, shown_at))}">'
        f'<span class="row">{when}<span class="net">{escape(entry.network)}</span>{badge}</span>'
        f'<span class="who"><span class="post">{post}</span> @ {escape(alias)}</span>'
        + (f'<span class="repeat">{escape(entry.repeat)}</span>' if entry.repeat else "")
        + (f'<span class="text">{escape(text)}</span>' if text else "")
        + "</li>"
    )


def _details(entry: Entry, shown_at: str) -> str:
    """The hover text: where the post comes from, its zone and UTC time, what apply does."""
    lines = [f"{entry.post_id} @ {entry.alias} ({entry.account_name or entry.network})"]
    if shown_at:
        lines.append(f"{shown_at} {entry.timezone}")
    if entry.change is not Action.NOOP:
        lines.append(f"plan: {entry.change.value}" + (f" ({entry.reason})" if entry.reason else ""))
    if entry.status:
        lines.append(f"state: {entry.status}" + (f", {entry.remote_id}" if entry.remote_id else ""))
    lines.append(entry.source or "removed from the manifests")
    return "\n".join(lines)
