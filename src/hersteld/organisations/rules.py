"""Validation rules for Dutch organisation numbers (pure; no Django)."""

from __future__ import annotations

import re

from stdnum.nl import bsn

_KVK = re.compile(r"^\d{8}$")
_LOONHEFFINGEN = re.compile(r"^(\d{9})L(\d{2})$")


def normalise_kvk(value: str) -> str:
    return re.sub(r"[\s.]", "", value)


def kvk_problem(value: str) -> str | None:
    """A KvK number has exactly 8 digits (Handelsregisterbesluit); None means valid."""
    if not _KVK.match(normalise_kvk(value)):
        return "kvk_format"
    return None


def normalise_payroll_tax_number(value: str) -> str:
    return re.sub(r"[\s.]", "", value).upper()


def payroll_tax_number_problem(value: str) -> str | None:
    """Loonheffingennummer: RSIN/fiscal number (9 digits, 11-proof) + 'L' + 2-digit subnumber."""
    match = _LOONHEFFINGEN.match(normalise_payroll_tax_number(value))
    if not match:
        return "payroll_tax_format"
    if not bsn.is_valid(match.group(1)):
        return "payroll_tax_checksum"
    return None
