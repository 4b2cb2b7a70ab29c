"""Open spreekuur: the employee asks himself; no employer user learns of it (issue 14, 3)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from hersteld.consults import selectors, services
from hersteld.consults.models import BillableItem, Notice
from hersteld.core.selectors import audit_events
from tests.support.consults import clinic, next_weekday_at, requested_and_held

pytestmark = pytest.mark.django_db


def test_the_employee_requests_and_the_arbodienst_plans_without_the_employer(world: Any) -> None:
    c = clinic(world)
    consult = services.request_consult(actor=world.employee, question="Vraag", method="online")
    assert (consult.status, consult.kind, consult.practitioner_id) == (
        "requested",
        "employee_requested",
        None,
    )
    planned = services.schedule_request(
        actor=world.casemanager,
        consult_id=consult.pk,
        data={"practitioner_id": c.pob.pk, "starts_at": next_weekday_at(4, 9), "method": "online"},
    )
    assert planned.status == "planned"
    told = set(Notice.objects.filter(consult=consult).values_list("user__username", flat=True))
    assert told == {world.employee.username}


def test_an_employer_user_never_sees_it(world: Any, sign_in: Any) -> None:
    _, consult = requested_and_held(world)
    for hr in (world.hr, world.manager):
        assert not selectors.consults(hr).filter(pk=consult.pk).exists()
        assert selectors.consults(hr).count() == 0
        assert sign_in(hr).get(f"/consults/{consult.pk}/").status_code == 404
        assert str(consult.pk) not in "".join(
            str(e.object_id) for e in audit_events(hr).filter(object_type__startswith="consults.")
        )
    assert selectors.consults(world.employee).filter(pk=consult.pk).exists()
    assert sign_in(world.employee).get(f"/consults/{consult.pk}/").status_code == 200


def test_it_is_billed_anonymously(world: Any) -> None:
    _, consult = requested_and_held(world)
    item = BillableItem.objects.get(kind="employee_requested")
    assert (item.employer_id, item.consult_id) == (world.employer.pk, None)
    rows = selectors.billing(world.casemanager, employer_id=world.employer.pk)
    assert [(r.employer_id, r.employer_name, r.month, r.kind, r.number) for r in rows] == [
        (
            world.employer.pk,
            world.employer.name,
            timezone.localtime(consult.starts_at).date().replace(day=1),
            "employee_requested",
            1,
        )
    ]
    # The employer side has no billing right at all.
    assert selectors.billing(world.hr) == []


def test_a_report_only_when_needed_and_consented(world: Any) -> None:
    from django.core.exceptions import ValidationError

    _, consult = requested_and_held(world)
    text = {"capabilities": "Kan werken"}
    with pytest.raises(ValidationError):
        services.save_report(actor=world.medic, consult_id=consult.pk, data=text)
    services.mark_report_needed(actor=world.medic, consult_id=consult.pk, needed=True)
    with pytest.raises(ValidationError):
        services.save_report(actor=world.medic, consult_id=consult.pk, data=text)
    services.consent_to_report(actor=world.employee, consult_id=consult.pk, consent=True)
    assert (
        services.save_report(actor=world.medic, consult_id=consult.pk, data=text).status == "draft"
    )


def test_only_an_employee_requests(world: Any) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.request_consult(actor=world.hr, question="x", method="phone")
