"""apply's confirmation prompt on a real terminal (a pty): Ctrl-C is an interrupt, "n" a no.

The terminal's line discipline turns the typed Ctrl-C into SIGINT for the
process, exactly as when a person presses it.
"""

from __future__ import annotations

import os
import pty
import select
import signal
import sys
from pathlib import Path

PROMPT = b"Apply these changes? [y/N]: "
CONFIG = """\
workspace: 6650f1c2a1b2c3d4e5f60718
endpoint: sandbox
timezone: Europe/Berlin
content: posts
accounts:
  fb: {id: 2980b6dfaad9c05a1e15319e, provider: facebook}
"""
POST = "id: hello\nat: 2099-03-01T09:00\naccounts: [fb]\ntype: status\ntext: Hello\n"


def repo(tmp_path: Path) -> Path:
    (tmp_path / "posts").mkdir()
    (tmp_path / "contentctl.yaml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "posts" / "hello.yaml").write_text(POST, encoding="utf-8")
    return tmp_path


def read_until(fd: int, wanted: bytes | None) -> bytes:
    """Terminal output until ``wanted`` shows (None: until the program closes the terminal)."""
    out = b""
    while wanted is None or wanted not in out:
        ready, _, _ = select.select([fd], [], [], 60)
        assert ready, f"no output for 60 s; so far: {out!r}"
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the child closed the terminal
            chunk = b""
        if not chunk:
            assert wanted is None, f"ended before {wanted!r}: {out!r}"
            return out
        out += chunk
    return out


def apply_at_a_terminal(root: Path, typed: bytes) -> tuple[int, list[str]]:
    """Run `contentctl apply` on a pty, type ``typed`` at the prompt: exit code, lines after it."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: contentctl on the terminal
        os.execv(sys.executable, [sys.executable, "-m", "contentctl", "-C", str(root), "apply"])
    try:
        read_until(fd, PROMPT)
        os.write(fd, typed)
        after = read_until(fd, None)
    except BaseException:
        os.kill(pid, signal.SIGKILL)  # a failed read must fail the test, not hang it in waitpid
        raise
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    return os.waitstatus_to_exitcode(status), after.decode().splitlines()


def test_ctrl_c_at_the_prompt_exits_130_and_applies_nothing(tmp_path: Path) -> None:
    root = repo(tmp_path)
    code, lines = apply_at_a_terminal(root, b"\x03")
    assert code == 130
    # The terminal sends SIGINT first and echoes ^C after: contentctl's newline may come first.
    last = lines[-1].removeprefix("^C")
    assert last == "contentctl: interrupted at the confirmation prompt; nothing was applied"
    assert not (root / "contentctl.state.json").exists()


def test_no_at_the_prompt_cancels_with_exit_0(tmp_path: Path) -> None:
    root = repo(tmp_path)
    code, lines = apply_at_a_terminal(root, b"n\r")
    assert (code, lines[-1]) == (0, "Apply cancelled.")
    assert not (root / "contentctl.state.json").exists()
