"""The API key never shows: not in repr, exception text, hints, tracebacks or events."""

from __future__ import annotations

import random
import traceback
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from client_support import Clock

from contentctl.errors import ContentctlError, PublerAuthError, PublerRequestError
from contentctl.publer import PublerClient

KEY = "pk_live_7f3a9c0e11d24b6b8e5f"
BULK = {"state": "scheduled", "posts": []}


def echo(status: int, *, as_json: bool = True, **headers: str) -> Callable[..., httpx.Response]:
    """A hostile server: puts the Authorization header it received into every answer."""

    def handler(request: httpx.Request) -> httpx.Response:
        auth = request.headers.get("authorization", "")
        assert KEY in auth  # the key really is sent, so echoing it is a real test
        extra = {name.replace("_", "-"): value.format(auth=auth) for name, value in headers.items()}
        if as_json:
            body = {"errors": [f"bad credentials {auth}"], "error": auth, "message": auth}
            return httpx.Response(status, json=body, headers=extra)
        return httpx.Response(status, text=f"<h1>{auth}</h1>", headers=extra)

    return handler


def raising(exc_type: type[Exception]) -> Callable[..., httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc_type(f"failed with {request.headers['authorization']}")

    return handler


class Captured:
    def __init__(self) -> None:
        self.texts: list[str] = []

    def exception(self, exc: BaseException) -> None:
        self.texts += [str(exc), repr(exc), "".join(traceback.format_exception(exc))]
        if isinstance(exc, ContentctlError):
            self.texts.append(str(exc.hint))
            self.texts.append(repr(vars(exc)))
        if isinstance(exc, PublerRequestError):
            self.texts += list(exc.errors)


CALLS: list[Callable[[PublerClient], Any]] = [
    lambda c: c.accounts(),
    lambda c: c.me(),
    lambda c: c.schedule(BULK),
    lambda c: c.update_post("p1", {"text": "x"}),
    lambda c: c.delete_posts(["p1"]),
    lambda c: c.upload_media(b"x", "a.png"),
    lambda c: c.media_from_url([{"url": "https://img.test/a.jpg"}]),
    lambda c: c.wait_for_job("j1"),
    lambda c: c.list_posts(),
]

SERVERS: list[Callable[..., httpx.Response]] = [
    echo(400),
    echo(401),
    echo(403),
    echo(404),
    echo(413),
    echo(422),
    echo(429),
    echo(500),
    echo(503),
    echo(418),
    echo(400, as_json=False),
    echo(502, as_json=False),
    echo(200, as_json=False),
    echo(301, location="https://evil.test/?k={auth}"),
    raising(httpx.ReadTimeout),
    raising(httpx.ReadError),
    raising(httpx.ConnectError),
    raising(httpx.RemoteProtocolError),
    raising(httpx.LocalProtocolError),
]


def test_the_key_never_appears_in_errors_events_or_repr() -> None:
    captured = Captured()
    raised = 0
    for server in SERVERS:
        for call in CALLS:
            clock = Clock()
            client = PublerClient(
                "https://publer.test/api/v1",
                KEY,
                "ws1",
                transport=httpx.MockTransport(server),
                sleep=clock.sleep,
                now=clock.now,
                rng=random.Random(0),
                max_retries=1,
                poll_timeout=5.0,
                on_event=captured.texts.append,
            )
            captured.texts += [repr(client), str(client)]
            with client:
                try:
                    call(client)
                except ContentctlError as exc:
                    raised += 1
                    captured.exception(exc)
    assert raised == len(SERVERS) * len(CALLS)
    assert any("retrying" in text for text in captured.texts)
    assert any("[redacted]" in text for text in captured.texts)
    leaks = [text for text in captured.texts if KEY in text]
    assert leaks == []


@pytest.mark.parametrize("bad", ["caf\u00e9-key", "two words", "tab\tkey"])
def test_malformed_keys_are_refused_without_showing_them(bad: str) -> None:
    with pytest.raises(PublerAuthError) as info:
        PublerClient("https://publer.test/api/v1", bad, "ws1")
    assert bad not in str(info.value)
    assert info.value.hint is not None and "PUBLER_API_KEY" in info.value.hint


def test_surrounding_whitespace_of_a_key_is_dropped() -> None:
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers["authorization"])
        return httpx.Response(200, json={"id": "u1"})

    with PublerClient(
        "https://publer.test/api/v1", f"  {KEY}\n", "ws1", transport=httpx.MockTransport(handler)
    ) as client:
        client.me()
    assert sent == [f"Bearer-API {KEY}"]
