"""The portal's bulk import (X9) as a Celery task; without a broker it runs in the request."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.http import Http404

from hersteld.accounts.models import User
from hersteld.core.context import RequestMeta, request_meta
from hersteld.exchange import imports
from hersteld.exchange.models import ImportRun, ImportStatus

logger = logging.getLogger(__name__)


@shared_task(name="exchange.import_run")
def import_run(
    run_id: int, user_id: int | None, request_id: str = "", ip: str | None = None
) -> dict[str, Any]:
    """Run (or resume) an uploaded import. It never raises: the run row records how it ended."""
    run = ImportRun.objects.select_related("employer").get(pk=run_id)
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    meta = RequestMeta(request_id=request_id, ip=ip, channel="ui") if request_id else RequestMeta()
    with request_meta(meta):
        try:
            if user_id and user is None:
                raise Http404("user")
            imports.run_import(run, bytes(run.content), user=user)
        except imports.ImportFileError:
            pass  # the run holds the file's errors
        except Http404:
            run.status = ImportStatus.FAILED
            run.errors = [
                *run.errors,
                imports.RowError(0, "", "not_allowed", imports.message("not_allowed")).as_dict(),
            ]
            run.save(update_fields=["status", "errors"])
        except Exception:  # the run is marked failed and can be continued from the portal
            logger.exception("import run %s stopped", run_id)
    return {"run": run.pk, "status": run.status, "rows_done": run.rows_done}
