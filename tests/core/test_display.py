"""One Dutch way to show values in the portal (issue 11 item 15): dd-mm-jjjj, "50%",
"37,5", "€ 41.310,00", Ja/Nee, whether the value is a Python object or an audit string."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from hersteld.absence.models import AbsenceCase, Recovery
from hersteld.core.display import format_value, kind_of_field
from hersteld.people.models import Employee, Employment

AMSTERDAM_WINTER = dt.timezone(dt.timedelta(hours=1))


@pytest.fixture(autouse=True)
def _dutch():
    with translation.override("nl"):
        yield


@pytest.mark.parametrize(
    ("value", "kind", "shown"),
    [
        # dates: objects and the ISO strings the audit trail stores
        (dt.date(2026, 1, 5), "date", "05-01-2026"),
        ("2026-01-05", "date", "05-01-2026"),
        ("1990-12-31", "auto", "1990-12-31"),  # a bare string is text unless a kind is given
        (dt.date(2026, 1, 5), "auto", "05-01-2026"),
        # date-times in Amsterdam time
        ("2026-01-05T13:04:00+00:00", "datetime", "05-01-2026 14:04"),
        (dt.datetime(2026, 7, 1, 22, 30, tzinfo=dt.UTC), "datetime", "02-07-2026 00:30"),
        (dt.datetime(2026, 1, 5, 9, 0, tzinfo=AMSTERDAM_WINTER), "date", "05-01-2026"),
        # percentages without needless decimals
        ("100.00", "percent", "100%"),
        ("50.00", "percent", "50%"),
        ("37.50", "percent", "37,5%"),
        (Decimal("33.33"), "percent", "33,33%"),
        (Decimal("12.345"), "percent", "12,35%"),
        ("0.00", "percent", "0%"),
        # hours with a decimal comma
        ("37.50", "hours", "37,5"),
        (Decimal("32"), "hours", "32"),
        ("38.25", "hours", "38,25"),
        # money always with cents and a thousands dot
        ("41310.00", "money", "€ 41.310,00"),
        (Decimal("52000.5"), "money", "€ 52.000,50"),
        (Decimal("999.99"), "money", "€ 999,99"),
        ("1234567.891", "money", "€ 1.234.567,89"),
        (0, "money", "€ 0,00"),
        # other numbers
        (Decimal("1234.5"), "number", "1.234,5"),
        (Decimal("1234.5"), "auto", "1.234,5"),
        (7, "auto", "7"),
        # yes / no
        (True, "bool", "Ja"),
        (False, "bool", "Nee"),
        (True, "auto", "Ja"),
        ("false", "bool", "Nee"),
        # empty and what does not fit the kind
        (None, "money", "—"),
        ("", "date", "—"),
        ("not a date", "date", "not a date"),
        ("n/a", "money", "n/a"),
        ("Bakker", "text", "Bakker"),
    ],
)
def test_values_are_shown_in_dutch_format(value, kind, shown) -> None:
    assert format_value(value, kind) == shown


@pytest.mark.parametrize(
    ("model", "name", "kind"),
    [
        (Employment, "annual_salary", "money"),
        (Employment, "hours_per_week", "hours"),
        (Employment, "wia_percentage", "percent"),
        (Employment, "start_date", "date"),
        (Employment, "no_risk_policy", "bool"),
        (AbsenceCase, "sick_percentage", "percent"),
        (AbsenceCase, "safety_net", "bool"),
        (Recovery, "percentage", "percent"),
        (Recovery, "hours", "hours"),
        (Recovery, "contract_hours", "hours"),
        (Recovery, "created_at", "datetime"),
        (Employee, "birth_date", "date"),
        (Employee, "surname", "text"),
    ],
)
def test_a_fields_kind_follows_its_type_and_name(model, name, kind) -> None:
    assert kind_of_field(model._meta.get_field(name)) == kind


def test_the_template_filter_uses_the_same_formats() -> None:
    template = Template(
        '{% load display %}{{ s|show:"money" }} | {{ p|show:"percent" }} | {{ h|show:"hours" }}'
        " | {{ d|show:'date' }} | {{ d }} | {{ d|date }}"
    )
    context = Context(
        {
            "s": Decimal("41310"),
            "p": Decimal("37.50"),
            "h": Decimal("37.5"),
            "d": dt.date(2026, 3, 9),
        }
    )
    assert template.render(context) == (
        "€ 41.310,00 | 37,5% | 37,5 | 09-03-2026 | 09-03-2026 | 09-03-2026"
    )
