"""The GDPR export of one employee (data subject access request, docs/rules/privacy.md).

The export lives here, low in the layers, and knows no app above it: every app answers
`core.signals.subject_records` with its own records about the person, read through its own
restrict() for the requester. This module adds the access and audit logs (core), writes the
manifest and a readable PDF summary, packs it all in one ZIP, and audits the export.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.http import Http404
from django.template.defaultfilters import slugify
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hersteld.core import signals, subject
from hersteld.core.actor import Actor
from hersteld.core.audit import record_access, record_change
from hersteld.core.display import format_value
from hersteld.core.models import AuditAction
from hersteld.core.restrict import restrict
from hersteld.core.selectors import audit_events
from hersteld.core.validation import Problems
from hersteld.privacy.problems import check_free_text
from hersteld.privacy.selectors import describe, events_about
from hersteld.web.pdf import render_pdf

PURPOSE_MAX = 200
DECIMAL = re.compile(r"-?\d+\.\d+")
SUMMARY_NAME = "samenvatting.pdf"
MANIFEST_NAME = "manifest.json"
# The access event the export leaves in the employee's "who viewed my file".
ACCESS_PURPOSE = "export"


@dataclass(frozen=True)
class SubjectExport:
    """The ZIP as it is handed out, with its file name and the manifest it holds."""

    filename: str
    content: bytes
    manifest: dict[str, Any]


def may_export(actor: Actor) -> bool:
    """Arbodienst staff produce the export (the employer and the employee do not)."""
    return bool(getattr(actor, "is_arbodienst_staff", False))


def includes_medical(actor: Actor, employee: models.Model) -> bool:
    """medical.view on this employee: then medical content goes into the export."""
    found = type(employee)._default_manager.filter(pk=employee.pk)
    return restrict(found, actor, "medical.view").exists()


def _check(purpose: str, request_date: dt.date | None) -> str:
    problems = Problems()
    purpose = (purpose or "").strip()
    problems.require({"purpose": purpose}, "purpose")
    if len(purpose) > PURPOSE_MAX:
        problems.add("purpose", "too_long", limit=PURPOSE_MAX)
    # The purpose stands in the employee's history, which the employer's users read.
    check_free_text(problems, {"purpose": purpose}, ["purpose"])
    if request_date is not None and request_date > timezone.localdate():
        problems.add("request_date", "request_date_future")
    problems.raise_if_any()
    return purpose


def _access_log(employee_id: int) -> signals.SubjectRecords:
    """Every access event about the employee: who looked at his file, when and why."""
    out = []
    for event in events_about(employee_id).order_by("created_at", "id"):
        line = describe(event)
        out.append(
            {
                "id": event.pk,
                "at": event.created_at.isoformat(),
                "who": line.who,
                "role": line.role,
                "what": line.what,
                "object_type": event.object_type,
                "object_id": event.object_id,
                "channel": line.channel,
                "purpose": line.purpose,
                "medical": line.medical,
            }
        )
    return signals.SubjectRecords(
        name="access_log",
        title=_("Who viewed the file"),
        rows=out,
        columns=(
            ("at", _("When")),
            ("who", _("Who")),
            ("role", _("Role")),
            ("what", _("What")),
            ("purpose", _("Purpose")),
            ("channel", _("Channel")),
        ),
    )


def _audit_log(actor: Actor, employee_id: int, medical: bool) -> signals.SubjectRecords:
    """Every change about the employee, as his history tab shows it to this requester: rows
    about the medical file only with medical.view, restricted fields left out."""
    out = []
    events = audit_events(actor).filter(employee_id=employee_id).order_by("created_at", "id")
    for event in events:
        try:
            hidden = subject.hidden_fields(apps.get_model(event.object_type), actor)
        except (LookupError, ValueError):
            hidden = frozenset()
        changes = {k: v for k, v in event.changes.items() if k not in hidden}
        if event.changes and not changes:
            continue  # only hidden fields changed: the row itself would tell
        out.append(
            {
                "id": event.pk,
                "at": event.created_at.isoformat(),
                "who": event.actor_name,
                "action": event.action,
                "object_type": event.object_type,
                "object_id": event.object_id,
                "object": event.object_repr,
                "changes": changes,
                "reason": event.reason,
                "channel": event.channel,
            }
        )
    return signals.SubjectRecords(
        name="audit_events",
        title=_("Changes"),
        rows=out,
        columns=(
            ("at", _("When")),
            ("who", _("Who")),
            ("action", _("Action")),
            ("object", _("Record")),
            ("reason", _("Reason")),
        ),
        omitted=() if medical else ("*",),
    )


def collect(*, actor: Actor, employee: models.Model, medical: bool) -> list[signals.SubjectRecords]:
    """Every kind of record about the employee: the apps' answers, then the two logs."""
    found: list[signals.SubjectRecords] = []
    for _receiver, answer in signals.subject_records.send(
        sender=type(employee), employee=employee, requester=actor, medical=medical
    ):
        if isinstance(answer, list):
            found.extend(answer)
    found.sort(key=lambda item: item.name != "employee")  # the person first, then as answered
    found.append(_access_log(employee.pk))
    found.append(_audit_log(actor, employee.pk, medical))
    names = [item.name for item in found]
    if len(names) != len(set(names)):
        raise RuntimeError(f"two apps answered the same kind of record: {sorted(names)}")
    return found


def _shown(value: Any) -> str:
    """A JSON value as the PDF shows it: Dutch dates, Ja/Nee, nested values in one line."""
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_shown(item)}" for key, item in value.items() if item)
    if isinstance(value, list):
        return ", ".join(_shown(item) for item in value)
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        kind = "datetime" if "T" in value else "date"
        return format_value(value, kind)
    if isinstance(value, str) and DECIMAL.fullmatch(value):
        return format_value(value, "number")  # a stored decimal: "38.00" reads "38"
    return format_value(value)


def _grouped_reads(item: signals.SubjectRecords) -> signals.SubjectRecords:
    """The access log as the PDF tells it: one line per reader, role, record and purpose with
    how often and the first and last time; a long case has thousands of reads, every one of
    them in the JSON file."""
    groups: dict[tuple[str, str, str, str], list[str]] = {}
    for row in item.rows:
        key = (row["who"], row["role"], row["what"], row["purpose"])
        groups.setdefault(key, []).append(row["at"])
    rows = [
        {
            "who": who,
            "role": role,
            "what": what,
            "purpose": purpose,
            "times": len(moments),
            "first": min(moments),
            "last": max(moments),
        }
        for (who, role, what, purpose), moments in groups.items()
    ]
    rows.sort(key=lambda row: (row["last"], row["who"]), reverse=True)
    columns = (
        ("who", _("Who")),
        ("role", _("Role")),
        ("what", _("What")),
        ("purpose", _("Purpose")),
        ("times", _("Times")),
        ("first", _("First")),
        ("last", _("Last")),
    )
    return item._replace(rows=rows, columns=columns)


def _sections(records: list[signals.SubjectRecords]) -> list[dict[str, Any]]:
    sections = []
    for found in records:
        item = _grouped_reads(found) if found.name == "access_log" else found
        sections.append(
            {
                "title": item.title,
                "name": item.name,
                "count": len(found.rows),
                "labels": [label for _key, label in item.columns],
                "rows": [
                    [_shown(row.get(key)) for key, _label in item.columns] for row in item.rows
                ],
                "medical_omitted": "*" in item.omitted,
                "fields_omitted": [name for name in item.omitted if name != "*"],
            }
        )
    return sections


def _employee_name(employee: models.Model) -> str:
    return str(getattr(employee, "display_name", employee))


def _manifest(
    *,
    actor: Actor,
    employee: models.Model,
    records: list[signals.SubjectRecords],
    medical: bool,
    purpose: str,
    request_date: dt.date | None,
    at: dt.datetime,
) -> dict[str, Any]:
    employer = getattr(employee, "employer", None)
    return {
        "kind": "GDPR data subject access request (AVG art. 15)",
        "employee": {"id": employee.pk, "name": _employee_name(employee)},
        "employer": {"id": getattr(employer, "pk", None), "name": str(employer or "")},
        "produced_at": at.isoformat(),
        "produced_by": {
            "username": actor.get_username(),
            "name": actor.get_full_name() or actor.get_username(),
            "role": actor.role,
        },
        "purpose": purpose,
        "request_date": request_date.isoformat() if request_date else None,
        "medical_content_included": medical,
        "files": [
            {
                "file": f"{item.name}.json",
                "title": item.title,
                "count": len(item.rows),
                "omitted": list(item.omitted),
            }
            for item in records
        ],
        "summary": SUMMARY_NAME,
    }


def _zip(manifest: dict[str, Any], records: list[signals.SubjectRecords], pdf: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def put(name: str, data: Any) -> None:
            text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
            archive.writestr(name, text)

        put(MANIFEST_NAME, manifest)
        for item in records:
            put(f"{item.name}.json", item.rows)
        archive.writestr(SUMMARY_NAME, pdf)
    return buffer.getvalue()


def export_subject(
    *, actor: Actor, employee: models.Model, purpose: str, request_date: dt.date | None = None
) -> SubjectExport:
    """The ZIP of every record about `employee` for `actor` (arbodienst staff of his tenant;
    anyone else: 404), with medical content only for a requester with medical.view. The
    export is audited (action "export", the purpose as reason) and shows in the employee's
    access log."""
    employer = getattr(employee, "employer", None)
    if not may_export(actor) or getattr(employer, "arbodienst_id", None) != actor.arbodienst_id:
        raise Http404
    purpose = _check(purpose, request_date)
    medical = includes_medical(actor, employee)
    at = timezone.now()
    with translation.override("nl"):
        records = collect(actor=actor, employee=employee, medical=medical)
        manifest = _manifest(
            actor=actor,
            employee=employee,
            records=records,
            medical=medical,
            purpose=purpose,
            request_date=request_date,
            at=at,
        )
        pdf = render_pdf(
            "privacy/subject_export.html",
            {
                "manifest": manifest,
                "sections": _sections(records),
                "produced_at": format_value(at, "datetime"),
                "request_date": format_value(request_date, "date") if request_date else "",
                "produced_by": manifest["produced_by"]["name"],
            },
        )
    content = _zip(manifest, records, pdf)
    with transaction.atomic():
        record_change(
            actor=actor,
            action=AuditAction.EXPORT,
            obj=employee,
            changes={
                "request_date": [None, manifest["request_date"]],
                "medical_content_included": [None, medical],
                "rows_exported": [None, sum(len(item.rows) for item in records)],
            },
            reason=purpose,
        )
        record_access(actor=actor, obj=employee, purpose=ACCESS_PURPOSE)
    name = slugify(_employee_name(employee)) or "werknemer"
    filename = f"avg-inzage-{name}-{at:%Y%m%d}.zip"
    return SubjectExport(filename=filename, content=content, manifest=manifest)
