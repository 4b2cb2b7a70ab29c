"""The portal's bulk import (X9) as a task, always outside the upload request.

With a broker it is a Celery task. Without one (Celery would run it eagerly, inside the request)
it runs in a thread of the web process, started after the commit: the upload answers at once
and the run page polls the progress. A run that no thread picked up (the process stopped
before it started) is picked up by the sweep (`hersteld process-exchange`, or Celery beat).
docs/import.md and docs/adr/0011-bulk-import.md explain the choice.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Any

from celery import shared_task
from django.db import close_old_connections, connection, connections, transaction
from django.http import Http404
from django.utils import timezone

from hersteld.accounts.models import User
from hersteld.core.actor import Actor
from hersteld.core.context import RequestMeta, current_meta, request_meta
from hersteld.exchange import imports
from hersteld.exchange.models import ImportRun, ImportStatus

logger = logging.getLogger(__name__)

# A pending run older than this was not started by its thread (the process stopped first).
STALE_AFTER = dt.timedelta(minutes=2)
# On SQLite the import shares one writer with the portal's requests (WAL, IMMEDIATE): shorter
# chunks keep each write lock short (well under the 5 s a waiting request waits).
SQLITE_CHUNK_SIZE = 250


@shared_task(name="exchange.import_run")
def import_run(
    run_id: int,
    user_id: int | None,
    request_id: str = "",
    ip: str | None = None,
    channel: str = "ui",
) -> dict[str, Any]:
    """Run (or resume) an uploaded import. It never raises: the run row records how it ended.

    A run that is still marked running (its process stopped) is resumed when the user uploads
    the file again; two runners never write the same chunk (the chunk locks the run row and
    checks rows_done, see Importer). `channel` is the upload's ("ui" or "api"), for the audit.
    """
    run = ImportRun.objects.select_related("employer").get(pk=run_id)
    if run.status == ImportStatus.DONE:
        return {"run": run.pk, "status": run.status, "rows_done": run.rows_done}
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    meta = (
        RequestMeta(request_id=request_id, ip=ip, channel=channel) if request_id else RequestMeta()
    )
    with request_meta(meta):
        try:
            if user_id and user is None:
                raise Http404("user")
            imports.run_import(
                run,
                bytes(run.content),
                user=user,
                max_rows=imports.portal_max_rows(),
                chunk_size=SQLITE_CHUNK_SIZE if connection.vendor == "sqlite" else None,
            )
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


def start_after_commit(run: ImportRun, user: Actor) -> None:
    """Hand an uploaded run to a worker or thread once its row is committed; the request
    (portal page or API) returns at once. A failed run, uploaded again or continued, is
    made pending again first."""
    if run.status == ImportStatus.FAILED:
        run.status = ImportStatus.PENDING
        run.save(update_fields=["status"])
    meta = current_meta()
    user_id = user.pk
    # Robust: with the broker down the run stays pending and the sweep starts it later.
    transaction.on_commit(
        lambda: start(run.pk, user_id, meta.request_id, meta.ip, meta.channel), robust=True
    )


def start(
    run_id: int,
    user_id: int | None,
    request_id: str = "",
    ip: str | None = None,
    channel: str = "ui",
) -> None:
    """Start an uploaded import outside the request (call after the run row is committed)."""
    from hersteld.celery import app

    if not app.conf.task_always_eager:
        import_run.delay(run_id, user_id, request_id, ip, channel)
        return
    thread = threading.Thread(
        target=_in_thread,
        args=(run_id, user_id, request_id, ip, channel),
        name=f"import-run-{run_id}",
        daemon=True,
    )
    thread.start()


def _in_thread(
    run_id: int, user_id: int | None, request_id: str, ip: str | None, channel: str = "ui"
) -> None:
    """The task in its own thread, with its own database connection, closed at the end."""
    close_old_connections()
    try:
        import_run(run_id, user_id, request_id, ip, channel)
    except Exception:
        logger.exception("import run %s could not start", run_id)
    finally:
        connections.close_all()


def pick_up_waiting(now: dt.datetime | None = None) -> int:
    """Run the portal imports that are still pending a while after the upload; how many."""
    now = now or timezone.now()
    waiting = ImportRun.objects.filter(
        status=ImportStatus.PENDING, created_at__lt=now - STALE_AFTER
    ).values_list("pk", "created_by_id")
    started = 0
    for run_id, user_id in list(waiting):
        # Claimed with one UPDATE, so two sweeps (or a late thread) do not both start it.
        if ImportRun.objects.filter(pk=run_id, status=ImportStatus.PENDING).update(
            status=ImportStatus.RUNNING
        ):
            import_run(run_id, user_id)
            started += 1
    return started
