"""The confirmation question: its answers, and a wait that gives a Ctrl-C a chance in every step."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

import click
import pytest

from contentctl.cli import prompt


@pytest.fixture
def stdin(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """A real pipe as standard input (``select`` needs a descriptor); yields its write end."""
    read_end, write_end = os.pipe()
    reader = os.fdopen(read_end, "r", encoding="utf-8")
    monkeypatch.setattr("sys.stdin", reader)
    try:
        yield write_end
    finally:
        reader.close()
        with contextlib.suppress(OSError):  # the test closed it (end of input)
            os.close(write_end)


@pytest.mark.parametrize(
    ("typed", "default", "expected"),
    [("y\n", False, True), ("YES\n", False, True), ("n\n", True, False), (" no \n", True, False),
     ("\n", False, False), ("\n", True, True), ("maybe\ny\n", False, True)],
)  # fmt: skip
def test_the_answers(
    stdin: int, capsys: pytest.CaptureFixture[str], typed: str, default: bool, expected: bool
) -> None:
    os.write(stdin, typed.encode())
    assert prompt.confirm("Apply these changes?", default=default) is expected
    asked = "Apply these changes? [Y/n]: " if default else "Apply these changes? [y/N]: "
    again = "Error: invalid input\n" + asked if typed.startswith("maybe") else ""
    assert capsys.readouterr().out == asked + again


def test_end_of_input_aborts(stdin: int) -> None:
    os.close(stdin)
    with pytest.raises(click.Abort):
        prompt.confirm("Apply these changes?")


def test_the_wait_comes_back_to_the_interpreter_every_step(
    stdin: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Ctrl-C marked before a blocking wait starts is only raised once the wait returns.

    So the wait never blocks without a timeout: each ``select`` is one short step.
    """
    timeouts: list[Any] = []
    real_select = prompt.select

    def one_step(r: list[int], w: list[int], x: list[int], timeout: Any = None) -> Any:
        timeouts.append(timeout)
        if len(timeouts) == 3:
            os.write(stdin, b"y\n")  # typed during the third step
        return real_select(r, w, x, 0)

    monkeypatch.setattr(prompt, "select", one_step)
    assert prompt.confirm("Apply these changes?") is True
    assert timeouts[:3] == [prompt.STEP] * 3
    assert all(t == prompt.STEP for t in timeouts)


def test_a_ctrl_c_during_the_wait_aborts(stdin: int, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*_args: Any) -> Any:
        raise KeyboardInterrupt  # what the interpreter raises between two steps

    monkeypatch.setattr(prompt, "select", interrupted)
    with pytest.raises(click.Abort):
        prompt.confirm("Apply these changes?")
