"""The WSGI plumbing: an environ in, a ``Request`` out; a ``Response`` in, bytes out.

Kept apart from the endpoints so they deal only in plain values. Bracketed
Rails-style array parameters (``post_ids[]=a&post_ids[]=b``) and the plain
repeated form (``post_ids=a&post_ids=b``) read the same.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import parse_qs
from wsgiref.types import StartResponse, WSGIEnvironment

from contentctl.publer_facts import MAX_UPLOAD_BYTES
from contentctl.sandbox.jobs import RequestRejected

MAX_JSON_BYTES = 64 * 1024 * 1024


class DropConnection(Exception):
    """Raised out of the app to cut the connection without any HTTP answer."""


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # below /api/v1, e.g. "/posts/schedule"
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes
    content_type: str

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def values(self, name: str) -> list[str]:
        """Every value of an array parameter, bracketed or not."""
        return self.query.get(f"{name}[]", []) + self.query.get(name, [])

    def value(self, name: str) -> str | None:
        found = self.values(name)
        return found[0] if found else None

    def json(self) -> object:
        """The parsed body, still unchecked: callers narrow it before use."""
        if not self.body:
            raise RequestRejected(400, "The request body is empty; JSON was expected")
        try:
            parsed: object = json.loads(self.body)
            return parsed
        except (ValueError, UnicodeDecodeError):
            raise RequestRejected(400, "The request body is not valid JSON") from None


@dataclass
class Response:
    status: int
    body: object  # anything json.dumps takes
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False  # cut the connection instead of answering (after the commit)


def errors(status: int, *messages: str) -> Response:
    return Response(status, {"errors": list(messages)})


def read_request(environ: WSGIEnvironment, prefix: str) -> Request | None:
    """The request, or None when the path is outside ``prefix``."""
    path = str(environ.get("PATH_INFO") or "/")
    if path != prefix and not path.startswith(prefix + "/"):
        return None
    headers = {
        key[5:].replace("_", "-").lower(): str(value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    content_type = str(environ.get("CONTENT_TYPE") or "")
    headers["content-type"] = content_type
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise RequestRejected(400, "Bad Content-Length") from None
    limit = MAX_UPLOAD_BYTES if content_type.startswith("multipart/") else MAX_JSON_BYTES
    if length > limit:
        raise RequestRejected(413, "Request Entity Too Large")
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    return Request(
        method=str(environ.get("REQUEST_METHOD") or "GET").upper(),
        path=path[len(prefix) :] or "/",
        query=parse_qs(str(environ.get("QUERY_STRING") or ""), keep_blank_values=True),
        headers=headers,
        body=body,
        content_type=content_type,
    )


def send(response: Response, start_response: StartResponse) -> Iterable[bytes]:
    payload = json.dumps(response.body, ensure_ascii=False).encode("utf-8")
    reason = HTTPStatus(response.status).phrase
    headers = [
        ("Content-Type", "application/json; charset=utf-8"),
        ("Content-Length", str(len(payload))),
        *response.headers.items(),
    ]
    start_response(f"{response.status} {reason}", headers)
    return [payload]
