"""Faults of the machine end in one line and the right exit code, the state as it was.

- A read-only file system: every write the run tries fails with EROFS (tests run
  as root, for whom chmod cannot forbid writing, so the system calls themselves
  are made to fail). The lock's clean-up used to raise too and hide the clear
  error behind a traceback from the lock module.
- A remote that cannot be reached: no state file is created, none is changed.
- Ctrl-C in the first moments of a run, while the command line is still being
  imported: ``contentctl: interrupted`` and exit 130, from ``python -m
  contentctl`` and from the console script's entry alike.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import site
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from e2e_support import REPO, Project, post_yaml

from contentctl.cli import cli

EXAMPLES = REPO / "examples" / "content"
STATE = "contentctl.state.json"

# -- a read-only file system ------------------------------------------------------------

_WRITES = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def read_only(monkeypatch: pytest.MonkeyPatch, root: Path) -> list[str]:
    """Make every write under ``root`` fail as on a read-only mount; returns what was tried."""
    tried: list[str] = []
    inside = f"{root.resolve()}{os.sep}"
    sandbox = f"{inside}.contentctl{os.sep}"  # the embedded sandbox's data: "the remote"

    def refuse(name: str, path: Any) -> None:
        where = os.fspath(path)
        if where.startswith(inside) and not where.startswith(sandbox):
            tried.append(f"{name} {os.path.basename(where)}")
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), where)

    def wrap(name: str, real: Callable[..., Any], *, flags_at: int | None = None) -> None:
        def fake(*args: Any, **kwargs: Any) -> Any:
            if flags_at is None or (len(args) > flags_at and args[flags_at] & _WRITES):
                refuse(name, args[0])
            return real(*args, **kwargs)

        monkeypatch.setattr(os, name, fake)

    wrap("open", os.open, flags_at=1)
    for name in ("unlink", "link", "replace", "rename", "mkdir"):
        wrap(name, getattr(os, name))
    return tried


@pytest.fixture
def applied(tmp_path: Path) -> Path:
    """The examples applied to the embedded sandbox: a state and its backup exist."""
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES, root)
    result = CliRunner().invoke(cli, ["-C", str(root), "apply", "--auto-approve"])
    assert result.exit_code in (0, 3), result.stderr
    return root


def snapshot(root: Path) -> tuple[bytes, bytes]:
    return (root / STATE).read_bytes(), (root / f"{STATE}.backup").read_bytes()


def new_post(root: Path) -> None:
    (root / "posts" / "zz-new.yaml").write_text(
        "id: read-only-day\nmethod: draft\naccounts: [kc-facebook]\ntype: status\n"
        "text: Written on a read-only disk\n",
        encoding="utf-8",
    )


def test_apply_on_a_read_only_file_system_is_one_line(
    applied: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    new_post(applied)
    before = snapshot(applied)
    tried = read_only(monkeypatch, applied)
    result = CliRunner().invoke(cli, ["-C", str(applied), "apply", "--auto-approve"])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert (result.exit_code, result.stderr.splitlines()) == (
        1,
        [
            f"contentctl: error: cannot create the lock file {applied / STATE}.lock: "
            "Read-only file system"
        ],
    )
    # the lock's temp file could neither be written nor removed: both failed quietly
    assert [t.split(" ", 1)[0] for t in tried] == ["open", "unlink"]
    monkeypatch.undo()
    assert snapshot(applied) == before
    assert not (applied / f"{STATE}.lock").exists()


def test_a_saved_plan_on_a_read_only_file_system_is_one_line(
    applied: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    new_post(applied)
    before = snapshot(applied)
    read_only(monkeypatch, applied)
    result = CliRunner().invoke(cli, ["-C", str(applied), "plan", "--out", "release.plan"])
    assert (result.exit_code, result.stderr.splitlines()) == (
        1,
        [
            f"contentctl: error: {applied / 'release.plan'}: cannot write the plan: "
            "Read-only file system"
        ],
    )
    validated = CliRunner().invoke(cli, ["-C", str(applied), "validate"])
    assert validated.exit_code == 0  # reading needs no write
    monkeypatch.undo()
    assert snapshot(applied) == before
    assert [p.name for p in applied.iterdir() if p.name.startswith((".", "release"))] == [
        ".contentctl"
    ]


def test_the_first_apply_on_a_read_only_file_system_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES, root)
    read_only(monkeypatch, root)
    result = CliRunner().invoke(cli, ["-C", str(root), "apply", "--auto-approve"])
    lock = f"{root / STATE}.lock"
    assert (result.exit_code, result.stderr.splitlines()) == (
        1,
        [f"contentctl: error: cannot create the lock file {lock}: Read-only file system"],
    )
    monkeypatch.undo()
    assert not (root / STATE).exists() and not (root / f"{STATE}.lock").exists()


# -- a remote that cannot be reached --------------------------------------------------------

UNREACHABLE = {"CONTENTCTL_ENDPOINT": "http://127.0.0.1:9/api/v1", "PUBLER_API_KEY": "k"}


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert [line for line in lines if line.startswith("contentctl:")] == [lines[-1]]
    assert "Traceback" not in result.stderr
    return lines[-1]


def test_a_run_that_cannot_reach_the_remote_creates_no_state(project: Project) -> None:
    project.write("a.yaml", post_yaml("unreached"))
    for command in (("plan",), ("apply", "--auto-approve")):
        line = one_error_line(project.run(*command, env=UNREACHABLE))
        assert line.startswith("contentctl: error: ") and "Connection refused" in line, line
        assert sorted(
            p.name for p in project.root.iterdir() if p.name.startswith("contentctl")
        ) == ["contentctl.yaml"]


def test_a_run_that_cannot_reach_the_remote_changes_no_state(project: Project) -> None:
    project.write("a.yaml", post_yaml("first", at="2027-03-01T09:00"))
    assert project.run("apply", "--auto-approve").returncode == 0
    project.write("b.yaml", post_yaml("second", at="2027-03-01T10:00"))
    assert project.run("apply", "--auto-approve").returncode == 0
    project.write("c.yaml", post_yaml("third", at="2027-03-01T11:00"))
    before = snapshot(project.root)
    serial = project.state()["serial"]
    project.server.stop()  # the remote the state belongs to is gone
    for command in (("plan",), ("apply", "--auto-approve")):
        line = one_error_line(project.run(*command))
        assert "Connection refused" in line, line
    elsewhere = one_error_line(project.run("plan", env=UNREACHABLE))  # another endpoint
    assert elsewhere.startswith("contentctl: error: "), elsewhere
    assert snapshot(project.root) == before
    assert project.state()["serial"] == serial
    assert not (project.root / f"{STATE}.lock").exists()


# -- Ctrl-C while starting --------------------------------------------------------------

# Without site (-S): Python's own start-up (site, .pth files) runs before any line of
# contentctl and is not what is tested; the path gives the repo and the installed packages.
PATHS = os.pathsep.join([str(REPO), *site.getsitepackages()])
ENTRIES = {
    # what `python -m contentctl` does
    "python -m": (
        "import runpy\nrunpy.run_module('contentctl', run_name='__main__', alter_sys=True)\n"
    ),
    # what the console script `contentctl` (contentctl.cli:main) does
    "console script": "import sys\nfrom contentctl.cli import main\nsys.exit(main())\n",
}


def _hook(module: str, action: str) -> str:
    """Source that runs ``action`` once, when ``module`` is first imported."""
    return (
        "import os, sys\n"
        "class Hook:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name == {module!r}:\n"
        "            sys.meta_path.remove(self)\n"
        f"            {action}\n"
        "        return None\n"
        "sys.meta_path.insert(0, Hook())\n"
    )


def _start(code: str, repo: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("PUBLER_API_KEY", "CONTENTCTL_ENDPOINT")
    }
    env["PYTHONPATH"] = PATHS
    return subprocess.Popen(
        [sys.executable, "-S", "-c", code, "-C", str(repo), *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )


@pytest.mark.parametrize("entry", list(ENTRIES))
@pytest.mark.parametrize(
    "module",
    ["click", "contentctl.cli.base", "contentctl.cli.check", "contentctl.manifest.load", "yaml"],
)
def test_ctrl_c_during_any_import_is_one_line_and_130(
    tmp_path: Path, entry: str, module: str
) -> None:
    """A KeyboardInterrupt raised exactly as the run imports ``module``."""
    process = _start(
        _hook(module, "raise KeyboardInterrupt") + ENTRIES[entry], EXAMPLES, "validate"
    )
    out, err = process.communicate(timeout=60)
    assert (process.returncode, err.decode(), out) == (130, "contentctl: interrupted\n", b"")


@pytest.mark.parametrize("entry", list(ENTRIES))
def test_ctrl_c_at_any_moment_of_the_start_is_one_line(tmp_path: Path, entry: str) -> None:
    """A real SIGINT, sent from the moment contentctl starts importing (click, its first
    import) until the run is over: each run exits 130 with one line, or finishes."""
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES, root)
    ready = _hook("click", "os.write(1, b'.')")
    outcomes = []
    for delay in (0.0, 0.005, 0.01, 0.02, 0.04, 0.08, 0.15, 0.3, 0.6, 1.2, 5.0):
        process = _start(ready + ENTRIES[entry], root, "plan")
        assert process.stdout is not None and process.stdout.read(1) == b"."
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=120)
        text = err.decode()
        assert "Traceback" not in text, (delay, text)
        if process.returncode == 130:
            assert text.splitlines()[-1:] == ["contentctl: interrupted"], (delay, text)
            assert [line for line in text.splitlines() if line.startswith("contentctl:")] == [
                "contentctl: interrupted"
            ]
        else:
            assert process.returncode == 0, (delay, process.returncode, text)
        outcomes.append(process.returncode)
    assert outcomes[0] == 130  # interrupted while importing
    assert not (root / f"{STATE}.lock").exists()
