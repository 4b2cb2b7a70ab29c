"""The permission tree (P1): a grant covers its subtree; change gives view; limits per role."""

from __future__ import annotations

from hersteld.accounts.permissions import (
    ROLE_DEFAULTS,
    Role,
    covers,
    expand,
    grantable_to,
    mfa_required,
)


def test_a_node_grants_everything_below_it() -> None:
    assert expand("people") == {"people.view", "people.change"}


def test_change_includes_view() -> None:
    assert covers("people.change", "people.view")
    assert not covers("people.view", "people.change")


def test_error_log_permission_exists_with_its_cdes_name() -> None:
    assert covers("exchange", "exchange.view_error_log")


def test_employer_side_never_gets_medical_or_safety_net_permissions() -> None:
    for role in (Role.EMPLOYER_USER, Role.EMPLOYEE):
        assert not grantable_to(role, "medical.view")
        assert not grantable_to(role, "absence.view_safety_net")
        assert not grantable_to(role, "absence")
        assert not any(covers(code, "medical.view") for code in ROLE_DEFAULTS[role])
        assert not any(covers(code, "absence.view_safety_net") for code in ROLE_DEFAULTS[role])


def test_only_the_medic_and_pob_roles_read_medical_data_by_default() -> None:
    holders = {
        role
        for role, codes in ROLE_DEFAULTS.items()
        if any(covers(c, "medical.view") for c in codes)
    }
    assert holders == {Role.MEDIC, Role.POB}


def test_mfa_is_required_for_arbodienst_roles_and_a_setting_for_the_employer_side() -> None:
    for role in (Role.OPERATOR, Role.ARBODIENST_ADMIN, Role.CASEMANAGER, Role.MEDIC):
        assert mfa_required(role, employer_users=False)
    assert mfa_required(Role.EMPLOYER_USER, employer_users=True)
    assert not mfa_required(Role.EMPLOYER_USER, employer_users=False)
