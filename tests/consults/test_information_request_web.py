"""Pages and API of the medical information request (issue 14, 3): only with the employee's
recorded consent, the answer in the medical file, the employee withdraws, employers 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from hersteld.consults.models import BillableItem, InformationRequest
from tests.support.clients import ApiClient

pytestmark = pytest.mark.django_db

FORM = {
    "scope": "Gegevens over de werkhervatting sinds 1 november",
    "physician": "Fysiotherapiepraktijk Wereld, Zwolle",
    "question": "Hoeveel uur per dag kan de werknemer nu oefenen?",
}


def consent_time() -> dt.datetime:
    return timezone.localtime() - dt.timedelta(days=1)


def test_a_medic_records_a_request_with_consent_and_then_the_answer(
    world: Any, sign_in: Any
) -> None:
    case = world.report_sick()
    client = sign_in(world.medic)
    tab = client.get(f"/cases/{case.pk}/?tab=consults").content.decode()
    assert f"/cases/{case.pk}/information-requests/new/" in tab
    consent = consent_time()
    response = client.post(
        f"/cases/{case.pk}/information-requests/new/",
        {**FORM, "consent_at": f"{consent:%Y-%m-%dT%H:%M}"},
    )
    found = InformationRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/information-requests/{found.pk}/"
    assert (found.employee_id, found.physician, found.consent_at) == (
        world.own_employee.pk,
        FORM["physician"],
        consent.replace(second=0, microsecond=0),
    )
    # Billed to the employer: one item, no consult.
    item = BillableItem.objects.get()
    assert (item.kind, item.employer_id, item.consult_id) == (
        "information_request",
        world.employer.pk,
        None,
    )
    page = client.get(f"/information-requests/{found.pk}/").content.decode()
    assert FORM["question"] in page and "Antwoord vastleggen" in page
    answered = client.post(
        f"/information-requests/{found.pk}/", {"answer": "Twee keer een half uur per dag."}
    )
    assert answered.status_code == 302
    found.refresh_from_db()
    assert found.answer == "Twee keer een half uur per dag." and found.answered_at is not None
    # The dossier tab lists it as answered.
    tab = client.get(f"/cases/{case.pk}/?tab=consults").content.decode()
    assert f"/information-requests/{found.pk}/" in tab and "beantwoord" in tab


def test_without_the_consent_the_page_and_the_api_refuse_and_write_nothing(
    world: Any, sign_in: Any
) -> None:
    case = world.report_sick()
    response = sign_in(world.medic).post(f"/cases/{case.pk}/information-requests/new/", FORM)
    assert response.status_code == 422
    assert "Dit veld is verplicht." in response.content.decode()
    api = ApiClient(world.medic)
    refused = api.post(f"/api/v1/cases/{case.pk}/information-requests", FORM)
    assert refused.status_code == 422
    assert [(e["field"], e["message"]) for e in refused.json()["errors"]] == [
        ("consent_at", "Dit veld is verplicht.")
    ]
    future = timezone.now() + dt.timedelta(days=2)
    refused = api.post(
        f"/api/v1/cases/{case.pk}/information-requests",
        {**FORM, "consent_at": future.isoformat()},
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["message"] == (
        "De toestemming kan niet in de toekomst gedateerd zijn."
    )
    assert not InformationRequest.objects.exists()
    assert not BillableItem.objects.exists()


def test_the_api_creates_lists_and_answers_for_the_medic_and_hr_gets_404(
    world: Any, sign_in: Any
) -> None:
    case = world.report_sick()
    api = ApiClient(world.medic)
    created = api.post(
        f"/api/v1/cases/{case.pk}/information-requests",
        {**FORM, "consent_at": consent_time().isoformat()},
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    listed = api.get(f"/api/v1/cases/{case.pk}/information-requests").json()
    assert [r["id"] for r in listed["items"]] == [pk]
    answered = api.post(f"/api/v1/information-requests/{pk}/answer", {"answer": "Belastbaar."})
    assert answered.status_code == 200 and answered.json()["answer"] == "Belastbaar."
    hr = ApiClient(world.hr)
    assert hr.get(f"/api/v1/cases/{case.pk}/information-requests").status_code == 404
    assert hr.post(f"/api/v1/information-requests/{pk}/answer", {"answer": "x"}).status_code == 404
    assert hr.post(f"/api/v1/information-requests/{pk}/withdraw", {}).status_code == 404
    assert hr.post(f"/api/v1/cases/{case.pk}/information-requests", FORM).status_code == 404
    hr_client = sign_in(world.hr)
    assert hr_client.get(f"/information-requests/{pk}/").status_code == 404
    assert hr_client.get(f"/cases/{case.pk}/information-requests/new/").status_code == 404
    hr_tab = hr_client.get(f"/cases/{case.pk}/?tab=consults").content.decode()
    assert "information-requests" not in hr_tab and FORM["physician"] not in hr_tab
    assert InformationRequest.objects.get().answer == "Belastbaar."


def test_the_employee_sees_his_consent_and_withdraws_it(world: Any, sign_in: Any) -> None:
    case = world.report_sick()
    created = ApiClient(world.medic).post(
        f"/api/v1/cases/{case.pk}/information-requests",
        {**FORM, "consent_at": consent_time().isoformat()},
    )
    pk = created.json()["id"]
    client = sign_in(world.employee)
    page = client.get("/consults/").content.decode()
    assert FORM["physician"] in page and f"/information-requests/{pk}/withdraw/" in page
    response = client.post(f"/information-requests/{pk}/withdraw/")
    assert response.status_code == 302
    assert InformationRequest.objects.get().withdrawn_at is not None
    page = client.get("/consults/").content.decode()
    assert "toestemming ingetrokken" in page and f"/information-requests/{pk}/withdraw/" not in page
    # His own list in the API; a second withdrawal is refused in Dutch.
    mine = ApiClient(world.employee).get("/api/v1/me/information-requests").json()
    assert [r["id"] for r in mine["items"]] == [pk] and mine["items"][0]["withdrawn_at"]
    again = ApiClient(world.employee).post(f"/api/v1/information-requests/{pk}/withdraw", {})
    assert again.status_code == 422
    # The medic can no longer record an answer.
    refused = ApiClient(world.medic).post(
        f"/api/v1/information-requests/{pk}/answer", {"answer": "Belastbaar."}
    )
    assert refused.status_code == 422
    assert InformationRequest.objects.get().answer == ""


def test_the_case_list_reads_a_fixed_number_of_queries(world: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = world.report_sick()
    api = ApiClient(world.medic)

    def add(count: int) -> None:
        for n in range(count):
            body = {**FORM, "physician": f"Behandelaar {n}", "consent_at": consent_time()}
            api.post(
                f"/api/v1/cases/{case.pk}/information-requests",
                {**body, "consent_at": body["consent_at"].isoformat()},
            )

    def counted() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            found = api.get(f"/api/v1/cases/{case.pk}/information-requests").json()
        return len(queries), found["count"]

    add(1)
    one, listed = counted()
    assert listed == 1
    add(4)
    five, listed = counted()
    assert (listed, five) == (5, one)
