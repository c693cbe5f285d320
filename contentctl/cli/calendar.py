"""contentctl calendar: the posts on a calendar page (HTML), an iCalendar file, or JSON."""

from __future__ import annotations

from pathlib import Path

import click

from contentctl.cli.base import cli, config_for, cwd_of

DEFAULT_PAGE = "contentctl-calendar.html"


@cli.command("calendar")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=f"The HTML page to write [default: {DEFAULT_PAGE} beside contentctl.yaml].",
)
@click.option(
    "--ics",
    "ics_out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write an iCalendar file, for calendar apps.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "json"]),
    default="html",
    show_default=True,
    help="json prints the entries on stdout (and writes the page only with --out).",
)
@click.option("--replace-published", is_flag=True, help="Plan as `plan --replace-published` would.")
@click.option("--delete-published", is_flag=True, help="Plan as `plan --delete-published` would.")
@click.pass_context
def calendar(
    ctx: click.Context,
    out: Path | None,
    ics_out: Path | None,
    fmt: str,
    replace_published: bool,
    delete_published: bool,
) -> None:
    """Show every post and account at its local time, and what the plan would change.

    \b
    Reads the manifests and the state (for remote ids and links) and plans as
    `contentctl plan` does; it needs no remote. The page is one file with no
    scripts, fonts or server: open it, or publish it as a CI artifact.
    Examples:
      contentctl calendar                        # writes contentctl-calendar.html
      contentctl calendar --out site/calendar.html --ics site/posts.ics
      contentctl calendar --format json
    """
    import json

    from contentctl import pipeline
    from contentctl.plan.build import PlanOptions
    from contentctl.report.calendar import build_calendar, calendar_to_json
    from contentctl.report.calendar_html import render_calendar_html
    from contentctl.state.backends import open_backend

    config = config_for(ctx)
    cwd = cwd_of(ctx)
    state = open_backend(config).store().load()  # read only: no lock, as plan without settling
    notes = []
    if state.intents:
        notes.append(
            "an interrupted apply left work to settle; this shows the state as it was "
            "(`contentctl plan` settles it)"
        )
    options = PlanOptions(replace_published=replace_published, delete_published=delete_published)
    plan, _checked = pipeline.make_plan(config, state, options)
    cal = build_calendar(plan, config, notes=notes)
    title = f"{config.root.name}: contentctl calendar"
    if fmt == "json":
        click.echo(json.dumps(calendar_to_json(cal), indent=2, ensure_ascii=False))
    said = []
    if fmt == "html" or out is not None:
        page = cwd / out if out is not None else config.root / DEFAULT_PAGE
        _write(page, render_calendar_html(cal, title=title).encode("utf-8"))
        posts = len({e.post_id for e in cal.entries})
        said.append(f"Wrote the calendar of {posts} posts to {_shown(page, cwd)}")
    if ics_out is not None:
        from contentctl.report.calendar_ics import render_calendar_ics

        path = cwd / ics_out
        _write(path, render_calendar_ics(cal, name=title))
        said.append(f"Wrote the iCalendar file to {_shown(path, cwd)}")
    for line in said:
        click.echo(line, err=fmt == "json")  # stdout stays the JSON document


def _shown(path: Path, cwd: Path) -> str:
    resolved = path.resolve()
    return str(resolved.relative_to(cwd)) if resolved.is_relative_to(cwd) else str(resolved)


def _write(path: Path, data: bytes) -> None:
    from contentctl.errors import ContentctlError
    from contentctl.files import atomic_write

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data)
    except OSError as exc:
        raise ContentctlError(f"{path}: cannot write: {exc.strerror}") from None
