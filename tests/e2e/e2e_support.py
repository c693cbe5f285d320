"""A content repo on disk and `contentctl sandbox serve` on loopback, driven as a user would.

``Project`` runs the real CLI as a subprocess (``python -m contentctl``)
against a served sandbox whose data is inspected through its SQLite store.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from contentctl.model import Provider
from contentctl.sandbox import Store, default_account_id

REPO = Path(__file__).resolve().parents[2]

# The sandbox's own accounts: like Publer, it lists those and never the config's.
ACCOUNTS = {
    alias: (default_account_id(provider), provider.value)
    for alias, provider in (("fb", Provider.FACEBOOK), ("x", Provider.TWITTER),
                            ("li", Provider.LINKEDIN), ("masto", Provider.MASTODON))
}  # fmt: skip
WORKSPACE = "6650f1c2a1b2c3d4e5f60718"

CONFIG = (
    f"""\
workspace: {WORKSPACE}
endpoint: sandbox
timezone: Europe/Berlin
content: posts
state: contentctl.state.json
accounts:
"""
    + "".join(
        f"  {alias}: {{id: {ident}, provider: {provider}}}\n"
        for alias, (ident, provider) in ACCOUNTS.items()
    )
    + """\
defaults:
  labels: [contentctl]
  batch_size: 100
"""
)


def post_yaml(
    post_id: str,
    *,
    at: str = "2027-03-01T09:00",
    accounts: str = "[fb, x]",
    text: str | None = None,
    extra: str = "",
) -> str:
    body = f"""\
    id: {post_id}
    at: {at}
    accounts: {accounts}
    type: status
    text: {json.dumps(text if text is not None else f"Hello from {post_id}")}
    """
    return textwrap.dedent(body) + textwrap.dedent(extra)


@dataclass
class Served:
    process: subprocess.Popen[str]
    url: str
    key: str
    workspace: str
    db: Path

    def admin(self, path: str, body: Any = None) -> Any:
        with httpx.Client(headers=self.headers()) as client:
            response = client.post(f"{self.url}/_sandbox/{path}", json=body)
            response.raise_for_status()
            return response.json()

    def pass_job_grace(self) -> None:
        """Move Publer's clock past ``JOB_GRACE``: a bulk sent (or maybe sent) before can
        no longer be running, so what it did not create may be sent again."""
        from contentctl.apply.journal import JOB_GRACE

        self.admin("clock", {"advance_seconds": JOB_GRACE.total_seconds() + 60})

    def stats(self) -> dict[str, Any]:
        with httpx.Client(headers=self.headers()) as client:
            response = client.get(f"{self.url}/_sandbox/stats")
            response.raise_for_status()
            result: dict[str, Any] = response.json()
            return result

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer-API {self.key}", "Publer-Workspace-Id": self.workspace}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        # An open pipe is a ResourceWarning, which pytest turns into an error.
        for pipe in (self.process.stdout, self.process.stderr):
            if pipe is not None:
                pipe.close()


def serve(folder: Path, *flags: str) -> Served:
    db = folder / "sandbox.db"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "contentctl",
            "sandbox",
            "serve",
            "--port",
            "0",
            "--db",
            str(db),
            *flags,
        ],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    assert process.stdout is not None
    lines = [process.stdout.readline() for _ in range(4)]
    if not lines[0].startswith("Sandbox serving"):
        process.kill()
        raise RuntimeError(
            f"sandbox did not start: {lines} {process.stderr.read() if process.stderr else ''}"
        )
    exports = dict(line.split("export ", 1)[1].strip().split("=", 1) for line in lines[1:])
    return Served(
        process,
        exports["CONTENTCTL_ENDPOINT"],
        exports["PUBLER_API_KEY"],
        exports["PUBLER_WORKSPACE_ID"],
        db,
    )


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "PUBLER_API_KEY",
            "CONTENTCTL_ENDPOINT",
            "PUBLER_WORKSPACE_ID",
            "CONTENTCTL_TEST_KILL_AT",
        )
    }
    env["PYTHONPATH"] = str(REPO)
    env["NO_COLOR"] = "1"
    # the client's waits (polls, backoff, rate pauses) at 1/100 so the suite runs fast
    env.setdefault("CONTENTCTL_TEST_TIME_SCALE", "0.01")
    env.update(extra or {})
    return env


@dataclass
class Project:
    root: Path
    server: Served
    runs: list[subprocess.CompletedProcess[str]] = field(default_factory=list)

    @property
    def state_path(self) -> Path:
        return self.root / "contentctl.state.json"

    def write(self, name: str, text: str) -> Path:
        path = self.root / "posts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def remove(self, name: str) -> None:
        (self.root / "posts" / name).unlink()

    def run(
        self, *args: str, env: dict[str, str] | None = None, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        extra = {
            "CONTENTCTL_ENDPOINT": self.server.url,
            "PUBLER_API_KEY": self.server.key,
            "PUBLER_WORKSPACE_ID": self.server.workspace,
            **(env or {}),
        }
        result = subprocess.run(
            [sys.executable, "-m", "contentctl", "-C", str(self.root), *args],
            capture_output=True,
            text=True,
            env=_env(extra),
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        self.runs.append(result)
        return result

    def start(self, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
        extra = {
            "CONTENTCTL_ENDPOINT": self.server.url,
            "PUBLER_API_KEY": self.server.key,
            "PUBLER_WORKSPACE_ID": self.server.workspace,
            **(env or {}),
        }
        return subprocess.Popen(
            [sys.executable, "-m", "contentctl", "-C", str(self.root), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(extra),
            stdin=subprocess.DEVNULL,
        )

    def state(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.state_path.read_text("utf-8"))
        return data

    def remote_posts(self, *, live_only: bool = True) -> list[dict[str, Any]]:
        store = Store(self.server.db)
        try:
            posts = store.posts()
        finally:
            store.close()
        return posts

    def remote_index(self) -> dict[tuple[str, str], list[dict[str, Any]]]:
        """(account_id, text) → remote posts: more than one in a list is a duplicate."""
        index: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for post in self.remote_posts():
            index.setdefault((post["account_id"], post["text"]), []).append(post)
        return index
