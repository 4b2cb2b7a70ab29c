"""Issue 18: every SIVI message Hersteld writes is valid against SIVI's own 2022 schemas, and
every message valid against them is read.

The schemas are validated with xmlschema directly against the unchanged copies, never through
the codec. The generated corpus comes from tests/support/sivi_corpus.py (driven by the XSD).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from hersteld.absence import services as absence_services
from hersteld.absence.models import AbsenceCase
from hersteld.accounts.models import User
from hersteld.exchange import codec, services
from hersteld.exchange.models import (
    Coupling,
    ExternalKey,
    InboxMessage,
    InboxStatus,
    KeyKind,
    OutboxMessage,
    OutboxStatus,
)
from hersteld.people import services as people_services
from hersteld.people.models import Employee
from tests.support import sivi_corpus
from tests.support.exchange import Coupled, complete_for_sivi

SIVI = Path(__file__).resolve().parents[2] / "src" / "hersteld" / "exchange" / "schema" / "sivi"
ROOTS = {
    b"<Verzuimmeldingen": "absence",
    b"<WerknemerGegevens": "employee",
    b"<Dienstverbanden": "employment",
}


def official(body: bytes) -> str:
    """Validate with xmlschema against SIVI's file; returns the message type."""
    (message_type,) = [kind for root, kind in ROOTS.items() if root in body]
    sivi_corpus.schema(message_type).validate(body.decode())
    return message_type


def test_the_schema_files_are_the_unchanged_copies_named_in_the_readme() -> None:
    readme = (SIVI / "README.md").read_text()
    found = re.findall(r"([0-9a-f]{64})  (2022/\S+\.xsd)", readme)
    listed = {name: digest for digest, name in found}
    assert sorted(listed) == sorted(f"2022/{p.name}" for p in (SIVI / "2022").glob("*.xsd"))
    assert "31a1ee728d0afe56a95fa4fe2af67ebca202b027" in readme
    for name, digest in listed.items():
        assert hashlib.sha256((SIVI / name).read_bytes()).hexdigest() == digest, name


# --- the reader: everything the schema allows, nothing it refuses --------------------------

SEEDS = range(8)


@pytest.mark.parametrize("message_type", ["absence", "employee", "employment"])
def test_generated_schema_valid_messages_are_read(message_type: str) -> None:
    several = 0
    for seed in SEEDS:
        body = sivi_corpus.generate(message_type, seed)
        assert official(body) == message_type
        message = codec.parse(body, codec.SIVI_CONTENT_TYPE)  # raises on a refusal
        assert message.items
        several += body.count(b"<Wrkgvr>") > 1
    assert several, "the corpus has messages with several Wrkgvr blocks"


INVALID = [
    # (what is changed, the path reported, the rule)
    ("HndlsnmOrg", "drop", "/Wrkgvr[1]/HndlsnmOrg", "required"),
    ("IdWrknmr", "drop", "/Wrkgvr[1]/Wrknmr[1]/IdWrknmr", "required"),
    ("GslchtCd", "X", "/Wrkgvr[1]/Wrknmr[1]/GslchtCd", "choice"),
    ("Gebdat", "14-06-1988", "/Wrkgvr[1]/Wrknmr[1]/Gebdat", "date_format"),
    ("IdDnstvbnd", "extra", "/Wrkgvr[1]/Wrknmr[1]/Dnstvbnd[1]/Onbekend", "not_allowed"),
]


@pytest.mark.parametrize(("element", "change", "path", "rule"), INVALID)
@pytest.mark.parametrize("message_type", ["employee", "employment"])
def test_schema_invalid_messages_are_refused_with_the_element_path(
    message_type: str, element: str, change: str, path: str, rule: str
) -> None:
    body = sivi_corpus.generate(message_type, 3).decode()
    anchor = "<Wrkgvr>" if element == "HndlsnmOrg" else "<Wrknmr>"  # not in a contact person
    start = body.index(f"<{element}>", body.index(anchor))
    end = body.index(f"</{element}>", start) + len(f"</{element}>")
    if change == "drop":
        body = body[:start] + body[end:]
    elif change == "extra":
        body = body[:end] + "<Onbekend>1</Onbekend>" + body[end:]
    else:
        body = body[:start] + f"<{element}>{change}</{element}>" + body[end:]
    root = codec.SIVI_MESSAGE_TYPES[message_type].root  # type: ignore[index]
    with pytest.raises(codec.InvalidMessage) as refused:
        codec.parse(body.encode(), codec.SIVI_CONTENT_TYPE)
    assert (refused.value.errors[0].path, refused.value.errors[0].rule) == (f"/{root}{path}", rule)


# --- the writer: every outbound message of a small world ------------------------------------


def _sending_coupling(world: Any) -> Coupling:
    coupling = services.request_coupling(
        actor=world.admin,
        employer_id=world.employer.pk,
        data={"source_system": "Doelsysteem", "employer_key": "WB-1"},
    )
    services.configure_coupling(
        actor=world.operator,
        coupling_id=coupling.pk,
        data={"outbound_url": "http://127.0.0.1:9/sivi", "outbound_employer_key": "WB-DOEL"},
    )
    services.rotate_key(actor=world.operator, coupling_id=coupling.pk)
    return services.activate_coupling(actor=world.operator, coupling_id=coupling.pk)


def _days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


@pytest.mark.django_db
def test_every_message_of_both_outbound_streams_is_valid(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    complete_for_sivi(world.employer)
    User.objects.filter(pk=world.casemanager.pk).update(
        first_name="Carla", last_name="Casus", email="carla@example.org"
    )
    world.casemanager.refresh_from_db()  # the actor's own name and e-mail, as a login has them
    coupling = _sending_coupling(world)
    own, colleague = world.own_employment, world.colleague_employment
    with django_capture_on_commit_callbacks(execute=False):  # nothing is delivered
        people_services.update_employee(
            actor=world.admin, employee_id=own.employee_id, data={"email": "nieuw@example.org"}
        )
        case = absence_services.add_case(
            actor=world.casemanager,
            employment_id=own.pk,
            kind="sickness",
            data={"first_day": _days_ago(20), "relatedness": "work_accident"},
        )
        absence_services.add_recovery(
            actor=world.casemanager,
            case_id=case.pk,
            data={"date": _days_ago(10), "percentage": Decimal("50")},
        )
        absence_services.correct_case(
            actor=world.casemanager,
            case_id=case.pk,
            data={"first_day": _days_ago(21), "reason": "Eerder ziek"},
        )
        absence_services.add_recovery(
            actor=world.casemanager,
            case_id=case.pk,
            data={"date": _days_ago(2), "percentage": Decimal("100")},
        )
        other = absence_services.add_case(
            actor=world.casemanager,
            employment_id=colleague.pk,
            kind="sickness",
            data={"first_day": _days_ago(3)},
        )
        absence_services.withdraw_case(
            actor=world.casemanager, case_id=other.pk, reason="Vergissing"
        )
    rows = list(OutboxMessage.objects.filter(coupling=coupling).order_by("id"))
    assert rows and all(row.status == OutboxStatus.PENDING for row in rows), [
        row.last_error for row in rows
    ]
    codes: set[bytes] = set()
    for row in rows:
        body = bytes(row.body)
        official(body)
        codes |= set(re.findall(rb"<VrwrkCd>(\d\d)</VrwrkCd>", body))
    assert codes == {b"01", b"02", b"03", b"04", b"05"}
    streams = {row.stream for row in rows}
    assert streams == {1, 2}
    sick_report = next(bytes(r.body) for r in rows if b"<VrwrkCd>01</VrwrkCd>" in bytes(r.body))
    assert b"<OorzkVrzmCd>10</OorzkVrzmCd>" in sick_report  # a work accident
    assert b"<Achternaam>Casus</Achternaam>" in sick_report  # the casemanager who reported it
    assert b"<Lhnr>001234567L01</Lhnr>" in sick_report
    assert b"Jaarsalaris" not in b"".join(bytes(r.body) for r in rows)


@pytest.mark.django_db
def test_a_message_missing_required_data_is_held_as_failed_naming_the_element(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    coupling = _sending_coupling(world)  # the employer has no Lhnr and no contact person
    casemanager = world.casemanager  # ... and the casemanager reporting the case no e-mail
    casemanager.email = ""
    casemanager.save()
    with django_capture_on_commit_callbacks(execute=False):
        people_services.update_employee(
            actor=world.admin,
            employee_id=world.own_employment.employee_id,
            data={"email": "nieuw@example.org"},
        )
        absence_services.add_case(
            actor=world.casemanager,
            employment_id=world.colleague_employment.pk,
            kind="sickness",
            data={"first_day": _days_ago(3)},
        )
    stream_2, stream_1 = OutboxMessage.objects.filter(coupling=coupling).order_by("stream")[:2][
        ::-1
    ]
    for row in (stream_1, stream_2):
        assert row.status == OutboxStatus.FAILED and not bytes(row.body)
    assert "/WerknemerGegevens/Wrkgvr[1]/Lhnr" in stream_2.last_error
    assert "loonheffingennummer" in stream_2.last_error
    assert "Dnstvbnd[1]/Cntprsn" in stream_1.last_error
    assert "Vrzm[1]/Cntprsn" in stream_1.last_error


# --- hersteld exchange sample-outbound ------------------------------------------------------


@pytest.mark.django_db
def test_sample_outbound_writes_one_valid_message_of_each_kind(world: Any, tmp_path: Path) -> None:
    complete_for_sivi(world.employer)
    call_command(
        "exchange", "sample-outbound", "--employer", str(world.employer.pk), "--dir", str(tmp_path)
    )
    written = sorted(path.name for path in tmp_path.iterdir())
    assert written == sorted(
        f"{kind}.xml"
        for kind in (
            "sick-report",
            "partial-recovery",
            "full-recovery",
            "correction",
            "withdrawal",
            "employee",
            "out-of-service",
        )
    )
    expected = {
        "sick-report": ("absence", b"01"),
        "partial-recovery": ("absence", b"02"),
        "full-recovery": ("absence", b"03"),
        "correction": ("absence", b"04"),
        "withdrawal": ("absence", b"05"),
        "employee": ("employee", None),
        "out-of-service": ("employment", None),
    }
    for kind, (message_type, code) in expected.items():
        body = (tmp_path / f"{kind}.xml").read_bytes()
        assert official(body) == message_type, kind
        if code is not None:
            assert f"<VrwrkCd>{code.decode()}</VrwrkCd>".encode() in body
    assert b"<Enddat>" in (tmp_path / "out-of-service.xml").read_bytes()


@pytest.mark.django_db
def test_sample_outbound_names_what_is_missing(world: Any, tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=r"Lhnr|Cntprsn"):
        call_command(
            "exchange",
            "sample-outbound",
            "--employer",
            str(world.employer.pk),
            "--dir",
            str(tmp_path),
        )
    assert not list(tmp_path.iterdir())


# --- the inbox: what the standard adds is applied ------------------------------------------

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def _received(link: Coupled, callbacks: Any, body: bytes) -> InboxMessage:
    with callbacks(execute=True):
        response = link.send(body, "application/xml")
    assert response.status_code == 202, response.content  # a new message, accepted
    return InboxMessage.objects.get(pk=response.json()["id"])


@pytest.mark.django_db
def test_name_use_and_cause_are_applied_and_several_blocks_read(
    coupled: Coupled, django_capture_on_commit_callbacks: Any
) -> None:
    text = (EXAMPLES / "sick-report.xml").read_text()
    text = text.replace("<NmvrkrCd>01</NmvrkrCd>", "<NmvrkrCd>02</NmvrkrCd>")
    text = text.replace("<OorzkVrzmCd>99</OorzkVrzmCd>", "<OorzkVrzmCd>10</OorzkVrzmCd>")
    start, end = text.index("<Wrkgvr>"), text.index("</Wrkgvr>") + len("</Wrkgvr>")
    second = (
        text[start:end]
        .replace("<IdWrknmr>W-1001</IdWrknmr>", "<IdWrknmr>W-1009</IdWrknmr>")
        .replace("<SofiNr>999990019</SofiNr>", "")
        .replace("<SignNm>Voorbeeld</SignNm>", "<SignNm>Tweede</SignNm>")
        .replace("D-1001-1", "D-1009-1")
        .replace("<PersNr>1001</PersNr>", "<PersNr>1009</PersNr>")
        .replace("V-2025-0042", "V-2025-0049")
    )
    stored = _received(
        coupled,
        django_capture_on_commit_callbacks,
        (text[:end] + second + text[end:]).encode(),
    )
    assert stored.status == InboxStatus.PROCESSED, stored.errors
    first = ExternalKey.objects.get(kind=KeyKind.EMPLOYEE, key="W-1001")
    assert Employee.objects.get(pk=first.object_id).name_use == "02"
    case = AbsenceCase.objects.get(
        pk=ExternalKey.objects.get(kind=KeyKind.ABSENCE, key="V-2025-0042").object_id
    )
    assert case.relatedness == "work_accident"
    assert ExternalKey.objects.filter(kind=KeyKind.ABSENCE, key="V-2025-0049").exists()


@pytest.mark.django_db
def test_a_block_of_another_employer_fails_at_its_path(
    coupled: Coupled, django_capture_on_commit_callbacks: Any
) -> None:
    text = (EXAMPLES / "sick-report.xml").read_text()
    start, end = text.index("<Wrkgvr>"), text.index("</Wrkgvr>") + len("</Wrkgvr>")
    other = text[start:end].replace(">DEVRIES<", ">ANDERE<")
    stored = _received(
        coupled, django_capture_on_commit_callbacks, (text[:end] + other + text[end:]).encode()
    )
    assert stored.status == InboxStatus.FAILED
    assert [e["path"] for e in stored.errors] == ["/Verzuimmeldingen/Wrkgvr[2]/IdWrkgvrArbdnst"]
    assert not ExternalKey.objects.filter(kind=KeyKind.ABSENCE, key="V-2025-0042").exists()
