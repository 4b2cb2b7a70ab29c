"""Retention terms as date arithmetic (docs/rules/privacy.md, "Retention"), without a database.

A record is kept up to and including the start day plus the term, and may go the day after.
"""

from __future__ import annotations

import datetime as dt

import pytest

from hersteld.core.retention_rules import (
    Running,
    Terms,
    administration_term,
    case_file_years,
    case_terms,
    expired,
    kept_until,
    last_expired_start,
    medical_term,
    still_running,
    term_problem,
)

D = dt.date


def test_the_defaults_are_the_terms_of_the_rules() -> None:
    terms = Terms()
    assert (
        terms.administration,
        terms.reintegration,
        terms.erd_zw,
        terms.erd_wga,
        terms.medical,
        terms.logs,
    ) == (2, 2, 5, 10, 20, 5)


@pytest.mark.parametrize(
    ("start", "years", "last_day"),
    [
        (D(2024, 3, 31), 2, D(2026, 3, 31)),  # administration after the employment ended
        (D(2021, 2, 1), 5, D(2026, 2, 1)),  # ERD-ZW after the case ended
        (D(2021, 2, 1), 10, D(2031, 2, 1)),  # ERD-WGA
        (D(2021, 1, 20), 20, D(2041, 1, 20)),  # the medical file after its last change
        (D(2020, 6, 1), 5, D(2025, 6, 1)),  # a log row
    ],
)
def test_a_record_is_kept_through_its_last_day_and_goes_the_day_after(
    start: dt.date, years: int, last_day: dt.date
) -> None:
    assert kept_until(start, years) == last_day
    assert not expired(start, years, last_day - dt.timedelta(days=1))
    assert not expired(start, years, last_day)
    assert expired(start, years, last_day + dt.timedelta(days=1))


def test_a_term_from_29_february_ends_on_28_february() -> None:
    assert kept_until(D(2024, 2, 29), 2) == D(2026, 2, 28)
    assert kept_until(D(2024, 2, 29), 4) == D(2028, 2, 29)


def test_a_term_whose_start_has_not_come_never_expires() -> None:
    assert not expired(None, 2, D(2100, 1, 1))


@pytest.mark.parametrize("years", [1, 2, 5, 10, 20])
def test_the_query_bound_agrees_with_expired_day_by_day(years: int) -> None:
    """`start <= last_expired_start(today)` selects exactly the expired starts."""
    for offset in range(0, 1500, 7):
        today = D(2030, 1, 1) + dt.timedelta(days=offset)
        bound = last_expired_start(today, years)
        assert expired(bound, years, today)
        assert not expired(bound + dt.timedelta(days=1), years, today)


def test_an_own_risk_bearer_keeps_the_case_file_longest_of_its_terms() -> None:
    terms = Terms()
    assert case_file_years(terms, own_risk_zw=False, own_risk_wga=False) == 2
    assert case_file_years(terms, own_risk_zw=True, own_risk_wga=False) == 5
    assert case_file_years(terms, own_risk_zw=True, own_risk_wga=True) == 10
    assert case_file_years(Terms(reintegration=12), own_risk_zw=True, own_risk_wga=False) == 12


def test_the_terms_of_a_case_run_from_its_end() -> None:
    found = case_terms(Terms(), ended=D(2021, 2, 1), own_risk_zw=True, own_risk_wga=False)
    assert found == [Running("reintegration", D(2023, 2, 1)), Running("erd_zw", D(2026, 2, 1))]
    open_case = case_terms(Terms(), ended=None, own_risk_zw=False, own_risk_wga=False)
    assert open_case == [Running("reintegration", None)]


def test_the_administration_runs_until_the_term_after_the_last_employment() -> None:
    assert administration_term(Terms(), [D(2020, 5, 1), D(2022, 3, 31)]).until == D(2024, 3, 31)
    assert administration_term(Terms(), [D(2020, 5, 1), None]).until is None
    assert medical_term(Terms(), None) == []


def test_a_request_does_not_wait_for_the_erd_terms_which_are_not_law() -> None:
    today = D(2024, 1, 1)
    terms = [Running("reintegration", D(2023, 2, 1)), Running("erd_wga", D(2031, 2, 1))]
    assert still_running(terms, today) == [Running("erd_wga", D(2031, 2, 1))]
    assert still_running(terms, today, legal_only=True) == []


def test_open_terms_come_first_then_the_latest_end() -> None:
    terms = [
        Running("medical", D(2041, 1, 20)),
        Running("administration", None),
        Running("reintegration", D(2030, 1, 1)),
    ]
    assert [t.term for t in still_running(terms, D(2025, 1, 1))] == [
        "administration",
        "medical",
        "reintegration",
    ]


@pytest.mark.parametrize(
    ("key", "years", "problem"),
    [
        ("medical", 19, "retention_too_short"),
        ("medical", 20, None),
        ("logs", 4, "retention_too_short"),
        ("reintegration", 1, None),
        ("reintegration", 0, "retention_too_short"),
        ("erd_wga", 51, "retention_too_long"),
    ],
)
def test_the_bounds_of_a_setting(key: str, years: int, problem: str | None) -> None:
    assert term_problem(key, years) == problem
