"""A long apply on a real terminal (a pty) shows a bar and the time left; piped, plain lines.

Three hundred posts against ``sandbox serve``. The served sandbox's own limit
is off and the client's waits are scaled to nothing (``CONTENTCTL_TEST_TIME_SCALE``),
so the client's rate budget (100 requests per 120 s, as Publer's) still paces
and announces its pauses and the time left still counts them, but the run takes
seconds. On the pty the output is what a person's terminal receives.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import sys
import termios

import pytest
from e2e_support import Project, _env, post_yaml

POSTS = 300
UNLIMITED = [("--rate-limit", "0")]  # the client's own budget is what paces here


def write_posts(project: Project, text: str) -> None:
    for i in range(POSTS):
        name, day, hour = f"p{i:03d}", 1 + i // 20, 2 + i % 20  # under Facebook's daily limit
        at = f"2027-03-{day:02d}T{hour:02d}:00"
        project.write(f"{name}.yaml", post_yaml(name, at=at, accounts="[fb]", text=f"{text} {i}"))


def on_a_terminal(project: Project, *args: str, scale: str = "0") -> tuple[int, bytes]:
    """Run contentctl on a 120×40 pty: its exit code and every byte the terminal received."""
    env = _env(
        {
            "CONTENTCTL_ENDPOINT": project.server.url,
            "PUBLER_API_KEY": project.server.key,
            "PUBLER_WORKSPACE_ID": project.server.workspace,
            "CONTENTCTL_TEST_TIME_SCALE": scale,
            "TERM": "xterm-256color",
            "COLUMNS": "120",
        }
    )
    pid, fd = pty.fork()
    if pid == 0:  # the child: contentctl with the pty as its terminal
        argv = [sys.executable, "-m", "contentctl", "-C", str(project.root), *args]
        os.execve(sys.executable, argv, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    out = b""
    try:
        while True:
            ready, _, _ = select.select([fd], [], [], 120)
            assert ready, f"no output for 120 s; so far: {out[-2000:]!r}"
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the child closed the terminal
                chunk = b""
            if not chunk:
                break
            out += chunk
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    return os.waitstatus_to_exitcode(status), out


@pytest.mark.parametrize("project", UNLIMITED, indirect=True)
def test_a_long_apply_at_a_terminal_shows_a_bar_done_total_and_time_left(project: Project) -> None:
    write_posts(project, "Hello")
    code, out = on_a_terminal(project, "apply", "--auto-approve")
    assert code == 0, out[-3000:]
    shown = out.decode()
    assert "300 changes, too many to list here (more than 200)." in shown
    assert "Applying" in shown and "━" in shown  # rich's bar
    # a job's posts count as it is done; rich redraws a few times a second, so the bar
    # shows at least one of the two steps between the jobs (which one depends on timing)
    assert re.search(r"(100/300\s+33%|200/300\s+67%)\s+about \d+ s left", shown), shown[-3000:]
    assert "300/300" in shown and "100%" in shown
    assert "\x1b[" in shown  # redrawn in place, as a terminal bar is
    assert "(0s so far)" not in shown  # a job's first poll: the moving bar says it
    assert "Apply complete: 300 created, 0 updated, 0 deleted, 0 failed." in shown

    # 300 updates are 300 requests: the rate limit's 100 per 120 s is in the estimate
    write_posts(project, "Hello again")
    code, out = on_a_terminal(project, "apply", "--auto-approve")
    shown = out.decode()
    assert code == 0, shown[-3000:]
    assert re.search(r"\d+/300\s+\d+%\s+about [2-6] min left", shown), shown[-3000:]
    assert "Rate limit: pausing 1" in shown  # the client did pace itself
    assert "pausing 0s" not in shown
    assert "Apply complete: 0 created, 300 updated, 0 deleted, 0 failed." in shown


@pytest.mark.parametrize("project", UNLIMITED, indirect=True)
def test_the_same_apply_piped_prints_plain_lines_without_control_characters(
    project: Project,
) -> None:
    write_posts(project, "Hello")
    result = project.run("apply", "--auto-approve", env={"CONTENTCTL_TEST_TIME_SCALE": "0"})
    assert result.returncode == 0, result.stderr
    for stream in (result.stdout, result.stderr):
        assert "\x1b" not in stream and "\r" not in stream
    lines = result.stderr.splitlines()
    assert [line for line in lines if line.startswith("Applied ")][-1] == "Applied 300/300 posts"
    assert any(re.fullmatch(r"Applied 100/300 posts, about \d+ s left", line) for line in lines)
    assert result.stdout.splitlines()[-1] == (
        "Apply complete: 300 created, 0 updated, 0 deleted, 0 failed."
    )
    assert len(result.stdout.splitlines()) < 20  # the summary, not 300 plan entries
