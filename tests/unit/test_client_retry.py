"""Which failures PublerClient retries, and which creates it refuses to repeat."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from client_support import Clock, make_client

from contentctl.errors import (
    PublerError,
    PublerServerError,
    PublerTimeoutError,
    UnknownOutcomeError,
)
from contentctl.publer import PublerClient

BULK = {"state": "scheduled", "posts": [{"networks": {}, "accounts": [{"id": "a1"}]}]}

Step = httpx.Response | Exception


class Script:
    """A transport handler that plays a list of answers (or raised errors) in order."""

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        step = self.steps.pop(0)
        if isinstance(step, Exception):
            raise step
        return step


def ok(body: Any) -> httpx.Response:
    return httpx.Response(200, json=body)


def down(status: int) -> httpx.Response:
    return httpx.Response(status, json={"errors": ["upstream trouble"]})


ACCOUNTS = [{"id": "a1", "provider": "bluesky"}]


def test_get_retried_through_503s_and_connect_errors_and_counted() -> None:
    clock = Clock()
    script = Script(
        down(503),
        httpx.ConnectError("connection refused"),
        down(502),
        httpx.ReadTimeout("read timed out"),
        ok(ACCOUNTS),
    )
    events: list[str] = []
    with make_client(script, clock, on_event=events.append) as client:
        assert client.accounts() == ACCOUNTS
        assert client.request_count == 5
    assert len(clock.sleeps) == 4
    # Exponential: each backoff window doubles (jitter keeps each within [d/2, d]).
    for attempt, slept in enumerate(clock.sleeps):
        window = 0.5 * 2**attempt
        assert window / 2 <= slept <= window
    assert sum("retrying" in e for e in events) == 4


def test_get_500_retried_but_put_500_is_not() -> None:
    script = Script(down(500), ok(ACCOUNTS), down(500))
    with make_client(script) as client:
        assert client.accounts() == ACCOUNTS
        with pytest.raises(PublerServerError, match="500"):
            client.update_post("p1", {"text": "x"})
        assert client.request_count == 3


@pytest.mark.parametrize(
    ("method", "call"),
    [
        ("PUT", lambda c: c.update_post("p1", {"text": "x"})),
        ("DELETE", lambda c: c.delete_posts(["p1"])),
        ("GET", lambda c: c.job_status("j1")),
    ],
)
def test_idempotent_calls_retry_transient_faults(
    method: str, call: Callable[[PublerClient], Any]
) -> None:
    answer = {"id": "p1", "deleted_ids": ["p1"], "status": "complete"}
    script = Script(httpx.RemoteProtocolError("Server disconnected"), down(504), ok(answer))
    with make_client(script) as client:
        call(client)
        assert client.request_count == 3
    assert {r.method for r in script.requests} == {method}


def test_retries_are_bounded_then_server_error() -> None:
    script = Script(*[down(503)] * 3)
    with make_client(script, max_retries=2) as client:
        with pytest.raises(PublerServerError) as info:
            client.accounts()
        assert client.request_count == 3
    assert info.value.status == 503
    assert "after 3 attempts" in str(info.value)


def test_timeouts_after_retries_are_timeout_errors() -> None:
    script = Script(*[httpx.ReadTimeout("timed out")] * 5)
    with make_client(script) as client:
        with pytest.raises(PublerTimeoutError, match="after 5 attempts"):
            client.accounts()
        assert client.request_count == 5


def test_connect_errors_after_retries_are_server_errors() -> None:
    script = Script(*[httpx.ConnectError("refused")] * 5)
    with make_client(script) as client, pytest.raises(PublerServerError, match="refused") as info:
        client.me()
    assert info.value.hint is not None and "CONTENTCTL_ENDPOINT" in info.value.hint


@pytest.mark.parametrize(
    "fault",
    [
        httpx.ReadTimeout("read timed out"),
        httpx.WriteTimeout("write timed out"),
        httpx.ReadError("Connection reset by peer"),
        httpx.RemoteProtocolError("Server disconnected without sending a response"),
        down(500),
        down(502),
        down(503),
        down(504),
    ],
    ids=lambda f: type(f).__name__ if isinstance(f, Exception) else str(f.status_code),
)
@pytest.mark.parametrize(
    "create",
    [
        lambda c: c.schedule(BULK),
        lambda c: c.schedule(BULK, publish_now=True),
        lambda c: c.media_from_url([{"url": "https://img.test/a.jpg"}]),
        lambda c: c.upload_media(b"bytes", "a.png"),
    ],
    ids=["schedule", "publish", "from-url", "upload"],
)
def test_a_create_whose_answer_is_lost_is_never_repeated(
    fault: Step, create: Callable[[PublerClient], Any]
) -> None:
    script = Script(fault, ok({"job_id": "j-dup", "id": "m-dup"}))
    with make_client(script) as client:
        with pytest.raises(UnknownOutcomeError) as info:
            create(client)
        assert client.request_count == 1
    assert len(script.requests) == 1
    assert len(script.steps) == 1  # the success answer was never asked for
    assert info.value.hint is not None and "reconciles" in info.value.hint
    assert not isinstance(info.value.__cause__, httpx.HTTPError)


def test_a_create_is_retried_when_nothing_was_sent() -> None:
    clock = Clock()
    script = Script(
        httpx.ConnectError("connection refused"),
        httpx.ConnectTimeout("connect timed out"),
        ok({"job_id": "j1"}),
    )
    with make_client(script, clock) as client:
        assert client.schedule(BULK) == "j1"
        assert client.request_count == 3
    assert len(clock.sleeps) == 2


def test_a_create_answered_without_a_job_id_is_an_unknown_outcome() -> None:
    for answer in (ok({"ok": True}), httpx.Response(200, text="<html>ok</html>")):
        with make_client(Script(answer)) as client, pytest.raises(UnknownOutcomeError):
            client.schedule(BULK)


def test_no_httpx_exception_escapes() -> None:
    faults: list[Step] = [
        httpx.ConnectError("x"),
        httpx.ReadError("x"),
        httpx.PoolTimeout("x"),
        httpx.UnsupportedProtocol("x"),
        httpx.LocalProtocolError("x"),
        httpx.ProxyError("x"),
        httpx.DecodingError("x"),
        httpx.Response(302, headers={"location": "https://elsewhere.test/"}),
        httpx.Response(418, text=""),
    ]
    for fault in faults:
        script = Script(*[fault] * 5)
        with make_client(script) as client:
            for call in (lambda: client.accounts(), lambda: client.schedule(BULK)):
                script.steps = [fault] * 5
                with pytest.raises(PublerError):
                    call()
