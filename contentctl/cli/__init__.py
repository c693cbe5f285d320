"""The command line: ``contentctl`` and its subcommands, one module per area.

Importing this package registers every command on the root group. A Ctrl-C
while it is being imported, or outside a command's own error boundary, ends
in ``contentctl: interrupted`` and exit 130 (``contentctl.__main__``), never
a traceback.
"""

from __future__ import annotations

try:  # from the first import on: a Ctrl-C while the command line is still being imported
    import signal
    import sys

    import click

    from contentctl.__main__ import interrupted
    from contentctl.cli import (
        accounts,
        calendar,
        check,
        importing,
        links,
        plan_apply,
        remote,
        sandbox,
        state,
        state_migrate,
    )
    from contentctl.cli.base import cli
except KeyboardInterrupt:
    import sys  # (again: the interrupt may have come first)

    sys.stderr.write("contentctl: interrupted\n")  # interrupted() may be what was cut short
    raise SystemExit(130) from None

__all__ = [
    "accounts",
    "calendar",
    "check",
    "cli",
    "importing",
    "links",
    "main",
    "plan_apply",
    "remote",
    "sandbox",
    "state",
    "state_migrate",
]


def main(argv: list[str] | None = None) -> None:
    """The console script ``contentctl``: a Ctrl-C anywhere ends in one line and exit 130.

    click's own main would turn a Ctrl-C outside a command (while it parses the
    arguments, or as the run ends) into "Aborted!" and exit 1, so its errors are
    taken here instead (``standalone_mode=False``) and shown as click shows them.
    """
    try:
        code = cli.main(args=argv, prog_name="contentctl", standalone_mode=False)
    except KeyboardInterrupt:
        interrupted()
    except click.exceptions.Abort as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):
            interrupted()
        click.echo("Aborted!", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        sys.exit(exc.exit_code)
    # The outcome is decided: a Ctrl-C while the interpreter shuts down must not turn it
    # into a silent death by SIGINT (exit -2, nothing said).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.exit(code if isinstance(code, int) else 0)
