"""Employer and department pages (P2) for the arbodienst admin; employer users only read.

The tests run in a small world of personas (tests/support/world.py), not on the demo data.
"""

from __future__ import annotations

import pytest

from hersteld.organisations.models import Department, Employer

pytestmark = pytest.mark.django_db


def test_admin_adds_an_employer_and_a_department(world, sign_in) -> None:
    client = sign_in(world.admin)
    bad = client.post("/employers/add/", {"name": "Schilders Bos", "kvk_number": "123"})
    assert bad.status_code == 422
    assert not Employer.objects.filter(name="Schilders Bos").exists()
    good = client.post("/employers/add/", {"name": "Schilders Bos", "kvk_number": "12345679"})
    employer = Employer.objects.get(name="Schilders Bos")
    assert employer.arbodienst == world.tenant
    assert good["Location"] == f"/employers/{employer.pk}/"
    added = client.post(
        f"/employers/{employer.pk}/departments/add/", {"code": "A", "name": "Atelier"}
    )
    assert added.status_code == 302
    dup = client.post(
        f"/employers/{employer.pk}/departments/add/", {"code": "A", "name": "Nog een"}
    )
    assert dup.status_code == 422
    department = Department.objects.get(employer=employer, code="A")
    edited = client.post(f"/departments/{department.pk}/edit/", {"code": "A", "name": "Werkplaats"})
    assert edited["Location"] == f"/employers/{employer.pk}/"
    department.refresh_from_db()
    assert department.name == "Werkplaats"


def test_admin_edits_an_employer(world, sign_in) -> None:
    employer = world.other_employer
    client = sign_in(world.admin)
    page = client.get(f"/employers/{employer.pk}/edit/")
    data = {k: v for k, v in page.context["form"].initial.items() if v not in (None, False)}
    response = client.post(f"/employers/{employer.pk}/edit/", {**data, "own_risk_wga": "on"})
    assert response.status_code == 302
    employer.refresh_from_db()
    assert employer.own_risk_wga


def test_employer_users_read_but_do_not_change(world, sign_in) -> None:
    client = sign_in(world.hr)
    employer = world.employer
    page = client.get(f"/employers/{employer.pk}/")
    assert page.status_code == 200 and page.context["can_change"] is False
    assert client.get(f"/employers/{employer.pk}/edit/").status_code == 404
    assert (
        client.post(
            f"/employers/{employer.pk}/departments/add/", {"code": "X", "name": "X"}
        ).status_code
        == 404
    )
    assert client.get("/employers/add/").status_code == 403


def test_another_arbodienst_does_not_find_the_employer(world, sign_in) -> None:
    client = sign_in(world.other_admin)
    assert client.get(f"/employers/{world.employer.pk}/").status_code == 404
    assert client.get(f"/employers/{world.employer.pk}/edit/").status_code == 404
