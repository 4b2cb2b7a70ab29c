"""Background work runs in-process without a broker, and on a real Celery worker with Redis."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail

from hersteld.core.tasks import health_check

pytestmark = pytest.mark.django_db


def test_without_a_broker_tasks_run_in_process() -> None:
    if settings.CELERY_BROKER_URL:
        pytest.skip("a broker is configured; the worker test covers this run")
    assert settings.CELERY_TASK_ALWAYS_EAGER
    assert health_check.delay().get()["database"] is True


def test_password_reset_sends_a_mail_without_personal_details(
    world, client, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password-reset/", {"email": world.hr.email})
    assert response.status_code == 302
    if settings.CELERY_BROKER_URL:
        return  # delivered by a worker; the eager path is checked on SQLite
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


@pytest.mark.celery
@pytest.mark.skipif(
    not os.environ.get("CELERY_BROKER_URL"), reason="needs CELERY_BROKER_URL (CI: Redis)"
)
def test_a_real_worker_runs_the_task_through_redis(tmp_path: Path) -> None:
    celery = shutil.which("celery", path=str(Path(sys.executable).parent))
    assert celery, "celery is installed with the project"
    log = tmp_path / "worker.log"
    worker = subprocess.Popen(
        [
            celery,
            "-A",
            "hersteld",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        env={**os.environ},
    )
    try:
        result = health_check.apply_async()
        deadline = time.monotonic() + 60
        while not result.ready() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert result.ready(), log.read_text()[-2000:]
        assert result.get(timeout=1) == {
            "database": True,
            "vendor": "postgresql"
            if os.environ.get("DATABASE_URL", "").startswith("postgres")
            else "sqlite",
        }
    finally:
        worker.terminate()
        worker.wait(timeout=30)
