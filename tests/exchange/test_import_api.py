"""Bulk import (X9) over the REST API: the portal page's upload, progress and error report."""

from __future__ import annotations

import io
from typing import Any

import pytest

from hersteld.core.models import AuditEvent
from hersteld.exchange import import_tasks, imports
from hersteld.exchange.import_tasks import import_run
from hersteld.exchange.imports import sources as import_sources
from hersteld.exchange.models import Change, ExternalKey, ImportRun
from hersteld.organisations.models import Employer
from hersteld.people.models import Employee, Employment, EmploymentTerms
from tests.support.exchange import HEADER, csv_file, example_departments, row

pytestmark = pytest.mark.django_db

IMPORTS = "/api/v1/imports"


@pytest.fixture
def employer(world: Any) -> Employer:
    """The world's employer, with the department codes the rows use."""
    example_departments(world, "BAK", "WNK", "ADM")
    return world.employer


@pytest.fixture
def in_process(monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any) -> Any:
    """The task runs in the test (not in a thread or a worker), whatever broker CI configures."""
    monkeypatch.setattr(import_tasks, "start", import_run)
    return django_capture_on_commit_callbacks


def upload(
    client: Any, employer: Employer, content: bytes, name: str = "personeel.csv", **fields: Any
) -> Any:
    file = io.BytesIO(content)
    file.name = name
    return client.client.post(IMPORTS, {"employer_id": employer.pk, "file": file, **fields})


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Employee, Employment, EmploymentTerms, ExternalKey, AuditEvent, Change)
    }


def test_an_upload_starts_the_run_which_imports_the_rows_and_reports_the_failed_one(
    world: Any, employer: Employer, api_as: Any, in_process: Any
) -> None:
    client = api_as(world.hr)
    with in_process(execute=True):
        response = upload(client, employer, csv_file(row(1), row(2, afdeling="X")))
    assert response.status_code == 201, response.json()
    answer = response.json()
    run_id = answer["id"]
    assert answer["status"] == "pending" and answer["employer_id"] == employer.pk
    assert answer["links"] == {
        "self": f"{IMPORTS}/{run_id}",
        "errors": f"{IMPORTS}/{run_id}/errors",
    }

    run = client.get(f"{IMPORTS}/{run_id}").json()
    assert (run["status"], run["finished"], run["file_format"], run["dry_run"]) == (
        "done",
        True,
        "csv",
        False,
    )
    assert (run["rows_total"], run["rows_done"], run["rows_created"], run["rows_failed"]) == (
        2,
        2,
        1,
        1,
    )
    assert run["error_count"] == 1 and run["finished_at"] is not None
    job = Employment.objects.get(personnel_number="IMP-1", employer=employer)
    assert job.employee.surname == "Importman1"
    assert not Employment.objects.filter(personnel_number="IMP-2").exists()

    errors = client.get(f"{IMPORTS}/{run_id}/errors").json()
    assert errors["count"] == 1
    (error,) = errors["items"]
    assert (error["row"], error["code"]) == (3, "unknown_department")
    assert error["column"] and error["message"]
    # The audit says the import came in over the API.
    assert set(
        AuditEvent.objects.filter(object_type="people.employment", object_id=job.pk).values_list(
            "channel", flat=True
        )
    ) == {"api"}


def test_a_dry_run_checks_every_row_and_writes_no_people(
    world: Any, employer: Employer, api_as: Any, in_process: Any
) -> None:
    client = api_as(world.hr)
    before = counts()
    with in_process(execute=True):
        response = upload(client, employer, csv_file(row(1)), dry_run="true")
    assert response.status_code == 201 and response.json()["dry_run"] is True
    run = ImportRun.objects.get()
    assert (run.dry_run, run.status, run.rows_created) == (True, "done", 1)
    assert counts() == before


def test_a_file_without_a_required_column_is_refused_naming_it_and_nothing_is_written(
    world: Any, employer: Employer, api_as: Any, in_process: Any
) -> None:
    client = api_as(world.hr)
    before = counts()
    values = row(1).split(";")
    del values[5]  # the surname
    content = f"{HEADER.replace(';Achternaam', '')}\n{';'.join(values)}\n".encode()
    with in_process(execute=True):
        response = upload(client, employer, content)
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert (error["field"], error["code"]) == ("file", "missing_column")
    assert error["message"].startswith("surname: ") and "achternaam" in error["message"]
    assert not ImportRun.objects.exists()
    assert counts() == before


def test_a_mistyped_field_is_refused_rather_than_ignored(
    world: Any, employer: Employer, api_as: Any, in_process: Any
) -> None:
    """`dryrun` instead of `dry_run` must not import for real."""
    client = api_as(world.hr)
    before = counts()
    with in_process(execute=True):
        response = upload(client, employer, csv_file(row(1)), dryrun="true")
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert (error["field"], error["code"]) == ("dryrun", "extra_forbidden")
    assert not ImportRun.objects.exists()
    assert counts() == before


def test_a_file_over_the_size_limit_is_refused_as_in_the_portal(
    world: Any, employer: Employer, api_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "MAX_FILE_BYTES", 100)
    monkeypatch.setattr(import_sources, "MAX_FILE_BYTES", 100)
    response = upload(api_as(world.hr), employer, csv_file(row(1)))
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert (error["field"], error["code"]) == ("file", "too_large")
    assert not ImportRun.objects.exists()


def test_the_same_file_twice_is_a_conflict_unless_imported_again(
    world: Any, employer: Employer, api_as: Any, in_process: Any
) -> None:
    client = api_as(world.hr)
    content = csv_file(row(1))
    with in_process(execute=True):
        first = upload(client, employer, content).json()["id"]
    twice = upload(client, employer, content)
    assert twice.status_code == 409
    body = twice.json()
    assert body["run_id"] == first
    assert body["errors"][0]["code"] == "already_imported"
    assert ImportRun.objects.count() == 1
    with in_process(execute=True):
        again = upload(client, employer, content, again="true")
    assert again.status_code == 201 and again.json()["id"] != first
    assert ImportRun.objects.count() == 2
    assert Employment.objects.filter(personnel_number="IMP-1").count() == 1


@pytest.mark.parametrize("who", ["other_hr", "foreign_hr"])
def test_another_employers_or_arbodiensts_user_finds_no_run_and_cannot_import_here(
    world: Any, employer: Employer, api_as: Any, in_process: Any, who: str
) -> None:
    with in_process(execute=True):
        run_id = upload(api_as(world.hr), employer, csv_file(row(1, afdeling="X"))).json()["id"]
    outsider = api_as(getattr(world, who))
    assert outsider.get(f"{IMPORTS}/{run_id}").status_code == 404
    assert outsider.get(f"{IMPORTS}/{run_id}/errors").status_code == 404
    assert outsider.get(IMPORTS).json()["count"] == 0
    with in_process(execute=True):
        refused = upload(outsider, employer, csv_file(row(2)))
    assert refused.status_code == 404
    assert ImportRun.objects.count() == 1
    assert not Employment.objects.filter(personnel_number="IMP-2").exists()


def test_a_department_manager_may_not_import(
    world: Any, employer: Employer, api_as: Any, in_process: Any
) -> None:
    with in_process(execute=True):
        response = upload(api_as(world.manager), employer, csv_file(row(1)))
    assert response.status_code == 403
    assert not ImportRun.objects.exists()


def test_the_runs_are_listed_newest_first_in_pages(
    world: Any, employer: Employer, api_as: Any, in_process: Any
) -> None:
    client = api_as(world.hr)
    made = []
    for n in range(3):
        with in_process(execute=True):
            made.append(upload(client, employer, csv_file(row(n)), dry_run="true").json()["id"])
    page = client.get(IMPORTS, page_size=2).json()
    assert page["count"] == 3
    assert [run["id"] for run in page["items"]] == made[::-1][:2]
    assert [run["id"] for run in client.get(IMPORTS, page_size=2, page=2).json()["items"]] == [
        made[0]
    ]
    assert client.get(IMPORTS, employer_id=world.other_employer.pk).json()["count"] == 0
    assert api_as(world.casemanager).get(IMPORTS).json()["count"] == 3


def test_the_errors_of_a_run_come_in_pages(
    world: Any, employer: Employer, api_as: Any, in_process: Any
) -> None:
    client = api_as(world.hr)
    bad = [row(n, afdeling="X") for n in range(1, 4)]
    with in_process(execute=True):
        run_id = upload(client, employer, csv_file(*bad)).json()["id"]
    first = client.get(f"{IMPORTS}/{run_id}/errors", page_size=2).json()
    assert first["count"] == 3
    assert [error["row"] for error in first["items"]] == [2, 3]
    last = client.get(f"{IMPORTS}/{run_id}/errors", page_size=2, page=2).json()
    assert [error["row"] for error in last["items"]] == [4]
    assert client.get(f"{IMPORTS}/{run_id}/errors", page=99).json()["items"] == []
