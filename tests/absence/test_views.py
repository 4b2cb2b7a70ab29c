"""Portal pages of cases: who sees what (P1, P9), the guard on forms (P8), bad input writes nothing."""

from __future__ import annotations

import re

import pytest

from hersteld.absence.models import AbsenceCase, CaseNote
from hersteld.core.models import AccessEvent
from tests.support.absence import days_ago, row_counts

pytestmark = pytest.mark.django_db

REACH_OWN_CASE = {
    "hr.devries": 200,
    "manager.devries.bakkerij": 200,
    "werknemer.devries": 200,
    "casemanager.noord": 200,
    "bedrijfsarts.noord": 200,
    "admin.noord": 200,
    "hr.jansen": 404,
    "casemanager.zuid": 404,
    "hr.zuidzorg": 404,
    "admin.zuid": 404,
    "beheer": 404,
}


def own_case(persona) -> AbsenceCase:
    case = AbsenceCase.objects.filter(employee=persona("werknemer.devries").employee).first()
    assert case is not None
    return case


@pytest.mark.parametrize(("name", "status"), sorted(REACH_OWN_CASE.items()))
def test_the_dossier_answers_404_outside_the_scope(login, persona, name, status) -> None:
    case = own_case(persona)
    for tab in ("overview", "notes", "recoveries", "history"):
        assert login(name).get(f"/cases/{case.pk}/?tab={tab}").status_code == status


def test_every_view_of_a_dossier_is_logged(login, persona) -> None:
    case = own_case(persona)
    before = AccessEvent.objects.filter(object_type="absence.absencecase").count()
    login("hr.devries").get(f"/cases/{case.pk}/")
    login("werknemer.devries").get(f"/cases/{case.pk}/?tab=notes")
    assert AccessEvent.objects.filter(object_type="absence.absencecase").count() == before + 2


@pytest.mark.parametrize(
    ("name", "sees"),
    [
        ("bedrijfsarts.noord", True),
        ("casemanager.noord", False),
        ("admin.noord", False),
        ("hr.devries", False),
        ("werknemer.devries", False),
    ],
)
def test_only_the_medic_sees_the_medical_file(login, persona, name, sees) -> None:
    case = own_case(persona)
    page = login(name).get(f"/cases/{case.pk}/?tab=medical").content.decode()
    assert ('href="?tab=medical"' in page) is sees
    assert ("rugklachten" in page) is sees  # the demo's medical note


def test_the_employer_sees_whether_but_not_which_safety_net(login) -> None:
    case = AbsenceCase.objects.filter(safety_net_category="no_risk_policy").first()
    assert case is not None
    employer = login("hr.devries").get(f"/cases/{case.pk}/").content.decode()
    staff = login("casemanager.noord").get(f"/cases/{case.pk}/").content.decode()
    assert "no-riskpolis" in staff.lower()
    assert "no-riskpolis" not in employer.lower()


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("hr.devries", 200),
        ("casemanager.noord", 200),
        ("werknemer.devries", 404),
        ("hr.jansen", 404),
    ],
)
def test_case_add_page_needs_absence_change_in_scope(login, free_employment, name, status) -> None:
    employment = free_employment()
    assert login(name).get(f"/cases/add/{employment.pk}/").status_code == status
    response = login(name).get(f"/cases/add/{employment.pk}/?kind=sickness")
    assert response.status_code == status


def test_employer_form_has_no_expected_recovery_nor_category(login, free_employment) -> None:
    employment = free_employment()
    employer = login("hr.devries").get(f"/cases/add/{employment.pk}/?kind=sickness")
    staff = login("casemanager.noord").get(f"/cases/add/{employment.pk}/?kind=sickness")
    for field in ("expected_recovery", "safety_net_category", "came_from_long_ww"):
        assert f'name="{field}"' not in employer.content.decode()
        assert f'name="{field}"' in staff.content.decode()
    assert 'name="safety_net"' in employer.content.decode()


def test_a_medical_term_gives_findings_with_a_suggestion_and_saves_nothing(
    login, free_employment
) -> None:
    employment = free_employment()
    before = row_counts()
    response = login("hr.devries").post(
        f"/cases/add/{employment.pk}/?kind=sickness",
        {
            "first_day": days_ago(2).isoformat(),
            "note": "Heeft rugpijn.",
            "requested_action": "normal",
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="medical-findings"' in page
    assert 'data-term="rugpijn"' in page and 'data-suggestion="klachten"' in page
    assert row_counts() == before


def test_a_clean_sick_report_opens_the_dossier(login, free_employment) -> None:
    employment = free_employment()
    response = login("hr.devries").post(
        f"/cases/add/{employment.pk}/?kind=sickness",
        {
            "first_day": days_ago(2).isoformat(),
            "note": "Heeft klachten.",
            "requested_action": "normal",
        },
    )
    case = AbsenceCase.objects.get(employment=employment)
    assert response.status_code == 302 and response["Location"].startswith(f"/cases/{case.pk}/")
    assert CaseNote.objects.get(case=case).text == "Heeft klachten."


def test_bad_input_on_the_form_shows_the_rule_and_saves_nothing(login, free_employment) -> None:
    employment = free_employment()
    before = row_counts()
    response = login("hr.devries").post(
        f"/cases/add/{employment.pk}/?kind=sickness",
        {"first_day": days_ago(-3).isoformat(), "requested_action": "normal"},
    )
    assert response.status_code == 422
    assert 'id="form-errors"' in response.content.decode()
    assert row_counts() == before


def test_notes_tab_posts_a_note_and_the_guard_refuses_medical_terms(login, persona) -> None:
    case = own_case(persona)
    client = login("hr.devries")
    refused = client.post(f"/cases/{case.pk}/?tab=notes", {"text": "Griep."})
    assert refused.status_code == 422 and 'id="medical-findings"' in refused.content.decode()
    saved = client.post(f"/cases/{case.pk}/?tab=notes", {"text": "Morgen belafspraak."})
    assert saved.status_code == 302
    assert case.notes.filter(text="Morgen belafspraak.").exists()


def test_the_employee_cannot_write_notes(login, persona) -> None:
    case = own_case(persona)
    response = login("werknemer.devries").post(f"/cases/{case.pk}/?tab=notes", {"text": "Hallo."})
    assert response.status_code == 403
    assert not case.notes.filter(text="Hallo.").exists()


def test_recovery_form_offers_hersteld_at_only_to_the_medic(login, persona) -> None:
    case = own_case(persona)
    for name, offered in (
        ("hr.devries", False),
        ("casemanager.noord", False),
        ("bedrijfsarts.noord", True),
    ):
        page = login(name).get(f"/cases/{case.pk}/recoveries/add/").content.decode()
        assert ('name="therapeutic"' in page) is offered, name


def test_hersteld_at_posted_by_an_employer_is_ignored_by_the_form(login, persona) -> None:
    """The field is not on the employer's form, so a forged value never reaches the service."""
    case = own_case(persona)
    response = login("hr.devries").post(
        f"/cases/{case.pk}/recoveries/add/",
        {"date": days_ago(1).isoformat(), "percentage": "60", "therapeutic": "on"},
    )
    assert response.status_code == 302
    assert not case.recoveries.filter(therapeutic=True).exists()


@pytest.mark.parametrize(
    ("path", "who"),
    [
        ("correct", "hr.devries"),
        ("withdraw", "hr.devries"),
        ("recoveries/add", "casemanager.noord"),
    ],
)
def test_action_pages_for_those_who_may_change(login, persona, path, who) -> None:
    case = own_case(persona)
    assert login(who).get(f"/cases/{case.pk}/{path}/").status_code == 200
    assert login("werknemer.devries").get(f"/cases/{case.pk}/{path}/").status_code == 404
    assert login("hr.jansen").get(f"/cases/{case.pk}/{path}/").status_code == 404


def test_case_list_filters_and_scope(login) -> None:
    page = login("hr.devries").get("/cases/?kind=sickness&week_min=40").content.decode()
    assert len(re.findall(r'href="/cases/\d+/"', page)) == 1
    assert login("werknemer.devries").get("/cases/").status_code == 200
    assert login("beheer").get("/cases/").status_code == 403
    jansen = login("hr.jansen").get("/cases/?status=all").content.decode()
    assert "Bakkerij De Vries" not in jansen


def test_employee_page_links_cases_and_add_button(login, persona) -> None:
    employee_id = persona("werknemer.devries").employee_id
    hr_page = login("hr.devries").get(f"/employees/{employee_id}/?tab=employments").content.decode()
    own_page = (
        login("werknemer.devries")
        .get(f"/employees/{employee_id}/?tab=employments")
        .content.decode()
    )
    assert "/cases/add/" in hr_page and "/cases/" in own_page
    assert "/cases/add/" not in own_page
