"""The command line: options in, plain values to the core, a reporter out.

The only module that imports click and the only one that prints. Each command
returns an ``ExitCode``; ``main`` turns ``ContentctlError`` into one line on
stderr and its exit code, so a user never sees a traceback for bad input.
Heavy libraries (httpx, deepdiff, jsonschema) are imported inside commands so
that ``--version`` and ``--help`` stay fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from contentctl import __version__
from contentctl.errors import ContentctlError, ExitCode


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ContentctlError as exc:
            message = f"contentctl: error: {exc.message}"
            if exc.hint:
                message += f" (hint: {exc.hint})"
            click.echo(message, err=True)
            ctx.exit(int(exc.exit_code))
        except KeyboardInterrupt:
            click.echo("contentctl: interrupted", err=True)
            ctx.exit(int(ExitCode.INTERRUPTED))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="contentctl")
@click.option(
    "-C",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Run as if started in DIR (like git -C).",
)
@click.pass_context
def cli(ctx: click.Context, directory: Path | None) -> None:
    """contentctl: social posts as YAML in git, planned and applied to Publer.

    \b
    Typical flow:
      contentctl validate          # check every manifest, with file:line:col
      contentctl plan              # what would change on Publer
      contentctl apply             # make exactly those changes
    """
    ctx.obj = {"cwd": (directory or Path.cwd()).resolve()}


def _exit(ctx: click.Context, code: ExitCode) -> None:
    ctx.exit(int(code))


def _config(ctx: click.Context, path: Path | None = None) -> Any:
    from contentctl.config import find_config, load_config

    start = path if path is not None else ctx.obj["cwd"]
    return load_config(find_config(start))


# -- validate --------------------------------------------------------------


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="github prints ::error annotations for pull requests.",
)
@click.pass_context
def validate(ctx: click.Context, paths: tuple[Path, ...], fmt: str) -> None:
    """Check manifests against the schemas and each network's rules.

    \b
    Every problem in every file, as path:line:col: severity: message [json.path].
    Exit 1 if there is any error; warnings do not fail.
    Examples:
      contentctl validate
      contentctl validate content/launch.yaml --format github
    """
    from contentctl import workflow

    config = _config(ctx, paths[0] if paths else None)
    resolved = [(ctx.obj["cwd"] / p).resolve() for p in paths] or None
    checked = workflow.check(config, resolved)
    click.echo(_diagnostics_out(checked, fmt), nl=False)
    _exit(ctx, ExitCode.ERROR if checked.errors else ExitCode.OK)


def _diagnostics_out(checked: Any, fmt: str) -> str:
    import json

    diags = checked.diagnostics
    if fmt == "json":
        return (
            json.dumps(
                {
                    "format_version": 1,
                    "valid": not checked.errors,
                    "files": len(checked.result.files),
                    "posts": len(checked.result.posts),
                    "errors": len(checked.errors),
                    "warnings": len(diags) - len(checked.errors),
                    "diagnostics": [
                        {
                            "file": d.file,
                            "line": d.line,
                            "column": d.column,
                            "severity": str(d.severity),
                            "message": d.message,
                            "path": d.path,
                        }
                        for d in diags
                    ],
                },
                indent=2,
                ensure_ascii=False,
            )
            + "\n"
        )
    if fmt == "github":
        lines = []
        for d in diags:
            message = f"{d.message} [{d.path}]".replace("%", "%25").replace("\n", "%0A")
            lines.append(f"::{d.severity} file={d.file},line={d.line},col={d.column}::{message}")
        return "".join(line + "\n" for line in lines)
    lines = [d.render() for d in diags]
    errors, warnings = len(checked.errors), len(diags) - len(checked.errors)
    lines.append(
        f"{len(checked.result.posts)} posts in {len(checked.result.files)} files: "
        f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}."
    )
    return "".join(line + "\n" for line in lines)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


# -- plan and apply ---------------------------------------------------------


def _plan_options(replace_published: bool, delete_published: bool) -> Any:
    from contentctl.plan import PlanOptions

    return PlanOptions(replace_published=replace_published, delete_published=delete_published)


def _progress() -> Callable[[str], None]:
    """Progress lines on stderr, so stdout stays the plan or report."""

    def show(message: str) -> None:
        click.echo(message, err=True)

    return show


def _color(no_color: bool) -> bool:
    import os

    return not no_color and "NO_COLOR" not in os.environ and sys.stdout.isatty()


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


def _with(options: list[Callable[..., Any]]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):
            fn = option(fn)
        return fn

    return wrap


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
@_with(_published_flags)
@click.pass_context
def plan(
    ctx: click.Context,
    fmt: str,
    out: Path | None,
    detailed_exitcode: bool,
    replace_published: bool,
    delete_published: bool,
    lock_timeout: float,
    no_color: bool,
) -> None:
    """Show what apply would change on Publer.

    \b
    Examples:
      contentctl plan
      contentctl plan --format markdown > plan.md
      contentctl plan --out release.plan && contentctl apply release.plan
    """
    from contentctl import workflow
    from contentctl.planfile import plan_to_json, save_plan
    from contentctl.render import render_markdown, render_text
    from contentctl.state import StateLock, StateStore

    config = _config(ctx)
    store = StateStore(config.state_path)
    state = store.load()
    notes: list[str] = []
    if state.intents:
        with StateLock(config.state_path, "plan", timeout=lock_timeout):
            state = store.load()
            state, notes = workflow.settle(config, store, state, progress=_progress())
    result, _checked = workflow.make_plan(
        config, state, _plan_options(replace_published, delete_published), notes=notes
    )
    if out is not None:
        save_plan(result, (ctx.obj["cwd"] / out))
    if fmt == "json":
        import json

        click.echo(json.dumps(plan_to_json(result), indent=2, ensure_ascii=False))
    elif fmt == "markdown":
        click.echo(render_markdown(result), nl=False)
    else:
        click.echo(render_text(result, color=_color(no_color)), nl=False)
        if out is not None:
            click.echo(f"\nSaved the plan to {out}. Apply exactly it with: contentctl apply {out}")
    if detailed_exitcode:
        _exit(ctx, ExitCode.CHANGES if result.has_changes else ExitCode.OK)


@cli.command()
@click.argument("plan_file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--auto-approve", is_flag=True, help="Do not ask for confirmation (CI).")
@_with(_published_flags)
@click.pass_context
def apply(
    ctx: click.Context,
    plan_file: Path | None,
    auto_approve: bool,
    replace_published: bool,
    delete_published: bool,
    lock_timeout: float,
    no_color: bool,
) -> None:
    """Make the planned changes on Publer and record them in the state.

    \b
    Without PLAN_FILE: plans, shows the plan and asks before applying.
    With PLAN_FILE: applies exactly that saved plan, refusing it if stale.
    Exit 0 when all succeeded, 3 when some posts failed (retried next apply),
    4 when another run holds the state lock, 130 when interrupted.
    """
    from contentctl import workflow
    from contentctl.apply import Applier
    from contentctl.planfile import read_plan
    from contentctl.remote import connect
    from contentctl.render import render_text
    from contentctl.state import StateLock, StateStore

    config = _config(ctx)
    progress = _progress()
    store = StateStore(config.state_path)
    with StateLock(config.state_path, "apply", timeout=lock_timeout):
        state = store.load()
        if plan_file is not None:
            saved = read_plan(ctx.obj["cwd"] / plan_file)
            if state.intents:
                raise_stale = (
                    "an interrupted apply left work to settle; run `contentctl plan` again"
                )
                from contentctl.errors import StalePlanError

                raise StalePlanError(f"the saved plan is stale: {raise_stale}")
            workflow.check_saved_plan(saved, config, state)
            result = saved
        else:
            state, notes = workflow.settle(config, store, state, progress=progress)
            result, _ = workflow.make_plan(
                config, state, _plan_options(replace_published, delete_published), notes=notes
            )
            click.echo(render_text(result, color=_color(no_color)), nl=False)
            if not result.has_changes:
                _exit(ctx, ExitCode.OK)
                return
            if not auto_approve:
                if not sys.stdin.isatty():
                    from contentctl.errors import ContentctlError

                    raise ContentctlError(
                        "apply needs confirmation but there is no terminal",
                        hint="pass --auto-approve in CI, or apply a saved plan",
                    )
                if not click.confirm("\nApply these changes?", default=False):
                    click.echo("Apply cancelled.")
                    _exit(ctx, ExitCode.OK)
                    return
        with connect(config, on_event=progress) as client:
            applier = Applier(config, store, state, client, progress=progress)
            report = applier.run(result)
    click.echo(report.summary())
    for post_id, alias, message in report.failed:
        click.echo(f"  failed: {post_id} @ {alias}: {message}")
    _exit(ctx, ExitCode.PARTIAL if report.failed else ExitCode.OK)


# -- state ------------------------------------------------------------------


@cli.group("state")
def state_group() -> None:
    """Inspect and repair the state file."""


@state_group.command("list")
@click.pass_context
def state_list(ctx: click.Context) -> None:
    """One line per post and account: status, remote id, time."""
    from contentctl.state import StateStore

    config = _config(ctx)
    state = StateStore(config.state_path).load()
    rows = sorted(state.iter_entries())
    for post_id, alias, entry in rows:
        click.echo(
            f"{post_id}\t{alias}\t{entry.get('status')}\t{entry.get('remote_id') or '-'}\t"
            f"{entry.get('scheduled_at') or '-'}"
        )
    click.echo(f"{len(rows)} entries, serial {state.serial}, lineage {state.lineage}", err=True)


@state_group.command("show")
@click.argument("post_id")
@click.pass_context
def state_show(ctx: click.Context, post_id: str) -> None:
    """Everything recorded for one post id."""
    import json

    from contentctl.errors import StateError
    from contentctl.state import StateStore

    config = _config(ctx)
    state = StateStore(config.state_path).load()
    if post_id not in state.posts:
        raise StateError(f"no post {post_id!r} in the state {config.state_path}")
    click.echo(json.dumps(state.posts[post_id], indent=2, sort_keys=True, ensure_ascii=False))


@state_group.command("unlock")
@click.option("--force", is_flag=True, help="Break the lock even if its process seems alive.")
@click.pass_context
def state_unlock(ctx: click.Context, force: bool) -> None:
    """Remove a lock left by a run that died."""
    from contentctl.state import break_lock

    config = _config(ctx)
    info = break_lock(config.state_path, force=force)
    click.echo(f"Removed the lock held by pid {info.pid} on {info.host} ({info.command}).")


@state_group.command("push")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Accept another lineage or an older serial.")
@click.pass_context
def state_push(ctx: click.Context, source: Path, force: bool) -> None:
    """Replace the state with SOURCE (e.g. contentctl.state.errored.json)."""
    from contentctl.state import StateLock, StateStore

    config = _config(ctx)
    with StateLock(config.state_path, "state push"):
        state = StateStore(config.state_path).push(source, force=force)
    click.echo(f"Pushed {source} as serial {state.serial}.")


@cli.command()
@click.argument("name", type=click.Choice(["post", "config", "state"]), default="post")
def schema(name: str) -> None:
    """Print a bundled JSON Schema (for editors and other tools)."""
    from contentctl.schemas_io import schema_text

    click.echo(schema_text(name), nl=False)


# -- fmt and init -----------------------------------------------------------


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--check", is_flag=True, help="Change nothing; exit 1 listing files that would change."
)
@click.option("--diff", "show_diff", is_flag=True, help="Print the unified diff of each change.")
@click.pass_context
def fmt(ctx: click.Context, paths: tuple[Path, ...], check: bool, show_diff: bool) -> None:
    """Rewrite manifests in one canonical form, keeping every comment.

    \b
    Examples:
      contentctl fmt                 # the config and every manifest
      contentctl fmt --check --diff  # CI: fail and show what would change
    """
    from contentctl.fmt import collect_files, format_file, unified_diff

    if paths:
        targets = [(ctx.obj["cwd"] / p).resolve() for p in paths]
    else:
        config = _config(ctx)
        targets = [config.path, config.content_dir]
    changed = []
    for path in collect_files(targets):
        result = format_file(path, write=not check)
        if result.changed:
            changed.append(path)
            if show_diff:
                click.echo(unified_diff(result), nl=False)
    cwd = ctx.obj["cwd"]
    for path in changed:
        shown = path.relative_to(cwd) if path.is_relative_to(cwd) else path
        click.echo(f"{'would reformat' if check else 'reformatted'} {shown}", err=check)
    if check and changed:
        _exit(ctx, ExitCode.ERROR)


@cli.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@click.option("--workspace-id", default=None, help="Your Publer workspace id.")
@click.pass_context
def init(ctx: click.Context, directory: Path | None, force: bool, workspace_id: str | None) -> None:
    """Scaffold a content repo: config, two posts, pre-commit and GitHub Actions.

    \b
    Example:
      contentctl init my-posts && cd my-posts && contentctl plan
    """
    from contentctl.scaffold import init_repo

    target = (ctx.obj["cwd"] / directory) if directory else ctx.obj["cwd"]
    written = init_repo(target, force=force, workspace_id=workspace_id)
    for path in written:
        click.echo(f"created {path.relative_to(target)}")
    click.echo(f"\nNext: cd {target} && contentctl validate && contentctl plan")


# -- sandbox ---------------------------------------------------------------


@cli.group()
def sandbox() -> None:
    """The embedded Publer emulator: serve it over HTTP, seed or reset its data."""


@sandbox.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Loopback address only.")
@click.option("--port", default=8080, show_default=True, type=int, help="0 picks a free port.")
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="SQLite file (default: .contentctl/sandbox.db beside contentctl.yaml; ':memory:').",
)
@click.option(
    "--rate-limit",
    default=100,
    show_default=True,
    type=int,
    help="Requests per 2-minute window; 0 turns the limit off.",
)
@click.option("--latency-ms", default=0, type=int, help="Added latency on every answer.")
@click.option("--error-rate", default=0.0, type=float, help="Share of answers replaced by 5xx.")
@click.option("--burst-429", default=0, type=int, help="Answer the next N requests with 429.")
@click.option("--stuck-polls", default=0, type=int, help="Jobs stay 'working' for N polls.")
@click.option("--fail-jobs", is_flag=True, help="Jobs end 'failed'.")
@click.option(
    "--drop-after-commit",
    default=0,
    type=int,
    help="Record the next N bulks, then cut the connection before answering.",
)
@click.option("--seed", "random_seed", default=0, type=int, help="Seed for random faults.")
@click.pass_context
def sandbox_serve(
    ctx: click.Context,
    host: str,
    port: int,
    db_path: Path | None,
    rate_limit: int,
    latency_ms: int,
    error_rate: float,
    burst_429: int,
    stuck_polls: int,
    fail_jobs: bool,
    drop_after_commit: int,
    random_seed: int,
) -> None:
    """Serve the sandbox over HTTP on 127.0.0.1 (for tests, curl and fault injection)."""
    from contentctl import sandbox as sb

    config = _optional_config(ctx)
    faults = sb.Faults(
        latency_ms=latency_ms,
        error_rate=error_rate,
        burst_429=burst_429,
        stuck_polls=stuck_polls,
        fail_jobs=fail_jobs,
        drop_after_commit=drop_after_commit,
        random_seed=random_seed,
    )
    db = _sandbox_db(config, db_path)

    def ready(url: str, api_key: str, workspace_id: str) -> None:
        click.echo(f"Sandbox serving Publer's API at {url}", err=False)
        click.echo(f"  export CONTENTCTL_ENDPOINT={url}")
        click.echo(f"  export PUBLER_API_KEY={api_key}")
        click.echo(f"  export PUBLER_WORKSPACE_ID={workspace_id}", err=False)
        sys.stdout.flush()

    sb.serve(
        db,
        config,
        host=host,
        port=port,
        faults=faults,
        rate_limit=rate_limit or None,
        on_ready=ready,
    )


@sandbox.command("seed")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.pass_context
def sandbox_seed(ctx: click.Context, db_path: Path | None) -> None:
    """Create the workspace and accounts of contentctl.yaml in the sandbox (keeps posts)."""
    from contentctl import sandbox as sb

    config = _optional_config(ctx)
    info = sb.seed(_sandbox_db(config, db_path), config)
    click.echo(f"Seeded workspace {info.workspace_id} with {info.accounts} accounts.")


@sandbox.command("reset")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.pass_context
def sandbox_reset(ctx: click.Context, db_path: Path | None) -> None:
    """Wipe the sandbox (posts, media, jobs) and seed it again."""
    from contentctl import sandbox as sb

    config = _optional_config(ctx)
    info = sb.reset(_sandbox_db(config, db_path), config)
    click.echo(
        f"Reset the sandbox: workspace {info.workspace_id}, {info.accounts} accounts, no posts."
    )


def _optional_config(ctx: click.Context) -> Any:
    from contentctl.config import find_config
    from contentctl.errors import ConfigError

    try:
        find_config(ctx.obj["cwd"])
    except ConfigError:
        return None
    return _config(ctx)


def _sandbox_db(config: Any, db_path: Path | None) -> Path | str:
    from contentctl import sandbox as sb

    if db_path is not None:
        return str(db_path) if str(db_path) == ":memory:" else db_path
    if config is None:
        return ":memory:"
    return sb.default_db_path(config)


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="contentctl")
