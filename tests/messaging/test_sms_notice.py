"""The SMS notice of a new message (issue 15, P14): only to an employee who agreed to it for
this purpose, only that there is something new, one per batch of unread messages, after the
commit, and a refused SMS never costs the message."""

from __future__ import annotations

import contextlib
import threading
from typing import Any

import pytest
from django.db import connection
from django.test import TestCase
from django.utils import timezone

from hersteld.absence.services import add_case
from hersteld.consults.models import SmsConsent
from hersteld.consults.services import give_sms_consent, withdraw_sms_consent
from hersteld.core.sms import SmsError
from hersteld.messaging import selectors, services
from hersteld.messaging.models import Message, Receipt

pytestmark = pytest.mark.django_db

TEXT = "Kun je maandag om negen uur bij Jansen beginnen?"
TOPIC = "Rooster bakkerij"


class FakeGateway:
    """Keeps what it was handed; `refuse` makes it fail as a provider would."""

    name = "fake"

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self.refuse = False

    def send(self, to: str, text: str) -> None:
        if self.refuse:
            raise SmsError("gateway answered 503")
        self.sent.append((to, text))


@pytest.fixture
def sms(monkeypatch: pytest.MonkeyPatch) -> FakeGateway:
    fake = FakeGateway()
    monkeypatch.setattr(services, "gateway", lambda: fake)
    return fake


def send(actor: Any, case: Any, text: str = TEXT, **more: Any) -> Message:
    """Send and commit (the SMS goes out after the commit)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.send(actor=actor, case_id=case.pk, text=text, **more)


def test_the_sms_says_only_that_there_is_something_new(
    world: Any, case: Any, sms: FakeGateway, settings: Any
) -> None:
    settings.BASE_URL = "https://hersteld.example.test/"
    give_sms_consent(actor=world.employee, phone="06 12345678", purpose="messages")

    send(world.hr, case, topic=TOPIC)

    assert sms.sent == [
        (
            "+31612345678",
            "Hersteld: er is een nieuw bericht voor u. Lees het na inloggen op "
            "https://hersteld.example.test/messages/",
        )
    ]
    text = sms.sent[0][1].lower()
    for word in ("maandag", "jansen", "rooster", world.own_employee.surname.lower()):
        assert word not in text
    for name in (world.hr.get_full_name(), world.hr.username, world.own_employee.first_name):
        assert not name or name.lower() not in text
    assert str(case.pk) not in sms.sent[0][1].removeprefix("Hersteld")  # no dossier number


def test_the_log_gateway_gets_the_same_content_free_text(
    world: Any, case: Any, settings: Any, caplog: Any
) -> None:
    settings.SMS_GATEWAY = "log"
    give_sms_consent(actor=world.employee, phone="0612345678", purpose="messages")
    with caplog.at_level("INFO", logger="hersteld.sms"):
        send(world.hr, case, topic=TOPIC)
    logged = [r.getMessage() for r in caplog.records if r.name == "hersteld.sms"]
    assert len(logged) == 1
    assert "+31612345678" in logged[0] and "nieuw bericht" in logged[0]
    assert "maandag" not in logged[0].lower() and "rooster" not in logged[0].lower()


def test_the_sms_waits_for_the_commit(world: Any, case: Any, sms: FakeGateway) -> None:
    give_sms_consent(actor=world.employee, phone="0612345678", purpose="messages")
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        services.send(actor=world.hr, case_id=case.pk, text=TEXT)
        assert sms.sent == []
    assert sms.sent == []  # not committed: never sent
    for callback in callbacks:
        callback()
    assert len(sms.sent) == 1


def test_one_sms_per_batch_of_unread_messages(world: Any, case: Any, sms: FakeGateway) -> None:
    give_sms_consent(actor=world.employee, phone="0612345678", purpose="messages")
    send(world.hr, case, "Eerste")
    send(world.casemanager, case, "Tweede")
    send(world.hr, case, "Derde")
    assert len(sms.sent) == 1  # he had not read the first yet

    services.mark_case_read(actor=world.employee, case=case)
    send(world.hr, case, "Vierde")
    assert len(sms.sent) == 2  # reading them re-armed it


def test_without_the_messages_consent_no_sms(world: Any, case: Any, sms: FakeGateway) -> None:
    # Consent to consult reminders is not consent to notices of new messages.
    give_sms_consent(actor=world.employee, phone="0612345678", purpose="reminders")
    send(world.hr, case)
    assert sms.sent == []

    give_sms_consent(actor=world.employee, phone="0612345678", purpose="messages")
    withdraw_sms_consent(actor=world.employee, purpose="messages")
    services.mark_case_read(actor=world.employee, case=case)
    send(world.hr, case)
    assert sms.sent == []


def test_the_email_wish_does_not_matter(world: Any, case: Any, sms: FakeGateway) -> None:
    services.set_frequency(actor=world.employee, email="off")
    give_sms_consent(actor=world.employee, phone="0612345678", purpose="messages")
    send(world.hr, case)
    assert len(sms.sent) == 1


def test_a_refused_sms_is_logged_and_the_message_stays(
    world: Any, case: Any, sms: FakeGateway, caplog: Any
) -> None:
    give_sms_consent(actor=world.employee, phone="0612345678", purpose="messages")
    sms.refuse = True
    with caplog.at_level("WARNING", logger="hersteld.messaging"):
        message = send(world.hr, case)

    assert Message.objects.filter(pk=message.pk).exists()
    assert Receipt.objects.filter(message=message, user=world.employee).exists()
    assert "SMS notice of a new message failed: gateway answered 503" in caplog.text
    assert "0612345678" not in caplog.text and TEXT not in caplog.text


def test_an_unset_http_gateway_does_not_cost_the_message(
    world: Any, case: Any, settings: Any, caplog: Any
) -> None:
    settings.SMS_GATEWAY, settings.SMS_URL = "http", ""
    give_sms_consent(actor=world.employee, phone="0612345678", purpose="messages")
    with caplog.at_level("WARNING", logger="hersteld.messaging"):
        message = send(world.hr, case)
    assert Message.objects.filter(pk=message.pk).exists()
    assert "HERSTELD_SMS_URL is not set" in caplog.text


def test_the_author_and_staff_never_get_an_sms(world: Any, case: Any, sms: FakeGateway) -> None:
    give_sms_consent(actor=world.employee, phone="0612345678", purpose="messages")
    # His own message: HR, the casemanager, the medic and the manager receive it, none by SMS.
    message = send(world.employee, case)
    assert Receipt.objects.filter(message=message).count() == 4
    send(world.employee, case, "Over mijn herstel.", thread="medical")
    assert sms.sent == []

    # A message to him from the medic: the SMS goes to his number only, once.
    send(world.medic, case, "Graag een afspraak.")
    assert [to for to, _text in sms.sent] == ["+31612345678"]


def test_a_refused_message_sends_no_sms(world: Any, case: Any, sms: FakeGateway) -> None:
    from django.core.exceptions import ValidationError

    give_sms_consent(actor=world.employee, phone="0612345678", purpose="messages")
    with pytest.raises(ValidationError):
        send(world.hr, case, "Heeft een hernia-operatie gehad.")  # the medical-term guard
    assert sms.sent == []
    assert not Message.objects.exists()


def test_only_the_employee_role_gets_an_sms(world: Any, case: Any, sms: FakeGateway) -> None:
    """An HR user who is himself an employee (linked to his own person record, with his own
    consent) reads the dossier as HR: no SMS goes to him about another person's messages."""
    colleague = world.colleague_employment.employee
    SmsConsent.objects.create(
        employee=colleague, purpose="messages", phone="+31687654321", given_at=timezone.now()
    )
    hr = world.hr
    hr.employee = colleague
    hr.save(update_fields=["employee"])
    give_sms_consent(actor=world.employee, phone="0612345678", purpose="messages")

    message = send(world.casemanager, case)

    assert Receipt.objects.filter(message=message, user=hr).exists()
    assert [to for to, _text in sms.sent] == ["+31612345678"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_messages_at_the_same_moment_send_one_sms(
    world: Any, case: Any, sms: FakeGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two messages in two dossiers of the same employee (a message locks its own dossier,
    so two in one dossier never meet). Both senders count his unread messages before either
    commits, unless the count waits for the other's commit. The barrier holds both counts
    open together for up to two seconds: long enough for two unguarded counts to both see
    nothing unread."""
    give_sms_consent(actor=world.employee, phone="0612345678", purpose="messages")
    other = add_case(
        actor=world.casemanager,
        employment_id=world.own_employment.pk,
        kind="preventive",
        data={"first_day": timezone.localdate()},
    )
    together = threading.Barrier(2)
    count = selectors.unread_count

    def counted_together(user: Any) -> int:
        found = count(user)
        # The other sender may be waiting for our commit: then there is nobody to meet.
        with contextlib.suppress(threading.BrokenBarrierError):
            together.wait(timeout=2)
        return found

    monkeypatch.setattr(selectors, "unread_count", counted_together)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def write(author: Any, dossier: Any) -> None:
        try:
            start.wait()
            services.send(actor=author, case_id=dossier.pk, text=TEXT)
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=write, args=(world.hr, case)),
        threading.Thread(target=write, args=(world.casemanager, other)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Message.objects.filter(case__in=[case, other]).count() == 2
    assert len(sms.sent) == 1
