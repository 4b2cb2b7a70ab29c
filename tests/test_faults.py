"""Issue 17: faults in the middle of work leave nothing half-written, and what was cut off
is applied exactly once afterwards.

- A process applying an inbox message is killed (SIGKILL) after it wrote the rows but
  before the commit: nothing of it is stored; the sweep (Celery beat's `exchange.sweep`, or
  `hersteld process-exchange`) applies it once, and a second sweep changes nothing.
- `hersteld import` is killed between or inside chunks: the committed chunks stay, the cut
  chunk is gone; running the same file again resumes and every row exists exactly once.
- The database connection is cut (pg_terminate_backend, as a PostgreSQL restart does)
  during an API write: the client gets the JSON error answer and nothing of the write
  is stored; the next request works.
- The broker is down: see test_redis_down_* below (these run on SQLite too).

The first three need a database that a second process can reach: they run in the
PostgreSQL pass of CI.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from hersteld.absence.models import AbsenceCase
from hersteld.core.models import AuditEvent
from hersteld.exchange import services as exchange_services
from hersteld.exchange.models import ExternalKey, ImportRun, InboxMessage, InboxStatus
from hersteld.people.models import Employee, Employment
from tests.support.exchange import couple_like_the_examples, csv_file, example_departments, row

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "docs" / "examples" / "sick-report.xml"

on_postgresql = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="a second process must reach the test database (CI: the PostgreSQL pass)",
)


def child_env() -> dict[str, str]:
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if k != "CELERY_BROKER_URL"}
    env["DATABASE_URL"] = url
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), str(REPO)])
    return env


def wait_for(condition: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def stored_message(world: Any, monkeypatch: pytest.MonkeyPatch) -> InboxMessage:
    """The example sick report, stored as the inbox stores it, not yet applied."""
    monkeypatch.setattr(exchange_services, "schedule", lambda message_id: None)
    response = couple_like_the_examples(world).send(EXAMPLE.read_bytes(), "application/xml")
    assert response.status_code == 202, response.content
    return InboxMessage.objects.get(pk=response.json()["id"])


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_killed_inbox_process_leaves_nothing_and_the_message_is_applied_once(
    world: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    message = stored_message(world, monkeypatch)
    cases, audit = AbsenceCase.objects.count(), AuditEvent.objects.count()
    marker = tmp_path / "written"
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.support.faults", str(message.pk), str(marker)],
        env=child_env(),
        cwd=REPO,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(
            lambda: marker.exists() or child.poll() is not None,
            60,
            "the child did not reach the point of commit",
        )
        assert marker.exists(), child.stderr.read() if child.stderr else ""
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()

    message.refresh_from_db()
    assert message.status == InboxStatus.RECEIVED
    assert message.attempts == 0
    assert AbsenceCase.objects.count() == cases
    assert AuditEvent.objects.count() == audit
    assert not ExternalKey.objects.filter(kind="absence", key="V-2025-0042").exists()

    # After the restart: the sweep picks up what the dead process left. PostgreSQL ends the
    # dead client's transaction (and row lock) when it notices the closed connection.
    later = timezone.now() + exchange_services.STALE_AFTER + dt.timedelta(minutes=1)

    def applied() -> bool:
        exchange_services.sweep(now=later)
        message.refresh_from_db()
        return message.status != InboxStatus.RECEIVED

    wait_for(applied, 30, "the sweep did not apply the message")
    assert message.status == InboxStatus.PROCESSED
    assert AbsenceCase.objects.count() == cases + 1
    assert ExternalKey.objects.filter(kind="absence", key="V-2025-0042").count() == 1
    assert exchange_services.sweep(now=later)["picked_up"] == 0
    assert AbsenceCase.objects.count() == cases + 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_killed_import_resumes_and_every_row_exists_once(world: Any, tmp_path: Path) -> None:
    example_departments(world)  # the departments of the rows
    employer = world.employer
    rows = 600
    source = tmp_path / "population.csv"
    source.write_bytes(csv_file(*(row(n) for n in range(1, rows + 1))))
    command = [
        sys.executable,
        "-m",
        "hersteld.cli",
        "import",
        str(source),
        "--employer",
        str(employer.pk),
        "--chunk-size",
        "10",
    ]
    imported = Employment.objects.filter(employer=employer, personnel_number__startswith="IMP-")
    child = subprocess.Popen(
        command, env=child_env(), cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )

    def part_done() -> bool:
        run = ImportRun.objects.filter(employer=employer).order_by("-pk").first()
        return (run is not None and run.rows_done >= 20) or child.poll() is not None

    try:
        wait_for(part_done, 120, "the import did not get going")
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    run = ImportRun.objects.filter(employer=employer).order_by("-pk").first()
    assert run is not None
    assert 0 < run.rows_done < rows, "the kill came too late to cut the import"
    # Only whole chunks are stored: exactly the rows the run counts as done.
    assert imported.count() == run.rows_done
    assert run.rows_done % 10 == 0

    again = subprocess.run(
        command, env=child_env(), cwd=REPO, capture_output=True, text=True, check=False
    )
    assert again.returncode == 0, again.stderr
    assert "Resuming run" in again.stdout
    run.refresh_from_db()
    assert run.rows_done == rows
    assert imported.count() == rows
    assert len(set(imported.values_list("personnel_number", flat=True))) == rows
    assert Employee.objects.filter(employer=employer, surname__startswith="Importman").count() == (
        rows
    )


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_cut_database_connection_during_a_write_stores_nothing(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hersteld.accounts.services import issue_token
    from hersteld.people import services as people_services

    raw, _token = issue_token(user=world.hr)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    original = people_services.record_created
    db = settings.DATABASES["default"]

    def cut_then_record(**kwargs: Any) -> Any:
        # Another connection ends this request's backend, as a PostgreSQL restart would,
        # after the first rows of the write were sent and before the commit.
        backend = connection.connection.info.backend_pid
        with psycopg.connect(
            host=db["HOST"] or "127.0.0.1",
            port=db["PORT"] or 5432,
            user=db["USER"],
            dbname=db["NAME"],
            autocommit=True,
        ) as other:
            other.execute("SELECT pg_terminate_backend(%s)", [backend])
        return original(**kwargs)

    monkeypatch.setattr(people_services, "record_created", cut_then_record)
    body = {
        "department_id": world.department.pk,
        "personnel_number": "CUT-1",
        "start_date": "2024-02-01",
        "hours_per_week": "24",
        "annual_salary": "30000",
        "contract_type": "permanent",
        "employee": {
            "initials": "A.",
            "surname": "Afgebroken",
            "birth_date": "1985-03-04",
            "gender": "V",
            "marital_status": "married",
            "postcode": "3511AB",
            "street": "Stationsplein",
            "house_number": 5,
            "city": "Utrecht",
            "country": "NL",
            "phone": "030 1234567",
            "email": "a.afgebroken@example.org",
        },
    }
    response = client.post("/api/v1/employments", body, content_type="application/json")
    assert response.status_code == 500, response.content
    # The API's error answer for a server fault (Dutch, the default language).
    assert response.json()["detail"] == (
        "Er ging bij ons iets mis; de fout is vastgelegd. Probeer het later opnieuw."
    )

    monkeypatch.setattr(people_services, "record_created", original)
    connection.close()
    assert not Employee.objects.filter(surname="Afgebroken").exists()
    # The next request gets a fresh connection and works.
    assert client.get("/api/v1/employments").status_code == 200


def broker_down(*args: Any, **kwargs: Any) -> None:
    raise KombuOperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


@pytest.mark.django_db
def test_redis_down_an_inbox_message_is_stored_and_applied_by_the_sweep(
    world: Any, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    from hersteld.exchange.tasks import process_message

    coupled = couple_like_the_examples(world)
    monkeypatch.setattr(process_message, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = coupled.send(EXAMPLE.read_bytes(), "application/xml")
    assert response.status_code == 202
    message = InboxMessage.objects.get(pk=response.json()["id"])
    assert message.status == InboxStatus.RECEIVED
    # When the worker runs again, beat's sweep applies it.
    later = timezone.now() + exchange_services.STALE_AFTER + dt.timedelta(minutes=1)
    assert exchange_services.sweep(now=later)["picked_up"] == 1
    message.refresh_from_db()
    assert message.status == InboxStatus.PROCESSED


@pytest.mark.django_db
def test_redis_down_a_password_reset_mail_is_sent_in_process(
    world: Any, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    from hersteld.core.tasks import send_email

    monkeypatch.setattr(send_email, "delay", broker_down)
    hr = world.hr  # one object: the world reads its users afresh on each access
    hr.email = "hr.reset@example.org"
    hr.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post("/accounts/password-reset/", {"email": "hr.reset@example.org"})
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["hr.reset@example.org"]]


@pytest.mark.django_db
def test_redis_down_the_portal_serves_and_health_says_so(
    world: Any, sign_in: Any, settings
) -> None:
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"
    assert sign_in(world.hr).get("/employments/").status_code == 200
    health = Client().get("/health")
    assert health.status_code == 503
    assert health.json()["checks"]["broker"] == "failed"
