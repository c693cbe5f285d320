"""``at`` strings to aware UTC datetimes, and the DST errors that name both candidates."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from contentctl.manifest.times import TimeParseError, parse_date, resolve_at

BERLIN = "Europe/Berlin"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2027-06-01T09:00:00+02:00", datetime(2027, 6, 1, 7, 0, tzinfo=UTC)),
        ("2027-06-01T09:00:00Z", datetime(2027, 6, 1, 9, 0, tzinfo=UTC)),
        ("2027-06-01T09:00Z", datetime(2027, 6, 1, 9, 0, tzinfo=UTC)),
        ("2027-06-01T09:00:00-0500", datetime(2027, 6, 1, 14, 0, tzinfo=UTC)),
        ("2027-06-01T09:00", datetime(2027, 6, 1, 7, 0, tzinfo=UTC)),  # CEST, +02:00
        ("2027-01-15 09:00", datetime(2027, 1, 15, 8, 0, tzinfo=UTC)),  # CET, +01:00
        ("2027-01-15T09:00:30", datetime(2027, 1, 15, 8, 0, 30, tzinfo=UTC)),
        ("2027-01-15T09:00:30.250", datetime(2027, 1, 15, 8, 0, 30, 250000, tzinfo=UTC)),
    ],
)
def test_at_is_read_as_an_aware_utc_time(value: str, expected: datetime) -> None:
    resolved = resolve_at(value, BERLIN)
    assert resolved == expected
    assert resolved.tzinfo is UTC


def test_an_offset_wins_over_the_timezone() -> None:
    assert resolve_at("2027-06-01T09:00:00+00:00", "Asia/Tokyo") == datetime(
        2027, 6, 1, 9, tzinfo=UTC
    )


def test_a_local_time_is_read_in_the_given_zone() -> None:
    assert resolve_at("2027-06-01T09:00", "America/New_York") == datetime(
        2027, 6, 1, 13, tzinfo=UTC
    )


def test_a_time_in_the_spring_gap_names_both_candidates() -> None:
    with pytest.raises(TimeParseError) as caught:
        resolve_at("2027-03-28T02:30", BERLIN)
    assert str(caught.value) == (
        "2027-03-28T02:30 does not exist in Europe/Berlin (the clocks skip it at the DST "
        "change); write 2027-03-28T01:30:00+01:00 or 2027-03-28T03:30:00+02:00"
    )


def test_a_time_in_the_autumn_overlap_names_both_candidates() -> None:
    with pytest.raises(TimeParseError) as caught:
        resolve_at("2027-10-31T02:30", BERLIN)
    assert str(caught.value) == (
        "2027-10-31T02:30 is ambiguous in Europe/Berlin (it happens twice at the DST change): "
        "2027-10-31T02:30:00+02:00 or 2027-10-31T02:30:00+01:00; write the offset"
    )


def test_dst_errors_follow_the_zone_of_the_post() -> None:
    with pytest.raises(TimeParseError, match=r"2027-03-14T01:30:00-05:00 or 2027-03-14T03:30:00"):
        resolve_at("2027-03-14T02:30", "America/New_York")
    # the same wall time is fine in Berlin, where the change comes two weeks later
    assert resolve_at("2027-03-14T02:30", BERLIN) == datetime(2027, 3, 14, 1, 30, tzinfo=UTC)


def test_the_overlap_with_seconds_keeps_them_in_the_candidates() -> None:
    with pytest.raises(TimeParseError, match=r"02:30:15\+02:00 or 2027-10-31T02:30:15\+01:00"):
        resolve_at("2027-10-31 02:30:15", BERLIN)


def test_an_explicit_offset_inside_the_gap_is_fine() -> None:
    assert resolve_at("2027-03-28T02:30:00+01:00", BERLIN) == datetime(
        2027, 3, 28, 1, 30, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "2027-02-30T09:00",
            "'2027-02-30T09:00' is not a valid date and time: day is out of range",
        ),
        ("2027-06-01T25:00", "'2027-06-01T25:00' is not a valid date and time: hour must be in"),
        ("tomorrow at nine", "'tomorrow at nine' is not a time like 2027-03-01T09:00"),
        ("2027-06-01", "'2027-06-01' is not a time like 2027-03-01T09:00"),
    ],
)
def test_bad_times_say_what_is_wrong(value: str, message: str) -> None:
    with pytest.raises(TimeParseError) as caught:
        resolve_at(value, BERLIN)
    assert str(caught.value).startswith(message)


def test_an_unknown_zone_is_named() -> None:
    with pytest.raises(TimeParseError, match=r"^unknown IANA timezone 'Europe/Berln'$"):
        resolve_at("2027-06-01T09:00", "Europe/Berln")


def test_dates_of_ranges_and_repeat_rules() -> None:
    assert parse_date("2027-04-05") == date(2027, 4, 5)
    assert parse_date("2027-04-05T09:00:00+02:00") == date(2027, 4, 5)
    with pytest.raises(TimeParseError, match=r"^'2027-13-01' is not a valid date: month must be"):
        parse_date("2027-13-01")
