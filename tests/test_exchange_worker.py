"""A real Celery worker on Redis applies an inbox message (CI: PostgreSQL + Redis run)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from hersteld.absence.models import AbsenceCase
from hersteld.exchange.models import ExternalKey, InboxMessage, InboxStatus, KeyKind
from tests.support.exchange import couple_like_the_examples

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "examples" / "sick-report.xml"


@pytest.mark.celery
@pytest.mark.skipif(
    not os.environ.get("CELERY_BROKER_URL")
    or settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="needs CELERY_BROKER_URL and a database a worker process can reach (CI: PostgreSQL)",
)
@pytest.mark.django_db(transaction=True)  # committed: the worker reads the world too
def test_a_real_worker_applies_an_inbox_message(world: Any, tmp_path: Path) -> None:
    link = couple_like_the_examples(world)
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    celery = shutil.which("celery", path=str(Path(sys.executable).parent))
    assert celery
    log = tmp_path / "worker.log"
    worker = subprocess.Popen(
        [
            celery,
            "-A",
            "hersteld",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        env={**os.environ, "DATABASE_URL": url},
    )
    try:
        response = link.send(EXAMPLE.read_bytes(), "application/xml")
        assert response.status_code == 202
        assert response.json()["status"] == "received"  # stored; the worker applies it
        message = InboxMessage.objects.get(pk=response.json()["id"])
        deadline = time.monotonic() + 60
        while message.status == InboxStatus.RECEIVED and time.monotonic() < deadline:
            time.sleep(0.3)
            message.refresh_from_db()
        assert message.status == InboxStatus.PROCESSED, log.read_text()[-3000:]
        # The example's absence V-2025-0042, from 03-03-2025, is now a case at the employer.
        key = ExternalKey.objects.get(
            employer=world.employer, kind=KeyKind.ABSENCE, key="V-2025-0042"
        )
        case = AbsenceCase.objects.select_related("employment").get(pk=key.object_id)
        assert case.employment.employer_id == world.employer.pk
        assert case.first_day == dt.date(2025, 3, 3)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
