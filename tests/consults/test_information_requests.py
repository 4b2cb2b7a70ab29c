"""Medical information requests: only with recorded consent, withdrawable, billable, medical."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from hersteld.consults import selectors, services
from hersteld.consults.models import BillableItem, InformationRequest
from hersteld.core.selectors import audit_events
from tests.support.absence import codes

pytestmark = pytest.mark.django_db

DATA = {
    "scope": "Gegevens over de werkhervatting sinds 1 november",
    "physician": "Huisartsenpraktijk Wereld, Utrecht",
    "question": "Welke belastbaarheid ziet u op dit moment?",
}


def test_a_request_needs_the_whole_consent_and_is_billed(world: Any) -> None:
    with pytest.raises(ValidationError) as info:
        services.request_information(actor=world.medic, employee_id=world.own_employee.pk, data={})
    assert set(codes(info.value)) == {"scope", "physician", "question", "consent_at"}
    future = timezone.now() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as info:
        services.request_information(
            actor=world.medic,
            employee_id=world.own_employee.pk,
            data={**DATA, "consent_at": future},
        )
    assert codes(info.value) == {"consent_at": ["consent_in_future"]}
    assert not BillableItem.objects.exists()
    found = services.request_information(
        actor=world.medic,
        employee_id=world.own_employee.pk,
        data={**DATA, "consent_at": timezone.now() - dt.timedelta(hours=1)},
    )
    item = BillableItem.objects.get()
    assert (item.kind, item.employer_id, item.consult_id) == (
        "information_request",
        world.employer.pk,
        None,
    )
    assert found.physician == DATA["physician"]


def test_the_employee_sees_and_withdraws_then_no_answer(world: Any) -> None:
    found = services.request_information(
        actor=world.medic,
        employee_id=world.own_employee.pk,
        data={**DATA, "consent_at": timezone.now()},
    )
    assert list(selectors.information_requests(world.employee)) == [found]
    assert list(selectors.information_requests(world.hr)) == []
    services.withdraw_information_consent(actor=world.employee, request_id=found.pk)
    with pytest.raises(ValidationError) as info:
        services.record_information_answer(
            actor=world.medic, request_id=found.pk, answer="Belastbaar"
        )
    assert codes(info.value) == {"__all__": ["consent_withdrawn"]}
    assert InformationRequest.objects.get(pk=found.pk).answer == ""


def test_the_answer_is_medical_file(world: Any) -> None:
    found = services.request_information(
        actor=world.medic,
        employee_id=world.own_employee.pk,
        data={**DATA, "consent_at": timezone.now()},
    )
    services.record_information_answer(
        actor=world.medic, request_id=found.pk, answer="Belastbaar voor licht werk"
    )
    assert InformationRequest.objects.get(pk=found.pk).answered_at is not None
    with pytest.raises(Http404):
        services.record_information_answer(actor=world.hr, request_id=found.pk, answer="x")
    with pytest.raises(Http404):
        services.request_information(
            actor=world.casemanager,
            employee_id=world.own_employee.pk,
            data={**DATA, "consent_at": timezone.now()},
        )
    assert not audit_events(world.hr).filter(object_type="consults.informationrequest").exists()
