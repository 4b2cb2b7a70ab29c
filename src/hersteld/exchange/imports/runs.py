"""Who imports what, and the entry points: start or resume a run, run it, write the error
report.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Func
from django.db.models.sql.compiler import SQLCompiler
from django.http import Http404

from hersteld.core.actor import Actor, SystemActor
from hersteld.core.audit import user_or_none
from hersteld.core.restrict import Scope
from hersteld.exchange.imports.columns import (
    ACTION,
    DEFAULT_CHUNK_SIZE,
    AlreadyImported,
    ImportFileError,
)
from hersteld.exchange.imports.importer import Importer, ProgressCallback, Summary
from hersteld.exchange.imports.sources import checksum, detect_format, open_source
from hersteld.exchange.models import ImportRun, ImportStatus
from hersteld.organisations.models import Employer

# --- the actor --------------------------------------------------------------------------


IMPORT_ACTIONS = frozenset({"organisations.view", "people.view", "people.change"})


def system_importer(employer: Employer) -> SystemActor:
    """The CLI without --user: the system acting on one employer with people rights only.

    Updates go through `people.services`, which fetch through `restrict`; this actor's scope is
    the one employer. Audit rows name it "import" (no user row).
    """
    return SystemActor(
        name="import",
        full_name="import",
        scope=Scope(employer.arbodienst_id, employer_id=employer.pk),
        actions=IMPORT_ACTIONS,
    )


def import_employers(user: Actor) -> models.QuerySet[Employer]:
    """The employers whose population this user may import (people.change on the employer)."""
    return Employer.objects.restrict(user, ACTION)


def employer_for_import(user: Actor | None, employer_id: int) -> Employer:
    """The employer, if the user (None: the system) may import for it; else Http404."""
    queryset = Employer.objects.all() if user is None else import_employers(user)
    employer = queryset.select_related("arbodienst").filter(pk=employer_id).first()
    if employer is None:
        raise Http404("employer")
    return employer


class _ArrayLength(Func):
    """The number of items of a JSON array column, counted in the database (not in Python)."""

    function = "JSON_ARRAY_LENGTH"  # SQLite
    output_field = models.IntegerField()

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> Any:
        return self.as_sql(compiler, connection, function="JSONB_ARRAY_LENGTH", **extra)


def visible_runs(user: Actor) -> models.QuerySet[ImportRun]:
    """The runs this user may see (people.change on their employer), newest first, each with
    `error_count`: the portal's pages and the API read runs through this one selector."""
    return (
        ImportRun.objects.restrict(user, ACTION)
        .annotate(error_count=_ArrayLength("errors"))
        .order_by("-created_at", "-id")
    )


# --- entry points ---------------------------------------------------------------------------


def start_run(
    *,
    employer: Employer,
    user: Actor | None,
    filename: str,
    content: bytes,
    dry_run: bool = False,
    again: bool = False,
    keep_content: bool = False,
) -> ImportRun:
    """The run for this file: an unfinished one resumes; a finished one raises AlreadyImported.

    A dry run gets a fresh run, saved only when `keep_content` (the portal needs the row for its
    progress page); `keep_content` also stores the file, for a worker to read.
    """
    file_format = detect_format(filename, content)
    digest = checksum(content)
    values: dict[str, Any] = {
        "employer": employer,
        "created_by": user_or_none(user),
        "filename": filename[-255:],
        "checksum": digest,
        "file_format": file_format,
        "dry_run": dry_run,
        "content": content if keep_content else b"",
    }
    if dry_run:
        run = ImportRun(**values)
        if keep_content:
            run.save()
        return run
    with transaction.atomic():
        previous = (
            ImportRun.objects.select_for_update()
            .filter(employer=employer, checksum=digest, dry_run=False)
            .order_by("-created_at", "-id")
            .first()
        )
        if previous is not None and not again:
            if previous.status == ImportStatus.DONE:
                raise AlreadyImported(previous)
            if keep_content and not previous.content:
                previous.content = content
                previous.save(update_fields=["content"])
            return previous
        return ImportRun.objects.create(**values)


def run_import(
    run: ImportRun,
    content: bytes,
    *,
    user: Actor | None,
    chunk_size: int | None = None,
    progress: ProgressCallback | None = None,
    max_rows: int | None = None,
) -> Summary:
    """Import (or resume, or dry-run) `run` from `content`. The user needs people.change on the
    employer (checked again here: rights may have changed since the upload); None is the system.

    A file-level problem marks the run failed with its errors and raises ImportFileError.
    """
    employer = employer_for_import(user, run.employer_id)
    run.employer = employer
    actor = user if user is not None else system_importer(employer)
    try:
        source = open_source(content, run.file_format, employer, max_rows)
    except ImportFileError as exc:
        run.status = ImportStatus.FAILED
        run.errors = [error.as_dict() for error in exc.errors]
        if run.pk is not None:
            run.save(update_fields=["status", "errors"])
        raise
    importer = Importer(
        run, source, actor=actor, chunk_size=chunk_size or DEFAULT_CHUNK_SIZE, progress=progress
    )
    return importer.run_all()


def error_report(errors: Iterable[dict[str, Any]], out: io.TextIOBase | Any) -> int:
    """Write the errors as CSV (row, column, code, message); returns the number written."""
    writer = csv.writer(out)
    writer.writerow(["row", "column", "code", "message"])
    count = 0
    for error in errors:
        writer.writerow([error["row"], error["column"], error["code"], error["message"]])
        count += 1
    return count
