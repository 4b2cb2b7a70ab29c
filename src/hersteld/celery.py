"""Celery application: Redis broker when CELERY_BROKER_URL is set; otherwise tasks run in-process."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hersteld.settings")

app = Celery("hersteld")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
