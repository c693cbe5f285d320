"""Start-up faults as `sandbox serve` flags (or transport arguments), seeding, a shared file."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from contract_support import ALL_MEDIA, NOW, TIKTOK2, MakeRemote, Remote, _client, at, spawn

import contentctl.sandbox as sb
from contentctl.model import Provider
from contentctl.sandbox.seed import SEED_ACCOUNTS


def bulk(remote: Remote, text: str, hours: float) -> dict[str, object]:
    return {"state": "scheduled", "posts": [{
        "networks": {"default": {"type": "status", "text": text}},
        "accounts": [{"id": remote.id("facebook"), "scheduled_at": at(hours=hours)}],
    }]}  # fmt: skip


def test_drop_after_commit_and_stuck_polls_from_start_up(make_remote: MakeRemote) -> None:
    remote = make_remote(faults=sb.Faults(drop_after_commit=1, stuck_polls=1))
    with pytest.raises(httpx.RemoteProtocolError):
        remote.client.post("/posts/schedule", json={"bulk": bulk(remote, "first", 1)})
    assert [p["text"] for p in remote.posts()] == ["first"]
    job_id = remote.create(bulk(remote, "second", 2))
    statuses = [remote.client.get(f"/job_status/{job_id}").json()["status"] for _ in range(3)]
    assert statuses == ["working", "working", "complete"]


def test_fail_jobs_from_start_up(make_remote: MakeRemote) -> None:
    remote = make_remote(faults=sb.Faults(fail_jobs=True))
    assert remote.run(bulk(remote, "never", 1))["status"] == "failed"
    media = remote.finish(
        remote.client.post("/media/from-url", json={"type": "single", "media": [
            {"url": "https://x.example/a.png", "name": "a.png"}]})
        .json()["job_id"]
    )  # fmt: skip
    assert media["status"] == "failed"
    assert (
        remote.posts() == [] and remote.client.get("/media", params=ALL_MEDIA).json()["total"] == 0
    )


def test_the_sandbox_has_accounts_of_its_own_not_the_configs(make_remote: MakeRemote) -> None:
    # the project's contentctl.yaml names its accounts after their providers; the sandbox,
    # like Publer, lists its own (plus the second TikTok account the suite adds)
    remote = make_remote()
    found = {a["id"]: (a["provider"], a["name"]) for a in remote.client.get("/accounts").json()}
    expected = {sb.default_account_id(p, suffix): (p.value, name)
                for p, suffix, name, _kind in SEED_ACCOUNTS}  # fmt: skip
    assert found == expected | {TIKTOK2: ("tiktok", "tiktok2")}
    assert found[sb.default_account_id(Provider.FACEBOOK)] == ("facebook", "Sandbox Facebook")


@pytest.mark.e2e  # starts a server of its own
def test_a_served_sandbox_and_the_in_process_one_share_a_file(tmp_path: Path) -> None:
    server = spawn(tmp_path / "project")
    db = tmp_path / "project" / "sandbox.db"
    try:
        with _client(server.url) as served:
            remote = Remote("http", served, sb.DEFAULT_WORKSPACE_ID, sb.SANDBOX_API_KEY)
            remote.accounts["facebook"] = {"id": sb.default_account_id(Provider.FACEBOOK)}
            remote.admin("POST", "clock", {"now": at()})
            remote.run(bulk(remote, "over http", 1))
            transport = sb.in_process_transport(None, db=db, clock=lambda: NOW)
            with httpx.Client(transport=transport, base_url=sb.IN_PROCESS_BASE_URL,
                              headers=served.headers) as local:  # fmt: skip
                inproc = Remote("inprocess", local, remote.workspace_id, remote.api_key)
                inproc.accounts = remote.accounts
                assert [p["text"] for p in inproc.posts()] == ["over http"]
                inproc.run(bulk(inproc, "in process", 2))
            assert [p["text"] for p in remote.posts()] == ["over http", "in process"]
    finally:
        server.stop()


def test_serve_refuses_a_non_loopback_host(tmp_path: Path) -> None:
    from contentctl.errors import ContentctlError

    with pytest.raises(ContentctlError, match="loopback"):
        sb.serve(tmp_path / "x.db", None, host="0.0.0.0", port=0, on_ready=lambda *a: None)
