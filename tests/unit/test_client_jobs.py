"""Job answers in every envelope and failure shape Publer has been seen to use, and polling."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from client_support import Clock, make_client

from contentctl.errors import PublerTimeoutError
from contentctl.publer import JobFailure, JobState, PublerClient, media_items, parse_job_status

ONE = {"account_id": "a1", "account_name": "Tech", "provider": "twitter", "message": "Too long"}
TWO = {"account_id": "a2", "account_name": "Page", "provider": "facebook", "message": "Backdated"}
F1 = JobFailure("a1", "twitter", "Too long", None, "Tech")
F2 = JobFailure("a2", "facebook", "Backdated", None, "Page")


def flat(status: Any, failures: Any) -> dict[str, Any]:
    return {"status": status, "payload": {"failures": failures}, "plan": {"rate": "business"}}


def wrapped(status: Any, failures: Any) -> dict[str, Any]:
    result = {"status": status, "payload": {"failures": failures}, "plan": {"locked": False}}
    return {"success": True, "data": {"status": status, "result": result}}


ENVELOPES = [flat, wrapped]


@pytest.mark.parametrize("envelope", ENVELOPES)
@pytest.mark.parametrize(
    ("status", "state"),
    [
        ("complete", JobState.COMPLETE),
        ("completed", JobState.COMPLETE),
        ("COMPLETED", JobState.COMPLETE),
        ("failed", JobState.FAILED),
        ("error", JobState.FAILED),
        ("working", JobState.WORKING),
        ("pending", JobState.WORKING),
        (None, JobState.WORKING),
    ],
)
def test_states_in_both_envelopes(envelope: Any, status: Any, state: JobState) -> None:
    job = parse_job_status(envelope(status, {}))
    assert job.state is state
    assert job.finished is (state is not JobState.WORKING)
    assert job.raw == envelope(status, {})


@pytest.mark.parametrize("envelope", ENVELOPES)
@pytest.mark.parametrize(
    ("failures", "expected"),
    [
        ({}, ()),
        ([], ()),
        (None, ()),
        (
            {"0": [ONE, TWO], "1": [ONE]},
            (
                JobFailure("a1", "twitter", "Too long", "0", "Tech"),
                JobFailure("a2", "facebook", "Backdated", "0", "Page"),
                JobFailure("a1", "twitter", "Too long", "1", "Tech"),
            ),
        ),
        (
            {"a1": ONE, "a2": TWO},
            (
                JobFailure("a1", "twitter", "Too long", "a1", "Tech"),
                JobFailure("a2", "facebook", "Backdated", "a2", "Page"),
            ),
        ),
        ([ONE, TWO], (F1, F2)),
        (ONE, (F1,)),
        (["plain words"], (JobFailure(None, None, "plain words", None, None),)),
    ],
    ids=[
        "empty-dict",
        "empty-list",
        "null",
        "dict-of-lists",
        "dict-of-objects",
        "list",
        "one",
        "strings",
    ],
)
def test_failure_shapes_flatten(envelope: Any, failures: Any, expected: tuple[Any, ...]) -> None:
    job = parse_job_status(envelope("complete", failures))
    # Partial failure comes with status complete: the failures are still reported.
    assert job.state is JobState.COMPLETE
    assert job.failures == expected


def test_failure_fields_tolerate_odd_types() -> None:
    job = parse_job_status(
        flat("complete", [{"account_id": 123, "network": "bluesky", "errors": ["a", "b"]}, {}])
    )
    assert job.failures == (
        JobFailure("123", "bluesky", "a; b", None, None),
        JobFailure(None, None, "unknown failure (Publer gave no message)", None, None),
    )


def test_a_failed_job_without_failures_still_says_why() -> None:
    job = parse_job_status({"status": "failed", "error": "worker crashed"})
    assert job.state is JobState.FAILED
    assert [f.message for f in job.failures] == ["worker crashed"]
    assert parse_job_status({"success": False, "errors": ["gone"]}).state is JobState.FAILED


def test_payloads_are_kept() -> None:
    media = [{"id": "m1"}]
    assert parse_job_status({"status": "complete", "payload": media}).payload == media
    wrapped_media = {"success": True, "data": {"status": "complete", "result": {"payload": media}}}
    assert parse_job_status(wrapped_media).payload == media


@pytest.mark.parametrize(
    ("payload", "items"),
    [
        ([{"id": "m1"}, {"id": "m2"}], [{"id": "m1"}, {"id": "m2"}]),
        ({"id": "m1", "type": "photo"}, [{"id": "m1", "type": "photo"}]),
        ({"media": [{"id": "m3"}]}, [{"id": "m3"}]),
        ({"failures": {}}, []),
        (None, []),
    ],
)
def test_media_items(payload: Any, items: list[dict[str, Any]]) -> None:
    assert media_items(payload) == items


def client_for(answers: list[dict[str, Any]], clock: Clock, **kw: Any) -> PublerClient:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/api/v1/job_status/job-1"
        return httpx.Response(200, json=answers.pop(0) if len(answers) > 1 else answers[0])

    return make_client(handler, clock, seed=0, **kw)


def test_wait_for_job_backs_off_and_reports_progress() -> None:
    clock = Clock()
    answers = [{"status": "working"}] * 7 + [wrapped("completed", {"0": [ONE]})]
    events: list[str] = []
    with client_for(answers, clock, on_event=events.append) as client:
        job = client.wait_for_job("job-1")
        assert client.request_count == 8
    assert job.state is JobState.COMPLETE
    assert job.failures == (JobFailure("a1", "twitter", "Too long", "0", "Tech"),)
    assert clock.sleeps == [2.0, 3.0, 4.5, 6.75, 10.125, 15.0, 15.0]
    assert len(events) == 7
    assert all(e.startswith("Waiting for job job-1…") for e in events)


def test_wait_for_job_returns_failed_jobs() -> None:
    clock = Clock()
    with client_for([{"status": "working"}, flat("failed", [TWO])], clock) as client:
        job = client.wait_for_job("job-1")
    assert job.state is JobState.FAILED
    assert job.failures == (F2,)


def test_wait_for_job_times_out_naming_the_job() -> None:
    clock = Clock()
    with client_for([{"status": "working"}], clock, poll_timeout=60.0) as client:
        start = clock.now()
        with pytest.raises(PublerTimeoutError, match="job-1") as info:
            client.wait_for_job("job-1")
    assert clock.now() - start == pytest.approx(60.0)
    assert max(clock.sleeps) <= 15.0
    assert info.value.hint is not None
