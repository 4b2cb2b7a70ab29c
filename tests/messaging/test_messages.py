"""Messages per dossier (P14): who takes part, the guard, files, read receipts, e-mail.

Every test builds its own small world (tests/support/world.py): one sick employee of
Wereldbakkers, his HR user, a department manager, the arbodienst's casemanager and medic,
HR of another employer and an admin of another arbodienst.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core import mail
from django.test import TestCase

from hersteld.messaging import services
from hersteld.messaging.models import Attachment, Message, Receipt
from hersteld.messaging.services import Upload

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
PDF = b"%PDF-1.7\n" + b"x" * 40


def refusal(call: Any) -> dict[str, list[str]]:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        call()
    return {field: [e.code for e in errors] for field, errors in caught.value.error_dict.items()}


def test_a_message_in_the_dossier_reaches_every_party_and_nobody_else(
    world: Any, case: Any
) -> None:
    message = services.send(actor=world.hr, case_id=case.pk, text="Kun je maandag beginnen?")

    received = set(Receipt.objects.filter(message=message).values_list("user_id", flat=True))
    # The employee, the casemanager, the medic and the department manager (the case lies in his
    # subtree); not the author, not the admin, not HR of another employer or arbodienst.
    assert received == {world.employee.pk, world.casemanager.pk, world.medic.pk, world.manager.pk}


def test_the_medical_thread_is_only_for_the_employee_and_the_medic(world: Any, case: Any) -> None:
    message = services.send(
        actor=world.employee, case_id=case.pk, text="Mijn rug doet nog pijn.", thread="medical"
    )

    received = set(Receipt.objects.filter(message=message).values_list("user_id", flat=True))
    assert received == {world.medic.pk}
    assert refusal(
        lambda: services.send(
            actor=world.hr, case_id=case.pk, text="Hoe gaat het?", thread="medical"
        )
    ) == {"thread": ["thread_not_yours"]}


def test_a_medical_term_in_a_message_the_employer_reads_is_refused_and_nothing_is_written(
    world: Any, case: Any
) -> None:
    for author in (world.hr, world.medic):
        assert refusal(
            lambda author=author: services.send(
                actor=author, case_id=case.pk, text="Heeft een hernia-operatie gehad."
            )
        ) == {"text": ["medical_term"]}
    assert not Message.objects.exists()
    assert not Receipt.objects.exists()


def test_the_medical_thread_may_name_a_diagnosis(world: Any, case: Any) -> None:
    services.send(
        actor=world.medic, case_id=case.pk, text="De hernia herstelt goed.", thread="medical"
    )
    assert Message.objects.filter(thread="medical").count() == 1


def test_files_are_checked_by_their_content_not_their_name(
    world: Any, case: Any, settings: Any
) -> None:
    settings.MESSAGE_ATTACHMENT_MAX_BYTES = 1000
    fake = Upload(name="verklaring.pdf", data=b"<html>niet echt een pdf</html>")
    large = Upload(name="scan.png", data=PNG + b"\x00" * 1000)
    empty = Upload(name="leeg.pdf", data=b"")

    for upload, code in (
        (fake, "attachment_type"),
        (large, "attachment_too_large"),
        (empty, "attachment_empty"),
    ):
        assert refusal(
            lambda upload=upload: services.send(
                actor=world.hr, case_id=case.pk, text="Zie bijlage.", uploads=[upload]
            )
        ) == {"attachments": [code]}
    assert not Message.objects.exists()

    message = services.send(
        actor=world.hr,
        case_id=case.pk,
        text="Zie bijlagen.",
        uploads=[Upload("rooster.png", PNG), Upload("contract.pdf", PDF)],
    )
    assert sorted(message.attachments.values_list("content_type", flat=True)) == [
        "application/pdf",
        "image/png",
    ]


def test_another_tenants_dossier_does_not_exist(world: Any, case: Any) -> None:
    from django.http import Http404

    with pytest.raises(Http404):
        services.send(actor=world.other_admin, case_id=case.pk, text="Hallo")
    with pytest.raises(Http404):
        services.send(actor=world.other_hr, case_id=case.pk, text="Hallo")


def test_the_author_sees_who_read_his_message(world: Any, case: Any, sign_in: Any) -> None:
    message = services.send(actor=world.casemanager, case_id=case.pk, text="Graag contact.")
    services.mark_read(actor=world.employee, message_id=message.pk)

    body = sign_in(world.casemanager).get(f"/cases/{case.pk}/?tab=messages").content.decode()

    employee_name = world.employee.get_full_name() or world.employee.username
    assert f"gelezen door {employee_name} op" in body
    hr_name = world.hr.get_full_name() or world.hr.username
    unread = body[body.index("nog niet gelezen door") :].split("</p>")[0]
    assert hr_name in unread
    assert employee_name not in unread


def test_opening_the_tab_reads_the_messages_and_is_logged(
    world: Any, case: Any, sign_in: Any
) -> None:
    from hersteld.core.models import AccessEvent

    services.send(actor=world.hr, case_id=case.pk, text="Kun je maandag beginnen?")
    client = sign_in(world.employee)
    assert "1 nieuw bericht" in client.get("/messages/").content.decode()

    client.get(f"/cases/{case.pk}/?tab=messages")

    assert Receipt.objects.get(user=world.employee).read_at is not None
    assert AccessEvent.objects.filter(
        actor=world.employee, object_id=str(case.pk), purpose="messages:case"
    ).exists()
    assert "nieuw bericht" not in client.get("/messages/").content.decode()


def test_the_inbox_shows_unread_first(world: Any, case: Any, sign_in: Any) -> None:
    first = services.send(actor=world.hr, case_id=case.pk, text="Eerste bericht")
    services.send(actor=world.hr, case_id=case.pk, text="Tweede bericht")
    services.mark_read(actor=world.employee, message_id=first.pk)
    services.send(actor=world.hr, case_id=case.pk, text="Derde bericht")

    body = sign_in(world.employee).get("/messages/").content.decode()

    assert body.index("Derde bericht") < body.index("Tweede bericht") < body.index("Eerste bericht")


def test_an_email_says_only_that_there_is_something_new(
    world: Any, case: Any, settings: Any, tasks_in_process: None
) -> None:
    employee = world.employee  # one object: the world reads its users afresh on each access
    employee.email = "werknemer@example.test"
    employee.save()
    services.set_frequency(actor=employee, email="immediately")
    mail.outbox.clear()

    with TestCase.captureOnCommitCallbacks(execute=True):
        services.send(actor=world.hr, case_id=case.pk, text="Kun je maandag beginnen?")

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["werknemer@example.test"]
    assert "Kun je maandag" not in sent.body
    assert world.own_employee.surname not in sent.body
    assert "/messages/" in sent.body


def test_the_daily_digest_counts_unread_messages_once(
    world: Any, case: Any, tasks_in_process: None
) -> None:
    casemanager = world.casemanager
    casemanager.email = "cm@example.test"
    casemanager.save()
    services.send(actor=world.hr, case_id=case.pk, text="Eerste")
    services.send(actor=world.hr, case_id=case.pk, text="Tweede")
    mail.outbox.clear()

    with TestCase.captureOnCommitCallbacks(execute=True):
        # The four recipients (employee, casemanager, medic, manager) each get one digest.
        assert services.send_digests() == 4
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert services.send_digests() == 0  # already mailed

    assert len(mail.outbox) == 4
    to_casemanager = next(m for m in mail.outbox if m.to == ["cm@example.test"])
    assert "2 nieuwe berichten" in to_casemanager.body


def test_the_api_sends_lists_and_reads(world: Any, case: Any, api: Any, sign_in: Any) -> None:
    hr = api(world.hr.username)
    sent = hr.post(
        f"/api/v1/cases/{case.pk}/messages", {"text": "Rooster volgt.", "topic": "Rooster"}
    )
    assert sent.status_code == 201, sent.content
    assert sent.json()["thread"] == "case"
    assert sent.json()["read_by"][0]["read_at"] is None

    employee = sign_in(world.employee)
    inbox = employee.get("/api/v1/me/messages").json()
    assert [item["message"]["text"] for item in inbox["items"]] == ["Rooster volgt."]
    read = employee.post(f"/api/v1/messages/{sent.json()['id']}/read")
    assert read.status_code == 200
    assert read.json()["read_at"] is not None, read.json()

    listed = hr.get(f"/api/v1/cases/{case.pk}/messages").json()
    read_by = {entry["user"]: entry["read_at"] for entry in listed["items"][0]["read_by"]}
    assert read_by[world.employee.get_full_name() or world.employee.username] is not None
    assert read_by[world.casemanager.get_full_name() or world.casemanager.username] is None


def test_the_api_refuses_bad_input_with_the_field(world: Any, case: Any, api: Any) -> None:
    hr = api(world.hr.username)
    guarded = hr.post(f"/api/v1/cases/{case.pk}/messages", {"text": "Griep en koorts."})
    unknown = hr.post(f"/api/v1/cases/{case.pk}/messages", {"text": "Hoi", "colour": "rood"})
    medical = hr.post(f"/api/v1/cases/{case.pk}/messages", {"text": "Hoi", "thread": "medical"})

    assert guarded.status_code == 422
    assert guarded.json()["errors"][0]["field"] == "text"
    assert guarded.json()["errors"][0]["code"] == "medical_term"
    assert unknown.status_code == 422
    assert medical.status_code == 422
    assert medical.json()["errors"][0]["code"] == "thread_not_yours"
    assert not Message.objects.exists()


def test_the_api_takes_files_by_multipart(world: Any, case: Any, api: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = api(world.hr.username).client.post(
        f"/api/v1/cases/{case.pk}/messages",
        {"text": "Zie bijlage.", "attachments": [SimpleUploadedFile("rooster.png", PNG)]},
    )

    assert response.status_code == 201, response.content
    assert json.loads(response.content)["attachments"][0]["content_type"] == "image/png"


def test_outsiders_get_404(world: Any, case: Any, api: Any, sign_in: Any) -> None:
    message = services.send(
        actor=world.hr, case_id=case.pk, text="Zie bijlage.", uploads=[Upload("r.png", PNG)]
    )
    file = Attachment.objects.get(message=message)

    for outsider in (world.other_hr, world.other_admin):
        client = api(outsider.username)
        assert client.get(f"/api/v1/cases/{case.pk}/messages").status_code == 404
        assert client.post(f"/api/v1/cases/{case.pk}/messages", {"text": "Hoi"}).status_code == 404
        assert client.post(f"/api/v1/messages/{message.pk}/read", {}).status_code == 404
        assert sign_in(outsider).get(f"/messages/attachments/{file.pk}/").status_code == 404
    assert sign_in(world.employee).get(f"/messages/attachments/{file.pk}/").status_code == 200


def test_the_portal_form_sends_and_shows_the_reason_of_a_refusal(
    world: Any, case: Any, sign_in: Any
) -> None:
    client = sign_in(world.hr)

    refused = client.post(
        f"/cases/{case.pk}/messages/", {"thread": "case", "text": "Griep en koorts."}
    )
    sent = client.post(f"/cases/{case.pk}/messages/", {"thread": "case", "text": "Tot maandag."})

    assert refused.status_code == 422
    assert "griep" in refused.content.decode().lower()
    assert sent.status_code == 302
    assert sent["Location"].endswith(f"/cases/{case.pk}/?tab=messages")
    assert list(Message.objects.values_list("text", flat=True)) == ["Tot maandag."]


def test_the_inbox_costs_a_fixed_number_of_queries(
    world: Any, case: Any, sign_in: Any, django_assert_max_num_queries: Any
) -> None:
    client = sign_in(world.employee)
    services.send(actor=world.hr, case_id=case.pk, text="Een")
    client.get("/messages/")
    for n in range(30):
        services.send(
            actor=world.hr, case_id=case.pk, text=f"Bericht {n}", uploads=[Upload("r.png", PNG)]
        )

    with django_assert_max_num_queries(25):
        response = client.get("/messages/")
    assert response.status_code == 200


def test_the_history_never_shows_the_employer_that_a_medical_message_exists(
    world: Any, case: Any
) -> None:
    from hersteld.core.selectors import history_for_employee

    services.send(actor=world.hr, case_id=case.pk, text="Tot maandag.")
    medical = services.send(
        actor=world.employee, case_id=case.pk, text="Mijn rug doet pijn.", thread="medical"
    )

    def message_rows(user: Any) -> set[str]:
        rows = history_for_employee(user, world.own_employee).filter(
            object_type="messaging.message"
        )
        return set(rows.values_list("object_id", flat=True))

    assert str(medical.pk) not in message_rows(world.hr)
    assert len(message_rows(world.hr)) == 1  # the dossier message is there
    assert str(medical.pk) in message_rows(world.medic)
