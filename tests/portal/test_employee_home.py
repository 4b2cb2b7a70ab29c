"""The employee's own start page (issue 15, B5): his cases, his next consults, new messages,
documents that wait for him, his consents and his privacy links, in Dutch; and a fixed
number of queries however much of each he has."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hersteld.absence.services import add_recovery
from hersteld.consults.services import give_sms_consent, plan_consult, request_information
from hersteld.documents import services as documents
from hersteld.messaging import services as messaging
from tests.support.absence import days_ago
from tests.support.consults import next_weekday_at
from tests.support.documents import PLAN_FIELDS

pytestmark = pytest.mark.django_db


def _text(response: Any) -> str:
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def _count(client: Any) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        page = _text(client.get("/"))
    return len(queries), page


def _plan(world: Any, case: Any, starts_at: dt.datetime) -> Any:
    return plan_consult(
        actor=world.casemanager,
        case_id=case.pk,
        data={
            "kind": "first",
            "method": "location",
            "practitioner_id": world.medic.pk,
            "starts_at": starts_at,
            "location": "Spreekkamer 2, Utrecht",
            "override_availability": True,
        },
    )


def _fill(world: Any, case: Any) -> None:
    """More of everything the page shows: cases (one counted together), consults, unread
    messages, documents that wait, consents."""
    for text in ("Eerste bericht", "Tweede bericht", "Derde bericht"):
        messaging.send(actor=world.hr, case_id=case.pk, text=text)
    _plan(world, case, next_weekday_at(3, 10))
    _plan(world, case, next_weekday_at(10, 14))
    plan = documents.create_draft(
        actor=world.casemanager, case_id=case.pk, doc_type="PLAN_VAN_AANPAK"
    )
    documents.save_draft(actor=world.casemanager, document_id=plan.pk, fields=PLAN_FIELDS)
    documents.finalise(actor=world.casemanager, document_id=plan.pk)  # to sign
    documents.create_draft(actor=world.casemanager, case_id=case.pk, doc_type="EVALUATIE")
    documents.create_draft(actor=world.employee, case_id=case.pk, doc_type="OORDEEL_WERKNEMER")
    give_sms_consent(actor=world.employee, phone="0612345678")
    for physician in ("Huisarts Pietersen", "Fysiotherapeut Jansen"):
        request_information(
            actor=world.medic,
            employee_id=world.own_employee.pk,
            data={
                "scope": "Belastbaarheid rug",
                "physician": physician,
                "question": "Wat is de verwachte duur?",
                "consent_at": timezone.now() - dt.timedelta(days=1),
            },
        )


def test_the_employee_sees_his_own_overview_in_dutch(world, sign_in) -> None:
    earlier = world.report_sick(first_day=days_ago(40))
    add_recovery(actor=world.hr, case_id=earlier.pk, data={"date": days_ago(20), "percentage": 100})
    case = world.report_sick(first_day=days_ago(10))
    colleague_case = world.report_sick(world.colleague_employment, first_day=days_ago(5))
    _fill(world, case)

    page = _text(sign_in(world.employee).get("/"))

    # His cases: kind, first day, percentage, week, the chain they are counted in.
    assert f'href="/cases/{case.pk}/"' in page
    assert f'href="/cases/{earlier.pk}/"' in page
    assert f'href="/cases/{colleague_case.pk}/"' not in page
    assert "Ziekteverzuim" in page
    assert days_ago(10).strftime("%d-%m-%Y") in page
    assert "<dt>Nu ziek</dt><dd>100%</dd>" in page
    assert f"met uw verzuim sinds {days_ago(40).strftime('%d-%m-%Y')}" in page
    # The next consults, and the open spreekuur.
    assert "Spreekkamer 2, Utrecht" in page
    assert 'href="/consults/request/"' in page
    # Three unread messages, with the way to the inbox.
    assert "U hebt 3 nieuwe berichten." in page
    assert 'href="/messages/"' in page
    # Documents: the plan to sign, the evaluation without his view, his own oordeel.
    assert "Te ondertekenen" in page
    assert "Uw visie (re-integratievisie) ontbreekt nog" in page
    assert "Uw eigen oordeel: nog een concept" in page
    # Consents, each with the way to withdraw it.
    assert "Gegeven op" in page and "612345678" in page  # stored as +31...
    assert "Huisarts Pietersen: toestemming gegeven op" in page
    assert page.count('href="/consults/#information">Intrekken</a>') == 2
    # SMS per purpose: the reminders consent in force with its withdraw button, the
    # consent to notices of new messages not given, with the way to give it.
    assert page.count('name="next" value="home"') == 1
    assert 'href="/consults/#sms-messages">Toestemming geven</a>' in page
    # Who viewed my file.
    assert 'href="/me/access-log/"' in page
    assert "Wie bekeek mijn dossier" in page


def test_an_employee_without_anything_gets_the_empty_texts(world, sign_in) -> None:
    page = _text(sign_in(world.employee).get("/"))
    assert "U hebt geen open verzuim" in page
    assert "Er is geen consult voor u gepland." in page
    assert "U hebt geen nieuwe berichten." in page
    assert "Er wacht geen document op u." in page
    assert page.count("Niet gegeven.") == 2  # neither SMS purpose


def test_other_users_keep_the_counts_of_their_scope(world, sign_in) -> None:
    world.report_sick(first_day=days_ago(10))
    page = _text(sign_in(world.hr).get("/"))
    assert "lopend verzuimgeval" in page
    assert "Mijn verzuim" not in page
    assert "Mijn toestemmingen" not in page


def test_the_page_costs_the_same_queries_however_much_the_employee_has(world, sign_in) -> None:
    case = world.report_sick(first_day=days_ago(10))
    client = sign_in(world.employee)
    small, small_page = _count(client)
    assert "U hebt geen nieuwe berichten." in small_page

    # Two more cases, each counted together with the one before it.
    for recovered, sick_again in ((8, 6), (5, 3)):
        add_recovery(
            actor=world.hr, case_id=case.pk, data={"date": days_ago(recovered), "percentage": 100}
        )
        case = world.report_sick(first_day=days_ago(sick_again))
    _fill(world, case)
    big, big_page = _count(client)

    assert len(re.findall(r'href="/cases/\d+/"', big_page)) == 3
    assert big_page.count(f"met uw verzuim sinds {days_ago(10).strftime('%d-%m-%Y')}") == 2
    assert "U hebt 3 nieuwe berichten." in big_page
    assert big_page.count("Intrekken") == 3
    assert big == small
