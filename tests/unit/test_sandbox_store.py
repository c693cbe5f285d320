"""The sandbox's SQLite store, seeding, fault settings and clock, on plain data."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

import contentctl.sandbox as sb
from contentctl.errors import ConfigError
from contentctl.model import Account, Config, Provider
from contentctl.sandbox.app import Clock
from contentctl.sandbox.endpoints import publish_due

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


def config(tmp_path: Path, workspace: str = "") -> Config:
    accounts = {
        "main": Account(alias="main", id="acc-1", provider=Provider.FACEBOOK, name="Main page"),
        "news": Account(alias="news", id="acc-2", provider=Provider.BLUESKY),
    }
    return Config(path=tmp_path / "contentctl.yaml", workspace_id=workspace, endpoint="sandbox",
                  timezone="UTC", content_dir=tmp_path / "content",
                  state_path=tmp_path / "state.json", accounts=accounts)  # fmt: skip


def a_post(post_id: str, account: str, when: datetime | None, state: str = "scheduled",
           **extra: Any) -> dict[str, Any]:  # fmt: skip
    return {"id": post_id, "account_id": account, "network": "facebook", "state": state,
            "type": "status", "text": f"text of {post_id}", "post_link": None,
            "scheduled_at": when.isoformat() if when else None, **extra}  # fmt: skip


def test_default_db_path_is_beside_the_config(tmp_path: Path) -> None:
    assert sb.default_db_path(config(tmp_path)) == tmp_path / ".contentctl" / "sandbox.db"


def test_seed_without_config_gives_its_own_accounts_one_or_more_per_provider(
    tmp_path: Path,
) -> None:
    info = sb.seed(tmp_path / "a" / "sandbox.db", None)
    assert info == sb.SeedInfo(sb.DEFAULT_WORKSPACE_ID, sb.SANDBOX_API_KEY, 15)
    store = sb.Store(tmp_path / "a" / "sandbox.db")
    accounts = store.accounts(info.workspace_id)
    assert [a["provider"] for a in accounts] == [p.value for p in Provider] + [
        "linkedin", "twitter"
    ]  # fmt: skip
    assert all(len(a["id"]) == 24 and int(a["id"], 16) >= 0 for a in accounts)
    assert accounts[0]["id"] == sb.default_account_id(Provider.FACEBOOK)
    assert (accounts[13]["name"], accounts[13]["type"]) == ("Sandbox LinkedIn page", "page")


def test_seed_is_an_idempotent_upsert_that_ignores_the_configs_accounts(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.db"
    cfg = config(tmp_path, workspace="ws-1")  # its accounts acc-1 and acc-2 are not seeded
    assert sb.seed(db, cfg) == sb.SeedInfo("ws-1", sb.SANDBOX_API_KEY, 15)
    store = sb.Store(db)
    store.add_post("ws-1", a_post("p1", "acc-1", NOW))
    sb.seed(db, cfg)
    accounts = store.accounts("ws-1")
    assert len(accounts) == 15 and not {"acc-1", "acc-2"} & {a["id"] for a in accounts}
    assert [p["id"] for p in store.posts("ws-1")] == ["p1"]  # seeding keeps posts
    assert sb.reset(db, cfg).accounts == 15
    assert store.posts() == [] and len(store.accounts("ws-1")) == 15
    assert store.user_for_key(sb.SANDBOX_API_KEY) is not None


def test_the_file_persists_between_stores(tmp_path: Path) -> None:
    db = tmp_path / "deep" / "sandbox.db"
    first = sb.Store(db)
    first.add_post("ws", a_post("p1", "a", NOW))
    first.close()
    assert [p["id"] for p in sb.Store(db).posts()] == ["p1"]


def test_find_posts_filters_and_pages(tmp_path: Path) -> None:
    store = sb.Store(":memory:")
    for i in range(5):
        store.add_post("ws", a_post(f"p{i}", "a" if i % 2 else "b", NOW + timedelta(hours=5 - i)))
    store.add_post("ws", a_post("d", "a", None, state="draft", type="photo"))
    store.add_post("other", a_post("elsewhere", "a", NOW))
    everything, total = store.find_posts(sb.PostQuery(workspace_id="ws"), limit=2, offset=0)
    assert total == 6 and [p["id"] for p in everything] == ["p4", "p3"]
    last, _ = store.find_posts(sb.PostQuery(workspace_id="ws"), limit=2, offset=4)
    assert [p["id"] for p in last] == ["p0", "d"]  # undated last
    query = sb.PostQuery(workspace_id="ws", states=("draft_undated",), post_type="photo")
    assert [p["id"] for p in store.find_posts(query)[0]] == ["d"]
    query = sb.PostQuery(
        workspace_id="ws", account_ids=("a",), since=NOW, until=NOW + timedelta(hours=4)
    )
    assert [p["id"] for p in store.find_posts(query)[0]] == ["p3", "p1"]
    assert [p["id"] for p in store.posts("ws", query="TEXT OF P2")] == ["p2"]


def test_taken_ignores_drafts_and_respects_the_gap() -> None:
    store = sb.Store(":memory:")
    store.add_post("ws", a_post("s", "a", NOW))
    store.add_post("ws", a_post("d", "b", NOW, state="draft"))
    assert store.taken("a", NOW + timedelta(seconds=59))
    assert not store.taken("a", NOW + timedelta(seconds=60))
    assert not store.taken("b", NOW)


def test_due_posts_are_published_with_a_link() -> None:
    store = sb.Store(":memory:")
    store.add_post("ws", a_post("past", "a", NOW - timedelta(minutes=1)))
    store.add_post("ws", a_post("future", "a", NOW + timedelta(minutes=1)))
    store.add_post("ws", a_post("draft", "a", NOW - timedelta(days=1), state="draft"))
    publish_due(store, NOW)
    states = {p["id"]: (p["state"], p["post_link"]) for p in store.posts()}
    assert states == {
        "past": ("published", "https://facebook.example/p/past"),
        "future": ("scheduled", None),
        "draft": ("draft", None),
    }


def test_jobs_work_for_their_first_polls() -> None:
    store = sb.Store(":memory:")
    store.add_job("j", "ws", {"failures": {}}, working_polls=2, failed=False)
    store.add_job("f", "ws", {"failures": {}}, working_polls=0, failed=True)
    polls = [store.poll_job("j", "ws") for _ in range(3)]
    assert polls == [("working", None), ("working", None), ("complete", {"failures": {}})]
    assert store.poll_job("f", "ws") == ("failed", {"failures": {}})
    assert store.poll_job("j", "another workspace") is None


def test_rate_counts_per_key_and_window() -> None:
    store = sb.Store(":memory:")
    assert [store.count_request("k", 120) for _ in range(3)] == [1, 2, 3]
    assert store.count_request("k", 240) == 1
    assert store.count_request("other", 120) == 1
    assert store.requests_in("k", 120) == 3
    store.wipe()
    assert store.requests_in("k", 120) == 0


def test_a_failed_transaction_leaves_nothing() -> None:
    store = sb.Store(":memory:")
    with pytest.raises(RuntimeError), store.transaction():
        store.add_post("ws", a_post("p", "a", NOW))
        raise RuntimeError("boom")
    assert store.posts() == []


def test_threads_share_one_store_safely(tmp_path: Path) -> None:
    store = sb.Store(tmp_path / "sandbox.db")

    def write(n: int) -> None:
        for i in range(20):
            store.add_post("ws", a_post(f"t{n}-{i}", "a", NOW + timedelta(hours=i)))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(store.posts()) == 80


def test_faults_are_checked_and_merged() -> None:
    with pytest.raises(ConfigError):
        sb.Faults(error_rate=1.5)
    with pytest.raises(ConfigError):
        sb.Faults(burst_429=-1)
    merged = sb.Faults().merged({"error_rate": 1, "fail_jobs": True})
    assert (merged.error_rate, merged.fail_jobs) == (1.0, True)
    for bad in ({"latency_ms": "5"}, {"fail_jobs": 1}, {"nope": 1}):
        with pytest.raises(ConfigError):
            sb.Faults().merged(bad)


def test_variants_are_checked_and_merged() -> None:
    merged = sb.Variants().merged({"job_status": "wrapped", "complete_word": "completed"})
    assert merged.job_status is sb.JobStatusShape.WRAPPED
    for bad in ({"job_status": "odd"}, {"complete_word": "done"}, {"create_status": 204}):
        with pytest.raises(ConfigError):
            sb.Variants().merged(bad)


def test_clock_freezes_and_advances() -> None:
    ticks = iter([NOW, NOW + timedelta(seconds=5)])
    clock = Clock(lambda: next(ticks))
    assert clock.now() == NOW
    clock.advance(60)
    assert clock.now() == NOW + timedelta(seconds=65)
    clock.freeze(NOW)
    clock.advance(1)
    assert clock.now() == NOW + timedelta(seconds=1)


def test_in_process_transport_uses_the_injected_clock_and_config(tmp_path: Path) -> None:
    cfg = config(tmp_path, workspace="ws-9")
    transport = sb.in_process_transport(cfg, clock=lambda: NOW, rate_limit=None)
    assert (tmp_path / ".contentctl" / "sandbox.db").exists()
    headers = {"Authorization": f"Bearer-API {sb.SANDBOX_API_KEY}", "Publer-Workspace-Id": "ws-9"}
    with httpx.Client(transport=transport, base_url=sb.IN_PROCESS_BASE_URL, headers=headers) as c:
        facebook = sb.default_account_id(Provider.FACEBOOK)
        assert c.get("/accounts").json()[0]["id"] == facebook  # the sandbox's, not the config's
        soon = [{"id": facebook, "scheduled_at": "2030-01-01T12:00:30Z"}]
        post = {"networks": {"default": {"type": "status", "text": "t"}}, "accounts": soon}
        bulk = {"state": "scheduled", "posts": [post]}
        job = c.post("/posts/schedule", json={"bulk": bulk}).json()["job_id"]
        c.get(f"/job_status/{job}")
        failures = c.get(f"/job_status/{job}").json()["payload"]["failures"]
    assert (
        failures["0"][0]["message"] == "Posts must be scheduled at least one minute in the future"
    )


def test_serve_stops_when_asked_and_reports_its_url(tmp_path: Path) -> None:
    stop = threading.Event()
    seen: list[tuple[str, str, str]] = []

    def ready(url: str, key: str, workspace: str) -> None:
        seen.append((url, key, workspace))
        with httpx.Client() as client:
            answer = client.get(f"{url}/users/me",
                                headers={"Authorization": f"Bearer-API {key}"})  # fmt: skip
            seen.append((str(answer.status_code), answer.json()["email"], ""))
        stop.set()

    worker = threading.Thread(target=sb.serve, args=(":memory:", None),
                              kwargs={"port": 0, "on_ready": ready, "stop": stop})  # fmt: skip
    worker.start()
    worker.join(timeout=20)
    assert not worker.is_alive()
    url, key, workspace = seen[0]
    assert url.startswith("http://127.0.0.1:") and url.endswith("/api/v1")
    assert (key, workspace) == (sb.SANDBOX_API_KEY, sb.DEFAULT_WORKSPACE_ID)
    assert seen[1][:2] == ("200", "sandbox@example.invalid")
