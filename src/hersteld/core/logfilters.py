"""Logging filters: a refused request is worth one line, not a traceback (issue 11 item 21)."""

from __future__ import annotations

import logging


class RefusalsOneLine(logging.Filter):
    """A 403 (PermissionDenied) is logged by Django with the exception; keep only the line.

    Every refusal is an expected answer (scope, role, a missing right); the traceback shows
    Django's own frames and fills the console. The record stays a WARNING with path and user.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
            record.levelno = logging.WARNING
            record.levelname = logging.getLevelName(logging.WARNING)
        return True
