"""The command line: ``contentctl`` and its subcommands, one module per area.

Importing this package registers every command on the root group.
"""

from __future__ import annotations

from contentctl.cli import calendar, check, plan_apply, remote, sandbox, state, state_migrate
from contentctl.cli.base import cli

__all__ = [
    "calendar",
    "check",
    "cli",
    "main",
    "plan_apply",
    "remote",
    "sandbox",
    "state",
    "state_migrate",
]


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="contentctl")
