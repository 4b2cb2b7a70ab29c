"""Working days of the Algemene termijnenwet (docs/rules/day-arithmetic.md), pure: no Django.

Lid 1-2 (the named holidays) are derived from the rule itself, per year: a holiday
library may rename or drop a day (it once lost Koninginnedag before 2014), so nothing here
depends on one. Lid 3 (days made equal to a holiday by royal decree) is data: the decrees
shipped in `data/holiday_decrees.tsv` plus those the operator adds in Django admin; the
caller passes the set in (`WorkingDays(decrees)`). For years after the latest decree the
decrees' usual pattern applies provisionally, and a date that moved over such a day is
marked provisional.
"""

from __future__ import annotations

import datetime as dt
import pathlib
from collections.abc import Iterable
from functools import lru_cache

BUILTIN_DECREES_FILE = pathlib.Path(__file__).with_name("data") / "holiday_decrees.tsv"
_ONE_DAY = dt.timedelta(days=1)


def easter_sunday(year: int) -> dt.date:
    """Gregorian Easter Sunday (the anonymous Gregorian algorithm of Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def kings_day(year: int) -> dt.date:
    """The day the King's (up to 2013: the Queen's) birthday is celebrated (docs/rules/day-arithmetic.md)."""
    # Koninginnedag 30 April up to 2013, Koningsdag 27 April since; the day before on a Sunday.
    day = dt.date(year, 4, 30) if year <= 2013 else dt.date(year, 4, 27)
    return day - _ONE_DAY if day.weekday() == 6 else day


@lru_cache(maxsize=256)
def statutory_holidays(year: int) -> frozenset[dt.date]:
    """Algemene termijnenwet art. 3 lid 1-2 for one year, weekend days included."""
    easter = easter_sunday(year)
    return frozenset(
        {
            dt.date(year, 1, 1),  # Nieuwjaarsdag
            easter - dt.timedelta(days=2),  # Goede Vrijdag
            easter + _ONE_DAY,  # tweede Paasdag
            kings_day(year),
            dt.date(year, 5, 5),  # 5 mei, every year
            easter + dt.timedelta(days=39),  # Hemelvaartsdag
            easter + dt.timedelta(days=50),  # tweede Pinksterdag
            dt.date(year, 12, 25),  # eerste Kerstdag
            dt.date(year, 12, 26),  # tweede Kerstdag
        }
    )


@lru_cache(maxsize=256)
def usual_decree_days(year: int) -> frozenset[dt.date]:
    """The days the decrees usually make equal to a holiday (docs/rules/day-arithmetic.md), for years without one.

    The Friday after Hemelvaartsdag; the Friday after Nieuwjaarsdag, Koningsdag, 5 mei or
    tweede Kerstdag when that is a Thursday; the Monday before Nieuwjaarsdag, Koningsdag,
    5 mei or eerste Kerstdag when that is a Tuesday.
    """
    easter = easter_sunday(year)
    days = {easter + dt.timedelta(days=40)}
    new_year, kings, liberation = dt.date(year, 1, 1), kings_day(year), dt.date(year, 5, 5)
    for holiday in (new_year, kings, liberation, dt.date(year, 12, 26)):
        if holiday.weekday() == 3:
            days.add(holiday + _ONE_DAY)
    # The Monday before Nieuwjaarsdag is 31 December: it belongs to the year it falls in.
    next_new_year = dt.date(year + 1, 1, 1)
    for holiday in (kings, liberation, dt.date(year, 12, 25), next_new_year):
        if holiday.weekday() == 1:
            days.add(holiday - _ONE_DAY)
    return frozenset(days)


def parse_decrees(lines: Iterable[str]) -> frozenset[dt.date]:
    """Decree days from the data file's lines: 'YYYY-MM-DD<TAB>what', '#' starts a comment."""
    days: set[dt.date] = set()
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        days.add(dt.date.fromisoformat(line.split("\t", 1)[0].strip()))
    return frozenset(days)


@lru_cache(maxsize=1)
def builtin_decrees() -> frozenset[dt.date]:
    """The decrees shipped with Hersteld (the operator's own come from the database)."""
    return parse_decrees(BUILTIN_DECREES_FILE.read_text(encoding="utf-8").splitlines())


class WorkingDays:
    """Working days for a given set of decree days (Atw art. 3 lid 3).

    Years up to the year of the latest decree are covered by the decrees; later years
    use `usual_decree_days` provisionally.
    """

    def __init__(self, decrees: Iterable[dt.date]) -> None:
        self.decrees = frozenset(decrees)
        self.covered_until = max((day.year for day in self.decrees), default=0)
        self._moves: dict[dt.date, tuple[dt.date, bool]] = {}

    def provisional_day(self, day: dt.date) -> bool:
        """A day treated as a holiday only by the usual pattern, not (yet) by a decree."""
        return day.year > self.covered_until and day in usual_decree_days(day.year)

    def is_working_day(self, day: dt.date) -> bool:
        return (
            day.weekday() < 5
            and day not in statutory_holidays(day.year)
            and day not in self.decrees
            and not self.provisional_day(day)
        )

    def first_working_day_on_or_after(self, day: dt.date) -> tuple[dt.date, bool]:
        """The first working day from `day` on, and whether it moved over a provisional day."""
        cached = self._moves.get(day)
        if cached is not None:
            return cached
        current, provisional = day, False
        while not self.is_working_day(current):
            provisional = provisional or self.provisional_day(current)
            current += _ONE_DAY
        self._moves[day] = (current, provisional)
        return current, provisional


@lru_cache(maxsize=1)
def builtin() -> WorkingDays:
    """Working days with only the built-in decrees (tests, and callers without a database)."""
    return WorkingDays(builtin_decrees())


def is_working_day(day: dt.date) -> bool:
    return builtin().is_working_day(day)


def first_working_day_on_or_after(day: dt.date) -> dt.date:
    return builtin().first_working_day_on_or_after(day)[0]
