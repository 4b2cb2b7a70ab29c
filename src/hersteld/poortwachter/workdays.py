"""Working days of the Algemene termijnenwet (rules.md section 1), pure: no Django.

The holiday library gives the Dutch public holidays (Goede Vrijdag and the Easter,
Whit and Christmas days included); the Algemene termijnenwet also names 5 mei every
year, which the library only lists in lustrum years, so it is added here.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

# Algemene termijnenwet art. 3: the days that move a deadline besides Saturday and Sunday.
TERMIJNENWET_NAMES = {
    "New Year's Day",
    "Good Friday",
    "Easter Monday",
    "King's Day",
    "Liberation Day",
    "Ascension Day",
    "Pentecost Monday",
    "Christmas Day",
    "Second Day of Christmas",
}


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[dt.date]:
    days = {
        day
        for day, name in holidays.NL(years=year, language="en_US").items()
        if name in TERMIJNENWET_NAMES
    }
    days.add(dt.date(year, 5, 5))
    return frozenset(days)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


_ONE_DAY = dt.timedelta(days=1)


@lru_cache(maxsize=4096)
def first_working_day_on_or_after(day: dt.date) -> dt.date:
    """Cached: a plan asks this for one date, and many chains share it (a few years of dates)."""
    while not is_working_day(day):
        day += _ONE_DAY
    return day
