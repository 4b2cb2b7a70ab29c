"""The demo data (hersteld.demo) keeps its own smoke test: what the README promises is there,
a second run changes nothing, and it refuses to run outside demo or debug mode."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hersteld.absence.models import AbsenceCase
from hersteld.accounts.models import User
from hersteld.core.models import AuditEvent
from hersteld.demo.exchange import DEMO_KEY
from hersteld.exchange.models import Coupling, CouplingStatus
from hersteld.exchange.services import hash_key
from hersteld.organisations.models import Arbodienst, Department, Employer
from hersteld.people.models import Employment

pytestmark = pytest.mark.django_db

DEMO_USERS = {
    "beheer",
    "admin.noord",
    "admin.zuid",
    "casemanager.noord",
    "bedrijfsarts.noord",
    "casemanager.zuid",
    "hr.devries",
    "manager.devries.bakkerij",
    "hr.jansen",
    "hr.zuidzorg",
    "werknemer.devries",
}


def test_the_demo_holds_what_the_readme_promises() -> None:
    """README, "Demo log-ins": 2 arbodiensten, 3 employers, 8 departments, 60 employments
    (3 ended), 10 absence cases, the 11 demo users and the active coupling of De Vries."""
    employers = Employer.objects.filter(arbodienst__in=Arbodienst.objects.all())
    assert Arbodienst.objects.count() == 2
    assert set(employers.values_list("name", flat=True)) == {
        "Bakkerij De Vries",
        "Transport Jansen",
        "Zorggroep Zuid",
    }
    assert Department.objects.filter(employer__in=employers).count() == 8
    employments = Employment.objects.filter(employer__in=employers)
    assert employments.count() == 60
    assert employments.filter(end_date__isnull=False).count() == 3
    assert AbsenceCase.objects.filter(employer__in=employers).count() == 10
    assert set(User.objects.values_list("username", flat=True)) >= DEMO_USERS
    coupling = Coupling.objects.get(employer__name="Bakkerij De Vries")
    assert coupling.status == CouplingStatus.ACTIVE
    assert coupling.key_hash == hash_key(DEMO_KEY)  # the key the README publishes


def test_a_second_run_changes_nothing(settings) -> None:
    settings.DEMO = True
    before = (Employment.objects.count(), AbsenceCase.objects.count(), User.objects.count())
    out = io.StringIO()
    call_command("demo_data", stdout=out)
    assert "nothing changed" in out.getvalue()
    assert (Employment.objects.count(), AbsenceCase.objects.count(), User.objects.count()) == before


def test_it_refuses_outside_demo_or_debug_mode(settings) -> None:
    settings.DEMO = False
    settings.DEBUG = False
    with pytest.raises(CommandError, match="demo or debug mode"):
        call_command("demo_data", stdout=io.StringIO())


def test_every_demo_write_left_an_audit_row_with_its_actor() -> None:
    assert AuditEvent.objects.filter(actor_name="").count() == 0
    assert AuditEvent.objects.filter(object_type="people.employment", action="create").count() >= 60
