"""Celery application: Redis broker when CELERY_BROKER_URL is set; otherwise tasks run in-process."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hersteld.settings")

app = Celery("hersteld")
# Celery's Django fixup puts the working directory first on sys.path. Run from inside this
# package (as the translation commands are, docs/development.md), that would let the app
# package `hersteld/statistics` hide the standard library's `statistics` module, which
# Django's SQLite backend imports. The package is importable without it.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    del sys.path[0]
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
