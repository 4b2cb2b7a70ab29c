"""The "Verzuimcijfers" page (S1) and the export of its tables."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from hersteld.statistics import chart, exports, figures, reports, selectors
from hersteld.statistics.forms import ALL, PeriodForm
from hersteld.statistics.selectors import Population
from hersteld.web.access import AuthedRequest, requires


@dataclass(frozen=True)
class Choice:
    form: PeriodForm
    population: Population | None
    start: dt.date
    end: dt.date


def _staff_population(request: AuthedRequest) -> Population | None:
    try:
        return selectors.arbodienst_population(request.user)
    except Http404:
        return None


def _choose(request: AuthedRequest, employer: str | None = None) -> Choice:
    """Population and period from the query string; outside the user's scope: 404."""
    user = request.user
    employers = selectors.employers(user)
    tenant = _staff_population(request)
    choices = [(str(employer.pk), employer.name) for employer in employers]
    if tenant is not None:
        choices.insert(0, (ALL, _("All employers of %(name)s") % {"name": tenant.label}))
    if not choices:
        raise Http404
    wanted = employer or request.GET.get("employer") or choices[0][0]
    if wanted not in {value for value, _label in choices}:
        raise Http404
    today = timezone.localdate()
    department_choices: list[tuple[str, str]] = []
    if wanted != ALL:
        whole = selectors.population(user, employer_id=int(wanted))
        department_choices = [
            (str(department.pk), f"{department.code} {department.name}")
            for department in selectors.departments(whole)
        ]
    form = PeriodForm(
        request.GET or None,
        employers=choices,
        departments=department_choices,
        initial={"employer": wanted, "start": dt.date(today.year, 1, 1), "end": today},
    )
    start, end = dt.date(today.year, 1, 1), today
    if not form.is_bound:
        population = tenant if wanted == ALL else whole
        return Choice(form, population, start, end)
    if not form.is_valid():
        return Choice(form, None, start, end)
    start = form.cleaned_data.get("start") or start
    end = form.cleaned_data.get("end") or max(end, start)
    if (end - start).days > 10 * 366:
        form.add_error(
            "end",
            _("A period for the absence figures spans at most %(years)s years.") % {"years": 10},
        )
        return Choice(form, None, start, end)
    department = form.cleaned_data.get("department")
    if wanted == ALL:
        return Choice(form, tenant, start, end)
    population = selectors.population(
        user, employer_id=int(wanted), department_id=int(department) if department else None
    )
    return Choice(form, population, start, end)


def _query(employer: str, start: dt.date, end: dt.date, department: str = "") -> str:
    params = {"employer": employer, "start": start.isoformat(), "end": end.isoformat()}
    if department:
        params["department"] = department
    return urlencode(params)


def _shortcuts(employer: str, department: str, today: dt.date) -> list[tuple[str, str]]:
    last_month_end = today.replace(day=1) - dt.timedelta(days=1)
    quarter = figures.quarter(today)
    year = figures.year(today)
    last_year = figures.year(dt.date(today.year - 1, 1, 1))
    periods = [
        (_("This month"), (today.replace(day=1), figures.month_end(today))),
        (_("Last month"), (last_month_end.replace(day=1), last_month_end)),
        (_("This quarter"), quarter),
        (_("This year"), year),
        (_("Last year"), last_year),
    ]
    return [(label, _query(employer, a, b, department)) for label, (a, b) in periods]


def _trend_chart(report: reports.Report) -> str:
    points = [
        chart.Point(f"{month.start:%m-%Y}", figures.round2(month.vp), figures.round2(month.mf))
        for month in report.trend
    ]
    return chart.trend_svg(
        points,
        title=_("Absence per month over 24 months"),
        description=_(
            "Verzuimpercentage (left axis, per cent) and meldingsfrequentie (right axis) per "
            "month; the table next to the chart gives every number."
        ),
        vp_label=_("Verzuimpercentage (%)"),
        mf_label=_("Meldingsfrequentie"),
    )


@requires("absence.view", rule=selectors.may_see_statistics)
@require_GET
def overview(request: AuthedRequest) -> HttpResponse:
    choice = _choose(request)
    context: dict[str, object] = {"form": choice.form, "start": choice.start, "end": choice.end}
    employer = choice.form["employer"].value() or ""
    department = choice.form["department"].value() or ""
    context["shortcuts"] = _shortcuts(str(employer), str(department), timezone.localdate())
    if choice.population is not None:
        report = reports.full(choice.population, choice.start, choice.end)
        query = _query(str(employer), choice.start, choice.end, str(department))
        context["employer"] = str(employer)
        context.update(
            report=report,
            population=choice.population,
            headline=report.figures.rounded(),
            previous=report.previous.rounded() if report.previous else None,
            classes=exports.table(report, "classes"),
            endings=exports.table(report, "endings"),
            trend=exports.table(report, "trend"),
            departments=exports.table(report, "departments"),
            breakdowns=[
                (
                    exports.table(report, "functions"),
                    _("Functions"),
                    _(
                        "Each function with its days: a person who changed function counts "
                        "in each. A group with fewer than %(k)s persons is not shown."
                    )
                    % {"k": report.k},
                ),
                (
                    exports.table(report, "ages"),
                    _("Age bands"),
                    _(
                        "By age on the first day of the period. A group with fewer than "
                        "%(k)s persons is not shown."
                    )
                    % {"k": report.k},
                ),
            ],
            chart=mark_safe(_trend_chart(report)) if report.trend else "",  # noqa: S308 (built from numbers and escaped labels)
            query=query,
            standard=figures.STANDARD,
        )
    return render(request, "statistics/overview.html", context)


@requires("absence.view", rule=selectors.may_see_statistics)
@require_GET
def export(request: AuthedRequest, employer: str, table: str, fmt: str) -> HttpResponse:
    """One table (or all, as XLSX sheets) of the page for the same population and period."""
    if fmt not in ("csv", "xlsx") or (table not in exports.TABLES and table != ALL):
        raise Http404
    if table == ALL and fmt != "xlsx":
        raise Http404
    choice = _choose(request, employer)
    if choice.population is None:
        raise Http404
    report = reports.full(choice.population, choice.start, choice.end)
    names = exports.TABLES if table == ALL else (table,)
    tables = [exports.table(report, name) for name in names]
    stem = f"verzuimcijfers-{table}-{choice.start:%Y%m%d}-{choice.end:%Y%m%d}"
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(tables[0]), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.to_xlsx(tables),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response
