"""The visibility promises of the rules and the user guides, checked channel by channel.

Each test is named as the promise it checks and quotes the sentence it comes from. The
promises that other modules already cover are listed in the privacy audit report, not
repeated here.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.support.documents import DIAGNOSIS, sick_case

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
