"""A real Celery worker on Redis applies an inbox message (CI: PostgreSQL + Redis run)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from hersteld.demo.exchange import DEMO_KEY
from hersteld.exchange.models import ExternalKey, InboxMessage, InboxStatus
from tests.support.auth import load_demo_data

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "examples" / "sick-report.xml"


@pytest.mark.celery
@pytest.mark.skipif(
    not os.environ.get("CELERY_BROKER_URL")
    or settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="needs CELERY_BROKER_URL and a database a worker process can reach (CI: PostgreSQL)",
)
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_applies_an_inbox_message(tmp_path: Path) -> None:
    load_demo_data()
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
        response = Client(HTTP_AUTHORIZATION=f"Bearer {DEMO_KEY}").post(
            "/api/v1/exchange/inbox", EXAMPLE.read_bytes(), content_type="application/xml"
        )
        assert response.status_code == 202
        assert response.json()["status"] == "received"  # stored; the worker applies it
        message = InboxMessage.objects.get(pk=response.json()["id"])
        deadline = time.monotonic() + 60
        while message.status == InboxStatus.RECEIVED and time.monotonic() < deadline:
            time.sleep(0.3)
            message.refresh_from_db()
        assert message.status == InboxStatus.PROCESSED, log.read_text()[-3000:]
        assert ExternalKey.objects.filter(kind="absence", key="V-2025-0042").exists()
    finally:
        worker.terminate()
        worker.wait(timeout=30)
