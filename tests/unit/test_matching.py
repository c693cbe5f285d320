"""Matching wanted posts to listed remote posts: one to one, by each method's rule, never guessed.

Plain data in process: ``Wanted`` records and ``RemotePost`` records, many
with the same text on the same account across every publishing method (the
bug where undated drafts, settled first, took other posts' scheduled posts).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from contentctl.apply.matching import Method, Wanted, assign, fits, method_of, wanted_from_spec
from contentctl.plan.targets import fingerprint
from contentctl.publer import RemotePost

T0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
TEXT = "Weekly reminder: the shop opens at nine."
ACC = "65f0a1b2c3d4e5f607180001"


def remote(
    post_id: str,
    *,
    state: str = "scheduled",
    at: datetime | None = None,
    account: str | None = ACC,
    text: str = TEXT,
    job: str | None = None,
    auto: bool = False,
) -> RemotePost:
    raw: dict[str, object] = {"id": post_id, "job_id": job, "auto": auto}
    return RemotePost(
        id=post_id,
        account_id=account,
        state=state,
        scheduled_at=None if at is None else at.isoformat(timespec="milliseconds"),
        text=text,
        post_link=None,
        network="facebook",
        type="status",
        raw=raw,  # type: ignore[arg-type]
    )


def wanted(
    post_id: str,
    method: Method,
    *,
    at: datetime | None = None,
    account: str | None = ACC,
    job: str | None = None,
    state: str = "scheduled",
    start: datetime | None = None,
    end: datetime | None = None,
) -> Wanted:
    return Wanted(
        key=(post_id, "fb" if account else "-"),
        account_id=account,
        fingerprint=fingerprint(TEXT),
        method=method,
        at=at,
        range_start=start,
        range_end=end,
        bulk_state=state,
        job_id=job,
    )


def every_method_with_one_text() -> tuple[list[Wanted], list[RemotePost]]:
    """The same text on one account as every method, each with its own remote post."""
    weeks = [T0 + timedelta(days=7 * i) for i in range(4)]
    want = [wanted(f"weekly-{i}", Method.SCHEDULED, at=when) for i, when in enumerate(weeks)]
    want += [
        wanted("draft-undated-1", Method.UNDATED_DRAFT, state="draft"),
        wanted("draft-undated-2", Method.UNDATED_DRAFT, state="draft"),
        wanted("draft-dated", Method.DRAFT, at=T0 + timedelta(hours=3), state="draft"),
        wanted("idea", Method.IDEA, account=None, state="draft_private"),
        wanted("auto", Method.AUTO, start=T0 + timedelta(days=40), end=T0 + timedelta(days=50)),
        wanted("recycled", Method.RECYCLING, at=T0 + timedelta(days=60)),
        wanted("recurring", Method.RECURRING, at=T0 + timedelta(days=70), state="recurring"),
        wanted("now", Method.PUBLISH_NOW, job="job-now"),
    ]
    posts = [remote(f"r-weekly-{i}", at=when) for i, when in enumerate(weeks)]
    posts += [
        remote("r-draft-a", state="draft"),
        remote("r-draft-b", state="draft"),
        remote("r-draft-dated", state="draft", at=T0 + timedelta(hours=3)),
        remote("r-idea", state="draft_private", account=None),
        remote("r-auto", at=T0 + timedelta(days=44), auto=True),
        remote("r-recycled", at=T0 + timedelta(days=60)),
        remote("r-recurring", state="recurring", at=T0 + timedelta(days=70)),
        remote("r-now", state="published", at=T0 - timedelta(days=1), job="job-now"),
    ]
    return want, posts


def test_every_method_finds_its_own_post_among_identical_texts() -> None:
    want, posts = every_method_with_one_text()
    result = assign(want, list(reversed(posts)))  # the order Publer lists in does not matter
    assert result.ambiguous == {}
    found = {key[0]: post.id for key, post in result.found.items()}
    assert found == {
        "weekly-0": "r-weekly-0",
        "weekly-1": "r-weekly-1",
        "weekly-2": "r-weekly-2",
        "weekly-3": "r-weekly-3",
        "draft-undated-1": "r-draft-a",
        "draft-undated-2": "r-draft-b",
        "draft-dated": "r-draft-dated",
        "idea": "r-idea",
        "auto": "r-auto",
        "recycled": "r-recycled",
        "recurring": "r-recurring",
        "now": "r-now",
    }
    assert len(set(found.values())) == len(found)  # never one remote post for two


def test_an_undated_draft_never_takes_a_scheduled_post() -> None:
    want = [wanted("draft", Method.UNDATED_DRAFT, state="draft")]
    posts = [remote("r-scheduled", at=T0), remote("r-dated-draft", state="draft", at=T0)]
    assert assign(want, posts).found == {}


def test_a_scheduled_post_keeps_its_remote_post_when_drafts_are_matched_too() -> None:
    want = [
        wanted("draft", Method.UNDATED_DRAFT, state="draft"),
        wanted("weekly", Method.SCHEDULED, at=T0),
    ]
    posts = [remote("r-weekly", at=T0 + timedelta(seconds=30))]
    result = assign(want, posts)
    assert {k[0]: p.id for k, p in result.found.items()} == {"weekly": "r-weekly"}


def test_more_fitting_posts_than_wanted_is_reported_not_guessed() -> None:
    want = [wanted("draft", Method.UNDATED_DRAFT, state="draft")]
    posts = [remote("r-a", state="draft"), remote("r-b", state="draft")]
    result = assign(want, posts)
    assert result.found == {}
    assert result.ambiguous == {
        ("draft", "fb"): "2 posts on Publer fit and nothing tells which is this one (r-a, r-b); "
        "delete the extra copies on Publer, or give the posts distinct text or times"
    }


def test_the_jobs_own_record_decides_between_look_alikes() -> None:
    want = [wanted("now", Method.PUBLISH_NOW, job="job-2")]
    posts = [
        remote("r-old", state="published", at=T0, job="job-1"),
        remote("r-new", state="published", at=T0 + timedelta(minutes=5), job="job-2"),
    ]
    result = assign(want, posts)
    assert {k[0]: p.id for k, p in result.found.items()} == {"now": "r-new"}
    assert result.ambiguous == {}


def test_claimed_posts_are_never_matched_again() -> None:
    want = [wanted("weekly", Method.SCHEDULED, at=T0)]
    assert assign(want, [remote("r-1", at=T0)], claimed={"r-1"}).found == {}


def test_publish_now_ignores_the_clock_and_scheduled_times_allow_a_minute() -> None:
    now_post = remote("r-now", state="published", at=T0 + timedelta(minutes=5))
    assert fits(wanted("now", Method.PUBLISH_NOW), now_post)
    assert fits(wanted("s", Method.SCHEDULED, at=T0), remote("r", at=T0 + timedelta(seconds=60)))
    assert not fits(
        wanted("s", Method.SCHEDULED, at=T0), remote("r", at=T0 + timedelta(seconds=61))
    )
    assert not fits(wanted("s", Method.SCHEDULED, at=T0), remote("r", at=T0, text="Other text"))
    assert not fits(wanted("s", Method.SCHEDULED, at=T0), remote("r", at=T0, account="other"))


def test_method_of_each_spec() -> None:
    def spec(**parts: object) -> dict[str, object]:
        base: dict[str, object] = {"endpoint": "schedule", "bulk_state": "scheduled"}
        base.update(parts)
        return base

    at = {"scheduled_at": "2027-03-01T09:00:00Z"}
    cases = {
        Method.PUBLISH_NOW: spec(endpoint="publish"),
        Method.IDEA: spec(bulk_state="draft_public"),
        Method.DRAFT: spec(bulk_state="draft", account=at),
        Method.UNDATED_DRAFT: spec(bulk_state="draft"),
        Method.RECURRING: spec(bulk_state="recurring", post={"recurring": {"start_date": "x"}}),
        Method.AUTO: spec(post={"auto": True}),
        Method.RECYCLING: spec(post={"recycling": {"gap": 4}}, account=at),
        Method.SCHEDULED: spec(account=at),
    }
    for method, case in cases.items():
        assert method_of(case) is method  # type: ignore[arg-type]
    made = wanted_from_spec(("p", "fb"), ACC, {**spec(account=at), "network": {"text": TEXT}})
    assert (made.method, made.at, made.fingerprint) == (Method.SCHEDULED, T0, fingerprint(TEXT))


def test_a_timed_post_nothing_fits_is_given_the_one_post_in_its_minute() -> None:
    edited = remote("r-edited", at=T0 + timedelta(seconds=30), text="Edited on Publer")
    result = assign([wanted("weekly", Method.SCHEDULED, at=T0)], [edited])
    assert (result.found, result.ambiguous) == ({}, {})
    assert {k[0]: p.id for k, p in result.slotted.items()} == {"weekly": "r-edited"}


def test_a_minute_is_given_only_when_one_post_and_one_wanted_post_share_it() -> None:
    other = "Edited on Publer"
    two = [
        remote("r-a", at=T0, text=other),
        remote("r-b", at=T0 + timedelta(seconds=20), text=other),
    ]
    assert assign([wanted("weekly", Method.SCHEDULED, at=T0)], two).slotted == {}
    one = [remote("r-a", at=T0, text=other)]
    pair = [wanted("a", Method.SCHEDULED, at=T0), wanted("b", Method.SCHEDULED, at=T0)]
    assert assign(pair, one).slotted == {}
    elsewhere = [
        remote("r-late", at=T0 + timedelta(seconds=61), text=other),
        remote("r-other-account", at=T0, text=other, account="other"),
        remote("r-draft", at=T0, text=other, state="draft"),
    ]
    assert assign([wanted("weekly", Method.SCHEDULED, at=T0)], elsewhere).slotted == {}
    assert assign([wanted("w", Method.SCHEDULED, at=T0)], one, claimed={"r-a"}).slotted == {}


def test_a_post_that_fits_is_never_also_given_a_minute() -> None:
    posts = [remote("r-same", at=T0), remote("r-other", at=T0 + timedelta(seconds=10), text="x")]
    result = assign([wanted("weekly", Method.SCHEDULED, at=T0)], posts)
    assert {k[0]: p.id for k, p in result.found.items()} == {"weekly": "r-same"}
    assert result.slotted == {}
