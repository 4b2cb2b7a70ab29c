"""The agenda's pure rules: the 48-hour boundary in real hours, and the free-slot walk."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from hersteld.consults import rules

AMS = ZoneInfo("Europe/Amsterdam")
UTC = dt.UTC


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=AMS)


def test_exactly_48_hours_before_is_late_and_one_second_earlier_is_on_time() -> None:
    start = at(2026, 6, 10, 10, 0)
    assert rules.cancel_timing(at(2026, 6, 8, 10, 0), start, 48) == "late"
    assert rules.cancel_timing(at(2026, 6, 8, 9, 59, 59), start, 48) == "on_time"
    assert not rules.employer_may_cancel(at(2026, 6, 8, 10, 0), start, 48)
    assert rules.employer_may_cancel(at(2026, 6, 8, 9, 59, 59), start, 48)


def test_hours_are_real_hours_across_the_switch_to_summer_time() -> None:
    # Clocks go forward on Sunday 29 March 2026 02:00 -> 03:00: from Saturday 10:00 to
    # Monday 10:00 is 47 real hours, so the wall-clock "two days" is already late.
    start = at(2026, 3, 30, 10, 0)
    assert start.astimezone(UTC) - at(2026, 3, 28, 10, 0).astimezone(UTC) == dt.timedelta(hours=47)
    assert rules.cancel_timing(at(2026, 3, 28, 10, 0), start, 48) == "late"
    assert rules.cancel_timing(at(2026, 3, 28, 8, 59), start, 48) == "on_time"


def test_hours_are_real_hours_across_the_switch_to_winter_time() -> None:
    # Clocks go back on Sunday 25 October 2026 03:00 -> 02:00: Saturday 10:00 to Monday
    # 10:00 is 49 real hours, so it is still on time; 49 hours before is late.
    start = at(2026, 10, 26, 10, 0)
    assert rules.cancel_timing(at(2026, 10, 24, 10, 0), start, 48) == "on_time"
    assert rules.cancel_timing(at(2026, 10, 24, 11, 0), start, 48) == "late"


def test_the_boundary_is_the_same_instant_in_any_time_zone() -> None:
    start = at(2026, 6, 10, 10, 0)  # 08:00 UTC in summer
    assert rules.cancel_timing(dt.datetime(2026, 6, 8, 8, 0, tzinfo=UTC), start, 48) == "late"
    assert rules.cancel_timing(dt.datetime(2026, 6, 8, 7, 59, tzinfo=UTC), start, 48) == "on_time"


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        rules.cancel_timing(dt.datetime(2026, 6, 8, 10, 0), at(2026, 6, 10, 10, 0), 48)


def test_an_outcome_is_recorded_from_the_day_of_the_consult() -> None:
    assert rules.may_record_outcome(dt.date(2026, 6, 10), dt.date(2026, 6, 10))
    assert rules.may_record_outcome(dt.date(2026, 6, 11), dt.date(2026, 6, 10))
    assert not rules.may_record_outcome(dt.date(2026, 6, 9), dt.date(2026, 6, 10))


def test_free_slots_skip_bookings_and_respect_the_window() -> None:
    window = rules.Window(at(2026, 6, 10, 9, 0), at(2026, 6, 10, 11, 0), "Utrecht")
    busy = [(at(2026, 6, 10, 9, 30), at(2026, 6, 10, 10, 15))]
    starts = [start for start, _ in rules.free_slots([window], busy, 30)]
    # 09:00 free; 09:30 and 10:00 overlap the booking; 10:30 free; 11:00 would end after 11:00.
    assert starts == [at(2026, 6, 10, 9, 0), at(2026, 6, 10, 10, 30)]


def test_free_slots_not_before_a_moment() -> None:
    window = rules.Window(at(2026, 6, 10, 9, 0), at(2026, 6, 10, 10, 0))
    starts = [s for s, _ in rules.free_slots([window], [], 20, not_before=at(2026, 6, 10, 9, 10))]
    assert starts == [at(2026, 6, 10, 9, 20), at(2026, 6, 10, 9, 40)]


def test_touching_bookings_do_not_overlap() -> None:
    assert not rules.overlaps(
        at(2026, 1, 5, 9), at(2026, 1, 5, 10), at(2026, 1, 5, 10), at(2026, 1, 5, 11)
    )
    assert rules.overlaps(
        at(2026, 1, 5, 9), at(2026, 1, 5, 10, 1), at(2026, 1, 5, 10), at(2026, 1, 5, 11)
    )
