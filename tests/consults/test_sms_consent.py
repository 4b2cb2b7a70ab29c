"""SMS consent per purpose (issue 15, P14): consult reminders and notices of new messages are
each given and withdrawn on their own, in the portal and the API, audited, in the export."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from hersteld.consults import selectors, services
from hersteld.consults.models import SmsConsent
from hersteld.core.models import AuditEvent
from hersteld.core.signals import sms_number
from tests.support.clients import ApiClient
from tests.support.consults import clinic, next_weekday_at, plan

pytestmark = pytest.mark.django_db


def open_consents(world: Any) -> dict[str, str]:
    return dict(
        SmsConsent.objects.filter(
            employee=world.own_employee, withdrawn_at__isnull=True
        ).values_list("purpose", "phone")
    )


def asked(employee_id: int, purpose: str) -> list[Any]:
    """What the receivers of core.signals.sms_number answer (as messaging asks it)."""
    return [
        answer for _r, answer in sms_number.send(None, employee_id=employee_id, purpose=purpose)
    ]


def test_each_purpose_is_given_and_withdrawn_on_its_own(world: Any) -> None:
    services.give_sms_consent(actor=world.employee, phone="06 12345678", purpose="reminders")
    services.give_sms_consent(actor=world.employee, phone="06 87654321", purpose="messages")
    assert open_consents(world) == {"reminders": "+31612345678", "messages": "+31687654321"}

    services.withdraw_sms_consent(actor=world.employee, purpose="messages")
    assert open_consents(world) == {"reminders": "+31612345678"}
    assert asked(world.own_employee.pk, "messages") == [None]
    assert asked(world.own_employee.pk, "reminders") == ["+31612345678"]


def test_without_a_purpose_the_consent_is_to_reminders_as_before(world: Any) -> None:
    services.give_sms_consent(actor=world.employee, phone="0612345678")
    assert open_consents(world) == {"reminders": "+31612345678"}
    services.withdraw_sms_consent(actor=world.employee)
    assert open_consents(world) == {}


def test_a_new_number_closes_the_open_consent_of_that_purpose_only(world: Any) -> None:
    services.give_sms_consent(actor=world.employee, phone="0612345678", purpose="messages")
    services.give_sms_consent(actor=world.employee, phone="0612345678", purpose="reminders")
    services.give_sms_consent(actor=world.employee, phone="0611111111", purpose="messages")
    assert open_consents(world) == {"reminders": "+31612345678", "messages": "+31611111111"}
    assert SmsConsent.objects.filter(purpose="messages").count() == 2


def test_the_database_keeps_one_open_consent_per_purpose(world: Any) -> None:
    now = timezone.now()
    SmsConsent.objects.create(
        employee=world.own_employee, purpose="messages", phone="+31612345678", given_at=now
    )
    SmsConsent.objects.create(
        employee=world.own_employee, purpose="reminders", phone="+31612345678", given_at=now
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        SmsConsent.objects.create(
            employee=world.own_employee, purpose="messages", phone="+31687654321", given_at=now
        )


def test_the_messages_consent_brings_no_consult_reminder(world: Any) -> None:
    services.give_sms_consent(actor=world.employee, phone="0612345678", purpose="messages")
    c = clinic(world, weekdays=(0, 1, 2, 3, 4, 5, 6))
    consult = plan(c, next_weekday_at(2, 10))
    day = timezone.localtime(consult.starts_at).date() - dt.timedelta(days=2)
    sent: list[tuple[str, str]] = []
    assert services.send_reminders(day, send=lambda *a: sent.append(a)) == 0
    assert sent == []


def test_giving_and_withdrawing_is_audited_with_the_purpose(world: Any) -> None:
    consent = services.give_sms_consent(
        actor=world.employee, phone="0612345678", purpose="messages"
    )
    services.withdraw_sms_consent(actor=world.employee, purpose="messages")
    events = AuditEvent.objects.filter(object_id=str(consent.pk), object_type="consults.smsconsent")
    actions = sorted(events.values_list("action", flat=True))
    assert actions == ["create", "withdraw"]
    created = events.get(action="create")
    assert created.changes["purpose"] == [None, "messages"]


@pytest.mark.parametrize(
    ("phone", "code"),
    [
        ("", "required"),
        ("12", "phone_invalid"),
        ("een nummer", "phone_format"),
        ("020 1234567", "sms_phone_not_mobile"),  # a landline cannot receive an SMS
    ],
)
def test_a_number_that_cannot_receive_an_sms_is_refused_and_nothing_written(
    world: Any, phone: str, code: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.give_sms_consent(actor=world.employee, phone=phone, purpose="messages")
    assert [e.code for e in caught.value.error_dict["phone"]] == [code]
    assert not SmsConsent.objects.exists()
    assert not AuditEvent.objects.filter(object_type="consults.smsconsent").exists()


def test_an_unknown_purpose_is_refused(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        services.give_sms_consent(actor=world.employee, phone="0612345678", purpose="marketing")
    assert list(caught.value.error_dict) == ["purpose"]
    with pytest.raises(ValidationError):
        services.withdraw_sms_consent(actor=world.employee, purpose="marketing")
    assert not SmsConsent.objects.exists()


def test_the_portal_gives_and_withdraws_each_purpose(world: Any, sign_in: Any) -> None:
    client = sign_in(world.employee)
    page = client.get("/consults/").content.decode()
    assert 'id="sms-reminders"' in page and 'id="sms-messages"' in page
    assert 'id="id_sms_reminders_phone"' in page and 'id="id_sms_messages_phone"' in page

    response = client.post(
        "/consults/sms-consent/", {"purpose": "messages", "phone": "06 12345678"}
    )
    assert response.status_code == 302
    assert open_consents(world) == {"messages": "+31612345678"}
    page = client.get("/consults/").content.decode()
    assert "U krijgt een sms op +31612345678 als er een nieuw bericht voor u is." in page

    client.post("/consults/sms-consent/", {"purpose": "reminders", "phone": "0687654321"})
    response = client.post("/consults/sms-consent/", {"purpose": "messages", "withdraw": "1"})
    assert response.status_code == 302 and response["Location"] == "/consults/#sms"
    assert open_consents(world) == {"reminders": "+31687654321"}


def test_the_portal_shows_a_bad_number_on_its_field_in_dutch(world: Any, sign_in: Any) -> None:
    client = sign_in(world.employee)
    response = client.post(
        "/consults/sms-consent/", {"purpose": "messages", "phone": "020 1234567"}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="id_sms_messages_phone_error"' in page
    assert "Voor een sms is een mobiel nummer nodig" in page
    assert not SmsConsent.objects.exists()


def test_the_employee_withdraws_from_his_start_page(world: Any, sign_in: Any) -> None:
    services.give_sms_consent(actor=world.employee, phone="0612345678", purpose="reminders")
    services.give_sms_consent(actor=world.employee, phone="0612345678", purpose="messages")
    client = sign_in(world.employee)
    page = client.get("/").content.decode()
    assert 'id="consent-sms-reminders"' in page and 'id="consent-sms-messages"' in page
    assert page.count('name="next" value="home"') == 2

    response = client.post(
        "/consults/sms-consent/", {"purpose": "messages", "withdraw": "1", "next": "home"}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    assert open_consents(world) == {"reminders": "+31612345678"}
    page = client.get("/").content.decode()
    assert page.count('name="next" value="home"') == 1
    assert 'href="/consults/#sms-messages"' in page  # give it again


def test_the_api_gives_lists_and_withdraws_per_purpose(world: Any) -> None:
    client = ApiClient(world.employee)
    given = client.post("/api/v1/me/sms-consents", {"purpose": "messages", "phone": "0612345678"})
    assert given.status_code == 201, given.content
    assert given.json()["purpose"] == "messages"
    assert given.json()["phone"] == "+31612345678"
    withdrawn = client.post("/api/v1/me/sms-consents/withdraw", {"purpose": "messages"})
    assert withdrawn.status_code == 200
    assert withdrawn.json()["withdrawn_at"] is not None
    again = client.post("/api/v1/me/sms-consents/withdraw", {"purpose": "messages"})
    assert again.status_code == 422

    listed = client.get("/api/v1/me/sms-consents").json()["items"]
    assert [(c["purpose"], c["withdrawn_at"] is None) for c in listed] == [("messages", False)]


def test_the_api_refuses_a_landline_with_a_dutch_field_error(world: Any) -> None:
    response = ApiClient(world.employee).post(
        "/api/v1/me/sms-consents", {"purpose": "messages", "phone": "020 1234567"}
    )
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "phone" and error["code"] == "sms_phone_not_mobile"
    assert "mobiel nummer" in error["message"]
    assert not SmsConsent.objects.exists()


def test_only_the_employee_gives_consent(world: Any) -> None:
    for user in (world.hr, world.medic):
        response = ApiClient(user).post(
            "/api/v1/me/sms-consents", {"purpose": "messages", "phone": "0612345678"}
        )
        assert response.status_code == 403
    assert not SmsConsent.objects.exists()


def test_the_export_names_the_purpose(world: Any) -> None:
    services.give_sms_consent(actor=world.employee, phone="0612345678", purpose="messages")
    services.give_sms_consent(actor=world.employee, phone="0612345678", purpose="reminders")
    records = selectors.subject_records(world.own_employee, world.casemanager, medical=False)
    consents = next(r for r in records if r.name == "consents")
    assert sorted(row["purpose"] for row in consents.rows) == ["messages", "reminders"]
    assert sorted(row["purpose_display"] for row in consents.rows) == [
        "herinneringen aan consulten",
        "meldingen van nieuwe berichten",
    ]
    assert consents.columns[0] == ("purpose_display", "Doel")
