"""SMS reminders: only with recorded, withdrawable consent; no health content (issue 14, 1)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from hersteld.consults import services
from hersteld.consults.models import SmsConsent, SmsMessage
from tests.support.consults import clinic, next_weekday_at, plan

pytestmark = pytest.mark.django_db


def first_consult_in_two_days(world: Any) -> Any:
    c = clinic(world, weekdays=(0, 1, 2, 3, 4, 5, 6))
    return plan(c, next_weekday_at(2, 10))


def test_no_consent_no_sms(world: Any) -> None:
    consult = first_consult_in_two_days(world)
    sent: list[tuple[str, str]] = []
    local_day = services.timezone.localtime(consult.starts_at).date()
    assert (
        services.send_reminders(local_day - dt.timedelta(days=2), send=lambda *a: sent.append(a))
        == 0
    )
    assert sent == []


def test_with_consent_one_sms_two_days_before_without_health_content(world: Any) -> None:
    services.give_sms_consent(actor=world.employee, phone="06 12345678")
    consult = first_consult_in_two_days(world)
    local_day = services.timezone.localtime(consult.starts_at).date()
    sent: list[tuple[str, str]] = []
    # Three days before: nothing yet.
    assert (
        services.send_reminders(local_day - dt.timedelta(days=3), send=lambda *a: sent.append(a))
        == 0
    )
    assert (
        services.send_reminders(local_day - dt.timedelta(days=2), send=lambda *a: sent.append(a))
        == 1
    )
    # The daily job may run twice: still one SMS.
    assert (
        services.send_reminders(local_day - dt.timedelta(days=2), send=lambda *a: sent.append(a))
        == 0
    )
    assert len(sent) == 1
    phone, text = sent[0]
    assert phone == "+31612345678"  # stored in international form for the gateway
    assert f"{services.timezone.localtime(consult.starts_at):%d-%m-%Y}" in text
    for word in ("consult", "arts", "ziek", world.own_employee.surname, "bedrijfsarts"):
        assert word.lower() not in text.lower()
    assert SmsMessage.objects.get(consult=consult).error == ""


def test_a_withdrawn_consent_stops_the_reminder(world: Any) -> None:
    services.give_sms_consent(actor=world.employee, phone="0612345678")
    services.withdraw_sms_consent(actor=world.employee)
    consult = first_consult_in_two_days(world)
    local_day = services.timezone.localtime(consult.starts_at).date()
    assert services.send_reminders(local_day - dt.timedelta(days=2), send=lambda *a: None) == 0
    consent = SmsConsent.objects.get(employee=world.own_employee)
    assert consent.withdrawn_at is not None


def test_a_follow_up_gets_no_reminder(world: Any) -> None:
    services.give_sms_consent(actor=world.employee, phone="0612345678")
    c = clinic(world, weekdays=(0, 1, 2, 3, 4, 5, 6))
    consult = plan(c, next_weekday_at(2, 10), kind="follow_up")
    local_day = services.timezone.localtime(consult.starts_at).date()
    assert services.send_reminders(local_day - dt.timedelta(days=2), send=lambda *a: None) == 0


def test_consent_needs_a_valid_number_and_only_the_employee_gives_it(world: Any) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(ValidationError):
        services.give_sms_consent(actor=world.employee, phone="12")
    with pytest.raises(PermissionDenied):
        services.give_sms_consent(actor=world.hr, phone="0612345678")
    with pytest.raises(ValidationError):
        services.withdraw_sms_consent(actor=world.employee)
    assert not SmsConsent.objects.exists()
