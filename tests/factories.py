"""Valid input for the services; tests change one field at a time to check one rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hersteld.organisations.models import Department


def employment_data(department: Department, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "initials": "T.E.",
        "first_name": "Tess",
        "surname_prefix": "",
        "surname": "Testpersoon",
        "birth_date": dt.date(1990, 5, 17),
        "gender": "V",
        "marital_status": "unmarried",
        "name_use": "01",
        "bsn": "",
        "postcode": "1234 AB",
        "street": "Dorpsstraat",
        "house_number": 1,
        "house_number_addition": "",
        "city": "Utrecht",
        "country": "NL",
        "phone": "0612345678",
        "email": "t.testpersoon@example.org",
        "department": department,
        "employer": department.employer,
        "personnel_number": "T-0001",
        "start_date": dt.date(2024, 1, 1),
        "hours_per_week": Decimal("32"),
        "annual_salary": Decimal("36000"),
        "contract_type": "permanent",
        "function_name": "Bakker",
        "no_risk_policy": False,
        "insurance": "",
        "wia_percentage": None,
    }
    data.update(overrides)
    return data
