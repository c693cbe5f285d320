"""``python -m contentctl`` is the same as the ``contentctl`` command.

Both start by importing the command line, which takes a moment (click, the
command modules); a Ctrl-C then raises ``KeyboardInterrupt`` outside the CLI's
error boundary. ``interrupted()`` is what both entry points do with it: one
line on stderr, ``contentctl: interrupted``, and exit code 130, as for a
Ctrl-C during a command. This module imports nothing but ``sys`` (not even
``typing``: the annotations stay strings), so its ``try`` starts at once.
"""

import sys

TYPE_CHECKING = False  # mypy reads the block below; at run time typing is never imported
if TYPE_CHECKING:
    from typing import NoReturn

INTERRUPTED = 130  # ExitCode.INTERRUPTED; errors.py is not imported yet when this is needed


def interrupted() -> "NoReturn":
    """End the run as a Ctrl-C does: one line, exit 130."""
    try:
        sys.stderr.write("contentctl: interrupted\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass  # stderr closed: the exit code still says it
    raise SystemExit(INTERRUPTED)


def run() -> None:
    """Import the command line and run it; a Ctrl-C at any point ends in one line."""
    try:
        from contentctl.cli import main

        main()
    except KeyboardInterrupt:
        interrupted()


if __name__ == "__main__":
    run()
