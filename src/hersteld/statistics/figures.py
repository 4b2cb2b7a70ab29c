"""Absence figures by the Standaard Berekening van Ziekteverzuim (1996): VP, MF, GVD,
nulverzuim and duration classes (docs/rules/statistics.md, rules.md section 8).

Pure: no Django. The selectors turn the database into the plain values below (employments
as stretches of constant hours, periods as steps of constant absence fraction), so every
definition is tested with hand-computed tables and the same code serves one employer, a
department subtree or a whole arbodienst. Days are handled as stretches, never one by one:
a year of 10,000 employments is a few hundred thousand overlaps, not millions of days.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import NamedTuple

STANDARD = "Standaard Berekening van Ziekteverzuim (1996)"
DEFAULT_FULLTIME_HOURS = 40.0
DEFAULT_K = 5
# Vernet's duration classes in days, upper limits inclusive; longer periods count as 730.
DURATION_CLASSES: tuple[tuple[str, int], ...] = (
    ("kort", 14),
    ("middellang", 91),
    ("lang", 365),
    ("extra_lang", 730),
)
DURATION_CAP = 730


class Kind(StrEnum):
    SICKNESS = "sickness"
    PREGNANCY_LEAVE = "pregnancy_leave"


SICKNESS, PREGNANCY_LEAVE = Kind.SICKNESS.value, Kind.PREGNANCY_LEAVE.value


class EndReason(StrEnum):
    """Why a period ended; only RECOVERED enters the GVD (rules.md 8)."""

    RECOVERED = "recovered"
    EMPLOYMENT_ENDED = "employment_ended"
    WAITING_PERIOD_ENDED = "waiting_period_ended"
    DEATH = "death"
    PREGNANCY_LEAVE = "pregnancy_leave"
    WITHDRAWN = "withdrawn"
    LEAVE_ENDED = "leave_ended"
    CLOSED = "closed"


class Span(NamedTuple):
    """Days `start`..`end` (inclusive) of one employment with the same hours and department.

    `group` is the department's materialised path, so a subtree is a prefix."""

    start: dt.date
    end: dt.date
    hours: float
    group: str = ""


class Employment(NamedTuple):
    id: int
    person: int
    spans: tuple[Span, ...]
    fulltime: float = DEFAULT_FULLTIME_HOURS

    @classmethod
    def from_terms(
        cls,
        id: int,
        person: int,
        start: dt.date,
        end: dt.date | None,
        terms: Sequence[tuple[dt.date, float, str]],
        fulltime: float = DEFAULT_FULLTIME_HOURS,
    ) -> Employment:
        """Stretches from effective-dated terms (valid_from, hours, group), sorted by date.

        The first terms apply from the start of the employment even when recorded later (as
        the recovery form reads them); an open employment runs to `date.max`."""
        last = end or dt.date.max
        if len(terms) == 1:  # most employments: one set of terms
            _, hours, group = terms[0]
            return cls(
                id,
                person,
                (Span(start, last, float(hours), group),),
                float(fulltime) or DEFAULT_FULLTIME_HOURS,
            )
        spans: list[Span] = []
        ordered = sorted(terms, key=lambda row: row[0])
        for index, (valid_from, hours, group) in enumerate(ordered):
            begin = start if index == 0 else max(valid_from, start)
            stop = last
            if index + 1 < len(ordered):
                stop = min(last, ordered[index + 1][0] - dt.timedelta(days=1))
            if begin <= stop:
                spans.append(Span(begin, stop, float(hours), group))
        return cls(id, person, tuple(spans), float(fulltime) or DEFAULT_FULLTIME_HOURS)


class Period(NamedTuple):
    """One absence period of one employment (a case: sickness or pregnancy leave).

    `end` is the first day no longer absent (the recovery date R), None while open; the last
    sick day is `end - 1`. `steps` are (from date, absence fraction), the first on `first_day`.
    """

    employment: int
    kind: str
    first_day: dt.date
    end: dt.date | None
    end_reason: str = ""
    steps: tuple[tuple[dt.date, float], ...] = ()

    @classmethod
    def of_case(
        cls,
        employment: int,
        kind: str,
        first_day: dt.date,
        end: dt.date | None,
        *,
        sick_percentage: float = 100.0,
        recoveries: Iterable[tuple[dt.date, float, bool]] = (),
        end_reason: str = "",
    ) -> Period:
        """From a case and its recoveries (date, percentage recovered, therapeutic).

        Absence fraction = 1 - recovered share; therapeutic work (Hersteld AT) has no wage
        value, so from an AT recovery the day counts as fully absent (rules.md 8)."""
        if kind != Kind.SICKNESS:
            return cls(employment, kind, first_day, end, end_reason, ((first_day, 1.0),))
        if not recoveries:
            return cls(
                employment,
                kind,
                first_day,
                end,
                end_reason,
                ((first_day, sick_percentage / 100.0),),
            )
        steps = [(first_day, sick_percentage / 100.0)]
        for day, percentage, therapeutic in sorted(recoveries):
            if end is not None and day >= end:
                break
            fraction = 1.0 if therapeutic else 1.0 - percentage / 100.0
            if day <= first_day:
                steps = [(first_day, fraction)]
            else:
                steps.append((day, fraction))
        return cls(employment, kind, first_day, end, end_reason, tuple(steps))

    @property
    def last_day(self) -> dt.date | None:
        return None if self.end is None else self.end - dt.timedelta(days=1)


@dataclass(frozen=True)
class Figures:
    """The figures of one population over P, unrounded; `rounded()` gives what is shown."""

    start: dt.date
    end: dt.date
    persons: int
    employment_days: int
    person_days: int
    weighted_days: float  # VP denominator: employment days x part-time factor
    absence_weight: float  # VP numerator without leave
    absence_weight_with_leave: float
    reports: int
    recovered: int
    recovered_days: int
    sick_persons: int
    other_endings: Mapping[str, int] = field(default_factory=dict)
    duration_classes: Mapping[str, int] = field(default_factory=dict)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def vp(self) -> float | None:
        return _percent(self.absence_weight, self.weighted_days)

    @property
    def vp_with_leave(self) -> float | None:
        return _percent(self.absence_weight_with_leave, self.weighted_days)

    @property
    def headcount(self) -> float:
        """Average headcount: persons weighted by their employment days in P (not FTE)."""
        return self.person_days / self.days

    @property
    def mf(self) -> float | None:
        if self.person_days == 0:
            return None
        return self.reports / self.headcount / years_in(self.start, self.end)

    @property
    def gvd(self) -> float | None:
        return self.recovered_days / self.recovered if self.recovered else None

    @property
    def nulverzuim(self) -> float | None:
        return _percent(self.persons - self.sick_persons, self.persons)

    def rounded(self) -> dict[str, object]:
        """The figures as the API, CLI and exports give them: percentages as 20.13."""
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "population": {"persons": self.persons, "employment_days": self.employment_days},
            "vp": round2(self.vp),
            "vp_with_leave": round2(self.vp_with_leave),
            "mf": round2(self.mf),
            "gvd": round2(self.gvd),
            "nulverzuim": round2(self.nulverzuim),
            "duration_classes": {
                name: self.duration_classes.get(name, 0) for name, _ in DURATION_CLASSES
            },
            "standard": STANDARD,
        }


def _percent(part: float, whole: float) -> float | None:
    return None if whole == 0 else 100.0 * part / whole


def round2(value: float | None) -> float | None:
    """Half up to two decimals (20.125 -> 20.13), as a reader rounds by hand."""
    if value is None:
        return None
    return float(Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def days_in_year(year: int) -> int:
    return 366 if dt.date(year, 12, 31).timetuple().tm_yday == 366 else 365


def years_in(start: dt.date, end: dt.date) -> float:
    """P measured in years: each day weighs 1 / the length of its own year.

    For P inside one year this is days(P) / 365 (366 in a leap year), which makes MF the
    standard's reports / headcount x days in the year / days in P; a P across New Year
    weighs each part by its own year."""
    total = 0.0
    for year in range(start.year, end.year + 1):
        first = max(start, dt.date(year, 1, 1))
        last = min(end, dt.date(year, 12, 31))
        total += ((last - first).days + 1) / days_in_year(year)
    return total


def duration_class(days: int) -> str:
    capped = min(days, DURATION_CAP)
    for name, upper in DURATION_CLASSES:
        if capped <= upper:
            return name
    return DURATION_CLASSES[-1][0]  # pragma: no cover (the cap keeps days within the last)


Within = str | tuple[str, ...] | None
"""A population inside the loaded rows: department path prefix(es), or None for all."""


def _in_group(group: str, within: Within) -> bool:
    return within is None or group.startswith(within)


class _Totals:
    """The running sums of one population during the single pass of `compute_many`."""

    __slots__ = (
        "absence",
        "absence_with_leave",
        "classes",
        "employment_days",
        "other",
        "persons",
        "recovered",
        "recovered_days",
        "reports",
        "sick",
        "weighted",
    )

    def __init__(self) -> None:
        self.employment_days = 0
        self.weighted = 0.0
        self.absence = 0.0
        self.absence_with_leave = 0.0
        self.reports = self.recovered = self.recovered_days = 0
        self.persons: dict[int, list[tuple[int, int]]] = {}
        self.sick: set[int] = set()
        self.other: dict[str, int] = {}
        self.classes: dict[str, int] = {name: 0 for name, _ in DURATION_CLASSES}

    def figures(self, start: dt.date, end: dt.date) -> Figures:
        return Figures(
            start=start,
            end=end,
            persons=len(self.persons),
            employment_days=self.employment_days,
            person_days=sum(_union_days(stretches) for stretches in self.persons.values()),
            weighted_days=self.weighted,
            absence_weight=self.absence,
            absence_weight_with_leave=self.absence_with_leave,
            reports=self.reports,
            recovered=self.recovered,
            recovered_days=self.recovered_days,
            sick_persons=len(self.sick & self.persons.keys()),
            other_endings=self.other,
            duration_classes=self.classes,
        )


class _Index:
    """One employment's stretches that belong to at least one population asked for, each with
    the populations it belongs to, for "in which populations on day d"."""

    __slots__ = ("ends", "person", "spans", "starts")

    def __init__(
        self, person: int, spans: list[tuple[int, int, float, tuple[_Totals, ...]]]
    ) -> None:
        self.person = person
        self.spans = spans
        if len(spans) == 1:
            self.starts, self.ends = [spans[0][0]], [spans[0][1]]
        else:
            self.starts = [span[0] for span in spans]
            self.ends = [span[1] for span in spans]

    def on(self, day: int) -> tuple[_Totals, ...]:
        if len(self.spans) == 1:
            span = self.spans[0]
            return span[3] if span[0] <= day <= span[1] else ()
        index = bisect.bisect_right(self.starts, day) - 1
        if index >= 0 and self.ends[index] >= day:
            return self.spans[index][3]
        return ()


def compute(
    employments: Iterable[Employment],
    periods: Iterable[Period],
    start: dt.date,
    end: dt.date,
    *,
    within: Within = None,
) -> Figures:
    """The figures over P = `start`..`end` (inclusive) for the employments' days in `within`
    (a department path prefix or several; None = all). See `compute_many`."""
    return compute_many(employments, periods, start, end, [within])[0]


def compute_many(
    employments: Iterable[Employment],
    periods: Iterable[Period],
    start: dt.date,
    end: dt.date,
    populations: Sequence[Within],
) -> list[Figures]:
    """The figures over P of several populations (an employer and each of its departments)
    in one pass over the rows, in the order asked.

    An event belongs to the population where the employment was on its day: a report to the
    department of its first day, a recovery to that of the last sick day, a duration class to
    that of the last day in P. Days count where they fall, so a move between departments
    splits a period's days between them.
    """
    if end < start:
        raise ValueError("end before start")
    p_start, p_end = start.toordinal(), end.toordinal()
    totals = [_Totals() for _ in populations]
    members: dict[str, tuple[_Totals, ...]] = {}

    def member_of(group: str) -> tuple[_Totals, ...]:
        found = members.get(group)
        if found is None:
            found = tuple(
                t for t, w in zip(totals, populations, strict=True) if _in_group(group, w)
            )
            members[group] = found
        return found

    index: dict[int, _Index] = {}
    last_ordinal = dt.date.max.toordinal()
    for employment_id, person, spans, fulltime in employments:
        own: list[tuple[int, int, float, tuple[_Totals, ...]]] = []
        for span_start, span_end, hours, group in spans:
            groups = members.get(group)
            if groups is None:
                groups = member_of(group)
            if not groups:
                continue
            a = span_start.toordinal()
            b = span_end.toordinal() if span_end != dt.date.max else last_ordinal
            factor = hours / fulltime
            own.append((a, b, factor, groups))
            lo = a if a > p_start else p_start
            hi = b if b < p_end else p_end
            if lo <= hi:
                days = hi - lo + 1
                for total in groups:
                    total.employment_days += days
                    total.weighted += days * factor
                    total.persons.setdefault(person, []).append((lo, hi))
        if own:
            index[employment_id] = _Index(person, own)

    find = index.get
    for period in periods:
        employment_id, kind, first_day, end_day, end_reason, steps = period
        stretches = find(employment_id)
        if stretches is None:
            continue  # outside every population asked for
        sickness = kind == SICKNESS
        if not sickness and kind != PREGNANCY_LEAVE:
            continue  # a preventive case is never absence
        first = first_day.toordinal()
        if first > p_end:
            continue
        last = end_day.toordinal() - 1 if end_day is not None else p_end
        if last < p_start:
            continue  # ended before P: nothing of it falls in P
        lo = first if first > p_start else p_start
        hi = last if last < p_end else p_end
        _overlap(steps or ((first_day, 1.0),), stretches, lo, hi, sickness)
        if not sickness:
            continue
        if first >= p_start:
            for total in stretches.on(first):
                total.reports += 1
        if end_day is not None and last <= p_end:
            for total in stretches.on(last):
                if end_reason in ("", EndReason.RECOVERED):
                    total.recovered += 1
                    total.recovered_days += last - first + 1
                else:
                    total.other[end_reason] = total.other.get(end_reason, 0) + 1
        name = duration_class(hi - first + 1)
        for total in stretches.on(hi):
            total.classes[name] += 1
    return [total.figures(start, end) for total in totals]


def _overlap(
    steps: Sequence[tuple[dt.date, float]], stretches: _Index, lo: int, hi: int, sickness: bool
) -> None:
    """Add part-time factor x absence fraction over a period's days lo..hi to each
    population of each stretch they fall in; mark the person sick there (sickness only)."""
    spans = stretches.spans
    count = len(steps)
    for number in range(count):
        since, fraction = steps[number]
        a = since.toordinal()
        if a < lo:
            a = lo
        b = hi if number + 1 == count else min(hi, steps[number + 1][0].toordinal() - 1)
        if a > b:
            continue
        first_span = bisect.bisect_right(stretches.starts, a) - 1 if len(spans) > 1 else 0
        for s_start, s_end, factor, groups in spans[max(first_span, 0) :]:
            if s_start > b:
                break
            x = a if a > s_start else s_start
            y = b if b < s_end else s_end
            if x > y:
                continue
            weight = (y - x + 1) * factor * fraction
            for total in groups:
                total.absence_with_leave += weight
                if sickness:
                    total.absence += weight
                    total.sick.add(stretches.person)


def _union_days(stretches: list[tuple[int, int]]) -> int:
    """Days covered by overlapping stretches (a person with two employments counts once)."""
    if len(stretches) == 1:
        return stretches[0][1] - stretches[0][0] + 1
    total = 0
    current_start, current_end = -1, -2
    for a, b in sorted(stretches):
        if a > current_end + 1:
            total += current_end - current_start + 1 if current_end >= current_start else 0
            current_start, current_end = a, b
        else:
            current_end = max(current_end, b)
    total += current_end - current_start + 1 if current_end >= current_start else 0
    return total


def suppressed(figures: Figures, k: int = DEFAULT_K) -> bool:
    """A breakdown below the employer is shown only for at least k persons (rules.md 8)."""
    return figures.persons < k


# --- breakdowns by function and age band -------------------------------------------------

# Age bands by age on the first day of P; (label, lowest age, highest age or None).
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("<25", 0, 24),
    ("25-34", 25, 34),
    ("35-44", 35, 44),
    ("45-54", 45, 54),
    ("55+", 55, None),
)
_SEP = "\x1f"  # between a breakdown label and a department path; never in either


def age_on(birth: dt.date, day: dt.date) -> int:
    """Completed years on `day` (born 29 February: a year older on 1 March)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def age_band(birth: dt.date, day: dt.date) -> str:
    age = age_on(birth, day)
    for label, low, high in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return label
    return AGE_BANDS[0][0]  # born after `day`: the youngest band


def labelled(label: str, group: str) -> str:
    """A span's group for a breakdown: the label in front of the department path, so that a
    department subtree (a path prefix) of one label is again a prefix."""
    return label + _SEP + group


def relabel(employment: Employment, label: str) -> Employment:
    """The employment with every span under one label (the age band of its person)."""
    spans = tuple(span._replace(group=labelled(label, span.group)) for span in employment.spans)
    return employment._replace(spans=spans)


def compute_breakdown(
    employments: Sequence[Employment],
    periods: Iterable[Period],
    start: dt.date,
    end: dt.date,
    *,
    within: Within = None,
    order: Sequence[str] | None = None,
) -> list[tuple[str, Figures]]:
    """The figures over P per label of employments built with `labelled` groups, inside
    `within` (department prefixes or None), in one pass. Labels without a person in P are
    left out; `order` fixes the order (age bands), else by label."""
    prefixes = (within,) if isinstance(within, str) else within
    found: set[str] = set()
    p_start, p_end = start, end
    for employment in employments:
        for span in employment.spans:
            if span.start <= p_end and span.end >= p_start:
                found.add(span.group.split(_SEP, 1)[0])
    if order is not None:
        labels = [label for label in order if label in found]
    else:
        labels = sorted(found, key=lambda label: (label == "", label.casefold(), label))
    populations: list[Within] = [
        tuple(labelled(label, prefix) for prefix in prefixes)
        if prefixes is not None
        else labelled(label, "")
        for label in labels
    ]
    results = compute_many(employments, periods, start, end, populations)
    return [
        (label, result) for label, result in zip(labels, results, strict=True) if result.persons > 0
    ]


# --- periods of time ------------------------------------------------------------------------


def month_end(day: dt.date) -> dt.date:
    following = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def months(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The calendar months (clipped to start..end) that make up a period."""
    out: list[tuple[dt.date, dt.date]] = []
    day = start
    while day <= end:
        last = min(month_end(day), end)
        out.append((day, last))
        day = last + dt.timedelta(days=1)
    return out


def trailing_months(last_month: dt.date, count: int = 24) -> list[tuple[dt.date, dt.date]]:
    """`count` whole calendar months ending with the month of `last_month`."""
    year, month = last_month.year, last_month.month - count + 1
    while month < 1:
        month += 12
        year -= 1
    return months(dt.date(year, month, 1), month_end(last_month))


def quarter(day: dt.date) -> tuple[dt.date, dt.date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = dt.date(day.year, first_month, 1)
    return start, month_end(dt.date(day.year, first_month + 2, 1))


def year(day: dt.date) -> tuple[dt.date, dt.date]:
    return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)


def year_before(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The same stretch one year earlier (29 February becomes 28 February)."""

    def back(day: dt.date) -> dt.date:
        try:
            return day.replace(year=day.year - 1)
        except ValueError:
            return dt.date(day.year - 1, 2, 28)

    return back(start), back(end)
