"""The sandbox's Publer rules on plain data: bulk shape, per-pair planning, network content."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from contentctl.sandbox.jobs import (
    BACKDATED,
    GAP_MESSAGE,
    ONE_TIKTOK,
    RequestRejected,
    check_bulk_shape,
    format_time,
    parse_time,
    plan_bulk,
)
from contentctl.sandbox.networks import check_content, check_text

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
ACCOUNTS = {
    "fb": {"id": "fb", "name": "Page", "provider": "facebook"},
    "x": {"id": "x", "name": "X", "provider": "twitter"},
    "tt1": {"id": "tt1", "name": "T1", "provider": "tiktok"},
    "tt2": {"id": "tt2", "name": "T2", "provider": "tiktok"},
    "yt": {"id": "yt", "name": "Tube", "provider": "youtube"},
}


def plan(
    bulk: dict[str, Any],
    *,
    busy: frozenset[tuple[str, datetime]] | set[tuple[str, datetime]] = frozenset(),
    publish_now: bool = False,
    media: dict[str, dict[str, Any]] | None = None,
) -> Any:
    def taken(account_id: str, when: datetime) -> bool:
        return any(a == account_id and abs(t - when) < timedelta(minutes=1) for a, t in busy)

    return plan_bulk(
        check_bulk_shape({"bulk": bulk}, publish_now=publish_now),
        publish_now=publish_now, accounts=ACCOUNTS, now=NOW, taken=taken,
        media=(media or LIBRARY).get,
    )  # fmt: skip


def post(*accounts: dict[str, Any], **networks: dict[str, Any]) -> dict[str, Any]:
    return {"networks": networks or {"default": {"type": "status", "text": "hi"}},
            "accounts": list(accounts)}  # fmt: skip


def at(minutes: float) -> str:
    return (NOW + timedelta(minutes=minutes)).isoformat()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "param is missing or the value is empty: bulk"),
        ({"bulk": {"state": "auto", "posts": [{}]}}, "Unknown state auto"),
        ({"bulk": {"posts": [{}]}}, "Unknown state None"),
        ({"bulk": {"state": "draft", "posts": "x"}},
         "param is missing or the value is empty: posts"),
        ({"bulk": {"state": "draft", "posts": [1]}}, "posts[0] must be an object"),
        ({"bulk": {"state": "draft", "posts": [{"accounts": [{"id": "fb"}]}]}},
         "posts[0].networks is required"),
        ({"bulk": {"state": "draft", "posts": [{"networks": {"default": {"type": "status"}}}]}},
         "posts[0].accounts is required"),
    ],
)  # fmt: skip
def test_bad_shapes_are_400(body: dict[str, Any], message: str) -> None:
    with pytest.raises(RequestRejected) as caught:
        check_bulk_shape(body, publish_now=False)
    assert (caught.value.status, caught.value.errors) == (400, [message])


def test_publish_now_defaults_to_scheduled_and_refuses_drafts() -> None:
    assert (
        check_bulk_shape({"bulk": {"posts": [post({"id": "fb"})]}}, publish_now=True).state
        == "scheduled"
    )
    with pytest.raises(RequestRejected):
        check_bulk_shape({"bulk": {"state": "draft", "posts": [post({"id": "fb"})]}},
                         publish_now=True)  # fmt: skip


def test_each_pair_is_planned_with_its_own_time_and_labels() -> None:
    outcome = plan({"state": "scheduled", "posts": [
        {**post({"id": "fb", "scheduled_at": at(60), "labels": ["b"]},
                {"id": "x", "scheduled_at": "2030-01-01T15:00:00+02:00"}),
         "labels": ["a", {"name": "b"}]},
    ]})  # fmt: skip
    assert outcome.failures == []
    first, second = outcome.planned
    assert (first.account["id"], first.scheduled_at, first.labels) == (
        "fb",
        NOW + timedelta(hours=1),
        ("a", "b"),
    )
    assert second.scheduled_at == NOW + timedelta(hours=1)
    assert format_time(second.scheduled_at) == "2030-01-01T15:00:00.000+02:00"
    assert first.state == "scheduled" and first.options["auto"] is False


def test_failures_keep_the_bulk_index_and_account_details() -> None:
    outcome = plan({"state": "scheduled", "posts": [
        post({"id": "fb", "scheduled_at": at(60)}),
        post({"id": "nope", "scheduled_at": at(60)}, {"id": "x", "scheduled_at": at(-1)}),
    ]})  # fmt: skip
    assert [(f.post_index, f.account_id, f.account_name, f.provider, f.message)
            for f in outcome.failures] == [
        (1, "nope", None, None, "Account not found"),
        (1, "x", "X", "twitter", BACKDATED),
    ]  # fmt: skip
    assert [p.post_index for p in outcome.planned] == [0]


def test_gap_counts_the_store_and_the_same_request() -> None:
    busy = {("fb", NOW + timedelta(hours=2))}
    outcome = plan({"state": "scheduled", "posts": [
        post({"id": "fb", "scheduled_at": at(120.5)}),
        post({"id": "x", "scheduled_at": at(60)}),
        post({"id": "x", "scheduled_at": at(60.99)}),
        post({"id": "x", "scheduled_at": at(61)}),
    ]}, busy=busy)  # fmt: skip
    assert [(f.post_index, f.message) for f in outcome.failures] == [
        (0, GAP_MESSAGE), (2, GAP_MESSAGE)
    ]  # fmt: skip


def test_drafts_skip_time_rules_and_ideas_have_no_account() -> None:
    drafts = plan({"state": "draft", "posts": [post({"id": "fb", "scheduled_at": at(-600)})]})
    assert drafts.failures == [] and drafts.planned[0].state == "draft"
    ideas = plan(
        {
            "state": "draft_private",
            "posts": [{"networks": {"default": {"type": "status", "text": "i"}}}],
        }
    )
    assert ideas.planned[0].account is None and ideas.planned[0].scheduled_at is None


def test_publish_now_uses_the_clock() -> None:
    outcome = plan({"state": "scheduled", "posts": [post({"id": "x"})]}, publish_now=True)
    assert (outcome.planned[0].state, outcome.planned[0].scheduled_at) == ("published", NOW)


def test_auto_picks_free_whole_hours_inside_the_range() -> None:
    queued = {**post({"id": "fb"}), "auto": True,
              "range": {"start_date": at(5), "end_date": at(150)}}  # fmt: skip
    busy = {("fb", NOW + timedelta(hours=1))}
    outcome = plan({"state": "scheduled", "posts": [queued, queued, queued]}, busy=busy)
    assert [p.scheduled_at for p in outcome.planned] == [NOW + timedelta(hours=2)]
    assert outcome.planned[0].options["auto"] is True
    assert [f.message for f in outcome.failures] == [
        "No free slot left in the posting schedule for this range"
    ] * 2


def test_a_post_without_time_is_queued() -> None:
    outcome = plan({"state": "scheduled", "posts": [post({"id": "x"})]})
    assert outcome.planned[0].scheduled_at == NOW + timedelta(hours=1)
    assert outcome.planned[0].options["auto"] is True


def test_second_tiktok_account_fails() -> None:
    video = {"type": "video", "text": "v", "media": [{"id": "v", "type": "video"}]}
    outcome = plan({"state": "scheduled", "posts": [
        post({"id": "tt1", "scheduled_at": at(60)}, {"id": "tt2", "scheduled_at": at(60)},
             tiktok=video),
        post({"id": "tt1", "scheduled_at": at(90)}, tiktok=video),
    ]})  # fmt: skip
    assert [(f.account_id, f.message) for f in outcome.failures] == [("tt2", ONE_TIKTOK)]
    assert len(outcome.planned) == 2


def test_recurring_needs_a_schedule_and_a_network_that_has_it() -> None:
    with pytest.raises(RequestRejected) as caught:
        plan({"state": "recurring", "posts": [post({"id": "fb"})]})
    assert caught.value.errors == ["posts[0].recurring is required"]
    schedule = {"start_date": at(600), "repeat": "daily", "repeat_rate": 1}
    youtube = plan({"state": "recurring", "posts": [{**post({"id": "yt"}, youtube={
        "type": "video", "text": "t", "title": "t", "media": [{"id": "v", "type": "video"}]}),
        "recurring": schedule}]})  # fmt: skip
    assert youtube.failures[0].message == "Recurring is not available for youtube"
    ok = plan({"state": "recurring", "posts": [{**post({"id": "fb"}), "recurring": schedule}]})
    assert ok.planned[0].scheduled_at == NOW + timedelta(hours=10)


def no_media(_: str) -> None:
    return None


# Uploaded media the content checks look up: a photo, a video and a GIF.
LIBRARY = {k: {"id": k, "type": t} for k, t in (("p", "photo"), ("v", "video"), ("g", "gif"))}
CARD = {"url": "https://a.example", "title": "T", "description": "D", "images": ["https://i"]}


@pytest.mark.parametrize(
    ("provider", "entry", "post_level", "expected"),
    [
        ("twitter", {"type": "status", "text": "x" * 280}, False, None),
        ("twitter", {"type": "status", "text": "x" * 281}, False, "limit is 280"),
        ("bluesky", {"type": "status", "text": "x" * 301}, False, "limit is 300"),
        ("wordpress", {"type": "article", "text": "x" * 50_000}, False, None),
        ("google", {"type": "photo", "text": "x", "media": [{"id": "p", "type": "photo"}] * 2},
         False, "1 to 1"),
        ("google", {"type": "photo", "text": "x", "media": [{"id": "v", "type": "video"}]},
         False, "does not accept videos"),
        ("facebook", {"type": "carousel", "text": "x"}, False, "sublinks"),
        ("facebook", {"type": "carousel", "text": "x", "sublinks": [CARD]}, False, None),
        ("facebook", {"type": "carousel", "text": "x", "sublinks": [{"url": "u"}]}, False,
         "sublinks[0].title can't be blank"),
        ("instagram", {"type": "photo", "text": "x"}, True, "undefined method 'count' for nil"),
        ("twitter", {"type": "link", "text": "x"}, False, "needs a url"),
        ("linkedin", {"type": "link", "text": "x", "link": {"url": "https://a"}}, False, None),
        ("mastodon", {"type": "poll", "text": "q", "options": ["a"]}, False, "2 to 4"),
        ("threads", {"type": "status", "text": ""}, False, "can't be blank"),
        ("youtube", {"type": "video", "text": "d", "title": "t" * 101,
                     "media": [{"id": "v", "type": "video"}]}, False, "Title is too long"),
        ("youtube", {"type": "video", "text": "d", "title": "t",
                     "media": [{"id": "p", "type": "photo"}]}, False, "needs a video"),
        ("linkedin", {"type": "document", "text": "d"}, False, "needs a file"),
    ],
)  # fmt: skip
def test_network_content_rules(
    provider: str, entry: dict[str, Any], post_level: bool, expected: str | None
) -> None:
    problem = check_content(provider, entry, post_level_media=post_level, media=LIBRARY.get)
    if expected is None:
        assert problem is None
    else:
        assert problem is not None and expected in problem


def test_known_media_types_come_from_the_library() -> None:
    library = {"m1": {"id": "m1", "type": "video"}}
    entry = {"type": "video", "text": "v", "media": [{"id": "m1", "type": "video"}]}
    assert check_content("tiktok", entry, post_level_media=False, media=library.get) is None
    entry = {"type": "video", "text": "v", "media": [{"id": "m2", "type": "video"}]}
    assert check_content("tiktok", entry, post_level_media=False, media=library.get) == (
        "Media m2 not found"
    )


def test_check_text_counts_characters_not_bytes() -> None:
    assert check_text("twitter", "é" * 280, None) is None


def test_parse_time_reads_offsets_z_and_naive_as_utc() -> None:
    assert parse_time("2030-01-01T12:00:00Z") == NOW
    assert parse_time("2030-01-01T12:00:00") == NOW
    assert parse_time("2030-01-01T13:00:00+01:00") == NOW
    assert parse_time("tomorrow") is None and parse_time(5) is None


LONG_POST = {"type": "long_post"}


@pytest.mark.parametrize(
    ("provider", "entry", "expected"),
    [
        # X Premium long posts: 25,000 characters with details.type long_post
        ("twitter", {"type": "status", "text": "x" * 25_000, "details": LONG_POST}, None),
        ("twitter", {"type": "status", "text": "x" * 25_001, "details": LONG_POST},
         "Text is too long for twitter: 25001 weighted characters (X counts URLs as 23 and "
         "emoji/CJK as 2), the limit is 25000"),
        ("pinterest", {"type": "photo", "text": "x", "title": "t" * 101,
                       "media": [{"id": "p", "type": "photo"}]},
         "Title is too long for pinterest: the limit is 100 characters"),
        ("wordpress", {"type": "article", "text": "x", "media": [{"id": "v", "type": "video"}]},
         "wordpress does not accept videos"),
        ("wordpress", {"type": "article", "title": "t"}, "Text can't be blank"),
        ("twitter", {"type": "link", "url": "https://a.example"}, "Text can't be blank"),
        ("youtube", {"type": "video", "text": "d", "title": "t",
                     "media": [{"id": "g", "type": "gif"}]},
         "A video post needs a video"),
        ("twitter", {"type": "poll", "text": "q", "options": ["a" * 26, "b"], "duration": 1},
         "Poll options on twitter take at most 25 characters"),
        ("mastodon", {"type": "poll", "text": "q", "options": ["a", "b"], "duration": 8},
         "A poll on mastodon runs 1 to 7 days"),
        ("linkedin", {"type": "poll", "text": "q", "options": ["a", "b"], "duration": 14},
         "Question can't be blank"),
        ("linkedin", {"type": "poll", "question": "q", "options": ["a", "b"], "duration": 14},
         None),
        ("facebook", {"type": "carousel", "text": "x", "sublinks": [{"url": "u"}] * 11},
         "A Facebook carousel needs 1 to 10 sublinks"),
    ],
)  # fmt: skip
def test_the_sandbox_checks_what_the_facts_table_says(
    provider: str, entry: dict[str, Any], expected: str | None
) -> None:
    assert check_content(provider, entry, post_level_media=False, media=LIBRARY.get) == expected


def test_check_text_reads_long_posts_from_details() -> None:
    assert check_text("twitter", "x" * 281, None) == (
        "Text is too long for twitter: 281 weighted characters (X counts URLs as 23 and "
        "emoji/CJK as 2), the limit is 280"
    )
    assert check_text("twitter", "x" * 281, None, LONG_POST) is None


def test_daily_limits_fail_the_excess_posts_of_an_account() -> None:
    # https://publer.com/docs/getting-started/rate-limits: X takes 100 posts per account in a
    # rolling 24 hours on the Business plan; the excess fails in the job, per account
    from contentctl.sandbox.jobs import day_counter

    held = [{"account_id": "x", "state": "scheduled", "scheduled_at": at(60 + 2 * i)}
            for i in range(99)]  # fmt: skip
    bulk = {"state": "scheduled", "posts": [
        post({"id": "x", "scheduled_at": at(600)}, twitter={"type": "status", "text": "100th"}),
        post({"id": "x", "scheduled_at": at(601)}, twitter={"type": "status", "text": "101st"}),
        post({"id": "x", "scheduled_at": at(60 + 24 * 60 + 30)},
             twitter={"type": "status", "text": "a day later"}),
    ]}  # fmt: skip
    outcome = plan_bulk(
        check_bulk_shape({"bulk": bulk}, publish_now=False), publish_now=False,
        accounts=ACCOUNTS, now=NOW, taken=lambda _a, _t: False, media=LIBRARY.get,
        day_count=day_counter(held),
    )  # fmt: skip
    assert [f.message for f in outcome.failures] == [
        "Daily limit of 100 posts in 24 hours reached for this twitter account"
    ]
    assert [p.content["text"] for p in outcome.planned] == ["100th", "a day later"]
