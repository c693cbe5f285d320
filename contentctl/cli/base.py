"""The root command group and what every command shares: config lookup, exit, progress.

Only the ``contentctl.cli`` package imports click and prints. Each command turns
its options into plain values, calls the core, picks a view from
``contentctl.report`` and exits with an ``ExitCode``. ``_Group.invoke`` is the
one error boundary: a ``ContentctlError`` becomes one line on stderr and its
exit code, so a user never sees a traceback for bad input; any other exception
is a bug and becomes one "internal error" line and exit 5 (the traceback with
``--traceback`` or ``CONTENTCTL_TRACEBACK=1``). Heavy libraries (httpx,
rich, jsonschema) are imported inside commands so that ``--version`` and
``--help`` stay fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from contentctl import __version__
from contentctl.errors import ContentctlError, ExitCode

if TYPE_CHECKING:
    from contentctl.model import Config

TRACEBACK_ENV = "CONTENTCTL_TRACEBACK"
_ENV_TRUE = frozenset({"1", "true", "yes", "on"})


@dataclass(frozen=True)
class CliContext:
    """What the root group hands every command (``ctx.obj``)."""

    cwd: Path  # the folder the command runs in (-C DIR, resolved)
    traceback: bool  # print the traceback of an internal error instead of one line


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise  # click's own ways to end a run; its main prints them and exits
        except BrokenPipeError:
            raise  # stdout closed early (`contentctl plan | head`): click's main exits quietly
        except ContentctlError as exc:
            kind = "" if exc.exit_code is ExitCode.INTERRUPTED else "error: "
            message = f"contentctl: {kind}{exc.message}"
            if exc.hint:
                message += f" (hint: {exc.hint})"
            click.echo(message, err=True)
            ctx.exit(int(exc.exit_code))
        except KeyboardInterrupt:
            click.echo("contentctl: interrupted", err=True)
            ctx.exit(int(ExitCode.INTERRUPTED))
        except Exception as exc:
            if _wants_traceback(ctx):
                import traceback

                click.echo("".join(traceback.format_exception(exc)), err=True, nl=False)
            else:
                click.echo(internal_error_line(exc), err=True)
            ctx.exit(int(ExitCode.INTERNAL))


def internal_error_line(exc: BaseException) -> str:
    """One line for a bug: what was raised, and how to see where."""
    detail = " ".join(str(exc).split())  # a multi-line message must not break the one line
    what = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
    return (
        f"contentctl: internal error: {what}, "
        f"run again with --traceback or {TRACEBACK_ENV}=1 to see where"
    )


def _wants_traceback(ctx: click.Context) -> bool:
    if isinstance(ctx.obj, CliContext):
        return ctx.obj.traceback
    # The root callback never ran (it raised itself): read the flag and variable directly.
    return bool(ctx.params.get("traceback")) or _env_traceback()


def _env_traceback() -> bool:
    return os.environ.get(TRACEBACK_ENV, "").strip().lower() in _ENV_TRUE


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="contentctl")
@click.option(
    "-C",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Run as if started in DIR (like git -C).",
)
@click.option(
    "--traceback",
    "show_traceback",
    is_flag=True,
    help=f"On an internal error, print the traceback (also {TRACEBACK_ENV}=1).",
)
@click.pass_context
def cli(ctx: click.Context, directory: Path | None, show_traceback: bool) -> None:
    """contentctl: social posts as YAML in git, planned and applied to Publer.

    \b
    Typical flow:
      contentctl validate          # check every manifest, with file:line:col
      contentctl plan              # what would change on Publer
      contentctl apply             # make exactly those changes
    """
    if directory is not None and not directory.exists():
        # say so before a command looks for contentctl.yaml from a folder that is not there
        raise ContentctlError(f"no such folder: {directory}")
    ctx.obj = CliContext(
        cwd=(directory or Path.cwd()).resolve(),
        traceback=show_traceback or _env_traceback(),
    )


def cli_context(ctx: click.Context) -> CliContext:
    found = ctx.find_object(CliContext)
    if found is None:  # a command invoked without the root group: a bug, not user input
        raise RuntimeError("contentctl command run outside the contentctl group")
    return found


def cwd_of(ctx: click.Context) -> Path:
    """The folder the command runs in: ``-C DIR`` or the current one, resolved."""
    return cli_context(ctx).cwd


def exit_with(ctx: click.Context, code: ExitCode) -> None:
    ctx.exit(int(code))


def config_for(ctx: click.Context, path: Path | None = None) -> Config:
    """The config of the repo around ``path`` (default: the command's folder)."""
    from contentctl.config import find_config, load_config

    start = path if path is not None else cwd_of(ctx)
    return load_config(find_config(start))


def progress_printer() -> Callable[[str], None]:
    """Progress lines on stderr, so stdout stays the plan or report."""

    def show(message: str) -> None:
        click.echo(message, err=True)

    return show


def use_color(no_color: bool) -> bool:
    return not no_color and "NO_COLOR" not in os.environ and sys.stdout.isatty()


def optional_config(ctx: click.Context) -> Config | None:
    """The repo's config, or None outside a repo (the sandbox commands work without one)."""
    from contentctl.config import find_config
    from contentctl.errors import ConfigError

    try:
        find_config(cwd_of(ctx))
    except ConfigError:
        return None
    return config_for(ctx)
