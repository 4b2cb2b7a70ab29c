from __future__ import annotations

import pytest

from hersteld.organisations import rules


def test_a_kvk_number_has_eight_digits() -> None:
    assert rules.kvk_problem("12345678") is None
    assert rules.kvk_problem("1234 5678") is None
    assert rules.kvk_problem("1234567") == "kvk_format"
    assert rules.kvk_problem("1234567a") == "kvk_format"


@pytest.mark.parametrize("value", ["111222333L01", "111222333l01", "111.222.333.L.01"])
def test_a_loonheffingennummer_is_an_eleven_proof_number_with_L_and_two_digits(value: str) -> None:
    assert rules.payroll_tax_number_problem(value) is None


def test_a_loonheffingennummer_with_a_bad_checksum_is_refused() -> None:
    assert rules.payroll_tax_number_problem("123456789L01") == "payroll_tax_checksum"
    assert rules.payroll_tax_number_problem("111222333X01") == "payroll_tax_format"
