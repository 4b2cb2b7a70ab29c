"""Portal pages of cases: who sees what (P1, P9), the guard on forms (P8), bad input writes nothing."""

from __future__ import annotations

import re

import pytest

from hersteld.absence import services
from hersteld.absence.models import AbsenceCase, CaseNote
from hersteld.core.models import AccessEvent
from tests.support.absence import days_ago, row_counts

pytestmark = pytest.mark.django_db

REACH_OWN_CASE = {
    "hr": 200,
    "manager": 200,
    "employee": 200,
    "casemanager": 200,
    "medic": 200,
    "admin": 200,
    "other_hr": 404,
    "other_casemanager": 404,
    "foreign_hr": 404,
    "other_admin": 404,
    "operator": 404,
}


def own_case(world) -> AbsenceCase:
    """The employee's case: sick for 300 days (week 43), half recovered 60 days ago."""
    case = world.report_sick(first_day=days_ago(300), context="illness")
    services.add_recovery(
        actor=world.hr, case_id=case.pk, data={"date": days_ago(60), "percentage": 50}
    )
    return case


@pytest.mark.parametrize(("name", "status"), sorted(REACH_OWN_CASE.items()))
def test_the_dossier_answers_404_outside_the_scope(world, sign_in, name, status) -> None:
    case = own_case(world)
    for tab in ("overview", "notes", "recoveries", "history"):
        assert (
            sign_in(getattr(world, name)).get(f"/cases/{case.pk}/?tab={tab}").status_code == status
        )


def test_every_view_of_a_dossier_is_logged(world, sign_in) -> None:
    case = own_case(world)
    before = AccessEvent.objects.filter(object_type="absence.absencecase").count()
    sign_in(world.hr).get(f"/cases/{case.pk}/")
    sign_in(world.employee).get(f"/cases/{case.pk}/?tab=notes")
    assert AccessEvent.objects.filter(object_type="absence.absencecase").count() == before + 2


@pytest.mark.parametrize(
    ("name", "sees"),
    [
        ("medic", True),
        ("casemanager", False),
        ("admin", False),
        ("hr", False),
        ("employee", False),
    ],
)
def test_only_the_medic_sees_the_medical_file(world, sign_in, name, sees) -> None:
    case = own_case(world)
    services.add_medical_note(
        actor=world.medic, case_id=case.pk, text="Spreekuur gehad. Lage rugklachten na tilwerk."
    )
    page = sign_in(getattr(world, name)).get(f"/cases/{case.pk}/?tab=medical").content.decode()
    assert ('href="?tab=medical"' in page) is sees
    assert ("rugklachten" in page) is sees  # the medic's note


def test_the_employer_sees_whether_but_not_which_safety_net(world, sign_in) -> None:
    case = world.no_risk_case()
    assert case is not None
    employer = sign_in(world.hr).get(f"/cases/{case.pk}/").content.decode()
    staff = sign_in(world.casemanager).get(f"/cases/{case.pk}/").content.decode()
    assert "no-riskpolis" in staff.lower()
    assert "no-riskpolis" not in employer.lower()


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("hr", 200),
        ("casemanager", 200),
        ("employee", 404),
        ("other_hr", 404),
    ],
)
def test_case_add_page_needs_absence_change_in_scope(sign_in, world, name, status) -> None:
    employment = world.hire()
    assert sign_in(getattr(world, name)).get(f"/cases/add/{employment.pk}/").status_code == status
    response = sign_in(getattr(world, name)).get(f"/cases/add/{employment.pk}/?kind=sickness")
    assert response.status_code == status


def test_employer_form_has_no_expected_recovery_nor_category(world, sign_in) -> None:
    employment = world.hire()
    employer = sign_in(world.hr).get(f"/cases/add/{employment.pk}/?kind=sickness")
    staff = sign_in(world.casemanager).get(f"/cases/add/{employment.pk}/?kind=sickness")
    for field in ("expected_recovery", "safety_net_category", "came_from_long_ww"):
        assert f'name="{field}"' not in employer.content.decode()
        assert f'name="{field}"' in staff.content.decode()
    assert 'name="safety_net"' in employer.content.decode()


def test_a_medical_term_gives_findings_with_a_suggestion_and_saves_nothing(world, sign_in) -> None:
    employment = world.hire()
    before = row_counts()
    response = sign_in(world.hr).post(
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


def test_a_clean_sick_report_opens_the_dossier(world, sign_in) -> None:
    employment = world.hire()
    response = sign_in(world.hr).post(
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


def test_bad_input_on_the_form_shows_the_rule_and_saves_nothing(world, sign_in) -> None:
    employment = world.hire()
    before = row_counts()
    response = sign_in(world.hr).post(
        f"/cases/add/{employment.pk}/?kind=sickness",
        {"first_day": days_ago(-3).isoformat(), "requested_action": "normal"},
    )
    assert response.status_code == 422
    assert 'id="form-errors"' in response.content.decode()
    assert row_counts() == before


def test_notes_tab_posts_a_note_and_the_guard_refuses_medical_terms(world, sign_in) -> None:
    case = own_case(world)
    client = sign_in(world.hr)
    refused = client.post(f"/cases/{case.pk}/?tab=notes", {"text": "Griep."})
    assert refused.status_code == 422 and 'id="medical-findings"' in refused.content.decode()
    saved = client.post(f"/cases/{case.pk}/?tab=notes", {"text": "Morgen belafspraak."})
    assert saved.status_code == 302
    assert case.notes.filter(text="Morgen belafspraak.").exists()


def test_the_employee_cannot_write_notes(world, sign_in) -> None:
    case = own_case(world)
    response = sign_in(world.employee).post(f"/cases/{case.pk}/?tab=notes", {"text": "Hallo."})
    assert response.status_code == 403
    assert not case.notes.filter(text="Hallo.").exists()


def test_recovery_form_offers_hersteld_at_only_to_the_medic(world, sign_in) -> None:
    case = own_case(world)
    for name, offered in (
        ("hr", False),
        ("casemanager", False),
        ("medic", True),
    ):
        page = (
            sign_in(getattr(world, name)).get(f"/cases/{case.pk}/recoveries/add/").content.decode()
        )
        assert ('name="therapeutic"' in page) is offered, name


def test_hersteld_at_posted_by_an_employer_is_ignored_by_the_form(world, sign_in) -> None:
    """The field is not on the employer's form, so a forged value never reaches the service."""
    case = own_case(world)
    response = sign_in(world.hr).post(
        f"/cases/{case.pk}/recoveries/add/",
        {"date": days_ago(1).isoformat(), "percentage": "60", "therapeutic": "on"},
    )
    assert response.status_code == 302
    assert not case.recoveries.filter(therapeutic=True).exists()


@pytest.mark.parametrize(
    ("path", "who"),
    [
        ("correct", "hr"),
        ("withdraw", "hr"),
        ("recoveries/add", "casemanager"),
    ],
)
def test_action_pages_for_those_who_may_change(world, sign_in, path, who) -> None:
    case = own_case(world)
    assert sign_in(getattr(world, who)).get(f"/cases/{case.pk}/{path}/").status_code == 200
    assert sign_in(world.employee).get(f"/cases/{case.pk}/{path}/").status_code == 404
    assert sign_in(world.other_hr).get(f"/cases/{case.pk}/{path}/").status_code == 404


def test_case_list_filters_and_scope(world, sign_in) -> None:
    own_case(world)
    world.report_sick(world.hire(), days_ago(20))
    world.report_sick(world.hire(world.other_department), days_ago(30))
    page = sign_in(world.hr).get("/cases/?kind=sickness&week_min=40").content.decode()
    assert len(re.findall(r'href="/cases/\d+/"', page)) == 1
    assert sign_in(world.employee).get("/cases/").status_code == 200
    assert sign_in(world.operator).get("/cases/").status_code == 403
    jansen = sign_in(world.other_hr).get("/cases/?status=all").content.decode()
    assert world.employer.name not in jansen and world.other_employer.name in jansen


def test_employee_page_links_cases_and_add_button(world, sign_in) -> None:
    employee_id = world.employee.employee_id
    hr_page = sign_in(world.hr).get(f"/employees/{employee_id}/?tab=employments").content.decode()
    own_page = (
        sign_in(world.employee).get(f"/employees/{employee_id}/?tab=employments").content.decode()
    )
    assert "/cases/add/" in hr_page and "/cases/" in own_page
    assert "/cases/add/" not in own_page
