"""Portal pages of the bulk import (X9): upload, progress with its status endpoint, error report.

Only users with people.change on a whole employer may import; a run outside the user's scope
does not exist for them (404). The import itself runs outside the request (a Celery task, or a
thread without a broker: import_tasks.start), so the run page shows its progress by polling the
status endpoint. An upload holds at most HERSTELD_IMPORT_MAX_ROWS rows (refused before any work).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from hersteld.accounts.access import on_a_whole_employer
from hersteld.exchange import import_tasks, imports
from hersteld.exchange.models import ImportRun, ImportStatus
from hersteld.organisations.models import Employer
from hersteld.web.access import AuthedRequest, requires

RECENT_RUNS = 10


class ImportForm(forms.Form):
    employer = forms.ModelChoiceField(
        label=gettext_lazy("Employer"), queryset=Employer.objects.none(), empty_label=None
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "CSV or Excel (.xlsx) with a header row, or a SIVI XML message (WerknemerGegevens, "
            "Dienstverbanden)."
        ),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Dry run: check every row, save nothing"), required=False
    )
    again = forms.BooleanField(
        label=gettext_lazy("Import again, also when this file was imported before"),
        required=False,
    )

    def __init__(self, *args: Any, employers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["employer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = employers

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > imports.MAX_FILE_BYTES:
            raise forms.ValidationError(
                imports.message("too_large", {"max": imports.MAX_FILE_BYTES // (1024 * 1024)})
            )
        return upload


def _runs(request: AuthedRequest) -> Any:
    return imports.visible_runs(request.user).select_related("employer", "created_by")


@requires("people.change", rule=on_a_whole_employer("people.change"))
@require_http_methods(["GET", "POST"])
def import_page(request: AuthedRequest) -> HttpResponse:
    employers = imports.import_employers(request.user).order_by("name")
    if not employers.exists():
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, employers=employers)
    previous: ImportRun | None = None
    if request.method == "POST" and form.is_valid():
        employer = form.cleaned_data["employer"]
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            imports.check_file(upload.name, content, employer, imports.portal_max_rows())
            run = imports.start_run(
                employer=employer,
                user=request.user,
                filename=upload.name,
                content=content,
                dry_run=form.cleaned_data["dry_run"],
                again=form.cleaned_data["again"],
                keep_content=True,
            )
        except imports.AlreadyImported as done:
            previous = done.run
            form.add_error(
                "file",
                _(
                    "This file was imported for this employer before. Tick “Import again” to "
                    "import it once more."
                ),
            )
        except imports.ImportFileError as exc:
            for error in exc.errors:
                where = f"{error.column}: " if error.column else ""
                form.add_error("file", f"{where}{error.message}")
        else:
            import_tasks.start_after_commit(run, request.user)
            return redirect("exchange-import-run", pk=run.pk)
    context = {
        "form": form,
        "previous": previous,
        "runs": _runs(request)[:RECENT_RUNS],
        "columns": imports.COLUMNS,
        "required_columns": imports.REQUIRED_COLUMNS,
    }
    return render(request, "exchange/import.html", context, status=422 if form.errors else 200)


@requires("people.change")
@require_http_methods(["GET", "POST"])
def import_run_page(request: AuthedRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(_runs(request), pk=pk)
    if request.method == "POST":
        if run.status == ImportStatus.FAILED and run.content:
            import_tasks.start_after_commit(run, request.user)
            messages.success(
                request, _("The import continues after row %(row)s.") % {"row": run.rows_done}
            )
        return redirect("exchange-import-run", pk=run.pk)
    errors = Paginator(run.errors, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "run": run,
        "errors": errors,
        "page": errors,
        "unchanged": run.rows_done - run.rows_created - run.rows_updated - run.rows_failed,
        "finished": run.status in (ImportStatus.DONE, ImportStatus.FAILED),
        "can_continue": run.status == ImportStatus.FAILED and bool(run.content),
        "status_url": reverse("exchange-import-status", args=[run.pk]),
    }
    return render(request, "exchange/import_run.html", context)


@requires("people.change")
@require_GET
def import_status(request: AuthedRequest, pk: int) -> JsonResponse:
    run = get_object_or_404(_runs(request), pk=pk)
    return JsonResponse(
        {
            "status": run.status,
            "status_display": str(run.get_status_display()),
            "dry_run": run.dry_run,
            "rows_total": run.rows_total,
            "rows_done": run.rows_done,
            "rows_created": run.rows_created,
            "rows_updated": run.rows_updated,
            "rows_failed": run.rows_failed,
            "finished": run.status in (ImportStatus.DONE, ImportStatus.FAILED),
        }
    )


@requires("people.change")
@require_GET
def import_errors_csv(request: AuthedRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(_runs(request), pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-errors.csv"'
    response.write("\ufeff")  # a byte-order mark, so that Excel reads the file as UTF-8
    imports.error_report(run.errors, response)
    return response
