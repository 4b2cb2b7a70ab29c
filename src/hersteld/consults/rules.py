"""The agenda's rules as plain values (docs/rules/consults.md): no Django, no database.

Times are aware datetimes. Hours before a consult are hours of real time: across the
switch to summer time a Saturday 10:00 lies 47 hours before the Monday 10:00 after it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

ON_TIME = "on_time"
LATE = "late"


def cancel_timing(now: dt.datetime, starts_at: dt.datetime, hours: int) -> str:
    """`on_time` when more than `hours` hours of real time remain before the start, else `late`.

    Exactly `hours` hours before is late: the seed asks for a cancellation "with 48 hours
    taken into account", so the 48 hours must lie wholly between cancellation and start."""
    if now.tzinfo is None or starts_at.tzinfo is None:
        raise ValueError("cancel_timing needs aware datetimes")
    # Python subtracts two datetimes of the same zone on the wall clock; in UTC it counts
    # real time, also across a switch of summer time.
    remaining = starts_at.astimezone(dt.UTC) - now.astimezone(dt.UTC)
    return ON_TIME if remaining > dt.timedelta(hours=hours) else LATE


def employer_may_cancel(now: dt.datetime, starts_at: dt.datetime, hours: int) -> bool:
    """The employer cancels or changes only on time; arbodienst staff always may."""
    return cancel_timing(now, starts_at, hours) == ON_TIME


def may_record_outcome(today: dt.date, consult_day: dt.date) -> bool:
    """Held or no-show is recorded from the day of the consult on (so later today counts)."""
    return consult_day <= today


def reminder_day(consult_day: dt.date, days_before: int) -> dt.date:
    """The day the SMS reminder of a first consult goes out."""
    return consult_day - dt.timedelta(days=days_before)


@dataclass(frozen=True)
class Window:
    """A stretch of time in which a practitioner can be booked, with where."""

    start: dt.datetime
    end: dt.datetime
    location: str = ""
    remote: bool = False


def overlaps(
    a_start: dt.datetime, a_end: dt.datetime, b_start: dt.datetime, b_end: dt.datetime
) -> bool:
    """Half-open intervals [start, end): touching ends do not overlap (like tstzrange '[)')."""
    return a_start < b_end and b_start < a_end


def within(windows: Iterable[Window], start: dt.datetime, end: dt.datetime) -> Window | None:
    """The availability window that holds [start, end) wholly, or None."""
    for window in windows:
        if window.start <= start and end <= window.end:
            return window
    return None


def free_slots(
    windows: Iterable[Window],
    busy: Iterable[tuple[dt.datetime, dt.datetime]],
    minutes: int,
    *,
    not_before: dt.datetime | None = None,
) -> Iterator[tuple[dt.datetime, Window]]:
    """Slot starts of `minutes` in each window, stepping by the slot length, skipping busy ones.

    `busy` must be sorted by start; one pass over windows and bookings (both in time
    order), so a year of a practitioner's agenda costs a linear walk."""
    # Everything in UTC: one zone makes each comparison a plain one (two zones cost an
    # offset lookup per comparison), and adding minutes counts real time.
    length = dt.timedelta(minutes=minutes)
    bookings = sorted((a.astimezone(dt.UTC), b.astimezone(dt.UTC)) for a, b in busy)
    earliest = not_before.astimezone(dt.UTC) if not_before is not None else None
    first = 0
    for window in sorted(windows, key=lambda w: w.start):
        start, window_end = window.start.astimezone(dt.UTC), window.end.astimezone(dt.UTC)
        while start + length <= window_end:
            end = start + length
            while first < len(bookings) and bookings[first][1] <= start:
                first += 1
            clash = False
            index = first
            while index < len(bookings) and bookings[index][0] < end:
                if overlaps(start, end, *bookings[index]):
                    clash = True
                    break
                index += 1
            if not clash and (earliest is None or start >= earliest):
                yield start, window
            start = end
