"""``GET /media``'s filters as MEDIAREF's OAS block documents them.

https://publer.com/docs/api-reference/media: ``ids[]`` (``explode: false``, so
comma-separated; repeated ``ids[]`` is read too) picks items and ignores every
other filter and the page; ``types[]``, ``used[]``, ``source[]``, ``labels[]``
and ``search`` (name or caption) filter; ``page`` counts from 0, 20 an answer;
the answer is ``{media, total}``. An unknown enum value is a 400, and so is a
listing without ``types[]`` or ``used[]`` (the OAS marks both required).
"""

from __future__ import annotations

from typing import Any

import pytest
from contract_support import EITHER_USE, EVERY_TYPE, Remote, at


def query(params: Any) -> list[tuple[str, str]]:
    """``params`` with the two filters the OAS marks required, set to "all" where not given."""
    pairs = list(params.items()) if isinstance(params, dict) else list(params)
    given = {name for name, _ in pairs}
    if "ids[]" not in given and "ids" not in given:
        pairs += [] if "types[]" in given else EVERY_TYPE
        pairs += [] if "used[]" in given else EITHER_USE
    return pairs


def names(remote: Remote, params: Any) -> list[str]:
    response = remote.client.get("/media", params=query(params))
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"media", "total"}
    assert body["total"] == len(body["media"])
    return sorted(m["name"] for m in body["media"])


@pytest.fixture
def library(remote: Remote) -> dict[str, str]:
    """p.png, v.mp4, g.gif and d.pdf uploaded, and menu.jpg imported from a URL (Canva)."""
    ids = {name: remote.upload(name) for name in ("p.png", "v.mp4", "g.gif", "d.pdf")}
    created = remote.client.post("/media/from-url", json={"type": "single", "media": [
        {"url": "https://cdn.example/m.jpg", "name": "menu.jpg", "caption": "Spring blend",
         "source": "canva"}]})  # fmt: skip
    [imported] = remote.finish(created.json()["job_id"])["payload"]
    ids["menu.jpg"] = imported["id"]
    return ids


def test_types_filter_by_media_type(remote: Remote, library: dict[str, str]) -> None:
    assert names(remote, {"types[]": "video"}) == ["v.mp4"]
    assert names(remote, [("types[]", "photo"), ("types[]", "gif")]) == [
        "g.gif", "menu.jpg", "p.png"
    ]  # fmt: skip
    assert names(remote, {"types[]": "document"}) == ["d.pdf"]
    assert names(remote, {}) == ["d.pdf", "g.gif", "menu.jpg", "p.png", "v.mp4"]


def test_used_tells_media_a_post_shows_from_the_rest(
    remote: Remote, library: dict[str, str]
) -> None:
    job = remote.run({"state": "scheduled", "posts": [{
        "networks": {"facebook": {"type": "photo", "text": "Hi",
                                  "media": [{"id": library["p.png"], "type": "photo"}]}},
        "accounts": [{"id": remote.id("facebook"), "scheduled_at": at(30)}]}]})  # fmt: skip
    assert job["payload"]["failures"] == {}
    assert names(remote, {"used[]": "true"}) == ["p.png"]
    assert names(remote, {"used[]": "false"}) == ["d.pdf", "g.gif", "menu.jpg", "v.mp4"]
    both = names(remote, [("used[]", "true"), ("used[]", "false")])
    assert both == ["d.pdf", "g.gif", "menu.jpg", "p.png", "v.mp4"]


def test_source_filters_by_where_the_media_came_from(
    remote: Remote, library: dict[str, str]
) -> None:
    assert names(remote, {"source[]": "canva"}) == ["menu.jpg"]
    assert names(remote, {"source[]": "upload"}) == ["d.pdf", "g.gif", "p.png", "v.mp4"]
    assert names(remote, {"source[]": "favorites"}) == []


def test_labels_filter_media_by_label(remote: Remote, library: dict[str, str]) -> None:
    # nothing in this library is labelled, so a label matches nothing (unit tests label some)
    assert names(remote, {"labels[]": "spring"}) == []


def test_search_reads_name_and_caption(remote: Remote, library: dict[str, str]) -> None:
    assert names(remote, {"search": "MENU"}) == ["menu.jpg"]
    assert names(remote, {"search": "spring blend"}) == ["menu.jpg"]
    assert names(remote, {"search": ".mp4"}) == ["v.mp4"]


def test_ids_comma_separated_or_repeated_pick_items_and_ignore_the_rest(
    remote: Remote, library: dict[str, str]
) -> None:
    pair = f"{library['p.png']},{library['v.mp4']}"
    assert names(remote, {"ids[]": pair}) == ["p.png", "v.mp4"]  # the OAS's explode: false
    assert names(remote, {"ids": pair}) == ["p.png", "v.mp4"]
    repeated = [("ids[]", library["p.png"]), ("ids[]", library["v.mp4"])]
    assert names(remote, repeated) == ["p.png", "v.mp4"]
    assert names(remote, {"ids[]": library["p.png"], "types[]": "gif", "page": 3}) == ["p.png"]


def test_pages_hold_twenty_and_total_counts_every_match(remote: Remote) -> None:
    for n in range(25):
        remote.upload(f"photo{n:02d}.png")
    pages = [remote.client.get("/media", params=query({"page": p, "types[]": "photo"})).json()
             for p in (0, 1, 2)]  # fmt: skip
    assert [len(p["media"]) for p in pages] == [20, 5, 0]
    assert {p["total"] for p in pages} == {25}
    listed = sorted(m["name"] for p in pages for m in p["media"])
    assert listed == [f"photo{n:02d}.png" for n in range(25)]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"types[]": "image"}, "types[] takes photo, video, gif, document"),
        ({"used[]": "yes"}, "used[] takes true, false"),
        ({"source[]": "dropbox"},
         "source[] takes canva, vista, postnitro, contentdrips, openai, favorites, upload"),
        ({"page": "two"}, "page must be a whole number"),
    ],
)  # fmt: skip
def test_a_value_outside_the_documented_enum_is_a_400(
    remote: Remote, params: dict[str, str], message: str
) -> None:
    response = remote.client.get("/media", params=query(params))
    assert (response.status_code, response.json()) == (400, {"errors": [message]})


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (EITHER_USE, "types[] is required"),
        (EVERY_TYPE, "used[] is required"),
        ([], "types[] is required"),
    ],
)
def test_a_listing_without_the_required_filters_is_a_400(
    remote: Remote, params: list[tuple[str, str]], message: str
) -> None:
    # https://publer.com/docs/api-reference/media: the OAS marks types[] and used[] required
    response = remote.client.get("/media", params=params)
    assert (response.status_code, response.json()) == (400, {"errors": [message]})
    assert names(remote, params) == []  # with them: an empty library, listed
