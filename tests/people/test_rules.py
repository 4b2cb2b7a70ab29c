"""Validation rules of P3 (docs/features.md): each rule accepts the good value and names the bad one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hersteld.people import rules


@pytest.mark.parametrize("value", ["111222333", "123456782", "11122 2333", "12345672"])
def test_a_bsn_passing_the_eleven_proof_is_accepted(value: str) -> None:
    assert rules.bsn_problem(value) is None


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("123456789", "bsn_checksum"),
        ("1234", "bsn_format"),
        ("12345678a", "bsn_format"),
        ("", "bsn_format"),
    ],
)
def test_a_bsn_failing_format_or_eleven_proof_is_refused(value: str, code: str) -> None:
    assert rules.bsn_problem(value) == code


@given(st.integers(min_value=10_000_000, max_value=999_999_999))
def test_bsn_rule_agrees_with_the_eleven_proof(number: int) -> None:
    digits = f"{number:09d}"
    weights = [9, 8, 7, 6, 5, 4, 3, 2, -1]
    total = sum(int(d) * w for d, w in zip(digits, weights, strict=True))
    assert (rules.bsn_problem(digits) is None) == (total % 11 == 0)


@pytest.mark.parametrize("value", ["1234 AB", "1234ab", "9999 ZZ"])
def test_dutch_postcodes_are_accepted(value: str) -> None:
    assert rules.postcode_problem(value) is None


@pytest.mark.parametrize("value", ["12345", "0123 AB", "1234 SA", "1234 SS", "ABCD 12", ""])
def test_malformed_postcodes_are_refused(value: str) -> None:
    assert rules.postcode_problem(value) == "postcode_format"


@pytest.mark.parametrize("value", ["1234ab", "1234 AB", " 1234-ab ", "NL-1234 AB", "nl1234ab"])
def test_postcode_is_written_the_dutch_way(value: str) -> None:
    assert rules.normalise_postcode(value) == "1234 AB"


@given(
    st.from_regex(r"\A(NL|nl|N)?[ -]?[0-9]{1,5}[ -]{0,2}[A-Za-z]{1,3}[ ]?\Z")
    | st.text(alphabet="0123456789ABSDZaz -", max_size=9)
)
def test_postcode_rule_agrees_with_python_stdnum(value: str) -> None:
    """python-stdnum's Dutch postcode check is the reference for what is a postcode."""
    from stdnum.nl import postcode

    assert (rules.postcode_problem(value) is None) == postcode.is_valid(value)


def test_foreign_postcodes_are_not_checked_as_dutch() -> None:
    assert rules.postcode_problem("D-10115", country="DE") is None


@pytest.mark.parametrize("value", ["0612345678", "06-12345678", "020 1234567", "+31 20 123 4567"])
def test_mobile_and_landline_numbers_are_accepted(value: str) -> None:
    assert rules.phone_problem(value) is None


@pytest.mark.parametrize("value", ["12", "0612", "hallo"])
def test_impossible_phone_numbers_are_refused(value: str) -> None:
    assert rules.phone_problem(value) is not None


def test_phone_is_stored_in_international_form() -> None:
    assert rules.normalise_phone("06 12345678") == "+31612345678"


@pytest.mark.parametrize("value", ["J.", "J.P.", "J.P.M.", "Th.", "JP"])
def test_initials_are_letters_with_optional_dots(value: str) -> None:
    assert rules.initials_problem(value) is None


def test_more_than_six_initials_are_refused() -> None:
    assert rules.initials_problem("A.B.C.D.E.F.G.") == "initials_too_long"


def test_initials_with_digits_are_refused() -> None:
    assert rules.initials_problem("J2") == "initials_format"


def test_working_week_lies_between_zero_and_sixty_hours() -> None:
    assert rules.hours_problem(Decimal("0")) == "hours_not_positive"
    assert rules.hours_problem(Decimal("60.01")) == "hours_too_many"
    assert rules.hours_problem(Decimal("38")) is None


def test_end_date_may_equal_the_start_date_but_not_precede_it() -> None:
    start = dt.date(2024, 1, 1)
    assert rules.end_date_problem(start, start) is None
    assert rules.end_date_problem(start, start - dt.timedelta(days=1)) == "end_before_start"


def test_an_employee_is_at_least_thirteen_on_the_start_date() -> None:
    today = dt.date(2026, 11, 23)
    born = dt.date(2012, 6, 1)
    assert rules.birth_date_problem(born, dt.date(2025, 6, 1), today) is None
    assert rules.birth_date_problem(born, dt.date(2025, 5, 31), today) == "too_young_at_start"
    assert rules.birth_date_problem(dt.date(2030, 1, 1), None, today) == "birth_date_future"


def test_percentages_lie_between_zero_and_hundred() -> None:
    assert rules.percentage_problem(Decimal("100")) is None
    assert rules.percentage_problem(Decimal("100.01")) == "percentage_range"
    assert rules.percentage_problem(Decimal("-1")) == "percentage_range"


def test_a_bsn_of_only_zeros_is_refused_although_it_passes_the_sum() -> None:
    assert rules.bsn_problem("000000000") == "bsn_checksum"


@given(
    st.sampled_from(["06", "06 ", "06-", "+316", "+31 6", "00316", "0031 6"]),
    st.integers(min_value=0, max_value=99_999_999),
)
def test_the_quick_path_for_dutch_mobiles_agrees_with_the_phone_number_library(
    prefix: str, number: int
) -> None:
    import phonenumbers

    value = f"{prefix}{number:08d}"
    parsed = phonenumbers.parse(value, "NL")
    expected_problem = None if phonenumbers.is_valid_number(parsed) else "phone_invalid"
    expected = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)

    assert rules.phone_problem(value) == expected_problem
    if expected_problem is None:
        assert rules.normalise_phone(value) == expected
