"""Retention terms and their start points, as pure date arithmetic (no Django).

docs/rules/privacy.md, "Retention": every term counts whole years from its own start point
(the end of the employment, the end of the case, the last change of the medical file, the
day a log row was written). A record is kept up to and including `kept_until` (the start
day plus the term) and may go from the day after. A term whose start point has not come yet
(the employment still runs, the case is still open) has no end date: it still runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

ONE_DAY = dt.timedelta(days=1)

# The keys of the terms; the ERD terms are vendor practice rather than law, so a request for
# erasure does not wait for them (docs/rules/privacy.md).
ADMINISTRATION = "administration"
REINTEGRATION = "reintegration"
ERD_ZW = "erd_zw"
ERD_WGA = "erd_wga"
MEDICAL = "medical"
LOGS = "logs"
HOLD = "hold"  # a legal hold on a case or a person: not a term, but stops every erasure while on
NOT_LEGAL = frozenset({ERD_ZW, ERD_WGA})

# The bounds a setting may take: WGBO asks at least 20 years for the medical file, NEN 7513
# five years for the logs; no term is longer than a working life.
LONGEST = 50
SHORTEST = {ADMINISTRATION: 1, REINTEGRATION: 1, ERD_ZW: 1, ERD_WGA: 1, MEDICAL: 20, LOGS: 5}


@dataclass(frozen=True)
class Terms:
    """The terms of one arbodienst, in years; the defaults are those of the rules."""

    administration: int = 2
    reintegration: int = 2
    erd_zw: int = 5
    erd_wga: int = 10
    medical: int = 20
    logs: int = 5

    def years(self, key: str) -> int:
        value: int = getattr(self, key)
        return value


def term_problem(key: str, years: int) -> str | None:
    """None when `years` is an allowed setting of the term `key`, else an error code."""
    if years > LONGEST:
        return "retention_too_long"
    if years < SHORTEST[key]:
        return "retention_too_short"
    return None


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def kept_until(start: dt.date, years: int) -> dt.date:
    """The last day a record whose term started on `start` is kept."""
    return add_years(start, years)


def expired(start: dt.date | None, years: int, today: dt.date) -> bool:
    """Whether a record may go `today`: its start point has come and its term has passed."""
    return start is not None and today > kept_until(start, years)


def last_expired_start(today: dt.date, years: int) -> dt.date:
    """The latest start day whose term has passed by `today`: a query keeps `start <= this`."""
    guess = add_years(today, -years) - ONE_DAY
    while kept_until(guess + ONE_DAY, years) < today:
        guess += ONE_DAY
    while kept_until(guess, years) >= today:
        guess -= ONE_DAY
    return guess


@dataclass(frozen=True)
class Running:
    """A term that still keeps a record: `until` is its last day, None while its start point
    has not come yet (or for a hold, which lasts until it is lifted)."""

    term: str
    until: dt.date | None
    note: str = ""  # a hold's reason

    @property
    def legal(self) -> bool:
        return self.term not in NOT_LEGAL


def case_file_years(terms: Terms, *, own_risk_zw: bool, own_risk_wga: bool) -> int:
    """The term of a case's re-integration file: longer when the employer bears a risk itself."""
    years = terms.reintegration
    if own_risk_zw:
        years = max(years, terms.erd_zw)
    if own_risk_wga:
        years = max(years, terms.erd_wga)
    return years


def case_terms(
    terms: Terms, *, ended: dt.date | None, own_risk_zw: bool, own_risk_wga: bool
) -> list[Running]:
    """Every term that starts at the end of one case (`ended` None: the case is open)."""
    out = [Running(REINTEGRATION, _until(ended, terms.reintegration))]
    if own_risk_zw:
        out.append(Running(ERD_ZW, _until(ended, terms.erd_zw)))
    if own_risk_wga:
        out.append(Running(ERD_WGA, _until(ended, terms.erd_wga)))
    return out


def medical_term(terms: Terms, last_change: dt.date | None) -> list[Running]:
    """The medical file's term, from its last change; no file, no term."""
    if last_change is None:
        return []
    return [Running(MEDICAL, kept_until(last_change, terms.medical))]


def administration_term(terms: Terms, employment_ends: Sequence[dt.date | None]) -> Running:
    """The absence administration is kept until the term after the last employment ended."""
    if not employment_ends or any(end is None for end in employment_ends):
        return Running(ADMINISTRATION, None)
    last = max(end for end in employment_ends if end is not None)
    return Running(ADMINISTRATION, kept_until(last, terms.administration))


def still_running(
    running: Iterable[Running], today: dt.date, *, legal_only: bool = False
) -> list[Running]:
    """The terms that still keep the record `today`, latest end first (open ones first)."""
    keeping = [
        term
        for term in running
        if (term.until is None or today <= term.until) and (term.legal or not legal_only)
    ]
    return sorted(keeping, key=lambda term: (term.until is not None, -(_ordinal(term.until))))


def _until(start: dt.date | None, years: int) -> dt.date | None:
    return None if start is None else kept_until(start, years)


def _ordinal(day: dt.date | None) -> int:
    return 0 if day is None else day.toordinal()
