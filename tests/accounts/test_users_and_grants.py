"""User management by arbodienst admins (P1): own tenant only, grants scoped, employer side limited."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from hersteld.accounts import services
from hersteld.accounts.models import User, UserGrant
from hersteld.core.models import AuditEvent
from hersteld.people.models import Employment

pytestmark = pytest.mark.django_db
PASSWORD = "een-lang-wachtwoord-2026"


def codes(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}


def test_an_admin_creates_an_employer_user_in_the_own_tenant(world) -> None:
    admin = world.admin
    jansen = world.other_employer
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


def test_an_admin_cannot_place_a_user_at_another_tenants_employer(world) -> None:
    with pytest.raises(ValidationError) as info:
        services.create_user(
            actor=world.admin,
            data={
                "username": "x",
                "role": "employer_user",
                "password": PASSWORD,
                "employer": world.foreign_employer,
            },
        )
    assert codes(info.value)["employer"] == ["employer_other_tenant"]


def test_an_admin_cannot_create_operators(world) -> None:
    with pytest.raises(ValidationError) as info:
        services.create_user(
            actor=world.admin,
            data={"username": "root2", "role": "operator", "password": PASSWORD},
        )
    assert codes(info.value)["role"] == ["role_not_allowed"]


def test_weak_passwords_and_taken_names_are_refused(world) -> None:
    with pytest.raises(ValidationError) as info:
        services.create_user(
            actor=world.admin,
            data={"username": world.hr.username.upper(), "role": "casemanager", "password": "kort"},
        )
    problems = codes(info.value)
    assert problems["username"] == ["username_taken"]
    assert "password_too_short" in problems["password"]


def test_an_employee_user_is_linked_to_his_own_record(world) -> None:
    employee = world.hire(world.other_department).employee
    user = services.create_user(
        actor=world.admin,
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


def test_users_of_another_tenant_are_not_found(world) -> None:
    zuid_user = world.foreign_hr
    with pytest.raises(Http404):
        services.update_user(actor=world.admin, user_id=zuid_user.pk, data={"is_active": False})


def test_a_grant_widens_the_scope_of_one_user(world) -> None:
    admin = world.admin
    hr = world.hr
    jansen = world.other_employer
    world.hire(world.other_department)
    assert not Employment.objects.restrict(hr, "people.view").filter(employer=jansen).exists()
    services.add_grant(actor=admin, user_id=hr.pk, permission="people.view", employer=jansen)
    hr = world.hr
    assert Employment.objects.restrict(hr, "people.view").filter(employer=jansen).exists()
    assert not Employment.objects.restrict(hr, "people.change").filter(employer=jansen).exists()
    event = AuditEvent.objects.filter(action="grant").latest("id")
    assert event.changes == {"grant": [None, f"people.view @ {jansen.name}"]}


def test_a_department_grant_reaches_the_subtree_only(world) -> None:
    admin = world.admin
    hr = world.other_hr
    chauffeurs = world.department
    grant = services.add_grant(
        actor=admin,
        user_id=world.casemanager.pk,
        permission="people.view",
        department=chauffeurs,
    )
    assert grant.scope().department_path == chauffeurs.path
    assert hr  # the employer user keeps the own employer scope


def test_employer_users_never_get_medical_or_safety_net_rights(world) -> None:
    admin = world.admin
    hr = world.hr
    for permission in ("medical.view", "absence.view_safety_net", "accounts.manage"):
        with pytest.raises(ValidationError) as info:
            services.add_grant(
                actor=admin, user_id=hr.pk, permission=permission, employer=hr.employer
            )
        assert codes(info.value)["permission"] == ["permission_not_for_role"]
    assert not UserGrant.objects.filter(user=hr).exists()


def test_employer_users_get_grants_only_for_an_employer_or_department(world) -> None:
    with pytest.raises(ValidationError) as info:
        services.add_grant(actor=world.admin, user_id=world.hr.pk, permission="people.view")
    assert codes(info.value)["employer"] == ["grant_scope_required"]


def test_revoking_a_grant_removes_the_scope_and_is_audited(world) -> None:
    admin = world.admin
    hr = world.hr
    jansen = world.other_employer
    grant = services.add_grant(
        actor=admin, user_id=hr.pk, permission="people.view", employer=jansen
    )
    services.revoke_grant(actor=admin, grant_id=grant.pk)
    assert not Employment.objects.restrict(world.hr, "people.view").filter(employer=jansen).exists()
    assert AuditEvent.objects.filter(action="revoke").exists()


def test_only_admins_manage_users(world) -> None:
    with pytest.raises(Http404):
        services.update_user(
            actor=world.casemanager,
            user_id=world.hr.pk,
            data={"is_active": False},
        )


def test_a_blocked_user_reaches_nothing(world) -> None:
    admin = world.admin
    services.update_user(actor=admin, user_id=world.hr.pk, data={"is_active": False})
    assert not Employment.objects.restrict(world.hr, "people.view").exists()


def test_admins_cannot_block_themselves(world) -> None:
    admin = world.admin
    with pytest.raises(ValidationError):
        services.update_user(actor=admin, user_id=admin.pk, data={"is_active": False})


def test_user_management_pages(world, sign_in) -> None:
    client = sign_in(world.admin)
    assert client.get("/users/").status_code == 200
    response = client.post(
        "/users/add/",
        {
            "username": "nieuw.hr",
            "role": "employer_user",
            "employer": world.other_employer.pk,
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
    zuid_user = world.foreign_hr
    assert client.get(f"/users/{zuid_user.pk}/").status_code == 404
    assert sign_in(world.hr).get("/users/").status_code == 403


def test_an_admin_sets_a_new_password_and_resets_mfa(world, sign_in) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = sign_in(world.admin)
    target = world.casemanager
    zuid = world.other_casemanager
    for staff in (target, zuid):  # staff have an authenticator
        TOTPDevice.objects.create(user=staff, name="Authenticator", confirmed=True)
    weak = client.post(f"/users/{target.pk}/password/", {"password": "kort"})
    assert weak.status_code == 302
    assert not world.casemanager.check_password("kort")
    client.post(f"/users/{target.pk}/password/", {"password": PASSWORD})
    assert world.casemanager.check_password(PASSWORD)
    client.post(f"/users/{target.pk}/mfa-reset/")
    assert not TOTPDevice.objects.filter(user=target).exists()
    assert AuditEvent.objects.filter(action="mfa", object_id=str(target.pk)).exists()
    assert client.post(f"/users/{zuid.pk}/mfa-reset/").status_code == 404
    assert TOTPDevice.objects.filter(user=zuid).exists()
