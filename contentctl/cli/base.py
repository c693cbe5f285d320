"""The root command group and what every command shares: config lookup, exit, progress.

Only the ``contentctl.cli`` package imports click and prints. Each command turns
its options into plain values, calls the core, picks a reporter and exits with
an ``ExitCode``; ``_Group.invoke`` turns ``ContentctlError`` into one line on
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
            kind = "" if exc.exit_code is ExitCode.INTERRUPTED else "error: "
            message = f"contentctl: {kind}{exc.message}"
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


def exit_with(ctx: click.Context, code: ExitCode) -> None:
    ctx.exit(int(code))


def config_for(ctx: click.Context, path: Path | None = None) -> Any:
    from contentctl.config import find_config, load_config

    start = path if path is not None else ctx.obj["cwd"]
    return load_config(find_config(start))


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def progress_printer() -> Callable[[str], None]:
    """Progress lines on stderr, so stdout stays the plan or report."""

    def show(message: str) -> None:
        click.echo(message, err=True)

    return show


def use_color(no_color: bool) -> bool:
    import os

    return not no_color and "NO_COLOR" not in os.environ and sys.stdout.isatty()


def optional_config(ctx: click.Context) -> Any:
    from contentctl.config import find_config
    from contentctl.errors import ConfigError

    try:
        find_config(ctx.obj["cwd"])
    except ConfigError:
        return None
    return config_for(ctx)
