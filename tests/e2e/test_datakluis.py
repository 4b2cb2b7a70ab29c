"""The Datakluis in the browser: a casemanager reveals a never-absent employee for a
preventive consult, on a laptop and a phone. The population is sealed through an active
Datakluis coupling of the `named_world` employer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from hersteld.organisations.models import Employer
from tests.support.browser import PHONE, log_in, pass_second_factor, path_re, shot
from tests.support.exchange import job, person
from tests.support.vault import key_file, vault_coupling

pytestmark = pytest.mark.e2e


@pytest.fixture
def sealed_population(settings: Any, tmp_path: Path, named_world: Any) -> Employer:
    settings.DATAKLUIS_KEY_FILE = str(key_file(tmp_path))
    vault = vault_coupling(named_world)
    vault.deliver(
        "E2E-KLUIS-1",
        [
            {
                "employee": person("K-E2E", surname="Kluisvrouw", initials="A."),
                "employment": job(
                    "KD-E2E",
                    personnel_number="KP-E2E",
                    department_code=named_world.department.code,
                ),
            }
        ],
        message_type="employee",
    )
    return named_world.employer


def test_a_casemanager_reveals_an_employee_for_a_preventive_consult(
    page: Page, sealed_population: Employer
) -> None:
    log_in(page, "casemanager")
    pass_second_factor(page)
    page.locator("#mainnav a[href='/datakluis/reveal/']").click()
    expect(page).to_have_url(path_re("/datakluis/reveal/"))
    page.select_option("#id_employer", label=sealed_population.name)
    page.fill("#id_key", "KP-E2E")
    shot(page, "datakluis-reveal")
    page.set_viewport_size(PHONE)
    shot(page, "datakluis-reveal-phone")
    page.locator("main form button.primary").click()
    expect(page.locator("main")).to_contain_text("Kluisvrouw")
    shot(page, "datakluis-revealed-phone")
