"""Benchmark: printing UWV documents as PDF against rendering the same HTML (P12).

Usage: .venv/bin/python benchmarks/documents.py [--repeat R] [--parts N]

No database: the documents are unsaved rows with generated (fictional) content and a frozen
identification, as a final document has. It times, R times each, in one process:
  plan html   the plan van aanpak's print HTML (Django template only)
  plan pdf    the same HTML laid out by WeasyPrint (hersteld.web.pdf.html_to_pdf)
  report html a re-integratieverslag of N final parts (evaluations with long texts), about
              40 pages at the default N
  report pdf  the same, laid out as PDF
It prints the median seconds, the page count of each PDF and the ratio pdf/html.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hersteld.settings")
os.environ.setdefault("HERSTELD_DEBUG", "1")

import django

django.setup()

from django.utils import translation  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from hersteld.documents import printing  # noqa: E402
from hersteld.documents.models import Document  # noqa: E402
from hersteld.web.pdf import html_to_pdf  # noqa: E402

WORDS = [
    "werkplek",
    "opbouw",
    "uren",
    "afspraak",
    "evaluatie",
    "taken",
    "collega",
    "leidinggevende",
    "overleg",
    "planning",
    "aangepast",
    "werk",
    "belasting",
    "rooster",
    "week",
    "dagdeel",
    "begeleiding",
    "voortgang",
    "doel",
    "terugkeer",
]
IDENT = {
    "employee_name": "B. Bench",
    "bsn": "123456782",
    "employer_name": "Bakkerij Bench",
    "payroll_tax_number": "123456782L01",
    "first_day": "2025-01-06",
    "date": "2025-03-03",
    "author_name": "C. Casemanager",
    "author_function": "Casemanager",
}


def text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def document(rng: random.Random, doc_type: str, fields: dict[str, Any]) -> Document:
    return Document(
        doc_type=doc_type,
        status="final",
        version=1,
        fields={
            "employee_name": IDENT["employee_name"],
            "employer_name": IDENT["employer_name"],
            "first_day": IDENT["first_day"],
            **fields,
        },
        identification=IDENT,
        author_name=IDENT["author_name"],
    )


def plan(rng: random.Random) -> Document:
    return document(
        rng,
        "PLAN_VAN_AANPAK",
        {
            "goal": "adapted_work",
            "activities": text(rng, 120),
            "evaluation_moments": text(rng, 20),
            "casemanager": "C. Casemanager",
            "view_employer": text(rng, 60),
            "view_employee": text(rng, 60),
            "signer_employer": "C. Casemanager",
            "signer_employee": "B. Bench",
        },
    )


def evaluation(rng: random.Random) -> Document:
    return document(
        rng,
        "EVALUATIE",
        {
            "looking_back": text(rng, 220),
            "work_ability": text(rng, 80),
            "agreements": text(rng, 140),
            "view_employer": text(rng, 60),
            "view_employee": text(rng, 60),
            "signer_employer": "C. Casemanager",
            "signer_employee": "B. Bench",
        },
    )


def median_seconds(run: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def pages(html: str) -> int:
    """Pages of the laid-out document (WeasyPrint's own count; the PDF is compressed)."""
    from weasyprint import HTML

    return len(HTML(string=html, base_url="/").render().pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--parts", type=int, default=13, help="parts of the verslag (13: ~40 pages)"
    )
    args = parser.parse_args()
    rng = random.Random(20261202)  # noqa: S311 - generated text, not a secret
    translation.activate("nl")
    the_plan = plan(rng)
    parts = [the_plan] + [evaluation(rng) for _ in range(args.parts - 1)]
    cover = {**IDENT, "first_day": "06-01-2025", "date": dt.date(2025, 3, 3).strftime("%d-%m-%Y")}

    def plan_html() -> str:
        return printing.render_parts([printing.document_context(the_plan, medical=False)])

    def report_html() -> str:
        return printing.render_report(
            cover, [printing.document_context(d, medical=False) for d in parts]
        )

    html_to_pdf(plan_html())  # load pango and the fonts once, outside the timings
    rows = []
    for name, build in (("plan van aanpak", plan_html), ("re-integratieverslag", report_html)):
        html_s = median_seconds(build, args.repeat)
        pdf_s = median_seconds(lambda build=build: html_to_pdf(build()), args.repeat)
        rows.append((name, html_s, pdf_s, pages(build())))
    table = Table(title=f"UWV documents, median of {args.repeat}")
    for column in ("document", "pages", "html (s)", "pdf (s)", "pdf / html"):
        table.add_column(column, justify="right" if column != "document" else "left")
    for name, html_s, pdf_s, count in rows:
        table.add_row(name, str(count), f"{html_s:.4f}", f"{pdf_s:.3f}", f"{pdf_s / html_s:.0f}x")
    Console().print(table)


if __name__ == "__main__":
    main()
