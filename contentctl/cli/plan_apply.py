"""plan and apply: the Plan value rendered, saved, applied."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from contentctl.cli.base import cli, config_for, cwd_of, exit_with, progress_printer, use_color
from contentctl.errors import ExitCode

if TYPE_CHECKING:
    from contentctl.model import Config
    from contentctl.plan.build import PlanOptions
    from contentctl.remote_view import RemoteView

_Command = TypeVar("_Command", bound=Callable[..., None])

# -- plan and apply ---------------------------------------------------------


def _plan_options(replace_published: bool, delete_published: bool) -> PlanOptions:
    from contentctl.plan.build import PlanOptions

    return PlanOptions(replace_published=replace_published, delete_published=delete_published)


_published_flags = [
    click.option(
        "--replace-published",
        is_flag=True,
        help="Delete and re-post published posts whose change the network cannot edit.",
    ),
    click.option(
        "--delete-published",
        is_flag=True,
        help="Delete published posts that were removed from the manifests.",
    ),
    click.option(
        "--lock-timeout",
        default=0.0,
        type=float,
        show_default=True,
        help="Seconds to wait for another run's lock.",
    ),
    click.option("--no-color", is_flag=True, help="No colour (also NO_COLOR)."),
]


def config_remote(config: Config) -> str:
    from contentctl.plan.binding import current_remote

    return current_remote(config).describe()


def _warn_sandbox(config: Config) -> None:
    from contentctl.plan.binding import sandbox_warning

    warning = sandbox_warning(config)
    if warning:
        click.echo(warning, err=True)


def _with(options: list[Callable[[_Command], _Command]]) -> Callable[[_Command], _Command]:
    def wrap(fn: _Command) -> _Command:
        for option in reversed(options):
            fn = option(fn)
        return fn

    return wrap


_full_flag = click.option(
    "--full",
    "--verbose",
    "full",
    is_flag=True,
    help="List every change, even in a plan too big to list (over 200 changes).",
)
_apply_output_flags = [
    click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help="json: one final report on stdout (format_version 1), the plan on stderr.",
    ),
    click.option(
        "--json-events",
        is_flag=True,
        help="One JSON object per line on stdout as the apply goes (like terraform -json).",
    ),
]

_refresh_flag = click.option(
    "--no-refresh",
    is_flag=True,
    help="Plan from the state alone, without reading what Publer holds (drift, adoption).",
)


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Save the plan for `contentctl apply FILE`.",
)
@click.option(
    "--detailed-exitcode", is_flag=True, help="Exit 0 with no changes, 2 with changes, 1 on error."
)
@_refresh_flag
@click.option(
    "--refresh",
    "force_refresh",
    is_flag=True,
    help="List Publer even if an apply just read it (refresh_max_age in contentctl.yaml).",
)
@_full_flag
@_with(_published_flags)
@click.pass_context
def plan(
    ctx: click.Context,
    fmt: str,
    out: Path | None,
    detailed_exitcode: bool,
    no_refresh: bool,
    force_refresh: bool,
    full: bool,
    replace_published: bool,
    delete_published: bool,
    lock_timeout: float,
    no_color: bool,
) -> None:
    """Show what apply would change on Publer.

    \b
    The plan first reads the posts the state manages from Publer (drift:
    edited, deleted, published outside contentctl) and looks for posts to
    create that Publer already holds (adopt); --no-refresh skips that.
    Right after an apply (refresh_max_age, 300 s by default, on Publer's
    clock) the plan trusts what the apply read and does not list again;
    --refresh lists anyway.

    \b
    Examples:
      contentctl plan
      contentctl plan --format markdown > plan.md
      contentctl plan --out release.plan && contentctl apply release.plan
    """
    from contentctl import pipeline as workflow
    from contentctl.plan.saved import save_plan
    from contentctl.report import render_plan
    from contentctl.state.backends import open_backend

    if no_refresh and force_refresh:
        raise click.UsageError("--refresh and --no-refresh contradict each other: give one")
    config = config_for(ctx)
    backend = open_backend(config)
    store = backend.store()
    state = store.load()
    _warn_sandbox(config)
    notes = workflow.bind_remote(config, state)
    options = _plan_options(replace_published, delete_published)
    with _remote_view(config, not no_refresh) as view:
        if state.intents:  # settled with the run's listings, which the refresh then reuses
            with backend.lock("plan", timeout=lock_timeout):
                state = store.load()
                notes = workflow.bind_remote(config, state)
                state, settled = workflow.settle(
                    config, store, state, progress=progress_printer(), view=view
                )
                notes += settled
        result = workflow.plan_against(
            config, state, options, view=view, notes=notes, reuse_read=not force_refresh
        ).plan
    if out is not None:
        from contentctl.plan.commitment import repo_identity

        digest, repo = state.content_digest(), repo_identity(config)
        save_plan(result, cwd_of(ctx) / out, state_digest=digest, repo=repo)
    if fmt == "json":  # streamed: never the whole document in memory (report/plan_json_stream)
        from contentctl.report.plan_json_stream import write_plan_json

        write_plan_json(result, lambda piece: click.echo(piece, nl=False))
    else:
        click.echo(render_plan(result, fmt, color=use_color(no_color), full=full), nl=False)
    if fmt == "text" and out is not None:  # the other views are for machines: nothing after
        click.echo(f"\nSaved the plan to {out}. Apply exactly it with: contentctl apply {out}")
    if detailed_exitcode:
        exit_with(ctx, ExitCode.CHANGES if result.has_changes else ExitCode.OK)


@contextmanager
def _remote_view(config: Config, wanted: bool) -> Iterator[RemoteView | None]:
    """A client's shared listings for the run (None: no refresh asked for)."""
    if not wanted:
        yield None
        return
    from contentctl.publer.connect import connect
    from contentctl.remote_view import RemoteView

    with connect(config, on_event=progress_printer()) as client:
        yield RemoteView(client)


@cli.command()
@click.argument("plan_file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--auto-approve", is_flag=True, help="Do not ask for confirmation (CI).")
@_refresh_flag
@_full_flag
@_with(_apply_output_flags)
@_with(_published_flags)
@click.pass_context
def apply(
    ctx: click.Context,
    plan_file: Path | None,
    auto_approve: bool,
    no_refresh: bool,
    full: bool,
    fmt: str,
    json_events: bool,
    replace_published: bool,
    delete_published: bool,
    lock_timeout: float,
    no_color: bool,
) -> None:
    """Make the planned changes on Publer and record them in the state.

    \b
    Without PLAN_FILE: plans (reading Publer first, unless --no-refresh),
    shows the plan and asks before applying.
    With PLAN_FILE: applies exactly that saved plan, refusing it if stale.
    Posts to create that Publer already holds are adopted, not posted again.
    Exit 0 when all succeeded, 3 when some posts failed (retried next apply),
    4 when another run holds the state lock, 130 when interrupted.
    A long apply shows a bar with the time left on a terminal, progress lines
    otherwise; --format json and --json-events are for scripts.
    """
    from contentctl import pipeline as workflow
    from contentctl.apply.applier import Applier, ApplyReport
    from contentctl.cli.apply_output import ApplyOutput
    from contentctl.plan.saved import read_plan
    from contentctl.publer.connect import connect
    from contentctl.remote_view import RemoteView
    from contentctl.report import render_plan
    from contentctl.state.backends import open_backend

    config = config_for(ctx)
    output = ApplyOutput(fmt=fmt, json_events=json_events)
    progress = output.message
    backend = open_backend(config)
    store = backend.store()
    with backend.lock("apply", timeout=lock_timeout), connect(config, on_event=progress) as client:
        view = RemoteView(client)
        state = store.load()
        _warn_sandbox(config)
        bound = workflow.bind_remote(config, state)
        if plan_file is not None:
            saved = read_plan(cwd_of(ctx) / plan_file)
            workflow.check_saved_binding(saved, config, state)
            # made again, and carried out only if it is the saved one: never the file itself
            again = workflow.plan_against(
                config,
                state,
                _plan_options(replace_published, delete_published),
                view=None if no_refresh else view,
                notes=bound,
            )
            result = workflow.check_saved_plan(saved, config, again.plan)
            if again.state.content_digest() != state.content_digest():
                state = again.state  # what the refresh learned (published, links) is kept
                store.write(state)
            click.echo(f"Remote: {saved.remote or config_remote(config)}", err=output.machine)
        else:
            state, settled = workflow.settle(config, store, state, progress=progress, view=view)
            options = _plan_options(replace_published, delete_published)
            planned = workflow.plan_against(
                config,
                state,
                options,
                view=None if no_refresh else view,
                notes=[*bound, *settled],
            )
            result = planned.plan
            shown = render_plan(result, "text", color=use_color(no_color), full=full)
            click.echo(shown, nl=False, err=output.machine)
            if planned.state.content_digest() != state.content_digest():
                state = planned.state  # what the refresh learned (published, links) is kept
                store.write(state)
            del planned  # its parsed manifests are not held while applying (10,000 posts: ~80 MB)
            if not result.has_changes:
                if output.machine:  # a script still gets its report
                    output.finish(result, state, ApplyReport())
                exit_with(ctx, ExitCode.OK)
                return
            if not auto_approve and not _confirmed():
                click.echo("Apply cancelled.", err=output.machine)
                exit_with(ctx, ExitCode.OK)
                return
        applier = Applier(
            config, store, state, client, progress=progress, events=output.event, view=view,
            now=client.remote_now,  # Publer's clock: a lost answer's hour, missed times
            read_at=None if no_refresh else result.created_at,  # the plan read Publer then
        )  # fmt: skip
        output.start(result, batch_size=config.batch_size)
        try:
            report = applier.run(result)
        finally:
            output.stop()  # the bar ends on its own line, also on Ctrl-C
    output.finish(result, applier.state, report)
    exit_with(ctx, ExitCode.PARTIAL if report.failed else ExitCode.OK)


def _confirmed() -> bool:
    from contentctl.cli.prompt import confirm
    from contentctl.errors import ApplyInterrupted, ContentctlError

    if not sys.stdin.isatty():
        raise ContentctlError(
            "apply needs confirmation but there is no terminal",
            hint="pass --auto-approve in CI, or apply a saved plan",
        )
    try:
        click.echo()
        return confirm("Apply these changes?", default=False)
    except click.Abort:  # Ctrl-C (or end of input) at the prompt: interrupted
        click.echo(err=True)  # end the prompt's line, where the terminal echoed ^C
        raise ApplyInterrupted(
            "interrupted at the confirmation prompt; nothing was applied"
        ) from None
