"""Fixtures for absence tests: a free employment (no case yet) per demo employer, and dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from hersteld.absence.models import AbsenceCase, CaseNote, Recovery
from hersteld.core.models import AuditEvent
from hersteld.people.models import Employment


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


@pytest.fixture
def free_employment(db: Any) -> Callable[..., Employment]:
    """An employment in service, started over two years ago, without any case (pregnancy leave: gender="V")."""

    def get(
        employer: str = "Bakkerij De Vries",
        department: str | None = None,
        nth: int = 0,
        gender: str | None = None,
    ) -> Employment:
        qs = (
            Employment.objects.filter(
                employer__name=employer,
                end_date__isnull=True,
                start_date__lte=days_ago(800),
                cases__isnull=True,
            )
            .select_related("employee", "employer", "department")
            .order_by("personnel_number")
        )
        if department is not None:
            qs = qs.filter(department__code=department)
        if gender is not None:
            qs = qs.filter(employee__gender=gender)
        return list(qs)[nth]

    return get


def codes(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}  # type: ignore[misc]


def row_counts() -> tuple[int, ...]:
    return (
        AbsenceCase.objects.count(),
        Recovery.objects.count(),
        CaseNote.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def refused() -> Callable[..., dict[str, list[str]]]:
    """Run a service that must refuse: returns the error codes per field; asserts nothing was written."""

    def run(call: Callable[[], Any]) -> dict[str, list[str]]:
        before = row_counts()
        with pytest.raises(ValidationError) as info:
            call()
        assert row_counts() == before, "a refused request must write nothing"
        return codes(info.value)

    return run
