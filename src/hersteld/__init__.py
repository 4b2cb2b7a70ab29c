"""Hersteld: open-source sickness absence management for Dutch arbodiensten."""

from hersteld.celery import app as celery_app

__all__ = ["celery_app"]
