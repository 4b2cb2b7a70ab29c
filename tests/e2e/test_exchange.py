"""Couplings in the browser: the arbodienst admin reads the coupling and its error log, the
operator issues a key (shown once), a casemanager decides a correction side by side.

The coupling is an active one of the `named_world` employer, which gets a department "BAK"
for the example messages (docs/examples/sick-report.xml names it)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from hersteld.exchange import services
from hersteld.exchange.models import Coupling, InboxStatus, ReviewKind, ReviewStatus, ReviewTask
from tests.support.browser import PHONE, log_in, pass_second_factor, path_re, shot
from tests.support.exchange import absence, example, job, message, person
from tests.support.world import department

pytestmark = pytest.mark.e2e


def receive(coupling: Coupling, body: bytes | str, kind: str = "application/json") -> None:
    data = body.encode() if isinstance(body, str) else body
    stored, _ = services.receive(coupling, data, kind)
    services.process(stored.pk)


@pytest.fixture
def coupling(named_world: Any) -> Coupling:
    """The world employer's active coupling with one processed message (the example sick
    report, sent under the coupling's employer key), one failed and one rejected."""
    world = named_world
    department(world.operator, world.employer, "BAK")
    world.active_coupling()
    coupling = Coupling.objects.get(employer=world.employer)
    key = coupling.employer_key
    sick_report = example("sick-report.xml").replace(
        b"<IdWrkgvrArbdnst>DEVRIES<", f"<IdWrkgvrArbdnst>{key}<".encode()
    )
    receive(coupling, sick_report, "application/xml")
    receive(
        coupling,
        message(
            "E2E-F",
            [{"employee": person(), "employment": job(department_code="ONBEKEND")}],
            employer_key=key,
        ),
    )
    receive(coupling, b"<Verzuimmeldingen", "application/xml")
    return coupling


def test_admin_reads_the_coupling_and_its_error_log(page: Page, coupling: Coupling) -> None:
    name = coupling.employer.name
    log_in(page, "admin")
    pass_second_factor(page)
    page.locator("#mainnav a[href='/couplings/']").click()
    expect(page).to_have_url(path_re("/couplings/"))
    row = page.locator("#couplings tbody tr", has_text=name)
    expect(row.locator(".badge.coupling-active")).to_be_visible()
    expect(row.locator("a.badge.status-overdue")).to_have_text("2")
    shot(page, "exchange-couplings")
    row.locator("a", has_text=name).click()
    expect(page.locator("#inbox")).to_contain_text("DEVRIES-2025-000101")
    expect(page.locator("#inbox .badge.inbox-processed")).to_have_count(1)
    shot(page, "exchange-coupling-detail")
    page.locator(f"a[href='/couplings/{coupling.pk}/errors/']").click()
    errors = page.locator("#errors")
    expect(errors).to_contain_text("/items/0/employment/department_code")
    expect(errors).to_contain_text("malformed_xml")
    retry = errors.locator("form[action$='/retry/'] button")
    expect(retry).to_have_count(1)  # only the failed one can be retried
    shot(page, "exchange-error-log")


def test_operator_issues_a_key_that_is_shown_once(page: Page, coupling: Coupling) -> None:
    log_in(page, "operator")
    pass_second_factor(page)
    page.goto(f"/couplings/{coupling.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"form[action='/couplings/{coupling.pk}/key/'] button").click()
    key = page.locator("#new-key code.secret")
    expect(key).to_be_visible()
    shot(page, "exchange-new-key")
    assert services.coupling_for_key(key.inner_text().strip()) == coupling
    page.goto(f"/couplings/{coupling.pk}/")
    expect(page.locator("#new-key")).to_have_count(0)


def test_casemanager_decides_a_correction_side_by_side(page: Page, coupling: Coupling) -> None:
    correction = absence("correction", 2, absence_id="V-2025-0042", first_day="2025-02-28")
    item = {"employee": person("W-1001"), "employment": job("D-1001-1"), "absence": correction}
    receive(coupling, message("E2E-C", [item], employer_key=coupling.employer_key))
    review = ReviewTask.objects.get(kind=ReviewKind.CORRECTION)
    log_in(page, "casemanager")
    pass_second_factor(page)
    page.locator("#mainnav a[href='/proposals/']").click()
    page.locator(f"#reviews a[href='/proposals/{review.pk}/']").click()
    changed = page.locator("#compare tr.changed")
    expect(changed).to_have_count(1)
    expect(changed).to_contain_text("03-03-2025")
    expect(changed).to_contain_text("28-02-2025")
    shot(page, "exchange-proposal")
    page.locator("button[value='accept']").click()
    expect(page).to_have_url(path_re("/proposals/"))
    review.refresh_from_db()
    assert review.status == ReviewStatus.APPLIED
    assert review.case is not None and str(review.case.first_day) == "2025-02-28"


def test_the_coupling_list_reads_on_a_phone(page: Page, coupling: Coupling) -> None:
    page.set_viewport_size(PHONE)
    log_in(page, "admin")
    pass_second_factor(page)
    page.goto("/couplings/")
    row = page.locator("#couplings tbody tr").first
    expect(row).to_be_visible()
    box = row.bounding_box()
    assert box is not None and box["width"] <= PHONE["width"]
    shot(page, "exchange-couplings-phone")
    assert InboxStatus.FAILED in {m.status for m in coupling.inbox.all()}


def test_admin_requests_a_coupling_and_a_wrong_address_is_explained(
    page: Page, named_world: Any
) -> None:
    other = named_world.other_employer.name
    log_in(page, "admin")
    pass_second_factor(page)
    page.goto("/couplings/add/")
    page.select_option("#id_employer", label=other)
    page.fill("#id_source_system", "Salarisadministratie")
    page.fill("#id_employer_key", "JANSEN")
    page.check("#id_all_employments_1")  # only employments with an absence dossier
    page.check("#id_bsn_1")  # no BSN
    page.fill("#id_outbound_url", "ftp://voorbeeld.nl/in")
    page.locator("main form button.primary").click()
    error = page.locator(".field.has-error", has=page.locator("#id_outbound_url"))
    expect(error.locator(".error")).to_be_visible()
    shot(page, "exchange-coupling-form-error")
    assert not Coupling.objects.filter(source_system="Salarisadministratie").exists()
    page.fill("#id_outbound_url", "")
    page.locator("main form button.primary").click()
    expect(page.locator("h1")).to_contain_text(other)
    created = Coupling.objects.get(source_system="Salarisadministratie")
    assert (created.all_employments, created.bsn, created.status) == (False, False, "requested")
    shot(page, "exchange-coupling-requested")


def test_operator_sees_what_is_missing_then_activates_a_requested_coupling(
    page: Page, named_world: Any
) -> None:
    """Issue 11 item 17: "Kies Activeren" works without saving Instellen again."""
    requested = named_world.coupling(source_system="Salarissysteem")  # requested by the admin
    log_in(page, "operator")
    pass_second_factor(page)
    page.goto(f"/couplings/{requested.pk}/")
    missing = page.locator("#coupling-missing")
    expect(missing).to_contain_text("API-sleutel")
    expect(page.locator("form[action$='/activate/']")).to_have_count(0)
    shot(page, "exchange-coupling-missing")
    page.set_viewport_size(PHONE)
    shot(page, "exchange-coupling-missing-phone")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form[action$='/key/'] button").click()
    expect(page.locator("#new-key")).to_be_visible()
    expect(page.locator("#coupling-missing")).to_have_count(0)
    shot(page, "exchange-coupling-complete")
    page.set_viewport_size(PHONE)
    shot(page, "exchange-coupling-complete-phone")
    page.locator("form[action$='/activate/'] button").click()
    expect(page.locator(".badge.coupling-active")).to_be_visible()
    requested.refresh_from_db()
    assert requested.status == "active"
