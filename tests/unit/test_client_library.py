"""The client's media-library listing and link preview, on the wire (contentctl/publer/library.py).

``list_media`` sends ``GET /media`` as MEDIAREF's OAS block spells it: ``ids[]``
comma-separated (``explode: false``), the other array filters repeated with
brackets, ``page`` from 0, until ``total`` is reached.
https://publer.com/docs/api-reference/media
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from client_support import make_client

from contentctl.cli import cli
from contentctl.errors import PublerServerError
from contentctl.publer import PublerClient
from contentctl.sandbox import (
    DEFAULT_WORKSPACE_ID,
    IN_PROCESS_BASE_URL,
    SANDBOX_API_KEY,
    Store,
    in_process_transport,
)


def test_list_media_sends_the_oas_filters_and_reads_every_page() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url.query, "ascii"))
        page = int(request.url.params["page"])
        items = [{"id": f"m{page}{n}"} for n in range(20 if page == 0 else 3)]
        return httpx.Response(200, json={"media": items, "total": 23})

    with make_client(handler) as client:
        found = client.list_media(sources=["canva"], labels=["spring"], search="menu")
    assert len(found) == 23
    assert seen == [
        f"types%5B%5D=photo&types%5B%5D=video&types%5B%5D=gif&used%5B%5D=true&used%5B%5D=false"
        f"&source%5B%5D=canva&labels%5B%5D=spring&search=menu&page={page}"
        for page in (0, 1)
    ]


def test_list_media_by_ids_sends_them_comma_separated_once() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url.query, "ascii"))
        return httpx.Response(200, json={"media": [{"id": "a"}, {"id": "b"}], "total": 2})

    with make_client(handler) as client:
        assert [m["id"] for m in client.list_media(ids=["a", "b"])] == ["a", "b"]
    assert seen == ["ids%5B%5D=a%2Cb&page=0"]


def test_a_media_answer_without_a_list_is_a_server_error() -> None:
    refused = pytest.raises(PublerServerError, match=r"^GET /media: Publer answered with no list")
    with make_client(lambda r: httpx.Response(200, json={"items": []})) as client, refused:
        client.list_media()


def test_labels_filter_the_sandbox_library(tmp_path: Path) -> None:
    transport = in_process_transport(None, db=tmp_path / "s.db")
    store: Store = transport.sandbox.store
    for media_id, labels in (("a" * 24, ["spring", "menu"]), ("b" * 24, [{"name": "menu"}]),
                             ("c" * 24, [])):  # fmt: skip
        store.add_media(DEFAULT_WORKSPACE_ID, {"id": media_id, "type": "photo", "name": media_id,
                                               "labels": labels})  # fmt: skip
    client = PublerClient(IN_PROCESS_BASE_URL, SANDBOX_API_KEY, DEFAULT_WORKSPACE_ID,
                          transport=transport)  # fmt: skip
    with client:
        assert [m["id"] for m in client.list_media(labels=["spring"])] == ["a" * 24]
        assert [m["id"] for m in client.list_media(labels=["menu"])] == ["b" * 24, "a" * 24]


def test_link_preview_posts_the_url_and_returns_the_card() -> None:
    bodies: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(request.content)
        return httpx.Response(200, json={"link": {"url": "https://a.example/", "title": "A"}})

    with make_client(handler) as client:
        assert client.link_preview("https://a.example/") == {"url": "https://a.example/",
                                                             "title": "A"}  # fmt: skip
    assert bodies == [b'{"url":"https://a.example/"}']


def test_an_answer_without_a_card_is_a_server_error() -> None:
    refused = pytest.raises(PublerServerError, match=r"^POST /posts/links: Publer answered with")
    with make_client(lambda r: httpx.Response(200, json={"links": []})) as client, refused:
        client.link_preview("https://a.example/")


CONFIG = "workspace: 6650f1c2a1b2c3d4e5f60718\nendpoint: sandbox\naccounts: {}\n"


def link(root: Path, *args: str) -> tuple[int, str, str]:
    """``contentctl -C ROOT link preview ARGS`` in process: exit code, stdout, stderr."""
    (root / "contentctl.yaml").write_text(CONFIG, encoding="utf-8")
    result = CliRunner().invoke(cli, ["-C", str(root), "link", "preview", *args])
    return result.exit_code, result.stdout, result.stderr


def test_link_preview_prints_the_sandbox_card(tmp_path: Path) -> None:
    code, out, err = link(tmp_path, "https://www.example.com/spring-menu")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "url               https://www.example.com/spring-menu",
        "title             Spring menu",
        "description       Spring menu, on example.com",
        "images            https://www.example.com/og-image.png",
        "favicon           https://www.example.com/favicon.ico",
        "provider display  example.com",
    ]
    code, out, err = link(tmp_path, "https://example.com/a", "--format", "yaml")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "link:",
        '  url: "https://example.com/a"',
        '  title: "A"',
        '  description: "A, on example.com"',
        "  images:",
        '    - "https://example.com/og-image.png"',
        '  provider_display: "example.com"',
    ]


def test_link_preview_refuses_a_url_that_is_not_http(tmp_path: Path) -> None:
    code, out, err = link(tmp_path, "ftp://example.com/a")
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == (
        "Error: Invalid value for URL: must start with http:// or https://"
    )
