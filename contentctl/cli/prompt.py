"""A yes/no question at the terminal that a Ctrl-C always ends.

``input()`` (which ``click.confirm`` calls) writes its prompt and then blocks
in ``read()``. A Ctrl-C typed once the prompt shows, but before that ``read()``
has started, only marks the signal for the interpreter, which then waits in
``read()`` until Enter is pressed: the Ctrl-C looks lost. This waits for the
answer with ``select`` in short steps instead, so the interpreter runs between
them and raises the ``KeyboardInterrupt`` within one step, whenever it came.
"""

from __future__ import annotations

import os
import sys
from select import select
from typing import TextIO

import click

STEP = 0.1  # seconds between two looks for a pending Ctrl-C


def confirm(question: str, *, default: bool = False) -> bool:
    """Ask ``question [y/N]:`` until the answer is yes, no or empty (the default).

    Ctrl-C and end of input raise ``click.Abort`` as ``click.confirm`` does.
    """
    choices = "Y/n" if default else "y/N"
    while True:
        try:  # a Ctrl-C as the prompt is written (the terminal shows it already) counts too
            click.echo(f"{question} [{choices}]: ", nl=False)
            answer = read_line(sys.stdin).strip().lower()
        except (KeyboardInterrupt, EOFError):
            raise click.Abort() from None
        if answer in ("y", "yes"):
            return True
        if answer in ("n", "no"):
            return False
        if not answer:
            return default
        click.echo("Error: invalid input")


def read_line(stream: TextIO) -> str:
    """One line from ``stream``; ``EOFError`` at its end. Wakes every ``STEP`` seconds.

    On POSIX the bytes are read from the descriptor one at a time, so nothing
    typed ahead sits in a buffer where ``select`` cannot see it.
    """
    if os.name != "posix":
        line = stream.readline()
        if not line:
            raise EOFError
        return line
    fd = stream.fileno()
    typed = bytearray()
    while not typed.endswith(b"\n"):
        while not select([fd], [], [], STEP)[0]:
            pass  # back in the interpreter: a Ctrl-C that came before the wait is raised here
        byte = os.read(fd, 1)
        if not byte:
            if not typed:
                raise EOFError
            break
        typed += byte
    return typed.decode(stream.encoding or "utf-8", errors="replace")
