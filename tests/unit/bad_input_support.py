"""What the bad-input tests share: an applied copy of the examples and a byte check of its state.

``applied_template`` applies ``examples/content`` to the embedded sandbox once
per test module (so there is a state file *and* its ``.backup``);
``BadInputRepo`` is a fresh copy of it per test, runs the CLI in process and
snapshots the state's bytes, so each test can assert that a refused run left
both files exactly as they were.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from contentctl.cli import cli

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "content"
STATE = "contentctl.state.json"


def applied_template(folder: Path) -> Path:
    """The examples in ``folder``, applied to the sandbox: a state and its backup exist."""
    root = folder / "repo"
    shutil.copytree(EXAMPLES, root)
    result = CliRunner().invoke(cli, ["-C", str(root), "apply", "--auto-approve"])
    assert result.exit_code in (0, 3), result.stderr  # 3: some posts failed, still recorded
    assert (root / STATE).is_file() and (root / f"{STATE}.backup").is_file()
    return root


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()


@dataclass(frozen=True)
class BadInputRepo:
    root: Path

    @classmethod
    def copy_of(cls, template: Path, folder: Path) -> BadInputRepo:
        root = folder / "repo"
        shutil.copytree(template, root, symlinks=True)
        return cls(root)

    @property
    def state(self) -> Path:
        return self.root / STATE

    @property
    def backup(self) -> Path:
        return self.root / f"{STATE}.backup"

    def snapshot(self) -> tuple[bytes, bytes]:
        return self.state.read_bytes(), self.backup.read_bytes()

    def write(self, name: str, text: str | bytes) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def cli(self, *args: str, env: dict[str, str] | None = None) -> Run:
        """``contentctl -C ROOT ARGS`` in process."""
        result = CliRunner().invoke(cli, ["-C", str(self.root), *args], env=env)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            result.exception
        )
        return Run(result.exit_code, result.stdout, result.stderr)

    def subprocess(self, *args: str, env: dict[str, str] | None = None, timeout: float = 30) -> Run:
        """``python -m contentctl -C ROOT ARGS`` in its own process (a hang fails the test)."""
        environ = {
            k: v
            for k, v in os.environ.items()
            if k not in ("PUBLER_API_KEY", "PUBLER_WORKSPACE_ID", "CONTENTCTL_ENDPOINT")
        }
        environ.update({"PYTHONPATH": str(REPO), "NO_COLOR": "1", **(env or {})})
        done = subprocess.run(
            [sys.executable, "-m", "contentctl", "-C", str(self.root), *args],
            capture_output=True,
            text=True,
            env=environ,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        return Run(done.returncode, done.stdout, done.stderr)
