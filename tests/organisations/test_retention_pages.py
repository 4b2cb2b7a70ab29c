"""The retention pages (issue 15, B4): the arbodienst's administrator sets its terms within
the law; its staff read the job's reports, of their own tenant only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from hersteld.core import retention
from hersteld.core.models import AuditEvent
from hersteld.organisations.models import Arbodienst
from tests.support.retention import past_case

pytestmark = pytest.mark.django_db

TERMS = {
    "retention_administration": 2,
    "retention_reintegration": 1,
    "retention_erd_zw": 5,
    "retention_erd_wga": 10,
    "retention_medical": 25,
    "retention_logs": 5,
}


def test_the_administrator_sets_the_terms_audited(world: Any, sign_in: Any) -> None:
    response = sign_in(world.admin).post(reverse("organisations:retention_terms"), TERMS)
    assert response.status_code == 302
    tenant = Arbodienst.objects.get(pk=world.tenant.pk)
    assert (tenant.retention_reintegration, tenant.retention_medical) == (1, 25)
    event = AuditEvent.objects.filter(object_type="organisations.arbodienst").latest("id")
    assert event.changes["retention_medical"] == [20, 25]


def test_a_medical_term_under_twenty_years_is_refused_in_dutch(world: Any, sign_in: Any) -> None:
    response = sign_in(world.admin).post(
        reverse("organisations:retention_terms"), {**TERMS, "retention_medical": 19}
    )
    assert response.status_code == 422
    assert "Deze bewaartermijn mag niet korter zijn dan 20 jaar." in response.content.decode()
    assert Arbodienst.objects.get(pk=world.tenant.pk).retention_medical == 20


@pytest.mark.parametrize("who", ["casemanager", "medic", "hr", "employee", "operator"])
def test_only_the_administrator_sets_the_terms(world: Any, sign_in: Any, who: str) -> None:
    client = sign_in(getattr(world, who))
    assert client.get(reverse("organisations:retention_terms")).status_code == 403
    client.post(reverse("organisations:retention_terms"), TERMS)
    assert Arbodienst.objects.get(pk=world.tenant.pk).retention_reintegration == 2


def test_staff_read_the_reports_of_their_own_tenant(world: Any, sign_in: Any) -> None:
    past_case(world)
    past_case(world, surname="Elders", employer=world.foreign_employer, medical_on=None)
    retention.run(dt.date(2060, 1, 1))

    page = sign_in(world.medic).get(reverse("organisations:retention_reports"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Wereldbakkers" in body and "re-integratiedossiers" in body
    assert "Wereldzorg" not in body  # the other arbodienst's employer
    assert "Verleden" not in body  # nobody's name

    other = sign_in(world.other_admin).get(reverse("organisations:retention_reports"))
    assert "Wereldzorg" in other.content.decode()
    assert "Wereldbakkers" not in other.content.decode()


@pytest.mark.parametrize("who", ["hr", "manager", "employee", "operator"])
def test_the_reports_are_for_arbodienst_staff(world: Any, sign_in: Any, who: str) -> None:
    assert (
        sign_in(getattr(world, who)).get(reverse("organisations:retention_reports")).status_code
        == 403
    )
