"""Each SHAPE, LOOSE, STRICT and MISSING row of the fidelity review, on both sandboxes.

Every test names the Publer page it rests on and sends the documented shape
(accepted) and the wrong one (refused with Publer's words: a synchronous
``400 {"errors": [...]}`` for a malformed body, a per-account failure inside a
``complete`` job for a content problem).
"""

from __future__ import annotations

from typing import Any

import pytest
from contract_support import PHOTO, VIDEO, Remote, at

import contentctl.sandbox as sb
from contentctl.model import Provider
from contentctl.sandbox.seed import albums, signatures, watermarks

WEIGHTED = "weighted characters (X counts URLs as 23 and emoji/CJK as 2)"


def one(remote: Remote, alias: str, entry: dict[str, Any], **account: Any) -> dict[str, Any]:
    spec = {"id": remote.id(alias), "scheduled_at": at(hours=1), **account}
    provider = remote.accounts[alias]["provider"]
    return {"state": "scheduled", "posts": [{"networks": {provider: entry}, "accounts": [spec]}]}


def outcome(remote: Remote, bulk: dict[str, Any]) -> list[str]:
    """The failure messages of a bulk's job (which must be ``complete``); [] if it took all."""
    job = remote.run(bulk)
    assert job["status"] == "complete"
    return [str(f["message"]) for group in job["payload"]["failures"].values() for f in group]


def refused(remote: Remote, bulk: dict[str, Any]) -> list[str]:
    """The errors of a synchronous 400; nothing may be created."""
    before = len(remote.posts())
    response = remote.client.post("/posts/schedule", json={"bulk": remote.uploaded(bulk)})
    assert response.status_code == 400, response.text
    assert len(remote.posts()) == before
    return list(response.json()["errors"])


# -- the bulk body, field by field --------------------------------------------------


def test_network_entries_name_their_type(remote: Remote) -> None:
    # OAS: every *NetworkContent requires type; https://publer.com/docs/posting/create-posts
    assert outcome(remote, one(remote, "facebook", {"type": "status", "text": "typed"})) == []
    untyped = one(remote, "facebook", {"text": "untyped"})
    assert refused(remote, untyped) == ["posts[0].networks.facebook.type is required"]


def test_media_type_is_the_uploaded_files_type(remote: Remote) -> None:
    # https://publer.com/docs/posting/create-posts/content-types/platform-specific-formats/reels-shorts-and-stories
    reel = {"type": "video", "text": "r", "details": {"type": "reel"}, "media": [VIDEO]}
    assert outcome(remote, one(remote, "instagram", reel)) == []
    video_as_photo = {**reel, "media": [{"id": "<video>", "type": "photo"}]}
    video_id = remote.media["<video>"]
    bulk = one(remote, "instagram", video_as_photo, scheduled_at=at(hours=2))
    assert outcome(remote, bulk) == [f"Media {video_id} is a video, not a photo"]


def test_thumbnails_are_uploaded_photos(remote: Remote) -> None:
    # media[].thumbnails[{id, small, real}] + default_thumbnail: the reels page, as above
    # https://publer.com/docs/posting/create-posts/content-types/platform-specific-formats/reels-shorts-and-stories
    video = {**VIDEO, "thumbnails": [{"id": "<photo>"}], "default_thumbnail": 0}
    entry = {"type": "video", "text": "t", "title": "Guide", "media": [video]}
    assert outcome(remote, one(remote, "youtube", entry)) == []
    wrong = {**entry, "media": [{**VIDEO, "thumbnails": [{"id": "<video>"}]}]}
    bulk = one(remote, "youtube", wrong, scheduled_at=at(hours=2))
    assert outcome(remote, bulk) == ["Thumbnails must be uploaded photos"]


def test_external_media_only_where_publer_takes_it(remote: Remote) -> None:
    # https://publer.com/docs/posting/create-posts/content-types/platform-specific-formats/pinterest-pins-with-a-link-url
    board = albums({"id": remote.id("pinterest"), "provider": "pinterest"})[0]["id"]
    external = {"id": "external-0", "path": "https://cdn.example/pin.jpg", "type": "photo"}
    pin = {"type": "photo", "text": "pin", "media": [external]}
    assert outcome(remote, one(remote, "pinterest", pin, album_id=board)) == []
    # https://publer.com/docs/posting/create-posts/media-handling: upload first elsewhere
    assert outcome(remote, one(remote, "instagram", pin)) == [
        "Media external-0 not found: upload it first or use /media/from-url"
    ]


def test_auto_ranges_are_timestamps_and_the_end_day_counts(remote: Remote) -> None:
    # https://publer.com/docs/create-posts/publishing-methods/auto-scheduling: range.start_date
    # and end_date are timestamps; a bare date ends the range at midnight, cutting the day off
    day = at(hours=30)[:10]
    post = {"networks": {"facebook": {"type": "status", "text": "queued"}}, "auto": True,
            "accounts": [{"id": remote.id("facebook")}]}  # fmt: skip
    dates = {"start_date": day, "end_date": day}
    two = {"state": "scheduled", "posts": [{**post, "range": dates}] * 2}
    assert outcome(remote, two) == ["No free slot left in the posting schedule for this range"]
    whole_day = {"start_date": f"{day}T00:00:00+00:00", "end_date": f"{day}T23:59:59+00:00"}
    two = {"state": "scheduled", "posts": [{**post, "range": whole_day}] * 2}
    assert outcome(remote, two) == []
    assert sorted(p["scheduled_at"] for p in remote.posts()) == [
        f"{day}T0{h}:00:00.000+00:00" for h in (0, 1, 2)
    ]


def test_recycling_is_checked_as_its_page_says(remote: Remote) -> None:
    # https://publer.com/docs/posting/create-posts/publishing-methods/recycling-posts
    bulk = one(remote, "facebook", {"type": "status", "text": "again"})
    bulk["posts"][0]["recycling"] = {"gap": 4, "gap_freq": "Week", "expire_count": 6}
    assert outcome(remote, bulk) == []
    bulk = one(remote, "facebook", {"type": "status", "text": "again"}, scheduled_at=at(hours=3))
    bulk["posts"][0]["recycling"] = {"gap": 2, "gap_freq": "Fortnight"}
    assert refused(remote, bulk) == ["posts[0].recycling.gap_freq must be one of Day, Week, Month"]
    for extra, error in (
        ({"solo": "yes"}, "posts[0].recycling.solo must be true or false"),
        ({"expire_date": "2027-06-30T00:00:00Z"},
         "posts[0].recycling.expire_date must be a date (YYYY-MM-DD)"),
        ({"start_date": "30.06.2027"}, "posts[0].recycling.start_date must be a date (YYYY-MM-DD)"),
    ):  # fmt: skip
        bulk["posts"][0]["recycling"] = {"gap": 2, "gap_freq": "Week", **extra}
        assert refused(remote, bulk) == [error]
    dates = {"start_date": "2027-05-01", "expire_date": "2027-06-30"}
    bulk["posts"][0]["recycling"] = {"gap": 2, "gap_freq": "Week", "solo": True, **dates}
    assert outcome(remote, bulk) == []


@pytest.mark.parametrize(
    ("recurring", "error"),
    [
        ({"repeat": "weekly", "repeat_rate": 1, "start_date": "2030-01-07"},
         "posts[0].recurring.start_date must be a timestamp"),
        ({"repeat": "weekly", "start_date": "2030-01-07T08:00:00+01:00"},
         "posts[0].recurring.repeat_rate must be a whole number"),
        ({"repeat": "fortnightly", "repeat_rate": 1, "start_date": "2030-01-07T08:00:00+01:00"},
         "posts[0].recurring.repeat must be one of daily, weekly, monthly, yearly"),
        ({"repeat": "weekly", "repeat_rate": 1, "start_date": "2030-01-07T08:00:00+01:00",
          "days_of_week": [7]}, "posts[0].recurring.days_of_week takes 0 to 6"),
    ],
)  # fmt: skip
def test_recurring_takes_the_current_pages_body(
    remote: Remote, recurring: dict[str, Any], error: str
) -> None:
    # https://publer.com/docs/posting/create-posts/publishing-methods/recurring-posts
    post = {"networks": {"facebook": {"type": "status", "text": "weekly"}},
            "accounts": [{"id": remote.id("facebook")}]}  # fmt: skip
    good = {
        "repeat": "weekly",
        "repeat_rate": 1,
        "days_of_week": [1],
        "start_date": "2030-01-07T08:00:00+01:00",
        "end_date": "2030-03-31T23:59:59+01:00",
    }
    assert refused(remote, {"state": "recurring", "posts": [{**post, "recurring": recurring}]}) == [
        error
    ]  # fmt: skip
    assert outcome(remote, {"state": "recurring", "posts": [{**post, "recurring": good}]}) == []
    assert remote.posts()[0]["scheduled_at"] == "2030-01-07T08:00:00.000+01:00"


def test_pins_need_one_of_the_accounts_boards(remote: Remote) -> None:
    # https://publer.com/docs/create-posts/media-options (albums), and the pins page above
    # https://publer.com/docs/posting/create-posts/content-types/platform-specific-formats/pinterest-pins-with-a-link-url
    board = albums({"id": remote.id("pinterest"), "provider": "pinterest"})[1]["id"]
    pin = {"type": "photo", "text": "pin", "media": [PHOTO]}
    assert outcome(remote, one(remote, "pinterest", pin, album_id=board)) == []
    later = at(hours=2)
    assert outcome(remote, one(remote, "pinterest", pin, scheduled_at=later)) == [
        "A Pinterest pin needs a board (album_id)"
    ]
    assert outcome(remote, one(remote, "pinterest", pin, scheduled_at=later, album_id="1")) == [
        "Album 1 not found for this account"
    ]


def test_youtube_videos_need_a_title(remote: Remote) -> None:
    # https://publer.com/docs/posting/create-posts/content-types/platform-specific-formats/reels-shorts-and-stories
    video = {"type": "video", "text": "d", "title": "A title", "media": [VIDEO]}
    assert outcome(remote, one(remote, "youtube", video)) == []
    untitled = {k: v for k, v in video.items() if k != "title"}
    bulk = one(remote, "youtube", untitled, scheduled_at=at(hours=2))
    assert outcome(remote, bulk) == ["Title can't be blank"]


def test_link_posts_carry_a_link_object(remote: Remote) -> None:
    # https://publer.com/docs/posting/create-posts/content-types/link-posts
    link = {"type": "link", "text": "read", "link": {"url": "https://a.example/post"}}
    assert outcome(remote, one(remote, "linkedin", link)) == []
    bulk = one(remote, "linkedin", {"type": "link", "text": "no url"}, scheduled_at=at(hours=2))
    assert outcome(remote, bulk) == ["A link post needs a url"]


def test_facebook_cards_have_url_title_description_and_images(remote: Remote) -> None:
    # https://publer.com/docs/posting/create-posts/content-types/platform-specific-formats/multi-link-posts-facebook-carousels
    card = {"url": "https://a.example", "title": "A", "description": "About A",
            "images": ["https://a.example/a.jpg"], "default_image": 0}  # fmt: skip
    entry = {"type": "carousel", "text": "cards", "sublinks": [card, card]}
    assert outcome(remote, one(remote, "facebook", entry)) == []
    bare = {**entry, "sublinks": [{"url": "https://a.example", "title": "A"}]}
    assert outcome(remote, one(remote, "facebook", bare, scheduled_at=at(hours=2))) == [
        "sublinks[0].description can't be blank"
    ]


def test_linkedin_documents_are_photo_with_details_type_document(remote: Remote) -> None:
    # https://publer.com/docs/posting/create-posts/content-types/platform-specific-formats/linkedin-pdf-carousels
    pdf = {"id": "<document>", "type": "document"}
    entry = {"type": "photo", "text": "menu", "details": {"type": "document"}, "media": [pdf]}
    assert outcome(remote, one(remote, "linkedin", entry)) == []
    overview = {"type": "pdf", "text": "menu", "media": [pdf]}
    assert outcome(remote, one(remote, "linkedin", overview, scheduled_at=at(hours=2))) == [
        "linkedin does not support pdf posts"
    ]


def test_google_events_are_photo_with_details_type_event(remote: Remote) -> None:
    # https://publer.com/docs/posting/create-posts/content-types/platform-specific-formats/google-business-profiles-updates-photos-events-and-offers
    details = {"type": "event", "title": "Tasting", "start": at(hours=40)}
    entry = {"type": "photo", "text": "come", "details": details, "media": [PHOTO]}
    assert outcome(remote, one(remote, "google", entry)) == []
    with_video = {**entry, "media": [VIDEO]}
    assert outcome(remote, one(remote, "google", with_video, scheduled_at=at(hours=2))) == [
        "google does not accept videos"
    ]


def test_x_long_posts_are_accepted_and_counted_the_way_x_counts(remote: Remote) -> None:
    # OAS TwitterNetworkContent (25,000 with details.type long_post);
    # https://docs.x.com/fundamentals/counting-characters (URLs 23, emoji and CJK 2)
    # https://github.com/api-evangelist/publer/blob/main/openapi/_original/publer-openapi.yml
    long_post = {"type": "status", "text": "x" * 25_000, "details": {"type": "long_post"}}
    assert outcome(remote, one(remote, "twitter", long_post)) == []
    cjk = {"type": "status", "text": "茶" * 141}
    assert outcome(remote, one(remote, "twitter", cjk, scheduled_at=at(hours=2))) == [
        f"Text is too long for twitter: 282 {WEIGHTED}, the limit is 280"
    ]
    url = "https://kettleandcrane.example/" + "a" * 200
    assert outcome(remote, one(remote, "twitter", {"type": "status", "text": f"{url} 🍵"},
                               scheduled_at=at(hours=3))) == []  # fmt: skip


@pytest.mark.parametrize(
    ("alias", "entry", "message"),
    [
        ("twitter", {"options": ["a", "b"], "duration": 30}, "A poll on twitter runs 1 to 7 days"),
        ("twitter", {"options": ["a" * 26, "b"], "duration": 1},
         "Poll options on twitter take at most 25 characters"),
        ("mastodon", {"options": ["a" * 51, "b"], "duration": 1},
         "Poll options on mastodon take at most 50 characters"),
        ("linkedin", {"options": ["a", "b"], "duration": 15, "question": "q"},
         "A poll on linkedin runs 1 to 14 days"),
    ],
)  # fmt: skip
def test_polls_follow_each_networks_limits(
    remote: Remote, alias: str, entry: dict[str, Any], message: str
) -> None:
    # https://publer.com/docs/posting/create-posts/content-types/polls
    poll = {"type": "poll", "text": "Which?", "options": ["a", "b"], "duration": 7,
            **({"question": "q"} if alias == "linkedin" else {})}  # fmt: skip
    assert outcome(remote, one(remote, alias, poll)) == []
    wrong = {**poll, **entry}
    assert outcome(remote, one(remote, alias, wrong, scheduled_at=at(hours=2))) == [message]


# -- per-account options (post callbacks, signatures, watermarks) -------------------------

CONDITIONS = {
    "relation": "OR",
    "clauses": {"age": {"duration": 2, "unit": "Hour"}, "reach": {"comparison": "gt", "value": 50}},
}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"comments": [{"text": "c", "conditions": {"relation": "XOR", "clauses": {}}}]},
         "comments[0].conditions.relation must be AND or OR"),
        ({"comments": [{"text": "c", "media": {"id": "<photo>", "type": "video"}}]},
         "comments[0].media must be an uploaded photo, video or gif with its type"),
        ({"share": {"account_ids": ["f" * 24]}}, f"share: account {'f' * 24} not found"),
        ({"delete": {"hide": True, "conditions": {"relation": "AND", "clauses": {"likes": 1}}}},
         "delete.conditions.clauses take age, engagements, reach"),
        ({"signature": "nope"}, "Signature nope not found for this account"),
        ({"watermark": {"id": "nope"}}, "Watermark nope not found for this account"),
    ],
)  # fmt: skip
def test_callbacks_signatures_and_watermarks(
    remote: Remote, options: dict[str, Any], message: str
) -> None:
    # https://publer.com/docs/posting/create-posts/content-types/post-callbacks
    # https://publer.com/docs/posting/create-posts/content-types/post-with-signature
    # https://publer.com/docs/create-posts/content-types/post-with-watermark
    account = {"id": remote.id("facebook"), "name": "Sandbox Facebook"}
    good = {
        "comments": [{"text": "first!", "language": "en", "conditions": CONDITIONS,
                      "media": PHOTO, "delay": {"duration": 5, "unit": "Minute"}}],
        "share": {"account_ids": [remote.id("threads")], "conditions": CONDITIONS},
        "delete": {"hide": True, "conditions": CONDITIONS},
        "signature": signatures(account)[0]["id"],
        "watermark": {"id": watermarks(account)[0]["id"], "opacity": 50},
    }  # fmt: skip
    entry = {"type": "photo", "text": "p", "media": [PHOTO]}
    assert outcome(remote, one(remote, "facebook", entry, **good)) == []
    wrong = one(remote, "facebook", entry, scheduled_at=at(hours=2), **options)
    assert outcome(remote, wrong) == [message]


# -- endpoints ------------------------------------------------------------------------


def test_media_options_and_signatures_list_each_accounts_own(remote: Remote) -> None:
    # https://publer.com/docs/create-posts/media-options
    pin = remote.id("pinterest")
    path = f"/workspaces/{remote.workspace_id}/media_options"
    found = remote.client.get(path, params={"accounts[]": pin}).json()
    assert found == [{"id": pin, "albums": albums({"id": pin, "provider": "pinterest"}),
                      "watermarks": watermarks({"id": pin})}]  # fmt: skip
    assert [b["name"] for b in found[0]["albums"]] == ["Recipes", "Shop"]
    # https://publer.com/docs/posting/create-posts/content-types/post-with-signature
    fb = remote.id("facebook")
    listed = remote.client.get(f"/workspaces/{remote.workspace_id}/signatures",
                               params={"accounts[]": fb}).json()  # fmt: skip
    assert [s["label"] for s in listed[0]["signatures"]] == ["Team", "Shop"]
    other = remote.client.get("/workspaces/" + "0" * 24 + "/media_options")
    assert (other.status_code, other.json()) == (403, {"errors": ["Workspace not found"]})


def test_media_from_url_needs_a_name_and_a_type(remote: Remote) -> None:
    # https://publer.com/docs/posting/create-posts/media-handling (name and type required)
    item = {"url": "https://cdn.example/a.png", "name": "a.png"}
    ok = remote.client.post("/media/from-url", json={"media": [item], "type": "single"})
    assert ok.status_code == 200
    no_type = remote.client.post("/media/from-url", json={"media": [item]})
    assert (no_type.status_code, no_type.json()) == (
        400, {"errors": ["type must be one of single, bulk"]}
    )  # fmt: skip
    no_name = remote.client.post("/media/from-url", json={"media": [{"url": item["url"]}],
                                                          "type": "single"})  # fmt: skip
    assert no_name.json() == {"errors": ["param is missing or the value is empty: media[0].name"]}


def test_accounts_are_the_workspaces_own(remote: Remote) -> None:
    # https://publer.com/docs/api-reference/accounts: the sandbox lists its own accounts
    listed = {a["id"]: a["provider"] for a in remote.client.get("/accounts").json()}
    assert listed[sb.default_account_id(Provider.LINKEDIN, "-page")] == "linkedin"
    bulk = one(remote, "facebook", {"type": "status", "text": "hi"})
    bulk["posts"][0]["accounts"][0]["id"] = "e" * 24
    assert outcome(remote, bulk) == ["Account not found"]
