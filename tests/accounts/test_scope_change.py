"""A user's scope (role, employer, department, employee) changes only on purpose (issue 11 item 1).

Saving name or e-mail must never widen what a department manager sees; a scope change is its
own audited action behind a confirmation page that shows the old and the new scope.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from hersteld.absence.models import AbsenceCase
from hersteld.accounts import services
from hersteld.core.models import AuditEvent
from hersteld.organisations.models import Department

pytestmark = pytest.mark.django_db

MANAGER = "manager"


def codes(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}


def test_an_edit_without_scope_fields_keeps_the_department(world) -> None:
    admin = world.admin
    manager = getattr(world, MANAGER)
    services.update_user(actor=admin, user_id=manager.pk, data={"email": "h.smit@devries.example"})
    manager.refresh_from_db()
    assert manager.email == "h.smit@devries.example"
    assert manager.department == world.department
    assert manager.employer == world.employer
    assert manager.role == "employer_user"


def test_an_edit_that_carries_an_emptied_department_is_refused(world) -> None:
    admin = world.admin
    manager = getattr(world, MANAGER)
    with pytest.raises(ValidationError) as info:
        services.update_user(
            actor=admin,
            user_id=manager.pk,
            data={"email": "x@example.org", "department": None},
        )
    assert codes(info.value) == {"department": ["scope_change_separate"]}
    manager.refresh_from_db()
    assert manager.department == world.department and manager.email != "x@example.org"


def test_the_department_manager_still_sees_only_his_department_after_an_edit(world) -> None:
    services.update_user(
        actor=world.admin, user_id=getattr(world, MANAGER).pk, data={"last_name": "Smid"}
    )
    manager = getattr(world, MANAGER)
    world.busy()
    world.report_sick(world.colleague_employment)  # in the sibling department: not his
    seen = AbsenceCase.objects.restrict(manager, "absence.view")
    assert seen.exists()
    assert set(seen.values_list("employment__department__code", flat=True)) <= {
        "PROD",
        "PROD-OVEN",
    }


def test_a_scope_change_is_its_own_audited_action_with_a_reason(world) -> None:
    admin = world.admin
    manager = getattr(world, MANAGER)
    employer = manager.employer
    services.change_scope(
        actor=admin,
        user_id=manager.pk,
        data={
            "role": "employer_user",
            "employer": employer,
            "department": None,
            "reason": "Wordt HR voor het hele bedrijf",
        },
    )
    manager.refresh_from_db()
    assert manager.department is None and manager.employer == employer
    event = AuditEvent.objects.filter(
        object_type="accounts.user", object_id=str(manager.pk)
    ).latest("id")
    assert event.action == "update"
    assert event.reason == "Wordt HR voor het hele bedrijf"
    assert event.changes["department"][1] is None


def test_a_scope_change_needs_a_reason(world) -> None:
    manager = getattr(world, MANAGER)
    with pytest.raises(ValidationError) as info:
        services.change_scope(
            actor=world.admin,
            user_id=manager.pk,
            data={"role": "employer_user", "employer": manager.employer, "reason": " "},
        )
    assert codes(info.value) == {"reason": ["required"]}
    assert getattr(world, MANAGER).department == world.department


def test_an_admin_cannot_change_his_own_scope(world) -> None:
    admin = world.admin
    with pytest.raises(ValidationError) as info:
        services.change_scope(
            actor=admin,
            user_id=admin.pk,
            data={"role": "casemanager", "reason": "test"},
        )
    assert "scope_own" in codes(info.value)["role"]


def test_the_edit_page_has_no_scope_fields_and_keeps_the_department(world, sign_in) -> None:
    client = sign_in(world.admin)
    manager = getattr(world, MANAGER)
    page = client.get(f"/users/{manager.pk}/")
    form = page.context["form"]
    assert set(form.fields) == {"username", "first_name", "last_name", "email"}
    # A crafted POST with scope fields cannot change the scope through the edit form.
    response = client.post(
        f"/users/{manager.pk}/",
        {"email": "henk@devries.example", "department": "", "role": "arbodienst_admin"},
    )
    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.email == "henk@devries.example"
    assert (manager.role, manager.department) == ("employer_user", world.department)


def test_the_scope_page_asks_to_confirm_before_it_changes_anything(world, sign_in) -> None:
    client = sign_in(world.admin)
    manager = getattr(world, MANAGER)
    choice = {
        "role": "employer_user",
        "employer": manager.employer_id,
        "department": "",
        "reason": "Hele bedrijf",
    }
    first = client.post(f"/users/{manager.pk}/scope/", choice)
    assert first.status_code == 200 and first.context["confirming"]
    body = first.content.decode()
    assert "PROD Afdeling PROD" in body and 'name="confirm"' in body
    assert getattr(world, MANAGER).department == world.department
    second = client.post(f"/users/{manager.pk}/scope/", {**choice, "confirm": "1"})
    assert second.status_code == 302
    assert getattr(world, MANAGER).department is None


def test_the_scope_page_refuses_a_department_of_another_employer(world, sign_in) -> None:
    client = sign_in(world.admin)
    manager = getattr(world, MANAGER)
    other = Department.objects.exclude(employer=manager.employer).filter(
        employer__arbodienst=manager.arbodienst
    )[0]
    response = client.post(
        f"/users/{manager.pk}/scope/",
        {
            "role": "employer_user",
            "employer": manager.employer_id,
            "department": other.pk,
            "reason": "x",
            "confirm": "1",
        },
    )
    assert response.status_code == 422
    assert "department" in response.context["form"].errors
    assert getattr(world, MANAGER).department == world.department


def test_an_arbodienst_admin_is_not_offered_the_operator_role(world, sign_in) -> None:
    form = sign_in(world.admin).get("/users/add/").context["form"]
    offered = {value for value, _label in form.fields["role"].choices}
    assert "operator" not in offered
    assert {"arbodienst_admin", "casemanager", "medic", "employer_user", "employee"} <= offered


def test_an_operator_is_offered_every_role(world, sign_in) -> None:
    form = sign_in(world.operator).get("/users/add/").context["form"]
    assert "operator" in {value for value, _label in form.fields["role"].choices}


def test_department_options_name_their_employer(world, sign_in) -> None:
    body = sign_in(world.admin).get("/users/add/").content.decode()
    devries = world.employer
    assert f'value="{world.department.pk}" data-employer="{devries.pk}"' in body
