"""Every table of the figures page as CSV or XLSX (openpyxl), with the same rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import Workbook

from hersteld.absence.models import EndReason
from hersteld.statistics import figures
from hersteld.statistics.reports import Report

Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    headers: list[str]
    rows: list[list[Cell]]


REASONS = dict(EndReason.choices)
TABLES = ("figures", "trend", "classes", "endings", "departments", "functions", "ages")


def _fig_row(result: figures.Figures) -> list[Cell]:
    body = result.rounded()
    return [
        body["vp"],  # type: ignore[list-item]
        body["vp_with_leave"],  # type: ignore[list-item]
        body["mf"],  # type: ignore[list-item]
        body["gvd"],  # type: ignore[list-item]
        body["nulverzuim"],  # type: ignore[list-item]
        result.persons,
        result.employment_days,
    ]


def _fig_headers() -> list[str]:
    return [
        _("VP (%)"),
        _("VP incl. pregnancy leave (%)"),
        _("MF"),
        _("GVD (days)"),
        _("Nulverzuim (%)"),
        _("Persons"),
        _("Employment days"),
    ]


def table(report: Report, name: str) -> Table:
    """One table of the page by name; a suppressed group gives its rows without figures."""
    if name == "figures":
        rows: list[list[Cell]] = []
        if not report.suppressed:
            rows.append(
                [f"{report.start:%d-%m-%Y} - {report.end:%d-%m-%Y}", *_fig_row(report.figures)]
            )
            if report.previous is not None:
                previous = report.previous
                rows.append(
                    [f"{previous.start:%d-%m-%Y} - {previous.end:%d-%m-%Y}", *_fig_row(previous)]
                )
        return Table(name, _("Absence figures"), [_("Period"), *_fig_headers()], rows)
    if name == "trend":
        trend_rows: list[list[Cell]] = [
            [f"{month.start:%m-%Y}", *_fig_row(month)] for month in report.trend
        ]
        return Table(name, _("Per month"), [_("Month"), *_fig_headers()], trend_rows)
    if name == "classes":
        class_rows: list[list[Cell]] = []
        if not report.suppressed:
            class_rows = [
                [label, report.figures.duration_classes.get(key, 0)]
                for key, label in class_labels()
            ]
        return Table(name, _("Duration classes"), [_("Class"), _("Periods")], class_rows)
    if name == "endings":
        ending_rows: list[list[Cell]] = []
        if not report.suppressed:
            ending_rows = [[str(_("recovered")), report.figures.recovered]]
            ending_rows += [
                [str(REASONS.get(reason, reason)), count]
                for reason, count in sorted(report.figures.other_endings.items())
            ]
        return Table(name, _("Periods ended"), [_("End reason"), _("Periods")], ending_rows)
    if name == "departments":
        dept_rows: list[list[Cell]] = []
        for row in report.departments:
            label = f"{row.department.code} {row.department.name}"
            if row.suppressed:
                dept_rows.append([label, None, None, None, None, None, None, None])
            else:
                dept_rows.append([label, *_fig_row(row.figures)])
        return Table(name, _("Departments"), [_("Department"), *_fig_headers()], dept_rows)
    if name in ("functions", "ages"):
        group_rows: list[list[Cell]] = []
        for group in report.functions if name == "functions" else report.ages:
            label = group.label or str(_("(no function)"))
            if group.suppressed:
                hidden = _("fewer than %(k)s persons") % {"k": report.k}
                group_rows.append([label, str(hidden), None, None, None, None, None, None])
            else:
                group_rows.append([label, *_fig_row(group.figures)])
        if name == "functions":
            return Table(name, _("Functions"), [_("Function"), *_fig_headers()], group_rows)
        return Table(name, _("Age bands"), [_("Age on the first day"), *_fig_headers()], group_rows)
    raise KeyError(name)


def class_labels() -> list[tuple[str, str]]:
    return [
        ("kort", _("short (1-14 days)")),
        ("middellang", _("medium (15-91 days)")),
        ("lang", _("long (92-365 days)")),
        ("extra_lang", _("extra long (366-730 days)")),
    ]


def to_csv(data: Table) -> bytes:
    """Semicolon-separated with a decimal comma, as Dutch spreadsheet programs read it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(data.headers)
    for row in data.rows:
        writer.writerow(["" if cell is None else _csv_cell(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_cell(cell: Cell) -> str:
    if isinstance(cell, float):
        return f"{cell:.2f}".replace(".", ",")
    text = str(cell)
    # A cell a spreadsheet would run as a formula is quoted as text.
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _number(text) else text


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def to_xlsx(tables: Sequence[Table]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    first = True
    for data in tables:
        if not first:
            sheet = book.create_sheet()
        first = False
        sheet.title = data.title[:31]
        sheet.append(data.headers)
        for row in data.rows:
            sheet.append([_xlsx_cell(cell) for cell in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(cell: Cell) -> Cell:
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@"):
        return "'" + cell
    return cell
