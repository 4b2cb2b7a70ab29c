"""A text longer than its column is refused with the field and the limit (422 in the API, a
form error in the portal), never a database error: PostgreSQL would answer 500."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

pytestmark = pytest.mark.django_db

# Append-only rows refuse every save after creation, long text or not.
APPEND_ONLY = {"core.auditevent", "core.accessevent"}


def hersteld_models_with_text() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if model.__module__.startswith("hersteld.")
        and model._meta.label_lower not in APPEND_ONLY
        and any(isinstance(f, models.CharField) and f.max_length for f in model._meta.fields)
    ]


def test_every_saved_text_longer_than_its_column_is_a_rule_violation(world) -> None:
    from hersteld.absence.services import add_medical_note, add_note

    case = world.busy()[0]
    add_note(actor=world.hr, case_id=case.pk, text="Overleg gepland.")
    add_medical_note(actor=world.medic, case_id=case.pk, text="Spreekuur gehad.")
    world.coupling()
    checked = []
    for model in hersteld_models_with_text():
        row = model._default_manager.first()
        if row is None:
            continue
        field = next(
            f for f in model._meta.fields if isinstance(f, models.CharField) and f.max_length
        )
        setattr(row, field.attname, "x" * (field.max_length + 1))
        with pytest.raises(ValidationError) as refused:
            row.save()
        error = refused.value.error_dict[field.name][0]
        assert (error.code, error.params) == ("too_long", {"limit": field.max_length})
        checked.append(model._meta.label)
    # The world has rows of most models: employers, employees, cases, couplings, users, ...
    assert len(checked) >= 10, checked


@pytest.mark.parametrize(
    ("path", "field", "limit"),
    [
        ("/api/v1/employees/{employee}", "surname", 120),
        ("/api/v1/employees/{employee}", "city", 80),
        ("/api/v1/employers/{employer}", "name", 200),
    ],
)
def test_the_api_refuses_an_overlong_text_with_422(world, api_as, path, field, limit) -> None:
    employee = world.employee.employee
    url = path.format(employee=employee.pk, employer=employee.employer_id)
    user = "admin" if "employers" in path else "hr"
    response = api_as(getattr(world, user)).patch(url, {field: "x" * (limit + 1)})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": field, "code": "too_long", "message": f"Maximaal {limit} tekens."}
    ]
