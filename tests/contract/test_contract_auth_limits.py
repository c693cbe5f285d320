"""Auth, workspace header, rate limit and the read-only endpoints, on both sandboxes."""

from __future__ import annotations

import re

import pytest
from contract_support import NOW, MakeRemote, Remote

import contentctl.sandbox as sb

RATE_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


def test_the_sandbox_key_does_not_look_like_a_real_secret() -> None:
    assert not re.search(r"[A-Za-z0-9]{20,}", sb.SANDBOX_API_KEY)


@pytest.mark.parametrize(
    "authorization",
    [None, f"Bearer {sb.SANDBOX_API_KEY}", "Bearer-API wrong-key", "Bearer-API"],
)
def test_a_missing_or_wrong_key_is_401_with_errors(
    remote: Remote, authorization: str | None
) -> None:
    remote.client.headers.pop("Authorization")
    if authorization is not None:
        remote.client.headers["Authorization"] = authorization
    response = remote.client.get("/accounts")
    assert response.status_code == 401
    assert isinstance(response.json()["errors"], list) and response.json()["errors"]


def test_users_me_and_workspaces_need_no_workspace_header(remote: Remote) -> None:
    remote.client.headers.pop("Publer-Workspace-Id")
    me = remote.client.get("/users/me")
    assert me.status_code == 200
    assert set(me.json()) >= {"id", "email", "name", "first_name", "picture"}
    workspaces = remote.client.get("/workspaces")
    assert workspaces.status_code == 200
    assert [w["id"] for w in workspaces.json()] == [remote.workspace_id]
    assert workspaces.json()[0]["owner"]["id"] == me.json()["id"]


def test_other_endpoints_need_a_known_workspace(remote: Remote) -> None:
    unknown = remote.client.get("/posts", headers={"Publer-Workspace-Id": "0" * 24})
    remote.client.headers.pop("Publer-Workspace-Id")
    missing = remote.client.get("/accounts")
    assert missing.status_code == 403
    assert missing.json()["errors"]
    assert unknown.status_code == 403
    assert unknown.json()["errors"]


def test_accounts_list_one_per_provider_with_their_fields(remote: Remote) -> None:
    accounts = remote.client.get("/accounts").json()
    by_id = {a["id"]: a for a in accounts}
    for provider in (p for p in remote.accounts if p != "tiktok2"):
        account = by_id[remote.id(provider)]
        assert account["provider"] == provider
        assert set(account) >= {"id", "provider", "name", "social_id", "picture", "type"}
    assert by_id[remote.id("tiktok2")]["provider"] == "tiktok"


def test_unknown_paths_are_404_with_errors(remote: Remote) -> None:
    response = remote.client.get("/nothing/here")
    assert response.status_code == 404
    assert response.json() == {"errors": ["Not Found"]}


@pytest.mark.parametrize("path", ["/accounts", "/nothing", "/job_status/" + "f" * 24])
def test_rate_limit_headers_are_on_every_answer(remote: Remote, path: str) -> None:
    response = remote.client.get(path)
    reset = int(response.headers["X-RateLimit-Reset"])
    assert response.headers["X-RateLimit-Limit"] == "100"
    assert 0 <= int(response.headers["X-RateLimit-Remaining"]) < 100
    assert NOW.timestamp() < reset <= NOW.timestamp() + 120


def test_the_101st_request_in_the_window_is_429_until_the_reset(make_remote: MakeRemote) -> None:
    remote = make_remote(rate_limit=5)
    remaining = [int(remote.client.get("/accounts").headers["X-RateLimit-Remaining"])
                 for _ in range(5)]  # fmt: skip
    assert remaining == [4, 3, 2, 1, 0]
    limited = remote.client.get("/accounts")
    assert limited.status_code == 429
    assert limited.json() == {"error": "Rate limit exceeded. Retry later."}
    assert limited.headers["X-RateLimit-Limit"] == "5"
    assert limited.headers["X-RateLimit-Remaining"] == "0"
    # Job polls count too, and admin calls do not.
    assert remote.client.get("/job_status/" + "a" * 24).status_code == 429
    assert remote.admin("GET", "stats").json()["rate_limited"] == 2
    reset = int(limited.headers["X-RateLimit-Reset"])
    remote.admin("POST", "clock", {"advance_seconds": reset - NOW.timestamp()})
    again = remote.client.get("/accounts")
    assert again.status_code == 200
    assert again.headers["X-RateLimit-Remaining"] == "4"


def test_rate_limit_can_be_turned_off(make_remote: MakeRemote) -> None:
    remote = make_remote(rate_limit=None)
    answers = [remote.client.get("/users/me") for _ in range(8)]
    assert {a.status_code for a in answers} == {200}
    assert not any(h in answers[-1].headers for h in RATE_HEADERS)


def test_burst_429_answers_the_next_requests_with_429(make_remote: MakeRemote) -> None:
    remote = make_remote(faults=sb.Faults(burst_429=2))
    codes = [remote.client.get("/accounts").status_code for _ in range(3)]
    assert codes == [429, 429, 200]
    remote.admin("POST", "faults", {"burst_429": 1})
    assert remote.client.get("/users/me").status_code == 429
    assert remote.client.get("/users/me").status_code == 200


def test_error_rate_replaces_answers_with_503(remote: Remote) -> None:
    remote.admin("POST", "faults", {"error_rate": 1.0})
    response = remote.client.get("/accounts")
    assert response.status_code == 503
    assert response.json() == {"errors": ["Service Unavailable"]}
    remote.admin("POST", "faults", {"error_rate": 0.5, "random_seed": 7})
    first = [remote.client.get("/users/me").status_code for _ in range(20)]
    remote.admin("POST", "faults", {"error_rate": 0.5, "random_seed": 7})
    second = [remote.client.get("/users/me").status_code for _ in range(20)]
    assert first == second and set(first) == {200, 503}  # seeded, so runs repeat
    assert remote.admin("GET", "stats").json()["server_errors"] == 1 + first.count(503) * 2


def test_latency_delays_every_answer(make_remote: MakeRemote) -> None:
    remote = make_remote(faults=sb.Faults(latency_ms=150))
    response = remote.client.get("/users/me")
    assert response.status_code == 200
    assert response.elapsed.total_seconds() >= 0.15


def test_stats_count_requests_per_endpoint(remote: Remote) -> None:
    remote.admin("DELETE", "stats")
    remote.client.get("/accounts")
    remote.client.get("/accounts")
    remote.client.get("/job_status/" + "b" * 24)
    stats = remote.admin("GET", "stats").json()
    assert stats["requests"] == {"GET /accounts": 2, "GET /job_status/{id}": 1}
    assert stats["total"] == 3


def test_admin_endpoints_need_the_key(remote: Remote) -> None:
    response = remote.client.get("/_sandbox/stats", headers={"Authorization": "Bearer-API x"})
    assert response.status_code == 401


def test_faults_reject_unknown_names(remote: Remote) -> None:
    response = remote.client.post("/_sandbox/faults", json={"explode": True})
    assert response.status_code == 400
    assert "explode" in response.json()["errors"][0]
