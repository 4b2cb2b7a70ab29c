"""The visibility promises of the rules and the user guides, checked channel by channel.

Each test is named as the promise it checks and quotes the sentence it comes from. The
promises that other modules already cover are listed in the privacy audit report, not
repeated here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from hersteld.absence import services as absence_services
from hersteld.absence.models import CaseKind
from hersteld.consults import services as consult_services
from hersteld.messaging import services as messaging_services
from hersteld.messaging.models import Attachment
from hersteld.messaging.services import Upload
from tests.support.consults import backdate, clinic, next_weekday_at, plan
from tests.support.documents import ANALYSIS_FIELDS, DIAGNOSIS, sick_case

pytestmark = pytest.mark.django_db

EMPLOYER_SIDE = ("hr", "manager")


def employee_history(client: Any, employee_id: int) -> str:
    """The history tab of the employee page, as the client reads it."""
    url = reverse("people:employee_detail", args=[employee_id]) + "?tab=history"
    response = client.get(url)
    assert response.status_code == 200
    return str(response.content.decode())


@pytest.mark.parametrize("who", EMPLOYER_SIDE)
def test_the_employer_never_sees_the_safety_net_category_in_the_history(
    world: Any, api_as: Any, sign_in: Any, who: str
) -> None:
    """docs/rules/vangnet.md: "Only users with the permission `absence.view_safety_net` see
    it, and no employer role can hold that permission." The Ziektewet claim (ZW_AANVRAAG)
    carries the category as its ground; its history rows may not show it to the employer."""
    case = world.no_risk_case()
    created = api_as(world.casemanager).post(
        f"/api/v1/cases/{case.pk}/documents", {"type": "ZW_AANVRAAG"}
    )
    assert created.status_code == 201
    assert created.json()["fields"]["safety_net_ground"] == "no-riskpolis"
    staff = employee_history(sign_in(world.casemanager), case.employee_id)
    assert "safety_net_ground: no-riskpolis" in staff

    page = employee_history(sign_in(getattr(world, who)), case.employee_id)
    assert "safety_net_ground" not in page
    assert "Ziektewet-uitkering aanvragen (vangnet)" not in page


@pytest.mark.parametrize("who", EMPLOYER_SIDE)
def test_the_employer_never_learns_of_the_medical_information_for_uwv(
    world: Any, api_as: Any, sign_in: Any, who: str
) -> None:
    """docs/rules/privacy.md: "Medical data ... is seen only by the company doctor and staff
    working under the doctor's responsibility"; docs/gebruikershandleiding/documenten.md:
    "medische informatie voor UWV gaat van de bedrijfsarts naar de werknemer". The document
    answers the employer 404; its history rows may not tell it exists either."""
    case = sick_case(world)
    doc = api_as(world.medic).post(
        f"/api/v1/cases/{case.pk}/documents", {"type": "MEDISCHE_INFORMATIE"}
    )
    written = api_as(world.medic).patch(
        f"/api/v1/documents/{doc.json()['id']}",
        {"medical_fields": {"medical_information": DIAGNOSIS}},
    )
    assert written.status_code == 200
    assert "Medische informatie" in employee_history(sign_in(world.medic), case.employee_id)

    user = getattr(world, who)
    assert api_as(user).get(f"/api/v1/documents/{doc.json()['id']}").status_code == 404
    page = employee_history(sign_in(user), case.employee_id)
    assert "Medische informatie" not in page
    assert "MEDISCHE_INFORMATIE" not in page
    assert "medical_information" not in page


# --- the medical thread and the dossier thread (docs/rules/messages.md) ------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def _case_today(world: Any) -> Any:
    return absence_services.add_case(
        actor=world.casemanager,
        employment_id=world.own_employment.pk,
        kind=CaseKind.SICKNESS,
        data={"first_day": timezone.localdate()},
    )


@pytest.mark.parametrize("who", EMPLOYER_SIDE)
def test_the_employer_never_finds_a_medical_message_not_even_that_it_exists(
    world: Any, api_as: Any, sign_in: Any, who: str
) -> None:
    """docs/rules/messages.md: "The employer never sees it, not even that it exists: the tab
    is not shown and a message id answers 404." """
    case = _case_today(world)
    medical = messaging_services.send(
        actor=world.employee,
        case_id=case.pk,
        text="Mijn rug doet nog pijn.",
        thread="medical",
        uploads=[Upload("scan.png", PNG)],
    )
    attachment = Attachment.objects.get(message=medical)
    medic = sign_in(world.medic).get(f"/cases/{case.pk}/?tab=messages").content.decode()
    assert "?tab=medical-messages" in medic

    user = getattr(world, who)
    api = api_as(user)
    assert api.post(f"/api/v1/messages/{medical.pk}/read", {}).status_code == 404
    for thread in ("case", "medical"):
        listed = api.get(f"/api/v1/cases/{case.pk}/messages", thread=thread)
        assert listed.status_code == 200 and listed.json()["count"] == 0
    assert api.get("/api/v1/me/messages").json()["count"] == 0
    portal = sign_in(user)
    assert portal.get(f"/messages/attachments/{attachment.pk}/").status_code == 404
    dossier = portal.get(f"/cases/{case.pk}/?tab=messages").content.decode()
    assert "?tab=medical-messages" not in dossier
    assert "Mijn rug" not in portal.get(f"/cases/{case.pk}/?tab=medical-messages").content.decode()
    assert "Mijn rug" not in portal.get("/messages/").content.decode()


def test_the_functional_administrator_and_the_operator_do_not_read_the_dossier_thread(
    world: Any, api_as: Any
) -> None:
    """docs/rules/messages.md: "The arbodienst's functional administrator and the
    installation's operator keep the system running and are not a party to the conversation
    about one employee: they neither read nor receive these messages." """
    case = _case_today(world)
    message = messaging_services.send(actor=world.hr, case_id=case.pk, text="Kun je maandag?")
    assert api_as(world.casemanager).get(f"/api/v1/cases/{case.pk}/messages").json()["count"] == 1

    admin = api_as(world.admin)
    listed = admin.get(f"/api/v1/cases/{case.pk}/messages")
    assert listed.status_code == 200 and listed.json()["count"] == 0
    assert admin.post(f"/api/v1/messages/{message.pk}/read", {}).status_code == 404
    assert admin.get("/api/v1/me/messages").json()["count"] == 0
    operator = api_as(world.operator)
    assert operator.get(f"/api/v1/cases/{case.pk}/messages").status_code == 404
    assert operator.post(f"/api/v1/messages/{message.pk}/read", {}).status_code == 404


# --- consults: notes and report drafts (docs/rules/consults.md) --------------------------

REPORT = {"text": "Gesprek over werkhervatting.", "capabilities": "Zittend werk, niet tillen."}


def _held(world: Any) -> Any:
    consult = plan(clinic(world), next_weekday_at(4, 10))
    backdate(consult, timezone.now() - dt.timedelta(hours=1))
    consult_services.record_held(actor=world.medic, consult_id=consult.pk)
    return consult


@pytest.mark.parametrize("who", [*EMPLOYER_SIDE, "employee"])
def test_report_drafts_are_invisible_to_employer_and_employee(
    world: Any, api_as: Any, sign_in: Any, who: str
) -> None:
    """docs/rules/consults.md: "From that moment employer and employee read the same
    version ... Drafts are invisible to them." Checked on the API and the portal pages."""
    consult = _held(world)
    consult_services.save_report(actor=world.medic, consult_id=consult.pk, data=REPORT)
    assert api_as(world.medic).get(f"/api/v1/consults/{consult.pk}/report").status_code == 200

    user = getattr(world, who)
    assert api_as(user).get(f"/api/v1/consults/{consult.pk}/report").status_code == 404
    for url in (f"/consults/{consult.pk}/", f"/cases/{consult.case_id}/?tab=consults"):
        assert "Zittend werk" not in sign_in(user).get(url).content.decode()

    consult_services.finalise_report(actor=world.medic, consult_id=consult.pk)
    released = api_as(user).get(f"/api/v1/consults/{consult.pk}/report")
    assert released.status_code == 200 and "Zittend werk" in released.content.decode()


@pytest.mark.parametrize("who", [*EMPLOYER_SIDE, "employee"])
def test_consult_notes_are_read_only_with_medical_view(
    world: Any, api_as: Any, sign_in: Any, who: str
) -> None:
    """docs/rules/consults.md: "Consult notes are the medical file: read and written with
    `medical.view` and `consults.hold` only"; werknemer.md: "Het medisch dossier van de
    bedrijfsarts staat niet in het portaal voor u open"."""
    consult = _held(world)
    consult_services.add_note(actor=world.medic, consult_id=consult.pk, text="Klachten besproken.")
    assert (
        "Klachten besproken"
        in sign_in(world.medic).get(f"/consults/{consult.pk}/").content.decode()
    )

    user = getattr(world, who)
    page = sign_in(user).get(f"/consults/{consult.pk}/")
    assert page.status_code == 200 and "Klachten besproken" not in page.content.decode()
    assert (
        "Klachten besproken"
        not in api_as(user).get(f"/api/v1/consults/{consult.pk}").content.decode()
    )


# --- the medical part of a UWV document (documenten.md) ----------------------------------


@pytest.mark.parametrize("who", EMPLOYER_SIDE)
def test_the_diagnosis_of_a_probleemanalyse_never_enters_the_employers_history(
    world: Any, api_as: Any, sign_in: Any, who: str
) -> None:
    """docs/gebruikershandleiding/documenten.md: "Alleen de bedrijfsarts vult het medisch deel
    in; dat ziet niemand zonder medisch recht"; privacy.md: the text of a medical note never
    enters the audit trail."""
    case = sick_case(world)
    medic = api_as(world.medic)
    doc = medic.post(f"/api/v1/cases/{case.pk}/documents", {"type": "PROBLEEMANALYSE"}).json()
    written = medic.patch(
        f"/api/v1/documents/{doc['id']}",
        {"fields": ANALYSIS_FIELDS, "medical_fields": {"diagnosis": DIAGNOSIS}},
    )
    assert written.status_code == 200
    page = employee_history(sign_in(getattr(world, who)), case.employee_id)
    assert "Niet tillen boven 10 kilo" in page  # the functional part is the employer's
    assert "hernia" not in page.lower()


# --- internal notes (verzuim.md, werknemer.md) -------------------------------------------


def test_the_employee_does_not_see_a_note_marked_internal_in_the_portal(
    world: Any, sign_in: Any
) -> None:
    """docs/gebruikershandleiding/werknemer.md: "Notities die iemand anders als *intern*
    heeft gemarkeerd, ziet u niet." (The service and the API are checked in tests/absence.)"""
    case = world.report_sick()
    absence_services.add_note(
        actor=world.hr, case_id=case.pk, text="Overleg met leidinggevende.", internal=True
    )
    absence_services.add_note(actor=world.hr, case_id=case.pk, text="Belafspraak maandag.")
    staff = sign_in(world.casemanager).get(f"/cases/{case.pk}/?tab=notes").content.decode()
    assert "Overleg met leidinggevende." in staff
    page = sign_in(world.employee).get(f"/cases/{case.pk}/?tab=notes").content.decode()
    assert "Belafspraak maandag." in page
    assert "Overleg met leidinggevende." not in page


# --- the same-cause judgement (samentelling.md, werkgever.md) ----------------------------


def test_the_employer_learns_no_same_cause_judgement_through_the_change_feed(
    world: Any, api_as: Any
) -> None:
    """docs/gebruikershandleiding/werkgever.md: "de bedrijfsarts beoordeelt of het om dezelfde
    oorzaak gaat. U ziet alleen de uitkomst"; absence.models RESTRICTED_FIELDS keeps
    `same_cause` for absence.view_safety_net. The feed leaves the judgement out for him."""
    employment = world.hire(gender="V")
    before = absence_services.add_case(
        actor=world.hr,
        employment_id=employment.pk,
        kind=CaseKind.SICKNESS,
        data={"first_day": dt.date(2025, 1, 6)},
    )
    absence_services.add_recovery(
        actor=world.hr, case_id=before.pk, data={"date": dt.date(2025, 3, 3), "percentage": 100}
    )
    leave = absence_services.add_case(
        actor=world.hr,
        employment_id=employment.pk,
        kind=CaseKind.PREGNANCY_LEAVE,
        data={"first_day": dt.date(2025, 3, 3), "expected_delivery": dt.date(2025, 4, 13)},
    )
    _leave, after = absence_services.end_leave(actor=world.hr, case_id=leave.pk, continue_sick=True)
    cursor = str(
        api_as(world.casemanager)
        .get("/api/v1/exchange/changes", cursor="0", limit=1000)
        .json()["next_cursor"]
    )
    absence_services.answer_same_cause(actor=world.medic, case_id=after.pk, answer="yes")

    def judged(user: Any) -> list[Any]:
        response = api_as(user).get("/api/v1/exchange/changes", cursor=cursor, limit=1000)
        assert response.status_code == 200
        return [c for c in response.json()["changes"] if "same_cause" in c["fields"]]

    assert [c["id"] for c in judged(world.casemanager)] == [after.pk]
    assert judged(world.hr) == []
    assert judged(world.manager) == []
    assert api_as(world.hr).get(f"/api/v1/cases/{after.pk}").json()["same_cause"] is None


# --- a legal hold and the `changed_after` lists (privacy.md, "Legal hold") ---------------


@pytest.mark.parametrize("who", [*EMPLOYER_SIDE, "employee"])
def test_a_legal_hold_does_not_show_as_a_change_in_the_changed_after_lists(
    world: Any, api_as: Any, who: str
) -> None:
    """docs/rules/privacy.md: "the employer's users and the employee do not see them ... not
    in the change feed (a change of only the hold is left out for them)". The lists an
    employer's system polls with `changed_after` are the same channel: a hold set or lifted
    may not make the case or the person look changed (its `updated_at` included)."""
    from hersteld.absence.services import lift_hold, set_hold
    from hersteld.people.services import set_person_hold

    case = world.report_sick()
    person = world.own_employee
    api = api_as(getattr(world, who))
    stamps = (
        api.get(f"/api/v1/cases/{case.pk}").json()["updated_at"],
        api.get(f"/api/v1/employees/{person.pk}").json()["updated_at"],
    )
    since = timezone.now().isoformat()

    set_hold(actor=world.casemanager, case_id=case.pk, reason="Geschil")
    lift_hold(actor=world.casemanager, case_id=case.pk, reason="Geschil voorbij")
    set_person_hold(actor=world.casemanager, employee_id=person.pk, reason="Claim")

    for url in ("/api/v1/cases", "/api/v1/employees", "/api/v1/employments"):
        listed = api.get(url, changed_after=since, status="all")
        assert listed.status_code == 200 and listed.json()["count"] == 0, url
    assert stamps == (
        api.get(f"/api/v1/cases/{case.pk}").json()["updated_at"],
        api.get(f"/api/v1/employees/{person.pk}").json()["updated_at"],
    )


# --- the answer to a medical information request (consults.md, werknemer.md) -------------


def test_the_physicians_answer_is_medical_file_not_shown_to_the_employee(
    world: Any, api_as: Any, sign_in: Any
) -> None:
    """docs/rules/consults.md: "Question and answer are medical file"; the employee "sees his
    consents" (docs/api.md: `/api/v1/me/information-requests`, "the employee's own
    consents"); werknemer.md: "Het medisch dossier van de bedrijfsarts staat niet in het
    portaal voor u open; vraag de bedrijfsarts om inzage." The portal shows him the consent
    and its status; the API may not hand him the answer either."""
    case = world.report_sick()
    medic = api_as(world.medic)
    created = medic.post(
        f"/api/v1/cases/{case.pk}/information-requests",
        {
            "scope": "Huisarts, alleen over de belastbaarheid",
            "physician": "Huisarts Jansen",
            "question": "Is er een behandeling gestart?",
            "consent_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
        },
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    answered = medic.post(f"/api/v1/information-requests/{pk}/answer", {"answer": "Fysiotherapie"})
    assert answered.status_code == 200
    assert (
        "Fysiotherapie"
        in medic.get(f"/api/v1/cases/{case.pk}/information-requests").content.decode()
    )

    mine = api_as(world.employee).get("/api/v1/me/information-requests")
    assert mine.status_code == 200
    (own,) = mine.json()["items"]
    assert own["id"] == pk and own["answered_at"] is not None  # the status he may know
    assert "Fysiotherapie" not in mine.content.decode()
    for url in ("/consults/", f"/information-requests/{pk}/"):
        assert "Fysiotherapie" not in sign_in(world.employee).get(url).content.decode()


def test_the_text_of_a_consult_note_never_enters_the_audit_trail(world: Any) -> None:
    """docs/rules/privacy.md: "Medical data (consult notes, the medical file, ...) ... The text
    of a medical note never enters the audit trail (only the fact that a note was written)."
    The trail outlives an erasure (its own 5-year term), so the text may not be in it."""
    from hersteld.consults.models import ConsultNote
    from hersteld.core.models import AuditEvent

    consult = _held(world)
    note = consult_services.add_note(
        actor=world.medic, consult_id=consult.pk, text="Klachten besproken, verwezen."
    )
    rows = AuditEvent.objects.filter(object_type="consults.consultnote", object_id=str(note.pk))
    assert [row.action for row in rows] == ["create"]  # the fact that a note was written
    assert ConsultNote.objects.get(pk=note.pk).text == "Klachten besproken, verwezen."
    assert "Klachten" not in str([(row.changes, row.reason) for row in rows])


# --- outbound coupling messages (vangnet.md, samentelling.md) ----------------------------


def test_the_employers_system_is_not_sent_the_safety_net_category(
    world: Any, settings: Any, tasks_in_process: None
) -> None:
    """docs/rules/vangnet.md: "Only users with the permission `absence.view_safety_net` see
    it, and no employer role can hold that permission." The employer's own system is the
    employer's side too: its sick report carries only whether the safety net applies, and a
    change of only the category sends it no message at all."""
    from hersteld.exchange.models import OutboxMessage
    from tests.support.exchange import couple_like_the_examples, send_out

    settings.OUTBOUND_PRIVATE_ADDRESSES = True
    coupling = send_out(couple_like_the_examples(world).coupling, world.operator)
    case = world.report_sick(
        world.hire(no_risk_policy=True, insurance="Wereldverzekeraar"),
        actor=world.casemanager,
        safety_net=True,
        safety_net_category="no_risk_policy",
    )
    sent = list(OutboxMessage.objects.filter(coupling=coupling))
    assert sent, "the sick report goes out"
    for message in sent:
        body = bytes(message.body).decode("utf-8", "replace").lower()
        assert "no_risk" not in body and "no-risk" not in body and "noriskpolis" not in body

    absence_services.correct_case(
        actor=world.casemanager,
        case_id=case.pk,
        data={"safety_net_category": "pregnancy", "reason": "Categorie gecorrigeerd."},
    )
    assert OutboxMessage.objects.filter(coupling=coupling).count() == len(sent)
