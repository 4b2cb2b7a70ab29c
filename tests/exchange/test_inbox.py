"""The inbox (X2-X4, exchange.md "The exchange core"): stored first, applied once, whole or not at all."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client

from hersteld.absence.models import AbsenceCase, CaseStatus, Recovery
from hersteld.core.validation import message as validation_message
from hersteld.exchange import apply, services
from hersteld.exchange.api import message_inactive
from hersteld.exchange.models import (
    BillableItem,
    BillableKind,
    CorrectionPolicy,
    Coupling,
    CouplingStatus,
    ExternalKey,
    InboxMessage,
    InboxStatus,
    ReviewKind,
    ReviewStatus,
    ReviewTask,
)
from hersteld.people.models import Employee, Employment
from tests.support.exchange import Coupled, absence, example, job, message, person
from tests.support.world import department

JSON = "application/json"


@pytest.fixture
def deliver(
    send: Callable[..., Any], django_capture_on_commit_callbacks: Any
) -> Callable[..., InboxMessage]:
    """Send and run the worker (in-process), as the broker-less default does after commit.

    A new message is accepted (202); one whose reference came before answers 200 (`status`)."""

    def run(body: str | bytes, kind: str = JSON, status: int = 202) -> InboxMessage:
        with django_capture_on_commit_callbacks(execute=True):
            response = send(body, kind)
        assert response.status_code == status, response.content
        return InboxMessage.objects.get(pk=response.json()["id"])

    return run


def case_of(absence_id: str = "V-9001") -> AbsenceCase:
    key = ExternalKey.objects.get(kind="absence", key=absence_id)
    return AbsenceCase.objects.get(pk=key.object_id)


def sick(ref: str = "M-1", **absence_changes: Any) -> str:
    return message(
        ref,
        [
            {
                "employee": person(),
                "employment": job(),
                "absence": absence("sick_report", 1, **absence_changes),
            }
        ],
    )


def recovery(ref: str, sequence: int, on: str, remaining: str, **more: Any) -> str:
    mutation = absence("recovery", sequence, mutation_date=on, percentage=remaining, **more)
    return message(ref, [{"employee": person(), "employment": job(), "absence": mutation}])


# --- authentication and the coupling's lifecycle (X1) ---------------------------------------


@pytest.mark.django_db
def test_without_a_key_or_with_a_wrong_key_nothing_is_stored(send: Callable[..., Any]) -> None:
    assert Client().post("/api/v1/exchange/inbox", sick(), content_type=JSON).status_code == 401
    assert send(sick(), JSON, key="wrong").status_code == 401
    assert not InboxMessage.objects.exists()


@pytest.mark.django_db
def test_a_suspended_coupling_accepts_nothing(
    send: Callable[..., Any], coupling: Coupling, world: Any
) -> None:
    services.suspend_coupling(actor=world.operator, coupling_id=coupling.pk)
    response = send(sick(), JSON)
    assert response.status_code == 403
    assert response.json()["detail"] == message_inactive()
    assert not InboxMessage.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["Authorization", "X-Coupling-Key"])
@pytest.mark.parametrize("state", [CouplingStatus.SUSPENDED, CouplingStatus.CONFIGURED])
def test_a_coupling_that_is_not_active_reads_nothing_on_any_endpoint(
    send: Callable[..., Any], coupled: Coupled, header: str, state: str
) -> None:
    """Every coupling endpoint answers 403 in the JSON error shape; what is stored stays."""
    coupling = coupled.coupling
    stored = send(sick(), JSON).json()["id"]
    Coupling.objects.filter(pk=coupling.pk).update(status=state)
    client = coupled.client(header)
    answers = [
        client.post("/api/v1/exchange/inbox", sick("W-9002"), content_type=JSON),
        client.get(f"/api/v1/exchange/inbox/{stored}"),
        client.get(f"/api/v1/exchange/inbox/{stored}/reply"),
    ]
    for response in answers:
        assert response.status_code == 403, response.content
        assert response.json() == {"detail": message_inactive(), "errors": []}
    assert InboxMessage.objects.filter(coupling=coupling).count() == 1


def test_the_coupling_endpoints_document_401_and_403() -> None:
    from hersteld.api.router import api

    paths = api.get_openapi_schema()["paths"]
    for path, method in [
        ("/api/v1/exchange/inbox", "post"),
        ("/api/v1/exchange/inbox/{message_id}", "get"),
        ("/api/v1/exchange/inbox/{message_id}/reply", "get"),
    ]:
        assert {401, 403} <= {int(code) for code in paths[path][method]["responses"]}


@pytest.mark.django_db
def test_only_the_operator_activates_and_a_rotated_key_replaces_the_old_one(
    send: Callable[..., Any], coupling: Coupling, world: Any
) -> None:
    with pytest.raises(PermissionDenied):
        services.activate_coupling(actor=world.admin, coupling_id=coupling.pk)
    new_key = services.rotate_key(actor=world.operator, coupling_id=coupling.pk)
    assert send(sick(), JSON).status_code == 401
    assert send(sick(), JSON, key=new_key).status_code == 202
    coupling.refresh_from_db()
    assert coupling.key_hash != new_key and new_key.startswith(coupling.key_prefix)


@pytest.mark.django_db
def test_a_requested_coupling_is_configured_then_activated_and_the_setup_is_billed(
    world: Any,
) -> None:
    admin, operator = world.admin, world.operator
    coupling = services.request_coupling(
        actor=admin,
        employer_id=world.employer.pk,
        data={"source_system": "Salarissysteem", "employer_key": "DV-2"},
    )
    assert coupling.status == CouplingStatus.REQUESTED
    coupling = services.configure_coupling(
        actor=admin, coupling_id=coupling.pk, data={"bsn": False, "salary": False}
    )
    assert coupling.status == CouplingStatus.CONFIGURED
    services.rotate_key(actor=operator, coupling_id=coupling.pk)
    services.activate_coupling(actor=operator, coupling_id=coupling.pk)
    assert BillableItem.objects.filter(coupling=coupling, kind=BillableKind.SETUP).count() == 1


@pytest.mark.django_db
def test_an_employer_user_cannot_request_a_coupling(world: Any) -> None:
    with pytest.raises(Http404):
        services.request_coupling(
            actor=world.hr,
            employer_id=world.employer.pk,
            data={"source_system": "X", "employer_key": "X"},
        )


# --- stored, applied, billed -------------------------------------------------------------


@pytest.mark.django_db
def test_the_sick_report_example_is_stored_applied_and_billed(
    send: Callable[..., Any], django_capture_on_commit_callbacks: Any, coupled: Coupled
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = send(example("sick-report.xml"))
    assert response.status_code == 202
    stored = InboxMessage.objects.get(pk=response.json()["id"])
    # Stored before anything is applied: the answer came before the worker ran.
    assert response.json()["status"] == "received" and stored.message_ref == "DEVRIES-2025-000101"
    assert not ExternalKey.objects.filter(key="V-2025-0042").exists()
    for callback in callbacks:
        callback()
    stored.refresh_from_db()
    assert stored.status == InboxStatus.PROCESSED
    case = case_of("V-2025-0042")
    assert case.first_day == dt.date(2025, 3, 3) and case.employment.employee.surname == "Voorbeeld"
    assert BillableItem.objects.filter(message=stored, kind=BillableKind.MESSAGE).count() == 1
    status = coupled.client().get(f"/api/v1/exchange/inbox/{stored.pk}")
    assert status.json()["status"] == "processed"


@pytest.mark.django_db
def test_all_example_messages_apply_in_order(deliver: Callable[..., InboxMessage]) -> None:
    names = [
        "new-employee.xml",
        "sick-report.xml",
        "partial-recovery.xml",
        "correction.xml",
        "full-recovery.xml",
        "sick-report-2.xml",
        "withdrawal.xml",
        "out-of-service.xml",
    ]
    statuses = [deliver(example(name), "application/xml").status for name in names]
    assert statuses == [InboxStatus.PROCESSED] * len(names)
    first = case_of("V-2025-0042")
    assert first.status == CaseStatus.CLOSED and first.end_date == dt.date(2025, 4, 7)
    assert [r.percentage for r in first.recoveries.order_by("date")] == [
        Decimal("50.00"),
        Decimal("100.00"),
    ]
    # The correction (manual review by default) waits for a casemanager.
    assert ReviewTask.objects.filter(kind=ReviewKind.CORRECTION, case=first).count() == 1
    assert first.first_day == dt.date(2025, 3, 3)


# --- idempotency -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_same_reference_twice_answers_the_first_message_and_applies_once(
    send: Callable[..., Any], deliver: Callable[..., InboxMessage]
) -> None:
    first = deliver(sick("DUP-1"))
    again = send(sick("DUP-1"), JSON)
    assert again.status_code == 200
    assert again.json()["id"] == first.pk and again.json()["duplicate"] is True
    assert again.json()["status"] == "processed"
    # Even a different body under the same reference is not applied again.
    assert send(sick("DUP-1", first_day="2025-03-04"), JSON).json()["id"] == first.pk
    assert InboxMessage.objects.filter(message_ref="DUP-1").count() == 1
    assert AbsenceCase.objects.filter(employment__personnel_number="PD-9001").count() == 1
    assert case_of().first_day == dt.date(2025, 3, 3)


@pytest.mark.django_db
def test_the_same_xml_example_twice_is_one_case(deliver: Callable[..., InboxMessage]) -> None:
    first = deliver(example("sick-report.xml"), "application/xml")
    assert deliver(example("sick-report.xml"), "application/xml", status=200) == first
    # The same Berrefnr as message_id.
    assert deliver(example("sick-report.json"), JSON, status=200) == first
    assert ExternalKey.objects.filter(kind="absence", key="V-2025-0042").count() == 1
    assert InboxMessage.objects.count() == 1


@pytest.mark.django_db
def test_a_sick_report_under_a_new_reference_for_a_known_absence_is_not_a_second_case(
    deliver: Callable[..., InboxMessage],
) -> None:
    deliver(sick("S-1"))
    again = deliver(sick("S-2"))
    assert again.status == InboxStatus.PROCESSED
    assert "already applied" in " ".join(again.result["skipped"])
    assert AbsenceCase.objects.filter(employment__personnel_number="PD-9001").count() == 1


# --- ordering ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_recovery_before_its_sick_report_waits_and_then_applies(
    deliver: Callable[..., InboxMessage],
) -> None:
    early = deliver(recovery("R-2", 2, "2025-03-17", "50.00"))
    assert early.status == InboxStatus.HELD and early.held_for == "V-9001"
    assert early.errors[0]["rule"] == "sequence_gap"
    deliver(sick("S-1"))
    early.refresh_from_db()
    assert early.status == InboxStatus.PROCESSED
    assert case_of().current_sick_percentage == Decimal("50.00")


@pytest.mark.django_db
def test_reports_out_of_order_end_in_the_order_of_their_numbers(
    deliver: Callable[..., InboxMessage],
) -> None:
    deliver(sick("S-1"))
    third = deliver(
        recovery("R-3", 3, "2025-03-24", "0.00", ends_absence=True, recovered_on="2025-03-24")
    )
    assert third.status == InboxStatus.HELD
    deliver(recovery("R-2", 2, "2025-03-17", "50.00"))
    third.refresh_from_db()
    assert third.status == InboxStatus.PROCESSED
    dates = list(
        Recovery.objects.filter(case=case_of()).order_by("date").values_list("date", "percentage")
    )
    assert dates == [
        (dt.date(2025, 3, 17), Decimal("50.00")),
        (dt.date(2025, 3, 24), Decimal("100.00")),
    ]
    # An old report number arriving again changes nothing.
    late = deliver(recovery("R-2-again", 2, "2025-03-18", "40.00"))
    assert late.status == InboxStatus.PROCESSED and "already applied" in late.result["skipped"][0]
    assert Recovery.objects.filter(case=case_of()).count() == 2


@pytest.mark.django_db
def test_a_gap_that_never_closes_becomes_a_review_task(
    deliver: Callable[..., InboxMessage], world: Any, settings: Any
) -> None:
    deliver(sick("S-1"))
    held = deliver(recovery("R-3", 3, "2025-03-24", "50.00"))
    later = held.received_at + dt.timedelta(hours=settings.EXCHANGE_HOLD_HOURS + 1)
    assert services.sweep(later)["gap_reviews"] == 1
    held.refresh_from_db()
    assert held.status == InboxStatus.REVIEW
    review = ReviewTask.objects.get(message=held, kind=ReviewKind.GAP)
    services.decide(actor=world.casemanager, review_id=review.pk, accept=True)
    services.process(held.pk)
    held.refresh_from_db()
    assert held.status == InboxStatus.PROCESSED
    assert case_of().current_sick_percentage == Decimal("50.00")


@pytest.mark.django_db
def test_an_older_message_does_not_overwrite_newer_person_data(
    deliver: Callable[..., InboxMessage],
) -> None:
    new = message(
        "N-2",
        [{"employee": person(surname="Nieuwnaam"), "employment": job()}],
        sent_at="2025-05-01T10:00:00+02:00",
    )
    old = message(
        "N-1",
        [{"employee": person(surname="Oudnaam"), "employment": job()}],
        sent_at="2025-04-01T10:00:00+02:00",
    )
    deliver(new)
    stale = deliver(old)
    assert stale.status == InboxStatus.PROCESSED
    employee = Employee.objects.get(
        pk=ExternalKey.objects.get(kind="employee", key="W-9001").object_id
    )
    assert employee.surname == "Nieuwnaam"
    assert "older" in " ".join(stale.result["skipped"])


@pytest.mark.django_db
def test_an_older_change_of_hours_lands_in_the_terms_history_and_the_current_hours_stay(
    deliver: Callable[..., InboxMessage],
) -> None:
    # Sent in the order H-1, H-3, H-2: the change from 1 March arrives after the one from 1 June.
    for ref, hours, valid_from, sent_at in (
        ("H-1", "32.00", None, "2025-01-01T10:00:00+01:00"),
        ("H-3", "24.00", "2025-06-01", "2025-06-01T10:00:00+02:00"),
        ("H-2", "28.00", "2025-03-01", "2025-03-01T10:00:00+01:00"),
    ):
        dated = {"valid_from": valid_from} if valid_from else {}
        employment_data = job(hours_per_week=hours, **dated)
        item = {"employee": person(), "employment": employment_data}
        deliver(message(ref, [item], sent_at=sent_at))
    employment = Employment.objects.get(personnel_number="PD-9001")
    history = list(
        employment.terms.order_by("valid_from").values_list("valid_from", "hours_per_week")
    )
    assert (dt.date(2025, 3, 1), Decimal("28.00")) in history
    assert (dt.date(2025, 6, 1), Decimal("24.00")) in history
    assert employment.hours_per_week == Decimal("24.00")


# --- malformed and invalid messages --------------------------------------------------------

MALFORMED = [
    pytest.param(b"<Verzuimmeldingen", "application/xml", "/", "malformed_xml", id="not-xml"),
    pytest.param(
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>',
        "application/xml",
        "/",
        "doctype_forbidden",
        id="doctype",
    ),
    pytest.param(b"<Onbekend/>", "application/xml", "/Onbekend", "unknown_message_type", id="root"),
    pytest.param(b"{not json", JSON, "/", "malformed_json", id="not-json"),
    pytest.param(b"hello", "text/plain", "/", "unsupported_media_type", id="media-type"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("body", "kind", "path", "rule"), MALFORMED)
def test_a_malformed_message_is_stored_rejected_with_path_and_rule(
    deliver: Callable[..., InboxMessage], body: bytes, kind: str, path: str, rule: str
) -> None:
    stored = deliver(body, kind)
    assert stored.status == InboxStatus.REJECTED
    assert {"path": stored.errors[0]["path"], "rule": stored.errors[0]["rule"]} == {
        "path": path,
        "rule": rule,
    }
    assert not ExternalKey.objects.exists()


UNREADABLE_ENCODINGS = [
    pytest.param(
        b'<?xml version="1.0" encoding="utf-7"?><Verzuimmeldingen/>',
        "unsupported_encoding",
        id="utf-7",
    ),
    pytest.param(
        b'<?xml version="1.0" encoding="klingon-8"?><Verzuimmeldingen/>',
        "unsupported_encoding",
        id="unknown-name",
    ),
    pytest.param(
        b'<?xml version="1.0" encoding="rot13"?><Verzuimmeldingen/>',
        "unsupported_encoding",
        id="not-a-text-encoding",
    ),
    pytest.param(
        '<?xml version="1.0" encoding="utf-16"?><Verzuimmeldingen>é</Verzuimmeldingen>'.encode(),
        "encoding_mismatch",
        id="utf-16-declared-utf-8-sent",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("body", "rule"), UNREADABLE_ENCODINGS)
def test_an_xml_encoding_the_parser_cannot_use_is_stored_rejected_and_answered(
    send: Callable[..., Any], coupled: Coupled, body: bytes, rule: str
) -> None:
    """Not a 500: stored as rejected with path and rule, and the SIVI reply says why."""
    response = send(body, "application/xml")
    assert response.status_code == 202, response.content
    answer = response.json()
    assert answer["status"] == InboxStatus.REJECTED
    assert [(e["path"], e["rule"]) for e in answer["errors"]] == [("/", rule)]
    stored = InboxMessage.objects.get(pk=answer["id"])
    assert bytes(stored.body) == body
    reply = coupled.client().get(f"/api/v1/exchange/inbox/{stored.pk}/reply")
    assert reply.status_code == 200
    assert f"/ ({rule})" in reply.content.decode()


@pytest.mark.django_db
def test_an_invalid_field_is_rejected_with_its_element_path(
    deliver: Callable[..., InboxMessage],
) -> None:
    body = example("sick-report.xml").replace(
        b"<DatEerstVrzmdg>2025-03-03", b"<DatEerstVrzmdg>2025-02-30"
    )
    stored = deliver(body, "application/xml")
    assert stored.status == InboxStatus.REJECTED
    assert stored.errors[0]["path"].endswith("/Vrzm[1]/DatEerstVrzmdg")
    assert stored.errors[0]["rule"] == "date_format"
    missing = json.loads(sick("BAD-2"))
    del missing["items"][0]["employee"]["birth_date"]
    stored = deliver(json.dumps(missing))
    assert (stored.errors[0]["path"], stored.errors[0]["rule"]) == (
        "/items/0/employee/birth_date",
        "required",
    )
    assert not AbsenceCase.objects.filter(employment__personnel_number="PD-9001").exists()


@pytest.mark.django_db
def test_a_rule_of_the_domain_fails_the_message_and_a_retry_after_the_fix_applies_it(
    deliver: Callable[..., InboxMessage],
    world: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    body = message("D-1", [{"employee": person(), "employment": job(department_code="NIEUW")}])
    failed = deliver(body)
    assert failed.status == InboxStatus.FAILED
    assert failed.errors[0]["rule"] == "unknown_department"
    assert failed.errors[0]["path"] == "/items/0/employment/department_code"
    assert "NIEUW" in failed.errors[0]["message"]
    assert not ExternalKey.objects.filter(key="W-9001").exists()
    department(world.operator, world.employer, "NIEUW")
    with django_capture_on_commit_callbacks(execute=True):
        services.retry(actor=world.admin, message_id=failed.pk)
    failed.refresh_from_db()
    assert failed.status == InboxStatus.PROCESSED and failed.errors == []


@pytest.mark.django_db
def test_one_bad_item_leaves_nothing_of_the_whole_message(
    deliver: Callable[..., InboxMessage],
) -> None:
    body = message(
        "ALL-1",
        [
            {"employee": person("W-1"), "employment": job("D-1")},
            {
                "employee": person("W-2", surname="Tweede"),
                "employment": job("D-2", start_date="2999-01-01", department_code="GEEN"),
            },
        ],
        message_type="employee",
    )
    stored = deliver(body)
    assert stored.status == InboxStatus.FAILED
    assert stored.errors[0]["path"].startswith("/items/1/")
    assert not ExternalKey.objects.filter(key__in=["W-1", "W-2"]).exists()
    assert not Employment.objects.filter(personnel_number="PD-1").exists()


@pytest.mark.django_db
def test_a_message_for_another_employer_fails_with_the_employer_path(
    deliver: Callable[..., InboxMessage],
) -> None:
    stored = deliver(sick("E-1").replace('"DEVRIES"', '"ANDER"'))
    assert stored.status == InboxStatus.FAILED
    assert (stored.errors[0]["path"], stored.errors[0]["rule"]) == (
        "/employer/employer_key",
        "employer_mismatch",
    )


@pytest.mark.django_db
def test_medical_text_from_a_coupling_is_refused_like_in_the_portal(
    deliver: Callable[..., InboxMessage],
) -> None:
    stored = deliver(sick("MED-1", note="Heeft een hernia"))
    assert stored.status == InboxStatus.FAILED
    assert stored.errors[0]["rule"] == "medical_term"
    assert stored.errors[0]["path"] == "/items/0/absence/note"


@pytest.mark.django_db
def test_another_couplings_message_is_not_found(
    deliver: Callable[..., InboxMessage], world: Any
) -> None:
    stored = deliver(sick())
    key = world.active_coupling(world.other_employer)
    response = Client(HTTP_AUTHORIZATION=f"Bearer {key}").get(f"/api/v1/exchange/inbox/{stored.pk}")
    assert response.status_code == 404


# --- a worker that dies -------------------------------------------------------------------


class WorkerKilled(BaseException):
    """Stands in for SIGKILL: not an Exception, so nothing in the worker catches it."""


@pytest.mark.django_db
def test_a_worker_killed_mid_message_leaves_nothing_and_the_sweep_applies_it_once(
    send: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        response = send(sick("K-1"), JSON)
    message_id = response.json()["id"]
    original = apply.Applier._absence

    def die(self: apply.Applier, *args: Any) -> None:
        raise WorkerKilled

    monkeypatch.setattr(apply.Applier, "_absence", die)
    with pytest.raises(WorkerKilled):
        services.process(message_id)
    stored = InboxMessage.objects.get(pk=message_id)
    assert stored.status == InboxStatus.RECEIVED
    assert not ExternalKey.objects.filter(key__in=["W-9001", "D-9001"]).exists()  # rolled back
    monkeypatch.setattr(apply.Applier, "_absence", original)
    later = stored.received_at + services.STALE_AFTER + dt.timedelta(seconds=1)
    assert services.sweep(later)["picked_up"] == 1
    assert services.sweep(later)["picked_up"] == 0
    assert InboxMessage.objects.get(pk=message_id).status == InboxStatus.PROCESSED
    assert AbsenceCase.objects.filter(employment__personnel_number="PD-9001").count() == 1
    assert BillableItem.objects.filter(message_id=message_id).count() == 1


# --- what the coupling allows ---------------------------------------------------------------


def _with_salary(body: bytes) -> bytes:
    doc = json.loads(body)
    doc["items"][0]["employment"]["annual_salary"] = "42000.00"
    return json.dumps(doc).encode()


@pytest.mark.django_db
def test_bsn_and_salary_are_dropped_before_storage_when_not_allowed(
    deliver: Callable[..., InboxMessage], coupling: Coupling
) -> None:
    Coupling.objects.filter(pk=coupling.pk).update(bsn=False, salary=False)
    stored = deliver(_with_salary(example("new-employee.json")), "application/json")
    assert stored.status == InboxStatus.PROCESSED
    raw = bytes(stored.body)
    assert b"999990020" not in raw and b"annual_salary" not in raw and b"42000" not in raw
    employment = Employment.objects.get(personnel_number="1002")
    assert employment.employee.bsn == "" and employment.annual_salary is None


@pytest.mark.django_db
def test_bsn_and_salary_are_kept_when_allowed(deliver: Callable[..., InboxMessage]) -> None:
    """Salary travels in Hersteld JSON only: SIVI has no element for it."""
    deliver(_with_salary(example("new-employee.json")), "application/json")
    employment = Employment.objects.get(personnel_number="1002")
    assert employment.employee.bsn == "999990020"
    assert employment.annual_salary == Decimal("42000.00")


@pytest.mark.django_db
def test_a_rejected_message_is_stored_without_the_bsn_when_not_allowed(
    deliver: Callable[..., InboxMessage], coupling: Coupling
) -> None:
    Coupling.objects.filter(pk=coupling.pk).update(bsn=False)
    body = example("new-employee.xml").replace(b"</WerknemerGegevens>", b"")
    stored = deliver(body, "application/xml")
    assert stored.status == InboxStatus.REJECTED
    assert b"999990020" not in bytes(stored.body)


@pytest.mark.django_db
def test_only_employments_with_an_absence_dossier_skips_the_others(
    deliver: Callable[..., InboxMessage], coupling: Coupling
) -> None:
    Coupling.objects.filter(pk=coupling.pk).update(all_employments=False)
    stored = deliver(
        message("O-1", [{"employee": person(), "employment": job()}], message_type="employee")
    )
    assert stored.status == InboxStatus.PROCESSED and stored.result["skipped"]
    assert not ExternalKey.objects.filter(key="W-9001").exists()
    deliver(sick("O-2"))  # the absence creates the dossier ...
    later = deliver(
        message(
            "O-3",
            [{"employee": person(surname="Getrouwd"), "employment": job()}],
            message_type="employee",
            sent_at="2025-04-01T10:00:00+02:00",
        )
    )
    assert later.result["updated"]["employee"] == 1  # ... after which person changes are taken in
    assert (
        Employee.objects.get(pk=ExternalKey.objects.get(key="W-9001").object_id).surname
        == "Getrouwd"
    )


@pytest.mark.django_db
def test_absence_reports_off_applies_the_person_but_not_the_absence(
    deliver: Callable[..., InboxMessage], coupling: Coupling
) -> None:
    Coupling.objects.filter(pk=coupling.pk).update(absence_reports=False)
    stored = deliver(sick("A-1"))
    assert stored.status == InboxStatus.PROCESSED
    assert ExternalKey.objects.filter(key="W-9001").exists()
    assert not ExternalKey.objects.filter(kind="absence").exists()


# --- corrections, withdrawals, out of service ------------------------------------------------


def correct_first_day(deliver: Callable[..., InboxMessage], ref: str = "C-2") -> None:
    """A sick report from 3 March, then report 2 correcting the first day to 28 February."""
    deliver(sick("S-1"))
    correction = absence("correction", 2, first_day="2025-02-28")
    deliver(message(ref, [{"employee": person(), "employment": job(), "absence": correction}]))


@pytest.mark.django_db
def test_a_correction_becomes_a_review_task_with_current_and_proposed_values(
    deliver: Callable[..., InboxMessage], world: Any
) -> None:
    correct_first_day(deliver)
    case = case_of()
    assert case.first_day == dt.date(2025, 3, 3)
    review = ReviewTask.objects.get(case=case, kind=ReviewKind.CORRECTION)
    assert (
        review.current["first_day"] == "2025-03-03" and review.proposed["first_day"] == "2025-02-28"
    )
    services.decide(actor=world.casemanager, review_id=review.pk, accept=True)
    case.refresh_from_db()
    assert case.first_day == dt.date(2025, 2, 28)
    review.refresh_from_db()
    assert review.status == ReviewStatus.APPLIED


@pytest.mark.django_db
def test_a_rejected_correction_changes_nothing(
    deliver: Callable[..., InboxMessage], world: Any
) -> None:
    correct_first_day(deliver)
    review = ReviewTask.objects.get(kind=ReviewKind.CORRECTION)
    services.decide(actor=world.casemanager, review_id=review.pk, accept=False)
    assert case_of().first_day == dt.date(2025, 3, 3)
    with pytest.raises(ValidationError, match=str(validation_message("review_decided"))):
        services.decide(actor=world.casemanager, review_id=review.pk, accept=True)


@pytest.mark.django_db
def test_an_employer_user_cannot_decide_on_a_review(
    deliver: Callable[..., InboxMessage], world: Any
) -> None:
    correct_first_day(deliver)
    review = ReviewTask.objects.get(kind=ReviewKind.CORRECTION)
    with pytest.raises(Http404):
        services.decide(actor=world.hr, review_id=review.pk, accept=True)


@pytest.mark.django_db
def test_with_automatic_corrections_correction_and_withdrawal_apply_at_once(
    deliver: Callable[..., InboxMessage], coupling: Coupling
) -> None:
    Coupling.objects.filter(pk=coupling.pk).update(correction_policy=CorrectionPolicy.AUTOMATIC)
    correct_first_day(deliver)
    assert case_of().first_day == dt.date(2025, 2, 28)
    deliver(
        message(
            "W-3",
            [{"employee": person(), "employment": job(), "absence": absence("withdrawal", 3)}],
        )
    )
    assert case_of().status == CaseStatus.WITHDRAWN
    assert not ReviewTask.objects.exists()


@pytest.mark.django_db
def test_out_of_service_ends_the_employment_and_a_sick_case_stays_open(
    deliver: Callable[..., InboxMessage],
) -> None:
    deliver(sick("S-1"))
    deliver(
        message(
            "U-1",
            [{"employee": person(), "employment": job(end_date="2025-06-30", end_reason="01")}],
            message_type="employee",
            sent_at="2025-06-01T10:00:00+02:00",
        )
    )
    employment = Employment.objects.get(personnel_number="PD-9001")
    assert employment.end_date == dt.date(2025, 6, 30)
    assert case_of().status == CaseStatus.OPEN


@pytest.mark.django_db
def test_a_key_correction_renames_the_key_and_keeps_the_person(
    deliver: Callable[..., InboxMessage],
) -> None:
    deliver(message("K-1", [{"employee": person(), "employment": job()}]))
    deliver(
        message(
            "K-2",
            [
                {
                    "employee": person("W-9001-NEW", previous_external_id="W-9001"),
                    "employment": job(),
                }
            ],
            sent_at="2025-04-01T10:00:00+02:00",
        )
    )
    assert ExternalKey.objects.filter(kind="employee", key="W-9001-NEW").exists()
    assert not ExternalKey.objects.filter(kind="employee", key="W-9001").exists()
    assert Employee.objects.filter(surname="Testpersoon").count() == 1


# --- matching: never a duplicate person ----------------------------------------------------


@pytest.fixture
def manual_person(coupling: Coupling, world: Any) -> Employee:
    """A person the coupled employer entered by hand (no coupling key)."""
    assert world.own_employee.employer_id == coupling.employer_id
    return world.own_employee


def same_person(employee: Employee, external_id: str = "W-7777") -> dict[str, Any]:
    return person(
        external_id,
        surname=employee.surname,
        surname_prefix=employee.surname_prefix or None,
        initials=employee.initials,
        birth_date=employee.birth_date.isoformat(),
    )


@pytest.mark.django_db
def test_a_probable_match_becomes_a_merge_proposal_and_accepting_links_the_person(
    deliver: Callable[..., InboxMessage],
    manual_person: Employee,
    world: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    count = Employee.objects.count()
    stored = deliver(
        message(
            "MP-1",
            [{"employee": same_person(manual_person), "employment": job("D-7777")}],
            message_type="employee",
        )
    )
    assert stored.status == InboxStatus.REVIEW
    review = ReviewTask.objects.get(message=stored, kind=ReviewKind.MERGE)
    assert review.employee == manual_person and review.current["surname"] == manual_person.surname
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(actor=world.casemanager, review_id=review.pk, accept=True)
    stored.refresh_from_db()
    assert stored.status == InboxStatus.PROCESSED
    assert Employee.objects.count() == count
    assert ExternalKey.objects.get(kind="employee", key="W-7777").object_id == manual_person.pk
    assert Employment.objects.get(personnel_number="PD-7777").employee == manual_person


@pytest.mark.django_db
def test_a_refused_merge_creates_a_new_person(
    deliver: Callable[..., InboxMessage],
    manual_person: Employee,
    world: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    count = Employee.objects.count()
    stored = deliver(
        message(
            "MP-1",
            [{"employee": same_person(manual_person), "employment": job("D-7777")}],
            message_type="employee",
        )
    )
    review = ReviewTask.objects.get(message=stored)
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(actor=world.casemanager, review_id=review.pk, accept=False)
    stored.refresh_from_db()
    assert stored.status == InboxStatus.PROCESSED
    assert Employee.objects.count() == count + 1


@pytest.mark.django_db
def test_a_bsn_match_links_without_asking_when_bsn_is_allowed(
    deliver: Callable[..., InboxMessage], manual_person: Employee
) -> None:
    Employee.objects.filter(pk=manual_person.pk).update(bsn="999990020")
    deliver(
        message(
            "B-1",
            [{"employee": person("W-5555", bsn="999990020"), "employment": job("D-5555")}],
            message_type="employee",
        )
    )
    assert ExternalKey.objects.get(kind="employee", key="W-5555").object_id == manual_person.pk
    assert not ReviewTask.objects.exists()


@pytest.mark.django_db
def test_a_known_person_sent_again_is_updated_not_duplicated(
    deliver: Callable[..., InboxMessage],
) -> None:
    first = json.loads(message("P-1", [{"employee": person(), "employment": job()}]))
    deliver(json.dumps(first))
    second = copy.deepcopy(first)
    second["message_id"] = "P-2"
    second["sent_at"] = "2025-04-01T10:00:00+02:00"
    second["items"][0]["employee"]["phone"] = "0687654321"
    deliver(json.dumps(second))
    assert Employee.objects.filter(surname="Testpersoon").count() == 1
    assert Employee.objects.get(surname="Testpersoon").phone.endswith("687654321")


@pytest.mark.django_db
def test_a_body_over_the_limit_is_refused_or_rejected_never_a_500(
    send: Callable[..., Any], settings: Any
) -> None:
    big = b"<Verzuimmeldingen>" + b" " * (5 * 1024 * 1024) + b"</Verzuimmeldingen>"
    # Django lets the body through: the inbox stores it and rejects it as too large.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
    response = send(big, "application/xml")
    assert response.status_code == 202
    assert response.json()["errors"][0]["rule"] == "too_large"
    # Django refuses the body before the inbox sees it: 413 with the JSON shape.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = send(big, "application/xml")
    assert response.status_code == 413 and "MB" in response.json()["detail"]


@pytest.mark.django_db
def test_a_therapeutic_part_alone_is_left_to_the_company_doctor(
    deliver: Callable[..., InboxMessage],
) -> None:
    deliver(sick("S-1"))
    stored = deliver(recovery("R-2", 2, "2025-03-17", "100.00", therapeutic_percentage="20.00"))
    assert stored.status == InboxStatus.PROCESSED
    assert "company doctor" in stored.result["skipped"][0]
    assert not Recovery.objects.filter(case=case_of()).exists()


@pytest.mark.django_db
def test_a_correction_of_the_safety_net_is_proposed_and_applied(
    deliver: Callable[..., InboxMessage], world: Any
) -> None:
    deliver(sick("S-1", safety_net=False))
    correction = absence("correction", 2, safety_net=True)
    deliver(message("C-2", [{"employee": person(), "employment": job(), "absence": correction}]))
    review = ReviewTask.objects.get(kind=ReviewKind.CORRECTION)
    assert (review.current["safety_net"], review.proposed["safety_net"]) == (False, True)
    services.decide(actor=world.casemanager, review_id=review.pk, accept=True)
    assert case_of().safety_net is True


@pytest.mark.django_db
def test_the_sivi_reply_carries_status_and_errors(
    deliver: Callable[..., InboxMessage], coupled: Coupled
) -> None:
    from xml.etree import ElementTree as ET

    from hersteld.exchange import codec

    client = coupled.client()
    ok = deliver(example("sick-report.xml"), "application/xml")
    bad = deliver(sick("R-BAD").replace('"BAK"', '"GEEN"'))
    ns = {"r": "http://www.sivi.org/Verzuimmanagement/Retourmelding1/2022"}
    answer = client.get(f"/api/v1/exchange/inbox/{ok.pk}/reply")
    assert answer["Content-Type"].startswith("application/xml")
    root = ET.fromstring(answer.content)
    assert root.findtext("r:BrAlg/r:BerrefnrIngzndnBer", namespaces=ns) == "DEVRIES-2025-000101"
    assert root.findtext("r:BrAlg/r:SrtRetmldngCd", namespaces=ns) == "02"
    assert root.findtext("r:BrAlg/r:IdOntvngr", namespaces=ns) == "VERZUIMPORTAAL-DEMO"
    assert root.find("r:Foutmldng", ns) is None
    root = ET.fromstring(client.get(f"/api/v1/exchange/inbox/{bad.pk}/reply").content)
    assert root.findtext("r:BrAlg/r:SrtRetmldngCd", namespaces=ns) == "04"
    explanation = root.findtext("r:Foutmldng/r:Toelchtng", namespaces=ns) or ""
    assert "department_code (unknown_department)" in explanation
    assert root.findtext("r:BrAlg/r:GebrSwPakket", namespaces=ns) == codec.SOFTWARE
