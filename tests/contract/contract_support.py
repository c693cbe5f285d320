"""Helpers of the contract suite: the ``Remote`` seen through raw httpx, and the served process.

Only raw httpx is used: these tests pin the wire, not our Publer client.
"""

from __future__ import annotations

import os
import signal
import ssl
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

import contentctl.sandbox as sb
from contentctl.model import Provider

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
REPO = Path(sb.__file__).resolve().parents[2]
SCHEMA = REPO / "schemas" / "config.schema.json"
MODES = ("inprocess", "http")
# GET /media's two required filters (MEDIAREF's OAS), set to "everything"
EVERY_TYPE = [("types[]", kind) for kind in ("photo", "video", "gif", "document")]
EITHER_USE = [("used[]", "true"), ("used[]", "false")]
ALL_MEDIA = [*EVERY_TYPE, *EITHER_USE]
TIKTOK2 = "aaaaaaaaaaaaaaaaaaaaaa02"


_PLACEHOLDERS = {"<photo>": "p.png", "<video>": "v.mp4", "<gif>": "g.gif",
                 "<document>": "d.pdf"}  # fmt: skip
PHOTO = {"id": "<photo>", "type": "photo"}
VIDEO = {"id": "<video>", "type": "video"}


def at(minutes: float = 0, *, hours: float = 0) -> str:
    """An ISO time relative to the frozen ``NOW``."""
    return (NOW + timedelta(minutes=minutes, hours=hours)).isoformat()


@dataclass
class Remote:
    """A sandbox seen through a raw httpx client with the right headers."""

    kind: str
    client: httpx.Client
    workspace_id: str
    api_key: str
    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)  # alias → account
    media: dict[str, str] = field(default_factory=dict)  # placeholder → uploaded media id

    def id(self, alias: str) -> str:
        return str(self.accounts[alias]["id"])

    def upload(self, filename: str) -> str:
        """``POST /media`` of a tiny file; its media id (the type follows the extension)."""
        files = {"file": (filename, b"GIF89a" if filename.endswith(".gif") else b"x")}
        response = self.client.post("/media", files=files)
        assert response.status_code == 200, response.text
        return str(response.json()["id"])

    def uploaded(self, value: Any) -> Any:
        """``value`` with the placeholders ``<photo>``, ``<video>``, ``<gif>`` and
        ``<document>`` replaced by the ids of media uploaded once per kind."""
        if isinstance(value, dict):
            return {k: self.uploaded(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.uploaded(v) for v in value]
        if isinstance(value, str) and value in _PLACEHOLDERS:
            if value not in self.media:
                self.media[value] = self.upload(_PLACEHOLDERS[value])
            return self.media[value]
        return value

    def admin(self, method: str, what: str, body: Any = None) -> httpx.Response:
        response = self.client.request(method, f"/_sandbox/{what}", json=body)
        assert response.status_code == 200, response.text
        return response

    def create(self, bulk: dict[str, Any], *, publish: bool = False) -> str:
        path = "/posts/schedule/publish" if publish else "/posts/schedule"
        response = self.client.post(path, json={"bulk": self.uploaded(bulk)})
        assert response.status_code == 200, response.text
        return str(response.json()["job_id"])

    def finish(self, job_id: str, *, polls: int = 10) -> dict[str, Any]:
        """Poll until the job is no longer working; the final body."""
        for _ in range(polls):
            body: dict[str, Any] = self.client.get(f"/job_status/{job_id}").json()
            if body.get("status") != "working":
                return body
        raise AssertionError(f"job {job_id} still working after {polls} polls")

    def run(self, bulk: dict[str, Any], *, publish: bool = False) -> dict[str, Any]:
        return self.finish(self.create(bulk, publish=publish))

    def posts(self, **params: Any) -> list[dict[str, Any]]:
        response = self.client.get("/posts", params=params)
        assert response.status_code == 200, response.text
        return list(response.json()["posts"])


def _accounts_yaml() -> tuple[str, dict[str, str]]:
    ids = {p.value: sb.default_account_id(p) for p in Provider}
    ids["tiktok2"] = TIKTOK2
    lines = ["workspace: " + sb.DEFAULT_WORKSPACE_ID, "accounts:"]
    for alias, account_id in ids.items():
        provider = "tiktok" if alias == "tiktok2" else alias
        lines.append(f"  {alias}: {{id: '{account_id}', provider: {provider}, name: {alias}}}")
    return "\n".join(lines) + "\n", ids


def _project(folder: Path) -> Any:
    """Write contentctl.yaml when the config schema exists; the loaded Config or None."""
    if not SCHEMA.exists():
        return None
    from contentctl.config import load_config

    text, _ = _accounts_yaml()
    (folder / "contentctl.yaml").write_text(text, encoding="utf-8")
    return load_config(folder / "contentctl.yaml", environ={})


# One TLS context for every client: each new one reads the CA bundle (~50 ms a test).
_TLS = ssl.create_default_context()


def _client(base_url: str) -> httpx.Client:
    return httpx.Client(
        base_url=base_url,
        headers={
            "Authorization": f"Bearer-API {sb.SANDBOX_API_KEY}",
            "Publer-Workspace-Id": sb.DEFAULT_WORKSPACE_ID,
        },
        timeout=10.0,
        verify=_TLS,
    )


def _finish_setup(remote: Remote) -> Remote:
    """Freeze the clock and make sure a second TikTok account exists (admin calls only,
    so a rate limit or fault under test is not consumed by the setup)."""
    remote.admin("POST", "clock", {"now": NOW.isoformat()})
    remote.admin("POST", "accounts", {"id": TIKTOK2, "provider": "tiktok", "name": "tiktok2"})
    for provider in Provider:
        remote.accounts[provider.value] = {"id": sb.default_account_id(provider),
                                           "provider": provider.value}  # fmt: skip
    remote.accounts["tiktok2"] = {"id": TIKTOK2, "provider": "tiktok"}
    return remote


@dataclass
class Served:
    process: subprocess.Popen[str]
    url: str
    log: Path

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=15)
        finally:
            _close_pipes(self.process)  # an open pipe is a ResourceWarning, an error in pytest
        assert code == 0, f"sandbox serve exited {code}: {self.log.read_text()}"


def _close_pipes(process: subprocess.Popen[str]) -> None:
    for pipe in (process.stdin, process.stdout, process.stderr):
        if pipe is not None:
            pipe.close()


def spawn(folder: Path, *flags: str) -> Served:
    """``contentctl sandbox serve --port 0`` in ``folder``; its URL from stdout line one."""
    folder.mkdir(parents=True, exist_ok=True)
    _project(folder)
    log = folder / "serve.log"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "contentctl", "sandbox", "serve", "--port", "0",
               "--db", str(folder / "sandbox.db"), "--job-delay", "0", *flags]  # fmt: skip
    with log.open("w") as errors:
        process = subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.PIPE,
                                   stderr=errors, text=True)  # fmt: skip
    first: list[str] = []
    reader = threading.Thread(target=lambda: first.append(process.stdout.readline()))  # type: ignore[union-attr]
    reader.start()
    reader.join(timeout=30)
    line = first[0] if first else ""
    if not line.startswith("Sandbox serving Publer's API at "):
        process.kill()
        process.wait()
        _close_pipes(process)
        raise AssertionError(f"sandbox serve did not start: {line!r} {log.read_text()}")
    return Served(process, line.rsplit(" ", 1)[1].strip(), log)


MakeRemote = Callable[..., Remote]
