"""The CLI's one error boundary, through click's CliRunner: what a user sees when a run fails.

A ``ContentctlError`` is one line and its own exit code; any other exception is a
bug: one "internal error" line and exit 5, or the traceback with ``--traceback``
or ``CONTENTCTL_TRACEBACK=1``. The errors are forced by replacing the pipeline's
``check`` (what ``validate`` calls) with a function that raises.
"""

from __future__ import annotations

import errno
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from contentctl import errors, pipeline
from contentctl.cli import cli
from contentctl.errors import ExitCode, StateError, StateLockedError

EXAMPLES = Path(__file__).parents[2] / "examples" / "content"
HINT = "run again with --traceback or CONTENTCTL_TRACEBACK=1 to see where"
BOOM_LINE = f"contentctl: internal error: RuntimeError: boom, {HINT}\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES, root)
    return root


def raising(exc: BaseException) -> Callable[..., object]:
    def check(*_args: object, **_kwargs: object) -> object:
        raise exc

    return check


def run(repo: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, ["-C", str(repo), *args], env=env)


def test_internal_error_is_one_line_and_exit_5(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "check", raising(RuntimeError("boom")))
    result = run(repo, "validate")
    assert result.exit_code == ExitCode.INTERNAL == 5
    assert result.stderr == BOOM_LINE
    assert result.stdout == ""


def test_traceback_flag_prints_the_traceback_instead(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "check", raising(RuntimeError("boom")))
    result = run(repo, "--traceback", "validate")
    assert result.exit_code == 5
    err = result.stderr
    assert err.startswith("Traceback (most recent call last):\n")
    assert err.endswith("\nRuntimeError: boom\n")
    assert ", in check\n" in err and ", in validate\n" in err  # it says where
    assert "internal error" not in err


@pytest.mark.parametrize("value", ["1", "true"])
def test_traceback_env_variable_prints_the_traceback(
    repo: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setattr(pipeline, "check", raising(RuntimeError("boom")))
    result = run(repo, "validate", env={"CONTENTCTL_TRACEBACK": value})
    assert result.exit_code == 5
    assert result.stderr.startswith("Traceback (most recent call last):\n")
    assert result.stderr.endswith("\nRuntimeError: boom\n")


@pytest.mark.parametrize("value", ["", "0"])
def test_traceback_env_variable_off_keeps_one_line(
    repo: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setattr(pipeline, "check", raising(RuntimeError("boom")))
    result = run(repo, "validate", env={"CONTENTCTL_TRACEBACK": value})
    assert (result.exit_code, result.stderr) == (5, BOOM_LINE)


def test_a_multi_line_or_empty_message_still_makes_one_line(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "check", raising(KeyError("first\nsecond")))
    result = run(repo, "validate")
    assert result.exit_code == 5
    assert result.stderr == f"contentctl: internal error: KeyError: 'first\\nsecond', {HINT}\n"

    monkeypatch.setattr(pipeline, "check", raising(ValueError("line one\nline two")))
    result = run(repo, "validate")
    assert result.stderr == f"contentctl: internal error: ValueError: line one line two, {HINT}\n"

    monkeypatch.setattr(pipeline, "check", raising(AttributeError()))
    result = run(repo, "validate")
    assert result.stderr == f"contentctl: internal error: AttributeError, {HINT}\n"


def test_contentctl_errors_stay_one_line_with_their_exit_code(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "check", raising(StateError("state gone", hint="restore it")))
    for args in (("validate",), ("--traceback", "validate")):
        result = run(repo, *args)
        assert result.exit_code == 1
        assert result.stderr == "contentctl: error: state gone (hint: restore it)\n"

    monkeypatch.setattr(pipeline, "check", raising(StateLockedError("locked by pid 7")))
    result = run(repo, "validate")
    assert (result.exit_code, result.stderr) == (4, "contentctl: error: locked by pid 7\n")


def test_ctrl_c_is_one_line_and_exit_130(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "check", raising(KeyboardInterrupt()))
    result = run(repo, "--traceback", "validate")
    assert (result.exit_code, result.stderr) == (130, "contentctl: interrupted\n")


def test_a_closed_stdout_is_left_to_click_not_called_a_bug(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `contentctl plan | head`: click's main exits 1 quietly on EPIPE.
    monkeypatch.setattr(pipeline, "check", raising(BrokenPipeError(errno.EPIPE, "Broken pipe")))
    result = run(repo, "validate")
    assert result.exit_code == 1
    assert "internal error" not in result.stderr


def test_usage_errors_stay_clicks(repo: Path) -> None:
    result = run(repo, "validate", "--format", "nope")
    assert result.exit_code == 2
    assert result.stderr.startswith("Usage: ")
    assert "Invalid value for '--format': 'nope' is not one of" in result.stderr


def test_exit_codes_are_distinct_and_documented() -> None:
    assert {code.name: int(code) for code in ExitCode} == {
        "OK": 0,
        "ERROR": 1,
        "CHANGES": 2,
        "PARTIAL": 3,
        "LOCKED": 4,
        "INTERNAL": 5,
        "INTERRUPTED": 130,
    }
    doc = errors.__doc__ or ""
    for code in ExitCode:
        assert f"\n    {int(code):<4} " in doc, f"exit code {int(code)} is not in errors.py's doc"


def test_the_drawn_error_tree_is_the_real_one() -> None:
    doc = errors.__doc__ or ""
    drawn = set(re.findall(r"^ {4}[│├└─ ]*(\w+Error\w*|ApplyInterrupted)\b", doc, re.MULTILINE))
    real = {
        name
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, errors.ContentctlError)
    }
    assert drawn == real
