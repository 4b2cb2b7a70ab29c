"""User management by arbodienst admins (P1): own tenant only, grants scoped, employer side limited."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from hersteld.accounts import services
from hersteld.accounts.models import User, UserGrant
from hersteld.core.models import AuditEvent
from hersteld.organisations.models import Department, Employer
from hersteld.people.models import Employee, Employment

pytestmark = pytest.mark.django_db
PASSWORD = "een-lang-wachtwoord-2026"


def codes(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}


def test_an_admin_creates_an_employer_user_in_the_own_tenant(persona) -> None:
    admin = persona("admin.noord")
    jansen = Employer.objects.get(name="Transport Jansen")
    user = services.create_user(
        actor=admin,
        data={
            "username": "planner.jansen",
            "role": "employer_user",
            "employer": jansen,
            "password": PASSWORD,
            "email": "planner@example.org",
        },
    )
    assert user.arbodienst == admin.arbodienst
    assert user.check_password(PASSWORD)
    assert (
        "password"
        not in AuditEvent.objects.filter(object_type="accounts.user").latest("id").changes
    )


def test_an_admin_cannot_place_a_user_at_another_tenants_employer(persona) -> None:
    with pytest.raises(ValidationError) as info:
        services.create_user(
            actor=persona("admin.noord"),
            data={
                "username": "x",
                "role": "employer_user",
                "password": PASSWORD,
                "employer": Employer.objects.get(name="Zorggroep Zuid"),
            },
        )
    assert codes(info.value)["employer"] == ["employer_other_tenant"]


def test_an_admin_cannot_create_operators(persona) -> None:
    with pytest.raises(ValidationError) as info:
        services.create_user(
            actor=persona("admin.noord"),
            data={"username": "root2", "role": "operator", "password": PASSWORD},
        )
    assert codes(info.value)["role"] == ["role_not_allowed"]


def test_weak_passwords_and_taken_names_are_refused(persona) -> None:
    with pytest.raises(ValidationError) as info:
        services.create_user(
            actor=persona("admin.noord"),
            data={"username": "HR.DEVRIES", "role": "casemanager", "password": "kort"},
        )
    problems = codes(info.value)
    assert problems["username"] == ["username_taken"]
    assert "password_too_short" in problems["password"]


def test_an_employee_user_is_linked_to_his_own_record(persona) -> None:
    employee = Employee.objects.filter(employer__name="Transport Jansen").first()
    user = services.create_user(
        actor=persona("admin.noord"),
        data={
            "username": "werknemer.jansen",
            "role": "employee",
            "employee": employee,
            "password": PASSWORD,
        },
    )
    assert user.employer == employee.employer
    visible = Employment.objects.restrict(user, "people.view")
    assert set(visible.values_list("employee_id", flat=True)) == {employee.pk}


def test_users_of_another_tenant_are_not_found(persona) -> None:
    zuid_user = User.objects.get(username="hr.zuidzorg")
    with pytest.raises(Http404):
        services.update_user(
            actor=persona("admin.noord"), user_id=zuid_user.pk, data={"is_active": False}
        )


def test_a_grant_widens_the_scope_of_one_user(persona) -> None:
    admin = persona("admin.noord")
    hr = persona("hr.devries")
    jansen = Employer.objects.get(name="Transport Jansen")
    assert not Employment.objects.restrict(hr, "people.view").filter(employer=jansen).exists()
    services.add_grant(actor=admin, user_id=hr.pk, permission="people.view", employer=jansen)
    hr = persona("hr.devries")
    assert Employment.objects.restrict(hr, "people.view").filter(employer=jansen).exists()
    assert not Employment.objects.restrict(hr, "people.change").filter(employer=jansen).exists()
    event = AuditEvent.objects.filter(action="grant").latest("id")
    assert event.changes == {"grant": [None, "people.view @ Transport Jansen"]}


def test_a_department_grant_reaches_the_subtree_only(persona) -> None:
    admin = persona("admin.noord")
    hr = persona("hr.jansen")
    chauffeurs = Department.objects.get(code="CHF")
    grant = services.add_grant(
        actor=admin,
        user_id=persona("casemanager.noord").pk,
        permission="people.view",
        department=chauffeurs,
    )
    assert grant.scope().department_path == chauffeurs.path
    assert hr  # the employer user keeps the own employer scope


def test_employer_users_never_get_medical_or_safety_net_rights(persona) -> None:
    admin = persona("admin.noord")
    hr = persona("hr.devries")
    for permission in ("medical.view", "absence.view_safety_net", "accounts.manage"):
        with pytest.raises(ValidationError) as info:
            services.add_grant(
                actor=admin, user_id=hr.pk, permission=permission, employer=hr.employer
            )
        assert codes(info.value)["permission"] == ["permission_not_for_role"]
    assert not UserGrant.objects.filter(user=hr).exists()


def test_employer_users_get_grants_only_for_an_employer_or_department(persona) -> None:
    with pytest.raises(ValidationError) as info:
        services.add_grant(
            actor=persona("admin.noord"), user_id=persona("hr.devries").pk, permission="people.view"
        )
    assert codes(info.value)["employer"] == ["grant_scope_required"]


def test_revoking_a_grant_removes_the_scope_and_is_audited(persona) -> None:
    admin = persona("admin.noord")
    hr = persona("hr.devries")
    jansen = Employer.objects.get(name="Transport Jansen")
    grant = services.add_grant(
        actor=admin, user_id=hr.pk, permission="people.view", employer=jansen
    )
    services.revoke_grant(actor=admin, grant_id=grant.pk)
    assert (
        not Employment.objects.restrict(persona("hr.devries"), "people.view")
        .filter(employer=jansen)
        .exists()
    )
    assert AuditEvent.objects.filter(action="revoke").exists()


def test_only_admins_manage_users(persona) -> None:
    with pytest.raises(Http404):
        services.update_user(
            actor=persona("casemanager.noord"),
            user_id=persona("hr.devries").pk,
            data={"is_active": False},
        )


def test_a_blocked_user_reaches_nothing(persona) -> None:
    admin = persona("admin.noord")
    services.update_user(actor=admin, user_id=persona("hr.devries").pk, data={"is_active": False})
    assert not Employment.objects.restrict(persona("hr.devries"), "people.view").exists()


def test_admins_cannot_block_themselves(persona) -> None:
    admin = persona("admin.noord")
    with pytest.raises(ValidationError):
        services.update_user(actor=admin, user_id=admin.pk, data={"is_active": False})


def test_user_management_pages(login, persona) -> None:
    client = login("admin.noord")
    assert client.get("/users/").status_code == 200
    response = client.post(
        "/users/add/",
        {
            "username": "nieuw.hr",
            "role": "employer_user",
            "employer": Employer.objects.get(name="Transport Jansen").pk,
            "password": PASSWORD,
        },
    )
    assert response.status_code == 302
    new = User.objects.get(username="nieuw.hr")
    response = client.post(
        f"/users/{new.pk}/grants/add/", {"permission": "people.view", "employer": new.employer_id}
    )
    assert response.status_code == 302
    assert UserGrant.objects.filter(user=new).count() == 1
    zuid_user = User.objects.get(username="hr.zuidzorg")
    assert client.get(f"/users/{zuid_user.pk}/").status_code == 404
    assert login("hr.devries").get("/users/").status_code == 403


def test_an_admin_sets_a_new_password_and_resets_mfa(login, persona) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = login("admin.noord")
    target = persona("casemanager.noord")
    weak = client.post(f"/users/{target.pk}/password/", {"password": "kort"})
    assert weak.status_code == 302
    assert not persona("casemanager.noord").check_password("kort")
    client.post(f"/users/{target.pk}/password/", {"password": PASSWORD})
    assert persona("casemanager.noord").check_password(PASSWORD)
    client.post(f"/users/{target.pk}/mfa-reset/")
    assert not TOTPDevice.objects.filter(user=target).exists()
    assert AuditEvent.objects.filter(action="mfa", object_id=str(target.pk)).exists()
    zuid = User.objects.get(username="casemanager.zuid")
    assert client.post(f"/users/{zuid.pk}/mfa-reset/").status_code == 404
    assert TOTPDevice.objects.filter(user=zuid).exists()
