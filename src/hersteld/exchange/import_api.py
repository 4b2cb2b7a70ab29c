"""REST API v1 of the bulk import (X9): what the portal page /exchange/import/ does.

The same service functions as the portal (hersteld.exchange.import_views): the employer is one
the user may import for (else 404), the file is checked whole before a run is made
(`imports.check_file`, with the portal's row and size limits), `imports.start_run` finds or
makes the run, and `import_tasks.start_after_commit` hands it to a worker or thread. The
answer comes at once; the integrator polls the run for its progress.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Router, Schema, Status
from ninja.errors import ValidationError as SchemaValidationError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from hersteld.accounts.access import on_a_whole_employer
from hersteld.exchange import import_tasks, imports
from hersteld.exchange.models import ImportRun, ImportStatus
from hersteld.web.access import AuthedRequest, api_requires
from hersteld.web.schemas import Id, InputSchema, Pagination

router = Router(tags=["imports"])

FILE_DESCRIPTION = (
    "CSV or Excel (.xlsx) with a header row, or a SIVI XML message (WerknemerGegevens, "
    f"Dienstverbanden); at most {imports.MAX_FILE_BYTES // (1024 * 1024)} MB and the "
    "installation's row limit (HERSTELD_IMPORT_MAX_ROWS). Columns: docs/import.md."
)


class ImportIn(InputSchema):
    employer_id: Id = Field(description="the employer whose population the file holds")
    dry_run: bool = Field(False, description="check every row, save nothing")
    again: bool = Field(False, description="import also when this file was imported before")


class LinksOut(Schema):
    self: str
    errors: str


class RunOut(Schema):
    id: int
    employer_id: int
    filename: str
    file_format: str = Field(description="csv, xlsx, sivi or json")
    dry_run: bool
    status: str = Field(description="pending, running, done or failed")
    finished: bool = Field(description="done or failed: the counts no longer change")
    rows_total: int
    rows_done: int = Field(description="rows handled so far (the run continues after them)")
    rows_created: int
    rows_updated: int
    rows_unchanged: int
    rows_failed: int
    error_count: int = Field(description="errors stored (row and file errors)")
    created_at: dt.datetime
    finished_at: dt.datetime | None
    links: LinksOut

    @staticmethod
    def resolve_finished(obj: ImportRun) -> bool:
        return obj.status in (ImportStatus.DONE, ImportStatus.FAILED)

    @staticmethod
    def resolve_rows_unchanged(obj: ImportRun) -> int:
        return max(obj.rows_done - obj.rows_created - obj.rows_updated - obj.rows_failed, 0)

    @staticmethod
    def resolve_error_count(obj: ImportRun) -> int:
        """Counted by the selector (imports.visible_runs); a run just made counts its own."""
        counted = getattr(obj, "error_count", None)
        return len(obj.errors) if counted is None else int(counted)

    @staticmethod
    def resolve_links(obj: ImportRun) -> dict[str, str]:
        base = f"/api/v1/imports/{obj.pk}"
        return {"self": base, "errors": f"{base}/errors"}


class RowErrorOut(Schema):
    row: int = Field(description="the row in the file (the header is row 1); 0: the whole file")
    column: str = Field(description="the column, or the element path in a SIVI file")
    code: str
    message: str


class ErrorItem(Schema):
    field: str
    code: str
    message: str


class AlreadyImportedOut(Schema):
    detail: str
    errors: list[ErrorItem]
    run_id: int = Field(description="the earlier, finished run of this file")


UPLOAD_FIELDS = frozenset({*ImportIn.model_fields, "file"})


def _refuse_unknown_fields(request: AuthedRequest) -> None:
    """As every request body: an unknown field is an error (422 `extra_forbidden`). Ninja
    folds form fields into one model that would ignore it, and a mistyped `dry_run` must not
    import for real."""
    unknown = sorted((set(request.POST) | set(request.FILES)) - UPLOAD_FIELDS)
    if unknown:
        raise SchemaValidationError(
            [
                {
                    "loc": ("body", name),
                    "type": "extra_forbidden",
                    "msg": "Extra inputs are not permitted",
                }
                for name in unknown
            ]
        )


def _file_refused(exc: imports.ImportFileError) -> ValidationError:
    """The file's errors under the field `file`, each naming its column as the portal does."""
    return ValidationError(
        {
            "file": [
                ValidationError(
                    f"{error.column}: {error.message}" if error.column else error.message,
                    code=error.code,
                )
                for error in exc.errors
            ]
        }
    )


def _run(request: AuthedRequest, run_id: int) -> ImportRun:
    """A run in the user's scope, without its file; another employer's run: 404."""
    return get_object_or_404(imports.visible_runs(request.user).defer("content"), pk=run_id)


@router.post(
    "/imports",
    response={201: RunOut, 409: AlreadyImportedOut},
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {"properties": {"file": {"description": FILE_DESCRIPTION}}}
                }
            }
        }
    },
    summary="Upload a population file and start its import",
)
@api_requires(imports.ACTION, rule=on_a_whole_employer(imports.ACTION))
def create_import(
    request: AuthedRequest, data: Form[ImportIn], file: File[UploadedFile]
) -> Status[Any]:
    """201 with the run (pending; it runs outside the request: poll it). An employer outside
    the user's scope: 404. A file that cannot be imported (format, columns, too large, too
    many rows): 422 on `file`, nothing written. A file imported before: 409 `already_imported`
    with the earlier run, unless `again`. A file whose earlier run stopped continues that run.
    An unknown field: 422 `extra_forbidden`.
    """
    _refuse_unknown_fields(request)
    employer = imports.employer_for_import(request.user, data.employer_id)
    # One byte past the limit is enough for check_file to refuse the size.
    content = file.read(imports.MAX_FILE_BYTES + 1)
    filename = file.name or "import"
    try:
        imports.check_file(filename, content, employer, imports.portal_max_rows())
        run = imports.start_run(
            employer=employer,
            user=request.user,
            filename=filename,
            content=content,
            dry_run=data.dry_run,
            again=data.again,
            keep_content=True,
        )
    except imports.AlreadyImported as done:
        text = imports.message("already_imported", {"run": done.run.pk})
        return Status(
            409,
            {
                "detail": text,
                "errors": [{"field": "file", "code": "already_imported", "message": text}],
                "run_id": done.run.pk,
            },
        )
    except imports.ImportFileError as exc:
        raise _file_refused(exc) from exc
    import_tasks.start_after_commit(run, request.user)
    return Status(201, run)


@router.get("/imports", response=list[RunOut], summary="Your imports, newest first")
@paginate(Pagination)
@api_requires(imports.ACTION, rule=on_a_whole_employer(imports.ACTION))
def list_imports(request: AuthedRequest, employer_id: Id | None = None) -> QuerySet[ImportRun]:
    """The runs of the employers you may import for (dry runs too), newest first."""
    runs = imports.visible_runs(request.user).defer("content", "errors")
    if employer_id is not None:
        runs = runs.filter(employer_id=employer_id)
    return runs


@router.get("/imports/{run_id}", response=RunOut, summary="One import: status and counts")
@api_requires(imports.ACTION)
def get_import(request: AuthedRequest, run_id: Id) -> ImportRun:
    return _run(request, run_id)


@router.get(
    "/imports/{run_id}/errors",
    response=list[RowErrorOut],
    summary="The errors of one import: row, column, code and message",
)
@paginate(Pagination)
@api_requires(imports.ACTION)
def import_errors(request: AuthedRequest, run_id: Id) -> list[dict[str, Any]]:
    """In file order; the run keeps the first 10,000 (rows_failed counts them all)."""
    return list(_run(request, run_id).errors)
