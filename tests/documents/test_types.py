"""Every document type (P12): who drafts it, what it is prefilled with, what it needs to be
final. The expectations are written out here from shared/domain/documents.md, not read from
the declarations."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hersteld.documents import services, types
from tests.support.documents import sick_case

pytestmark = pytest.mark.django_db

MEDIC = {"medic"}
HANDLERS = {"casemanager", "hr"}
DRAFTERS: dict[str, set[str]] = {
    "PROBLEEMANALYSE": MEDIC,
    "BIJSTELLING_PROBLEEMANALYSE": MEDIC,
    "ACTUEEL_OORDEEL": MEDIC,
    "MEDISCHE_INFORMATIE": MEDIC,
    "PLAN_VAN_AANPAK": HANDLERS,
    "EVALUATIE": HANDLERS,
    "EERSTEJAARSEVALUATIE": HANDLERS,
    "EINDEVALUATIE": HANDLERS,
    "MELDING_42_WEKEN": HANDLERS,
    "VERKORT_RIV": HANDLERS,
    "HERSTELMELDING_UWV": HANDLERS,
    "WAZO_AANVRAAG": HANDLERS,
    "WIJZIGING_DEELHERSTEL_ZW": HANDLERS,
    "ZIEK_UIT_DIENST_MELDING": HANDLERS,
    "MELDING_AANSLUITEND_ZIEK_WAZO": HANDLERS,
    "ZW_AANVRAAG": {"casemanager"},
    "OORDEEL_WERKNEMER": {"employee"},
}
# One required field per type that nothing can prefill in this world: finalising names it.
STILL_REQUIRED: dict[str, str] = {
    "PROBLEEMANALYSE": "fields.advice",
    "BIJSTELLING_PROBLEEMANALYSE": "fields.changes",
    "ACTUEEL_OORDEEL": "fields.work_possible",
    "MEDISCHE_INFORMATIE": "medical_fields.medical_information",
    "PLAN_VAN_AANPAK": "fields.signer_employee",
    "EVALUATIE": "fields.looking_back",
    "EERSTEJAARSEVALUATIE": "fields.second_year_result",
    "EINDEVALUATIE": "fields.state",
    "MELDING_42_WEKEN": "fields.payroll_tax_number",  # the world's employer has none
    "VERKORT_RIV": "fields.done",
    "HERSTELMELDING_UWV": "fields.recovery_date",
    "WAZO_AANVRAAG": "fields.expected_delivery",
    "WIJZIGING_DEELHERSTEL_ZW": "fields.change_date",
    "ZIEK_UIT_DIENST_MELDING": "fields.last_working_day",
    "MELDING_AANSLUITEND_ZIEK_WAZO": "fields.first_sick_day",
    "ZW_AANVRAAG": "fields.payment_to",
    "OORDEEL_WERKNEMER": "fields.opinion",
}
ROLES = ("casemanager", "medic", "hr", "employee", "admin", "manager")


def test_the_table_covers_every_declared_type() -> None:
    assert set(DRAFTERS) == set(types.CODES) == set(STILL_REQUIRED)


def test_only_the_named_roles_draft_each_type_and_it_is_prefilled(world: Any) -> None:
    case = sick_case(world)
    for code in sorted(DRAFTERS):
        drafted = None
        for role in ROLES:
            actor = getattr(world, role)
            # The manager is an employer user limited to a department: he drafts what HR drafts.
            allowed = role in DRAFTERS[code] or (role == "manager" and "hr" in DRAFTERS[code])
            if allowed:
                drafted = services.create_draft(actor=actor, case_id=case.pk, doc_type=code)
            else:
                with pytest.raises(PermissionDenied):
                    services.create_draft(actor=actor, case_id=case.pk, doc_type=code)
        assert drafted is not None, code
        assert drafted.fields["employee_name"] == "W. Werknemer", code
        assert drafted.fields["employer_name"] == world.employer.name, code
        assert drafted.fields["first_day"] == case.first_day.isoformat(), code
        assert drafted.medical_fields == {}, code


def test_a_fresh_draft_is_not_final_without_its_required_fields(world: Any) -> None:
    case = sick_case(world)
    for code in sorted(DRAFTERS):
        actor = getattr(world, sorted(DRAFTERS[code])[0])
        drafted = services.create_draft(actor=actor, case_id=case.pk, doc_type=code)
        with pytest.raises(ValidationError) as refused:
            services.finalise(actor=actor, document_id=drafted.pk)
        assert STILL_REQUIRED[code] in refused.value.error_dict, code
        drafted.refresh_from_db()
        assert drafted.status == "draft", code


def test_views_are_required_from_july_2023_by_d1_or_by_drawing_up() -> None:
    import datetime as dt

    assert types.views_required(dt.date(2023, 7, 1), dt.date(2023, 7, 1))
    assert types.views_required(dt.date(2023, 1, 1), dt.date(2023, 7, 3))
    assert not types.views_required(dt.date(2023, 1, 1), dt.date(2023, 6, 30))
