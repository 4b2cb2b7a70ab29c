"""Helpers every portal view uses: service errors onto forms, pagination, the form page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from hersteld.core.validation import FIRST_YEAR, LAST_YEAR, MAX_ID, message

T = TypeVar("T")


def run_service(form: forms.Form, call: Callable[[], T]) -> T | None:
    """Run a service; its validation errors land on the form fields (or on top), nothing is written."""
    try:
        return call()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                target = field if field in form.fields else None
                for error in errors:
                    form.add_error(target, error)
        else:
            form.add_error(None, exc)
        return None


def paginate(request: HttpRequest, queryset: QuerySet[Any]) -> Page[Any]:
    """One count query and one page query, whatever the page number."""
    paginator = Paginator(queryset, settings.PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def set_choices(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    """Narrow a model choice field to what the user may pick (the restricted queryset)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


NO_MATCH = 0
"""The id filter value of a query-string id that cannot exist: no row has id 0."""


def id_filter(value: str | None) -> int | None:
    """An id from the query string: None when absent (no filter), NO_MATCH when it cannot exist.

    Text, 0, negative numbers and numbers beyond a 64-bit key all name no object, so the
    list shows no rows for them, as for an id that is simply unknown; they never reach the
    database, which cannot hold numbers beyond 64 bits.
    """
    if value is None or value.strip() == "":
        return None
    number = int_or_none(value.strip())
    return number if number is not None and 1 <= number <= MAX_ID else NO_MATCH


def int_or_none(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except ValueError:
        return None


def dates_in_range(form: forms.Form) -> bool:
    """Every date of a valid form lies in FIRST_YEAR..LAST_YEAR; otherwise an error at the field.

    The services compute with dates (weeks before a delivery, 104 weeks after a first day);
    a year such as 9999 would overflow the calendar instead of breaking a rule.
    """
    for name, value in list(form.cleaned_data.items()):
        if isinstance(value, dt.date) and not FIRST_YEAR <= value.year <= LAST_YEAR:
            form.add_error(
                name,
                ValidationError(
                    message("date_out_of_range"),
                    code="date_out_of_range",
                    params={"first": FIRST_YEAR, "last": LAST_YEAR},
                ),
            )
    return not form.errors


def form_page(
    request: HttpRequest,
    form: forms.Form,
    save: Callable[[dict[str, Any]], Any],
    *,
    success: Callable[[Any], str],
    done: Callable[[Any], str],
    template: str,
    context: dict[str, Any] | None = None,
    guarded: tuple[str, ...] = (),
) -> HttpResponse:
    """The one shape of every form page: valid POST -> service -> message -> redirect; else 200/422.

    `guarded` names free-text fields the medical-term guard checks (P8): on a refused POST
    the page gets `findings` per field, with their neutral alternatives, taken from the
    service's `medical_term` errors (the text is scanned once, by the service).
    """
    if request.method == "POST" and form.is_valid() and dates_in_range(form):
        result = run_service(form, lambda: save(form.cleaned_data))
        if result is not None:
            messages.success(request, success(result))
            return redirect(done(result))
    status = 422 if form.errors else 200
    findings = []
    errors = form.errors.as_data() if guarded else {}
    for name in guarded:
        items = [
            {
                "term": e.params["term"],
                "start": e.params["start"],
                "suggestion": e.params["replacement"],
            }
            for e in errors.get(name, [])
            if e.code == "medical_term" and e.params
        ]
        if items:
            bound = form[name] if name in form.fields else None
            label = bound.label if bound is not None else name
            findings.append({"label": label, "id": f"id_{name}", "items": items})
    page = {"form": form, "findings": findings, **(context or {})}
    return render(request, template, page, status=status)
