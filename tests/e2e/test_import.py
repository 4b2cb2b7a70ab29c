"""Bulk import in the browser (X9): HR uploads a CSV, watches the progress bar, reads the errors.

The CSV names the departments of the `named_world` employer (PROD and WINKEL); "hr" uploads it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from hersteld.people.models import Employment
from tests.support.browser import log_in, pass_second_factor, shot

pytestmark = pytest.mark.e2e

CSV = """employee_id;personnel_number;initials;surname;birth_date;gender;department_code;hours_per_week;start_date
E2E-1;IMP-1;A.;Importtest;1990-01-31;V;{top};32;2024-01-01
E2E-2;IMP-2;B.;Importtwee;31-12-1985;M;{other};24;2023-05-01
E2E-3;IMP-3;C.;Fout;1991-02-30;M;{top};24;2023-05-01
"""


def csv_for(world: Any) -> str:
    """The CSV with the codes of the world's top and sibling departments."""
    return CSV.format(top=world.department.code, other=world.sibling_department.code)


@pytest.fixture
def import_on_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    """The import runs right after the upload's commit, in the live server's thread.

    Without a broker it runs in a thread of its own (tests/exchange/test_import.py checks that
    the upload returns first); the tests' in-memory SQLite (shared cache) locks whole tables
    between threads without waiting, so here it runs in the server thread instead.
    """
    from hersteld.exchange import import_tasks

    monkeypatch.setattr(import_tasks, "start", import_tasks.import_run)


@pytest.mark.usefixtures("tasks_in_process", "import_on_commit")
def test_hr_imports_a_csv_and_sees_progress_and_the_row_errors(
    page: Page, tmp_path: Path, named_world: Any
) -> None:
    upload = tmp_path / "personeel.csv"
    upload.write_text(csv_for(named_world), encoding="utf-8")
    log_in(page, "hr")
    pass_second_factor(page)
    page.locator("#mainnav a[href='/exchange/import/']").click()
    expect(page.locator("#import-form")).to_be_visible()
    page.set_input_files("#import-form input[type=file]", str(upload))
    shot(page, "import-form")
    page.locator("#import-form button.primary").click()
    expect(page.locator("#import-bar")).to_be_visible()
    expect(page.locator("#import-status")).to_have_class("badge import-done", timeout=30_000)
    bar = page.locator("#import-bar")
    assert bar.get_attribute("value") == bar.get_attribute("max") == "3"
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("birth_date")
    shot(page, "import-run")
    assert set(
        Employment.objects.filter(personnel_number__startswith="IMP-").values_list(
            "personnel_number", flat=True
        )
    ) == {"IMP-1", "IMP-2"}


def test_an_upload_over_the_row_limit_is_refused_on_the_form(
    page: Page, tmp_path: Path, settings: object, named_world: Any
) -> None:
    from tests.support.browser import PHONE

    settings.IMPORT_MAX_ROWS = 2  # type: ignore[attr-defined]
    upload = tmp_path / "personeel.csv"
    upload.write_text(csv_for(named_world), encoding="utf-8")
    log_in(page, "hr")
    pass_second_factor(page)
    page.goto("/exchange/import/")
    page.set_input_files("#import-form input[type=file]", str(upload))
    page.locator("#import-form button.primary").click()
    expect(page.locator("#import-form")).to_contain_text("meer dan 2 regels")
    shot(page, "import-too-many-rows")
    page.set_viewport_size(PHONE)
    shot(page, "import-too-many-rows-phone")
    assert not Employment.objects.filter(personnel_number__startswith="IMP-").exists()
