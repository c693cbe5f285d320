"""The pull-request comment rendered by cmark-gfm (GitHub's own parser), asserted as HTML.

Raw HTML is let through (``CMARK_OPT_UNSAFE``) as GitHub does for ``<details>``
and ``<summary>``; what the reviewer reads is the text of the resulting HTML,
so the assertions parse it back with ``html.parser``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any

import cmarkgfm
from cmarkgfm.cmark import Options

from contentctl.plan.build import PlanOptions, build_plan
from contentctl.plan.targets import Target, spec_hash
from contentctl.report.markdown_safe import code, fence, inline
from contentctl.report.plan_markdown import GITHUB_LIMIT, render_markdown
from contentctl.state.records import Entry
from contentctl.state.store import State

NOW = datetime(2027, 1, 1, 12, 0, tzinfo=UTC)
AT = NOW + timedelta(days=3)
LINEAGE = "00000000-0000-4000-8000-000000000000"
JOINER = "\u2060"


def gfm(markdown: str) -> str:
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)


class _Elements(HTMLParser):
    """The text inside every element named ``tag`` (nested markup flattened), in order."""

    def __init__(self, tag: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tag, self.depth, self.found = tag, 0, []  # type: tuple[str, int, list[str]]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == self.tag:
            self.depth += 1
            if self.depth == 1:
                self.found.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self.tag:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.found[-1] += data


def texts(html: str, tag: str) -> list[str]:
    parser = _Elements(tag)
    parser.feed(html)
    return parser.found


def target(post_id: str, alias: str, provider: str, text: str, **network: Any) -> Target:
    spec = {
        "endpoint": "schedule",
        "bulk_state": "scheduled",
        "network": {"type": "status", "text": text, **network},
        "post": {},
        "account": {"scheduled_at": AT.strftime("%Y-%m-%dT%H:%M:%SZ")},
    }
    return Target(
        post_id, alias, f"{alias}-id", provider, "UTC", "p.yaml:1:1", spec, spec_hash(spec)
    )


def recorded(t: Target) -> Entry:
    return Entry.from_json(
        {
            "account_id": t.account_id,
            "provider": t.provider,
            "remote_id": f"r-{t.post_id}",
            "status": "scheduled",
            "content_hash": t.content_hash,
            "spec": dict(t.spec),
            "scheduled_at": t.spec["account"]["scheduled_at"],  # type: ignore[index]
            "job_id": "j",
            "post_link": None,
            "last_error": None,
            "created_at": "2026-12-01T00:00:00Z",
            "updated_at": "2026-12-01T00:00:00Z",
        }
    )


def comment(targets: list[Target], before: list[Target] = ()) -> str:  # type: ignore[assignment]
    state = State(serial=1, lineage=LINEAGE, workspace_id="ws")
    for t in before:
        state.set_entry(t.post_id, t.alias, recorded(t))
    return render_markdown(build_plan(targets, state, PlanOptions(now=NOW)), now=NOW)


def test_titles_render_as_html_not_literal_markdown() -> None:
    html = gfm(comment([target("launch-teaser", "acme-fb", "facebook", "Hi")]))
    assert (
        "<summary><b>create</b> <code>launch-teaser</code> on <code>acme-fb</code></summary>"
        in (html)
    )
    assert texts(html, "summary") == ["create launch-teaser on acme-fb"]
    assert "**" not in html and "`" not in html


def test_a_change_near_the_end_of_a_long_text_is_in_the_diff() -> None:
    start = "Spring is here and our new blend is ready for you to try in every shop. " * 4
    old = target("long", "acme-li", "linkedin", start + "Opening on Friday at nine.")
    new = target("long", "acme-li", "linkedin", start + "Opening on Saturday at ten.")
    assert len(new.text) > 300
    html = gfm(comment([new], before=[old]))
    assert re.search(r'<pre lang="diff"><code>', html)
    (block,) = [t for t in texts(html, "pre")]
    assert block == f"-{old.text}\n+{new.text}\n"
    assert block.splitlines()[1].endswith("Opening on Saturday at ten.")


def test_a_multi_line_text_change_shows_every_line_and_marks_only_the_changed_one() -> None:
    old = target("notes", "acme-li", "linkedin", "one\ntwo\nthree")
    new = target("notes", "acme-li", "linkedin", "one\n2\nthree")
    (block,) = texts(gfm(comment([new], before=[old])), "pre")
    assert block == " one\n-two\n+2\n three\n"


HOSTILE = (
    "```` four backticks and ``` three\n"
    "<script>alert(1)</script> <b>bold?</b> &amp; &lt;\n"
    "Hi @octocat and @github/security, **not bold**, _not em_, | a | table |\n"
    "~~struck~~ [link](https://evil.example) ![img](x.png) $math$ # heading\n"
    "- not a list\n" + "x" * 5000
)


def test_hostile_post_text_shows_exactly_as_written() -> None:
    html = gfm(comment([target("hostile", "acme-fb", "facebook", HOSTILE)]))
    assert texts(html, "pre") == [HOSTILE + "\n"]
    assert "<script>" not in html and "<b>bold?</b>" not in html
    assert texts(html, "a") == [] and texts(html, "img") == [] and texts(html, "del") == []


def test_hostile_field_values_show_as_written_with_mentions_broken() -> None:
    old = target("titled", "acme-li", "linkedin", "Same", title="Old | `x` @octocat")
    new = target("titled", "acme-li", "linkedin", "Same", title="<i>New</i> **now** @octocat")
    markdown = comment([new], before=[old])
    # title is not a text field: a table row, whose cells are Markdown text, not code
    html = gfm(markdown)
    cells = texts(html, "td")[-4:]  # after the counts table
    assert cells == [
        "acme-li",
        "network.title",
        f"Old | `x` @{JOINER}octocat",
        f"<i>New</i> **now** @{JOINER}octocat",
    ]
    assert "<i>" not in html and "<strong>now</strong>" not in html


def test_escapes_agree_with_the_parser() -> None:
    for text in ("- a", "+ b", "1. c", "1) d", "= e", "# f", "> g", "a\\b", "*x*", "@me", "&amp;"):
        paragraphs = texts(gfm(f"{inline(text)}\n"), "p")
        assert [p.replace(JOINER, "") for p in paragraphs] == [text], text
    assert texts(gfm(f"{code('a `` b')}\n"), "code") == ["a `` b"]
    assert texts(gfm(fence("`\n``\n```\n````") + "\n"), "pre") == ["`\n``\n```\n````\n"]


def test_5000_changes_stay_under_githubs_limit_and_say_where_the_rest_is() -> None:
    targets = [
        target(f"post-{i:04d}", "acme-x", "twitter", f"Post {i} " + "words " * 40)
        for i in range(5000)
    ]
    markdown = comment(targets)
    assert len(markdown) < GITHUB_LIMIT
    html = gfm(markdown)
    shown = html.count("<details>")
    assert 0 < shown < 5000
    assert texts(html, "p")[-1] == (
        f"{5000 - shown} more posts ({5000 - shown} changes) are not shown to stay under "
        "GitHub's comment limit; every change is in the JSON plan "
        "(contentctl plan --format json, the plan.json artifact)."
    )


def test_one_huge_post_is_shown_briefly_rather_than_breaking_the_limit() -> None:
    huge = target("huge", "acme-fb", "facebook", "y" * 70_000)
    markdown = comment([huge])
    assert len(markdown) < GITHUB_LIMIT
    assert "Text and fields left out to stay under the comment limit." in texts(gfm(markdown), "em")


def test_media_show_by_file_name_and_what_changed_never_hashes() -> None:
    def item(path: str, sha: str) -> dict[str, str]:
        return {"path": path, "sha256": sha * 64, "type": "photo"}

    old = target(
        "pics",
        "acme-fb",
        "facebook",
        "Look",
        media=[item("media/a.png", "1"), item("media/b.png", "2")],
    )
    new = target(
        "pics",
        "acme-fb",
        "facebook",
        "Look",
        media=[item("media/a.png", "3"), item("media/c.png", "4")],
    )
    html = gfm(comment([new], before=[old]))
    media = next(p for p in texts(html, "p") if p.startswith("Media"))
    assert media == "Media: added c.png; removed b.png; a.png: new file contents"
    assert "sha256" not in html and "1" * 64 not in html and "3" * 64 not in html
    created = gfm(
        comment([target("more", "acme-fb", "facebook", "Hi", media=[item("x/y.jpg", "5")])])
    )
    assert "Media: y.jpg" in texts(created, "p")


def test_drift_and_adoptions_are_sections_of_their_own() -> None:
    from dataclasses import replace

    from contentctl.plan.build import Found
    from contentctl.plan.drift import Drift, DriftField, DriftKind

    adopted, created = (
        target("found", "acme-fb", "facebook", "Hi"),
        target("new", "acme-x", "twitter", "Yo"),
    )
    state = State(serial=1, lineage=LINEAGE, workspace_id="ws")
    plan = build_plan(
        [adopted, created],
        state,
        PlanOptions(now=NOW),
        found=Found(adopt={adopted.key: recorded(adopted)}),
    )
    edited = DriftField("network.text", "Hello <b>@team</b>", "Hello team, edited")
    plan = replace(
        plan,
        drift=(
            Drift("edited", "acme-li", DriftKind.EDITED, fields=(edited,)),
            Drift("gone", "acme-x", DriftKind.DELETED, detail="not on Publer"),
        ),
    )
    markdown = render_markdown(plan, now=NOW)
    html = gfm(markdown)
    assert texts(html, "h4") == [
        "Drift: 2 changed on Publer outside contentctl",
        "Already on Publer: recorded in the state, not posted again",
    ]
    # an item's text includes its nested field list
    assert [" ".join(item.split()) for item in texts(html, "li")[:2]] == [
        "edited on acme-li: edited outside contentctl "
        f"network.text: applied Hello <b>@{JOINER}team</b>, on Publer now Hello team, edited",
        "gone on acme-x: deleted outside contentctl (not on Publer)",
    ]
    # the adoption comes after the changes, under its heading
    assert markdown.index("<code>new</code>") < markdown.index("#### Already on Publer")
    assert markdown.index("#### Already on Publer") < markdown.index(
        "<b>adopt</b> <code>found</code>"
    )
    assert "| create | adopt | update |" in markdown
