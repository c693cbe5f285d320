"""PublerClient endpoints against httpx.MockTransport handlers that speak Publer's wire format."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from client_support import BASE, KEY, WS, Clock, make_client

from contentctl.errors import ConfigError, PublerAuthError, PublerRequestError, PublerServerError
from contentctl.publer import JobState, PublerClient, RemotePost

Handler = Callable[[httpx.Request], httpx.Response]


def body_of(request: httpx.Request) -> Any:
    return json.loads(request.content)


def test_headers_carry_key_scheme_and_workspace_except_on_user_and_workspaces() -> None:
    seen: dict[str, httpx.Headers] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen[request.url.path] = request.headers
        if request.url.path.endswith("/users/me"):
            return httpx.Response(200, json={"id": "u1", "email": "a@b.c"})
        return httpx.Response(200, json=[{"id": "x1", "name": "X"}])

    with make_client(handler) as client:
        assert client.me()["id"] == "u1"
        assert client.workspaces() == [{"id": "x1", "name": "X"}]
        assert client.accounts() == [{"id": "x1", "name": "X"}]

    assert len(seen) == 3
    for headers in seen.values():
        assert headers["authorization"] == f"Bearer-API {KEY}"
        assert headers["accept"] == "application/json"
        assert headers["content-type"] == "application/json"
    assert "publer-workspace-id" not in seen["/api/v1/users/me"]
    assert "publer-workspace-id" not in seen["/api/v1/workspaces"]
    assert seen["/api/v1/accounts"]["publer-workspace-id"] == WS


def test_list_answers_may_be_wrapped() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"accounts": [{"id": "a1", "provider": "bluesky"}]})

    with make_client(handler) as client:
        assert client.accounts() == [{"id": "a1", "provider": "bluesky"}]


@pytest.mark.parametrize(
    ("answer", "status"),
    [({"job_id": "j-flat"}, 200), ({"success": True, "data": {"job_id": "j-flat"}}, 202)],
)
def test_schedule_posts_bulk_and_reads_job_id_from_either_form(
    answer: dict[str, Any], status: int
) -> None:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(status, json=answer)

    bulk = {"state": "scheduled", "posts": [{"networks": {}, "accounts": [{"id": "a1"}]}]}
    with make_client(handler) as client:
        assert client.schedule(bulk) == "j-flat"
        assert client.schedule(bulk, publish_now=True) == "j-flat"
    assert [r.url.path for r in requests] == [
        "/api/v1/posts/schedule",
        "/api/v1/posts/schedule/publish",
    ]
    assert all(r.method == "POST" and body_of(r) == {"bulk": bulk} for r in requests)
    assert requests[0].headers["publer-workspace-id"] == WS


def test_schedule_validation_error_carries_publers_messages() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, json={"errors": ["Unknown state auto", "Too many posts"]})

    with make_client(handler) as client, pytest.raises(PublerRequestError) as info:
        client.schedule({"state": "auto", "posts": []})
    assert info.value.status == 400
    assert info.value.errors == ("Unknown state auto", "Too many posts")
    assert "Unknown state auto; Too many posts" in str(info.value)
    assert client.request_count == 1


@pytest.mark.parametrize("status", [401, 403])
def test_auth_failures_hint_at_key_and_workspace(status: int) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json={"errors": ["You don't have access on this workspace"]})

    with make_client(handler) as client, pytest.raises(PublerAuthError) as info:
        client.accounts()
    err = info.value
    assert err.status == status
    assert "You don't have access on this workspace" in str(err)
    assert err.hint is not None
    assert "PUBLER_API_KEY" in err.hint
    assert "PUBLER_WORKSPACE_ID" in err.hint
    assert "`workspace` in contentctl.yaml" in err.hint
    assert client.request_count == 1  # never retried


@pytest.mark.parametrize("status", [404, 413, 422])
def test_client_errors_join_publers_errors(status: int) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json={"errors": ["first", "second"]})

    with make_client(handler) as client, pytest.raises(PublerRequestError) as info:
        client.update_post("p1", {"text": "x"})
    assert info.value.errors == ("first", "second")
    assert "first; second" in str(info.value)
    assert f"({status})" in str(info.value)


def test_non_json_error_and_success_bodies_are_translated() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/accounts"):
            return httpx.Response(200, text="<html>maintenance</html>")
        return httpx.Response(422, text="<html><body>Unprocessable</body></html>\nmore")

    with make_client(handler) as client:
        with pytest.raises(PublerServerError, match="without JSON"):
            client.accounts()
        with pytest.raises(PublerRequestError) as info:
            client.update_post("p1", {"text": "x"})
    assert info.value.errors == ("<html><body>Unprocessable</body></html>",)


def _posts_handler(
    total_posts: int, per_page: int, *, with_total: bool, calls: list[httpx.Request]
) -> Handler:
    posts = [{"id": f"p{i:02d}", "text": str(i)} for i in range(total_posts)]

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        page = int(request.url.params["page"])
        chunk = posts[page * per_page : (page + 1) * per_page]
        answer: dict[str, Any] = {"posts": chunk}
        if with_total:
            answer |= {"total": total_posts, "page": page, "per_page": per_page}
        return httpx.Response(200, json=answer)

    return handler


@pytest.mark.parametrize("with_total", [True, False])
def test_list_posts_reads_every_page(with_total: bool) -> None:
    calls: list[httpx.Request] = []
    with make_client(_posts_handler(45, 20, with_total=with_total, calls=calls)) as client:
        posts = client.list_posts()
    assert [p.id for p in posts] == [f"p{i:02d}" for i in range(45)]
    assert [p.text for p in posts[:3]] == ["0", "1", "2"]
    assert [r.url.params["page"] for r in calls] == ["0", "1", "2"]


def test_list_posts_gives_remote_posts_whatever_the_field_shapes() -> None:
    listed = [
        {
            "id": "68176f0e8bee9dc9b0ce3427",
            "text": "Launch",
            "state": "scheduled_approved",
            "type": "status",
            "account_id": "63c6ea",
            "network": "facebook",
            "scheduled_at": "2025-05-15T14:30:00.000+02:00",
            "post_link": None,
            "has_media": False,
        },
        {"id": 42, "account_id": 7, "text": None, "state": "published_posted", "post_link": "l"},
        {"text": "no id: nothing could match or record it"},
    ]

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"data": {"posts": listed, "total": 3}})

    with make_client(handler) as client:
        first, second = client.list_posts()
    assert first == RemotePost(
        id="68176f0e8bee9dc9b0ce3427",
        account_id="63c6ea",
        state="scheduled_approved",
        scheduled_at="2025-05-15T14:30:00.000+02:00",
        text="Launch",
        post_link=None,
        network="facebook",
        type="status",
    )
    assert first.raw["has_media"] is False
    assert (second.id, second.account_id, second.text, second.state, second.post_link) == (
        "42",
        "7",
        "",
        "published_posted",
        "l",
    )
    assert (second.scheduled_at, second.network, second.type) == (None, None, None)


def test_list_posts_stops_on_an_empty_page_when_pages_are_full() -> None:
    calls: list[httpx.Request] = []
    with make_client(_posts_handler(40, 20, with_total=False, calls=calls)) as client:
        assert len(client.list_posts()) == 40
    assert [r.url.params["page"] for r in calls] == ["0", "1", "2"]


def test_list_posts_encodes_rails_arrays_and_dates() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200, json={"posts": [], "total": 0})

    start = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)
    with make_client(handler) as client:
        client.list_posts(
            state=["scheduled", "draft"],
            account_ids=["a1", "a2"],
            start=start,
            end="2025-06-30",
            query="launch",
            post_type="photo",
        )
        client.list_posts(state="published", account_ids=["a1"])
    first, second = (r.url.params for r in calls)
    assert first.get_list("state[]") == ["scheduled", "draft"]
    assert "state" not in first
    assert first.get_list("account_ids[]") == ["a1", "a2"]
    assert first["from"] == "2025-06-01T09:00:00+00:00"
    assert first["to"] == "2025-06-30"
    assert first["query"] == "launch"
    assert first["postType"] == "photo"
    assert first["page"] == "0"
    assert b"account_ids%5B%5D=a1&account_ids%5B%5D=a2" in calls[0].url.query
    assert second["state"] == "published"
    assert "state[]" not in second
    assert second.get_list("account_ids[]") == ["a1"]
    assert "from" not in second and "to" not in second


def test_list_posts_needs_both_ends_of_a_range() -> None:
    with make_client(lambda r: httpx.Response(200, json={"posts": []})) as client:
        with pytest.raises(ValueError, match="both start and end"):
            client.list_posts(start="2025-06-01")
        with pytest.raises(ValueError, match="both start and end"):
            client.list_posts(end="2025-06-01")
        assert client.request_count == 0


def test_update_post_puts_post_fields_and_returns_the_post() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200, json={"id": "p/1", "text": "new", "state": "scheduled"})

    with make_client(handler) as client:
        post = client.update_post("p/1", {"text": "new", "title": "T"})
    assert post["text"] == "new"
    assert calls[0].method == "PUT"
    assert calls[0].url.raw_path == b"/api/v1/posts/p%2F1"
    assert body_of(calls[0]) == {"post": {"text": "new", "title": "T"}}


def test_delete_posts_chunks_and_returns_only_deleted_ids() -> None:
    calls: list[httpx.Request] = []
    undeletable = {"id007", "id150"}

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        asked = request.url.params.get_list("post_ids[]")
        return httpx.Response(200, json={"deleted_ids": [i for i in asked if i not in undeletable]})

    ids = [f"id{i:03d}" for i in range(250)]
    with make_client(handler) as client:
        deleted = client.delete_posts(ids)
        assert client.delete_posts([]) == []
    assert deleted == [i for i in ids if i not in undeletable]
    assert [len(r.url.params.get_list("post_ids[]")) for r in calls] == [100, 100, 50]
    assert all(r.method == "DELETE" and r.content == b"" for r in calls)


def test_upload_media_sends_the_file_as_multipart() -> None:
    calls: list[httpx.Request] = []
    media = {"id": "m1", "path": "https://cdn.test/m1.png", "type": "photo", "name": "cat.png"}

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200, json=media)

    data = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    with make_client(handler) as client:
        assert client.upload_media(data, "cat.png", in_library=True) == media
    request = calls[0]
    content_type = request.headers["content-type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    assert request.headers["publer-workspace-id"] == WS
    body = request.read()
    assert data in body
    assert b'name="file"; filename="cat.png"' in body
    assert b"Content-Type: image/png" in body
    assert b'name="in_library"\r\n\r\ntrue' in body
    assert b'name="direct_upload"\r\n\r\nfalse' in body


def test_media_from_url_then_wait_for_media() -> None:
    clock = Clock()
    calls: list[httpx.Request] = []
    polls = iter(
        [
            {"status": "working"},
            {"status": "complete", "payload": [{"id": "m1", "type": "photo"}]},
        ]
    )

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if request.url.path.endswith("/media/from-url"):
            return httpx.Response(200, json={"job_id": "mj1"})
        return httpx.Response(200, json=next(polls))

    items = [{"url": "https://img.test/a.jpg", "name": "a.jpg"}]
    with make_client(handler, clock) as client:
        job_id = client.media_from_url(items)
        assert client.wait_for_media(job_id) == [{"id": "m1", "type": "photo"}]
    assert body_of(calls[0]) == {
        "media": items,
        "type": "single",
        "direct_upload": False,
        "in_library": False,
    }
    assert calls[1].url.path == "/api/v1/job_status/mj1"
    assert clock.sleeps == [2.0]


def test_wait_for_media_single_object_and_failures() -> None:
    answers = iter(
        [
            {"success": True, "data": {"status": "completed", "result": {"payload": {"id": "m9"}}}},
            {"status": "failed", "payload": {"failures": [{"message": "could not download"}]}},
        ]
    )
    with make_client(lambda r: httpx.Response(200, json=next(answers))) as client:
        assert client.wait_for_media("j1") == [{"id": "m9"}]
        with pytest.raises(PublerRequestError, match="could not download"):
            client.wait_for_media("j2")


def test_job_status_uses_workspace_and_normalises() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["publer-workspace-id"] == WS
        return httpx.Response(200, json={"status": "completed", "payload": {"failures": {}}})

    with make_client(handler) as client:
        status = client.job_status("j1")
    assert status.state is JobState.COMPLETE
    assert status.failures == ()


def test_bad_endpoint_is_a_config_error() -> None:
    for endpoint in ("ftp://example.test", "sandbox", "http://[::1", ""):
        with pytest.raises(ConfigError, match="not an http"):
            PublerClient(endpoint, KEY, WS)


def test_repr_and_context_manager() -> None:
    client = make_client(lambda r: httpx.Response(200, json={}))
    assert repr(client) == f"PublerClient(base_url='{BASE}', workspace_id='{WS}')"
    with client as same:
        assert same is client
