"""``POST /posts/links``: Publer's link preview, made up by the sandbox from the URL alone.

https://publer.com/docs/posting/create-posts/content-types/link-posts: ``{url}``
in, ``{link: {url, title, description, images, favicon, provider_display}}``
out. The sandbox never fetches the page: the same URL always gives the same card.
"""

from __future__ import annotations

import pytest
from contract_support import Remote


def test_a_url_gets_a_card_derived_from_it(remote: Remote) -> None:
    # https://publer.com/docs/posting/create-posts/content-types/link-posts
    url = "https://www.example.com/menus/spring-tasting_menu.html?ref=x"
    response = remote.client.post("/posts/links", json={"url": url})
    assert response.status_code == 200, response.text
    assert response.json() == {"link": {
        "url": url,
        "title": "Spring tasting menu",
        "description": "Spring tasting menu, on example.com",
        "images": ["https://www.example.com/og-image.png"],
        "favicon": "https://www.example.com/favicon.ico",
        "provider_display": "example.com",
    }}  # fmt: skip
    again = remote.client.post("/posts/links", json={"url": url})
    assert again.json() == response.json()


def test_a_site_root_is_titled_with_the_site(remote: Remote) -> None:
    link = remote.client.post("/posts/links", json={"url": "http://shop.example.org"}).json()
    assert (link["link"]["title"], link["link"]["description"]) == (
        "shop.example.org", "The home page of shop.example.org"
    )  # fmt: skip


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "param is missing or the value is empty: url"),
        ({"url": ""}, "param is missing or the value is empty: url"),
        ({"url": 42}, "param is missing or the value is empty: url"),
        ({"url": "ftp://example.com/a"}, "url must be an http(s) URL"),
        ({"url": "https://"}, "url must be an http(s) URL"),
    ],
)
def test_a_body_without_an_http_url_is_a_400(
    remote: Remote, body: dict[str, object], message: str
) -> None:
    # https://publer.com/docs/posting/create-posts/content-types/link-posts
    response = remote.client.post("/posts/links", json=body)
    assert (response.status_code, response.json()) == (400, {"errors": [message]})
