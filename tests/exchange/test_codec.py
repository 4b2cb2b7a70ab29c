"""Exchange codec (hersteld.exchange.codec): examples, error paths and rules, safety, round trips.

Pure: no database. SIVI cases start from the example messages in docs/examples and change one
thing at a time, so every case reads as "this example, except ...".
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import xmlschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hersteld.exchange import codec
from hersteld.exchange.codec import (
    MAX_BODY_BYTES,
    MAX_SALARY,
    RULES,
    AbsenceMutation,
    Address,
    CodecError,
    ContactPerson,
    EmployeeData,
    EmployerKey,
    EmploymentData,
    Envelope,
    InvalidMessage,
    Item,
    Message,
    parse,
    processing_code,
    to_json,
    to_sivi,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"
SCHEMA = ROOT / "src" / "hersteld" / "exchange" / "schema" / "sivi" / "2022"
SCHEMA_FILES = {
    "Verzuimmeldingen": "Verzuimmeldingen.xsd",
    "WerknemerGegevens": "WerknemersGegevens.xsd",
    "Dienstverbanden": "Dienstverbanden.xsd",
}
XML = "application/xml"
JSON = "application/json"
WRKNMR = "/Verzuimmeldingen/Wrkgvr[1]/Wrknmr[1]"
DNSTVBND = f"{WRKNMR}/Dnstvbnd[1]"
VRZM = f"{DNSTVBND}/Vrzm[1]"
SCENARIOS = [
    "new-employee",
    "sick-report",
    "partial-recovery",
    "correction",
    "full-recovery",
    "withdrawal",
    "out-of-service",
]


def example(name: str) -> bytes:
    return (EXAMPLES / name).read_bytes()


def xml(name: str, *changes: tuple[str, str]) -> bytes:
    """An example message with text replacements (each must match)."""
    text = example(name).decode()
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text.encode()


def json_doc(name: str) -> dict[str, Any]:
    return json.loads(example(name))


def dumped(doc: Any) -> bytes:
    return json.dumps(doc).encode()


def errors_of(body: bytes, content_type: str) -> list[tuple[str, str]]:
    with pytest.raises(InvalidMessage) as caught:
        parse(body, content_type)
    errors = caught.value.errors
    assert errors, "an invalid message has at least one error"
    assert all(e.rule in RULES for e in errors), errors
    return [(e.path, e.rule) for e in errors]


def absence_of(body: bytes, content_type: str = XML) -> AbsenceMutation:
    absence = parse(body, content_type).items[0].absence
    assert absence is not None
    return absence


# --- the examples ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.*")), ids=lambda p: p.name)
def test_every_example_parses(path: Path) -> None:
    message = parse(path.read_bytes(), XML if path.suffix == ".xml" else JSON)
    employer = message.employer
    assert (employer.employer_key, employer.connection_no) == ("DEVRIES", "DEMO-1")
    assert employer.trade_name == "Bakkerij De Vries (fictief)"
    assert message.envelope.format == ("sivi" if path.suffix == ".xml" else "json")
    assert message.envelope.test is True
    assert message.items


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_xml_and_json_example_of_a_scenario_carry_the_same_message(scenario: str) -> None:
    assert parse(example(f"{scenario}.xml"), XML) == parse(example(f"{scenario}.json"), JSON)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_examples_round_trip_through_both_writers(scenario: str) -> None:
    message = parse(example(f"{scenario}.xml"), XML)
    assert parse(to_sivi(message), XML) == message
    assert parse(to_json(message), JSON) == message


def test_the_examples_only_use_test_bsns() -> None:
    """Fictional people only: BSNs from the 99999xxxx test range."""
    bsns = {
        item.employee.bsn
        for path in EXAMPLES.glob("*.*")
        for item in parse(path.read_bytes(), XML if path.suffix == ".xml" else JSON).items
        if item.employee.bsn is not None
    }
    assert bsns, "the examples carry BSNs"
    assert {bsn[:5] for bsn in bsns} == {"99999"}


def test_the_sick_report_example_reads_into_the_canonical_model() -> None:
    message = parse(example("sick-report.xml"), XML)
    assert message.envelope == Envelope(
        message_ref="DEVRIES-2025-000101",
        message_type="absence",
        sent_at=dt.datetime(2025, 3, 3, 8, 15, tzinfo=dt.UTC),  # 09:15 in Amsterdam (CET)
        sender="VERZUIMPORTAAL-DEMO",
        receiver="HERSTELD-DEMO",
        test=True,
        format="sivi",
        receipt_wanted=True,
    )
    (item,) = message.items
    assert item.employee == EmployeeData(
        external_id="W-1001",
        bsn="999990019",
        birth_date=dt.date(1988, 6, 14),
        surname="Voorbeeld",
        surname_prefix="van der",
        initials="E.",
        first_name="Eva",
        gender="V",
        address=Address(
            street="Proefstraat",
            house_number="12",
            addition="a",
            postcode="9999 ZZ",
            city="Voorbeeldstad",
        ),
        phone="0612345678",
        email="eva.voorbeeld@example.org",
        name_use="01",
    )
    assert item.employment == EmploymentData(
        external_id="D-1001-1",
        personnel_number="1001",
        start_date=dt.date(2019, 9, 1),
        department_code="BAK",
        department_name="Bakkerij",
        function_name="Bakker",
        hours_per_week=Decimal("32.00"),
        valid_from=dt.date(2024, 1, 1),
        contract_type="permanent",
        contacts=(
            ContactPerson(
                surname="De Vries (fictief)", initials="H.", role="01", phone="0201234567"
            ),
        ),
    )
    assert item.absence == AbsenceMutation(
        kind="sick_report",
        absence_id="V-2025-0042",
        sequence=1,
        mutation_date=dt.date(2025, 3, 3),
        first_day=dt.date(2025, 3, 3),
        percentage=Decimal("100"),
        safety_net=False,
        note="Ziek gemeld door de leidinggevende.",
        cause="99",
        contacts=(ContactPerson(surname="Jansen (fictief)", role="01", phone="0201234567"),),
    )


def test_stream_two_examples() -> None:
    new = parse(example("new-employee.xml"), XML)
    assert new.envelope.message_type == "employee"
    assert new.items[0].absence is None
    assert new.items[0].employment.contract_type == "fixed"
    assert new.items[0].employment.annual_salary is None  # SIVI has no salary element
    assert new.employer.payroll_tax_number == "999999999L01"
    leaving = parse(example("out-of-service.xml"), XML)
    assert leaving.envelope.message_type == "employment"
    assert leaving.items[0].employment.end_date == dt.date(2025, 8, 31)
    assert leaving.items[0].employee == EmployeeData(
        external_id="W-1001", birth_date=dt.date(1988, 6, 14), gender="V"
    )
    assert leaving.envelope.sent_at == dt.datetime(2025, 8, 15, 8, 0, tzinfo=dt.UTC)  # CEST


def test_the_examples_and_the_writer_output_are_valid_against_the_official_schemas() -> None:
    """Validated by xmlschema directly against SIVI's files, not through the codec."""
    for path in sorted(EXAMPLES.glob("*.xml")):
        message = parse(path.read_bytes(), XML)
        root = codec.SIVI_MESSAGE_TYPES[message.envelope.message_type].root
        schema = xmlschema.XMLSchema10(str(SCHEMA / SCHEMA_FILES[root]))
        schema.validate(path.read_text())
        schema.validate(to_sivi(message).decode())


# --- VrwrkCd -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "ends", "kind"),
    [
        ("01", "N", "sick_report"),
        ("02", "N", "recovery"),
        ("03", "J", "recovery"),
        ("04", "N", "correction"),
        ("05", "N", "withdrawal"),
    ],
)
def test_the_processing_code_decides_the_mutation_kind(code: str, ends: str, kind: str) -> None:
    body = xml(
        "sick-report.xml",
        ("<VrwrkCd>01</VrwrkCd>", f"<VrwrkCd>{code}</VrwrkCd>"),
        ("<EndVrzmJN>N</EndVrzmJN>", f"<EndVrzmJN>{ends}</EndVrzmJN>"),
        ("<PrcVrzm>", "<DatHrstld>2025-03-10</DatHrstld><PrcVrzm>"),
    )
    absence = absence_of(body)
    assert (absence.kind, absence.ends_absence) == (kind, ends == "J")
    assert processing_code(absence) == code


def test_a_change_that_ends_the_absence_is_written_as_code_03() -> None:
    body = xml(
        "partial-recovery.xml",
        ("<EndVrzmJN>N</EndVrzmJN>", "<EndVrzmJN>J</EndVrzmJN>"),
        ("<PrcVrzm>", "<DatHrstld>2025-03-17</DatHrstld><PrcVrzm>"),
    )
    message = parse(body, XML)
    assert message.items[0].absence is not None
    assert message.items[0].absence.ends_absence
    assert b"<VrwrkCd>03</VrwrkCd>" in to_sivi(message)


def test_an_end_of_absence_must_say_so_and_carry_its_recovery_date() -> None:
    body = xml(
        "full-recovery.xml",
        ("<EndVrzmJN>J</EndVrzmJN>", "<EndVrzmJN>N</EndVrzmJN>"),
        ("<DatHrstld>2025-04-07</DatHrstld>", ""),
    )
    assert errors_of(body, XML) == [(f"{VRZM}/EndVrzmJN", "inconsistent")]
    body = xml("full-recovery.xml", ("<DatHrstld>2025-04-07</DatHrstld>", ""))
    assert errors_of(body, XML) == [(f"{VRZM}/DatHrstld", "required")]


# --- SIVI: one problem, its path and rule -----------------------------------------------------

SIVI_CASES = [
    # header
    (
        "<AandatBr>2025-03-03</AandatBr>",
        "<AandatBr>03-03-2025</AandatBr>",
        "/Verzuimmeldingen/BrAlg/AandatBr",
        "date_format",
    ),
    (
        "<AantijdBr>09:15:00</AantijdBr>",
        "<AantijdBr>9:15</AantijdBr>",
        "/Verzuimmeldingen/BrAlg/AantijdBr",
        "time_format",
    ),
    (
        "<AantijdBr>09:15:00</AantijdBr>",
        "<AantijdBr>24:00:00</AantijdBr>",
        "/Verzuimmeldingen/BrAlg/AantijdBr",
        "time_format",
    ),
    (
        "<AantijdBr>09:15:00</AantijdBr>",
        "<AantijdBr>09:15:00+25:00</AantijdBr>",
        "/Verzuimmeldingen/BrAlg/AantijdBr",
        "time_format",
    ),
    (
        "<AandatBr>2025-03-03</AandatBr>",
        "<AandatBr>1969-12-31</AandatBr>",
        "/Verzuimmeldingen/BrAlg/AantijdBr",
        "range",
    ),
    ("<BrCd>00100</BrCd>", "<BrCd>00600</BrCd>", "/Verzuimmeldingen/BrAlg/BrCd", "choice"),
    ("<TestJN>J</TestJN>", "<TestJN>Y</TestJN>", "/Verzuimmeldingen/BrAlg/TestJN", "choice"),
    (
        "<Berrefnr>DEVRIES-2025-000101</Berrefnr>",
        f"<Berrefnr>{'R' * 513}</Berrefnr>",
        "/Verzuimmeldingen/BrAlg/Berrefnr",
        "max_length",
    ),
    (
        "<Berrefnr>DEVRIES-2025-000101</Berrefnr>",
        "<Berrefnr>  </Berrefnr>",
        "/Verzuimmeldingen/BrAlg/Berrefnr",
        "required",
    ),
    (
        "<IdInzndr>VERZUIMPORTAAL-DEMO</IdInzndr>",
        "",
        "/Verzuimmeldingen/BrAlg/IdInzndr",
        "required",
    ),
    # employer
    (
        "<IdWrkgvrArbdnst>DEVRIES</IdWrkgvrArbdnst>",
        "",
        "/Verzuimmeldingen/Wrkgvr[1]/IdWrkgvrArbdnst",
        "required",
    ),
    (
        "<AansltnrGeguitwlngArbdnst>DEMO-1<",
        f"<AansltnrGeguitwlngArbdnst>{'1' * 71}<",
        "/Verzuimmeldingen/Wrkgvr[1]/AansltnrGeguitwlngArbdnst",
        "max_length",
    ),
    # employee
    ("<SofiNr>999990019</SofiNr>", "<SofiNr>12345</SofiNr>", f"{WRKNMR}/SofiNr", "bsn_format"),
    (
        "<Gebdat>1988-06-14</Gebdat>",
        "<Gebdat>1988-02-30</Gebdat>",
        f"{WRKNMR}/Gebdat",
        "date_format",
    ),
    (
        "<SignNm>Voorbeeld</SignNm>",
        f"<SignNm>{'x' * 201}</SignNm>",
        f"{WRKNMR}/SignNm",
        "max_length",
    ),
    ("<Voorl>E.</Voorl>", "<Voorl>E.1</Voorl>", f"{WRKNMR}/Voorl", "pattern"),
    ("<Voorl>E.</Voorl>", "<Voorl>ABCDEFG</Voorl>", f"{WRKNMR}/Voorl", "max_length"),
    ("<GslchtCd>V</GslchtCd>", "<GslchtCd>X</GslchtCd>", f"{WRKNMR}/GslchtCd", "choice"),
    ("<IdWrknmr>W-1001</IdWrknmr>", "", f"{WRKNMR}/IdWrknmr", "required"),
    ("<Pc>9999ZZ</Pc>", "<Pc>0999ZZ</Pc>", f"{WRKNMR}/StrAdrNl[1]/Pc", "postcode_format"),
    (
        "<Huisnr>12</Huisnr>",
        "<Huisnr>12b</Huisnr>",
        f"{WRKNMR}/StrAdrNl[1]/Huisnr",
        "integer_format",
    ),
    ("<Wnpl>Voorbeeldstad</Wnpl>", "", f"{WRKNMR}/StrAdrNl[1]/Wnpl", "required"),
    ("<SrtComCd>05</SrtComCd>", "<SrtComCd>01</SrtComCd>", f"{WRKNMR}/Com[1]/SrtComCd", "choice"),
    (
        "<NrCom>0612345678</NrCom>",
        f"<NrCom>{'6' * 513}</NrCom>",
        f"{WRKNMR}/Com[1]/NrCom",
        "max_length",
    ),
    # employment
    (
        "<Ingdat>2019-09-01</Ingdat>",
        "<Ingdat>2019-9-1</Ingdat>",
        f"{DNSTVBND}/Ingdat",
        "date_format",
    ),
    (
        "<Ingdat>2019-09-01</Ingdat>",
        "<Ingdat>2019-09-01</Ingdat><Enddat>2019-08-31</Enddat>",
        f"{DNSTVBND}/Enddat",
        "date_order",
    ),
    ("<OrgeenhCd>BAK</OrgeenhCd>", "", f"{DNSTVBND}/OrgeenhCd", "required"),
    ("<CdBepTd>O</CdBepTd>", "<CdBepTd>T</CdBepTd>", f"{DNSTVBND}/CdBepTd", "choice"),
    (
        "<AantCtrcturenPWk>32.00<",
        "<AantCtrcturenPWk>1000.00<",
        f"{DNSTVBND}/AantCtrcturenPWk",
        "decimal_format",
    ),
    (
        "<AantCtrcturenPWk>32.00<",
        "<AantCtrcturenPWk>32.005<",
        f"{DNSTVBND}/AantCtrcturenPWk",
        "decimal_format",
    ),
    (
        "<AantCtrcturenPWk>32.00<",
        "<AantCtrcturenPWk>32,5<",
        f"{DNSTVBND}/AantCtrcturenPWk",
        "decimal_format",
    ),
    # absence
    ("<VrwrkCd>01</VrwrkCd>", "<VrwrkCd>06</VrwrkCd>", f"{VRZM}/VrwrkCd", "choice"),
    ("<DatEerstVrzmdg>2025-03-03</DatEerstVrzmdg>", "", f"{VRZM}/DatEerstVrzmdg", "required"),
    (
        "<DatEerstVrzmdg>2025-03-03</DatEerstVrzmdg>",
        "<DatEerstVrzmdg>2025-03-03</DatEerstVrzmdg><DatHrstld>2025-03-02</DatHrstld>",
        f"{VRZM}/DatHrstld",
        "date_order",
    ),
    ("<VrzmgvlVnrMld>1<", "<VrzmgvlVnrMld>1000<", f"{VRZM}/VrzmgvlVnrMld", "range"),
    ("<VrzmgvlVnrMld>1<", "<VrzmgvlVnrMld>1.5<", f"{VRZM}/VrzmgvlVnrMld", "integer_format"),
    ("<VrzmgvlVnrMld>1<", "<VrzmgvlVnrMld>-1<", f"{VRZM}/VrzmgvlVnrMld", "range"),
    ("<PrcVrzm>100.00</PrcVrzm>", "<PrcVrzm>100.01</PrcVrzm>", f"{VRZM}/PrcVrzm", "range"),
    ("<PrcVrzm>100.00</PrcVrzm>", "<PrcVrzm>-1.00</PrcVrzm>", f"{VRZM}/PrcVrzm", "decimal_format"),
    ("<PrcVrzm>100.00</PrcVrzm>", "<PrcVrzm>1e2</PrcVrzm>", f"{VRZM}/PrcVrzm", "decimal_format"),
    ("<VngntJN>N</VngntJN>", "<VngntJN>X</VngntJN>", f"{VRZM}/VngntJN", "choice"),
    ("<EndVrzmJN>N</EndVrzmJN>", "", f"{VRZM}/EndVrzmJN", "required"),
    (
        "<VrijeTekst>Ziek gemeld",
        "<VrijeTekst>Ziek&#127; gemeld",
        f"{VRZM}/VrTkst[1]/VrijeTekst",
        "invalid_character",
    ),
    (
        "<VrijeTekst>Ziek gemeld door de leidinggevende.",
        f"<VrijeTekst>{'z' * 513}",
        f"{VRZM}/VrTkst[1]/VrijeTekst",
        "max_length",
    ),
    # structure
    (
        "<Gebdat>1988-06-14</Gebdat>",
        "<Gebdat>1988-06-14</Gebdat><Gebdat>1988-06-15</Gebdat>",
        f"{WRKNMR}/Gebdat[2]",
        "max_occurs",
    ),
    # several Wrkgvr blocks are allowed, each complete
    ("</Wrkgvr>", "</Wrkgvr><Wrkgvr/>", "/Verzuimmeldingen/Wrkgvr[2]/HndlsnmOrg", "required"),
    (
        "<HndlsnmOrg>Bakkerij De Vries (fictief)</HndlsnmOrg>",
        "",
        "/Verzuimmeldingen/Wrkgvr[1]/HndlsnmOrg",
        "required",
    ),
    ("<NmvrkrCd>01</NmvrkrCd>", "", f"{WRKNMR}/NmvrkrCd", "required"),
    ("<NmvrkrCd>01</NmvrkrCd>", "<NmvrkrCd>05</NmvrkrCd>", f"{WRKNMR}/NmvrkrCd", "choice"),
    ("<OorzkVrzmCd>99</OorzkVrzmCd>", "", f"{VRZM}/OorzkVrzmCd", "required"),
    (
        "<OorzkVrzmCd>99</OorzkVrzmCd>",
        "<OorzkVrzmCd>12</OorzkVrzmCd>",
        f"{VRZM}/OorzkVrzmCd",
        "choice",
    ),
    ("<Achternaam>Jansen (fictief)</Achternaam>", "", f"{VRZM}/Cntprsn[1]/Achternaam", "required"),
    (
        "<IdWrknmr>W-1001</IdWrknmr>",
        "<IdWrknmr>W-1001</IdWrknmr><Salaris>1</Salaris>",
        f"{WRKNMR}/Salaris",
        "not_allowed",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "path", "rule"),
    SIVI_CASES,
    ids=[f"{path.rsplit('/', 1)[1]}-{rule}" for _, _, path, rule in SIVI_CASES],
)
def test_a_sivi_problem_is_reported_at_its_element_with_its_rule(
    old: str, new: str, path: str, rule: str
) -> None:
    assert errors_of(xml("sick-report.xml", (old, new)), XML) == [(path, rule)]


def test_a_missing_absence_group_is_required() -> None:
    text = example("sick-report.xml").decode()
    start, end = text.index("<Vrzm>"), text.index("</Vrzm>") + len("</Vrzm>")
    body = (text[:start] + text[end:]).encode()
    assert errors_of(body, XML) == [(f"{DNSTVBND}/Vrzm", "required")]
    assert errors_of(
        xml("sick-report.xml", ("<BrAlg>", "<Header>"), ("</BrAlg>", "</Header>")), XML
    ) == [("/Verzuimmeldingen/Header", "not_allowed")]


def test_all_problems_of_a_sivi_message_are_reported_at_once() -> None:
    body = xml(
        "sick-report.xml",
        ("<Berrefnr>DEVRIES-2025-000101</Berrefnr>", ""),
        ("<Gebdat>1988-06-14</Gebdat>", "<Gebdat>1988-02-30</Gebdat>"),
        ("<SignNm>Voorbeeld</SignNm>", f"<SignNm>{'x' * 201}</SignNm>"),
        ("<GslchtCd>V</GslchtCd>", "<GslchtCd>X</GslchtCd>"),
        ("<AantCtrcturenPWk>32.00<", "<AantCtrcturenPWk>32,5<"),
        ("<DatEerstVrzmdg>2025-03-03</DatEerstVrzmdg>", ""),
        ("<PrcVrzm>100.00</PrcVrzm>", "<PrcVrzm>150</PrcVrzm>"),
    )
    # Every violation of the schema, in document order (the value checks of the codec run
    # once the message is valid against the schema).
    assert errors_of(body, XML) == [
        ("/Verzuimmeldingen/BrAlg/Berrefnr", "required"),
        (f"{WRKNMR}/Gebdat", "date_format"),
        (f"{WRKNMR}/SignNm", "max_length"),
        (f"{WRKNMR}/GslchtCd", "choice"),
        (f"{DNSTVBND}/AantCtrcturenPWk", "decimal_format"),
        (f"{VRZM}/DatEerstVrzmdg", "required"),
        (f"{VRZM}/PrcVrzm", "decimal_format"),
    ]


def test_paths_count_repeated_elements() -> None:
    text = example("sick-report.xml").decode()
    start, end = text.index("<Wrknmr>"), text.index("</Wrknmr>") + len("</Wrknmr>")
    second = text[start:end].replace("<VrwrkCd>01</VrwrkCd>", "<VrwrkCd>9</VrwrkCd>")
    body = (text[:end] + second + text[end:]).encode()
    assert errors_of(body, XML) == [
        ("/Verzuimmeldingen/Wrkgvr[1]/Wrknmr[2]/Dnstvbnd[1]/Vrzm[1]/VrwrkCd", "choice")
    ]


@pytest.mark.parametrize(
    ("document", "path"),
    [
        (
            '<Documenten xmlns="http://www.sivi.org/Verzuimmanagement/Documenten/2022"/>',
            "/Documenten",
        ),
        ("<Documenten/>", "/Documenten"),
        (
            '<Verzuimmeldingen xmlns="http://www.sivi.org/Verzuimmanagement/Dienstverbanden/2022"/>',
            "/Verzuimmeldingen",
        ),
        ("<html><body/></html>", "/html"),
    ],
)
def test_other_roots_or_namespaces_are_unknown_message_types(document: str, path: str) -> None:
    assert errors_of(document.encode(), XML) == [(path, "unknown_message_type")]


def test_other_yearly_releases_of_the_namespace_are_refused() -> None:
    """Only release 2022 has its schemas here; another release is not read as if it were."""
    body = example("sick-report.xml").replace(b"/Verzuimmeldingen/2022", b"/Verzuimmeldingen/2021")
    assert errors_of(body, XML) == [("/Verzuimmeldingen", "unknown_message_type")]


def test_optional_sivi_elements_hersteld_does_not_use_are_read_past() -> None:
    body = xml(
        "sick-report.xml",
        (
            "<IdWrkgvrArbdnst>DEVRIES</IdWrkgvrArbdnst>",
            "<InschrijvingsnrKvK>12345678</InschrijvingsnrKvK>"
            "<IdWrkgvrArbdnst>DEVRIES</IdWrkgvrArbdnst>",
        ),
        (
            "<Gebdat>1988-06-14</Gebdat>",
            "<Gebdat>1988-06-14</Gebdat><Overldat>2099-01-01</Overldat>",
        ),
        (
            "<IdWrknmr>W-1001</IdWrknmr>",
            "<IdWrknmr>W-1001</IdWrknmr><BnkGiro><Iban>X</Iban></BnkGiro>",
        ),
        ("<PersNr>1001</PersNr>", "<PersNr>1001</PersNr><SrtDnstvbndCd>04</SrtDnstvbndCd>"),
        (
            "<OorzkVrzmCd>99</OorzkVrzmCd>",
            "<BijzRdnStartVrzmCd>01</BijzRdnStartVrzmCd><OorzkVrzmCd>99</OorzkVrzmCd>",
        ),
        ("<VrTkst>", "<Actie><ActieCd>01</ActieCd></Actie><VrTkst>"),
    )
    assert parse(body, XML) == parse(example("sick-report.xml"), XML)


def test_elements_the_schema_does_not_know_are_refused_with_their_path() -> None:
    body = xml(
        "sick-report.xml",
        ("<PersNr>1001</PersNr>", "<PersNr>1001</PersNr><Onbekend/>"),
        ("<VrwrkCd>01</VrwrkCd>", '<VrwrkCd>01</VrwrkCd><x:Eigen xmlns:x="urn:x">1</x:Eigen>'),
    )
    assert errors_of(body, XML) == [
        (f"{DNSTVBND}/Onbekend", "not_allowed"),
        (f"{VRZM}/Eigen", "not_allowed"),
    ]


def test_several_employer_blocks_are_read_with_their_employer() -> None:
    text = example("sick-report.xml").decode()
    start, end = text.index("<Wrkgvr>"), text.index("</Wrkgvr>") + len("</Wrkgvr>")
    block = text[start:end]
    same = block.replace("<IdWrknmr>W-1001</IdWrknmr>", "<IdWrknmr>W-1002</IdWrknmr>")
    other = block.replace("DEVRIES</IdWrkgvrArbdnst>", "ANDERE</IdWrkgvrArbdnst>")
    message = parse((text[:end] + same + other + text[end:]).encode(), XML)
    assert [item.employee.external_id for item in message.items] == ["W-1001", "W-1002", "W-1001"]
    assert [item.employer for item in message.items][:2] == [None, None]
    third = message.items[2].employer
    assert third is not None and third.employer_key == "ANDERE"
    assert parse(to_sivi(message), XML) == message
    assert to_sivi(message).count(b"<Wrkgvr>") == 2  # blocks of one employer are joined


def test_text_is_stripped_and_an_empty_optional_element_is_absent() -> None:
    body = xml(
        "sick-report.xml",
        ("<SignNm>Voorbeeld</SignNm>", "<SignNm>\n   Voorbeeld  </SignNm>"),
        ("<Voorv>van der</Voorv>", "<Voorv>  </Voorv>"),
        ("<Pc>9999ZZ</Pc>", "<Pc>9999zz</Pc>"),
    )
    employee = parse(body, XML).items[0].employee
    assert (employee.surname, employee.surname_prefix) == ("Voorbeeld", None)
    assert employee.address is not None and employee.address.postcode == "9999 ZZ"


def test_the_home_address_and_the_first_phone_and_e_mail_count() -> None:
    care = (
        "<StrAdrNl><SrtAdrsCd>06</SrtAdrsCd><Pc>1111AA</Pc><Wnpl>Zorgstad</Wnpl>"
        "<Huisnr>1</Huisnr></StrAdrNl>"
    )
    body = xml(
        "sick-report.xml",
        ("<StrAdrNl>", care + "<StrAdrNl>"),
        ("<Com>", "<Com><SrtComCd>06</SrtComCd><NrCom>0201111111</NrCom></Com><Com>"),
    )
    employee = parse(body, XML).items[0].employee
    assert employee.address is not None and employee.address.city == "Voorbeeldstad"
    assert (employee.phone, employee.email) == ("0201111111", "eva.voorbeeld@example.org")
    only_care = xml("sick-report.xml", ("<SrtAdrsCd>01</SrtAdrsCd>", "<SrtAdrsCd>06</SrtAdrsCd>"))
    assert parse(only_care, XML).items[0].employee.address is None


def test_a_foreign_address() -> None:
    foreign = (
        "<StrAdrBl><SrtAdrsCd>01</SrtAdrsCd><PcBtl>B-2000</PcBtl><WnplBtl>Antwerpen</WnplBtl>"
        "<LandCd>be</LandCd><StraatLang>Voorbeeldlei</StraatLang><HuisnrBtl>3 bus 2</HuisnrBtl>"
        "</StrAdrBl>"
    )
    text = example("sick-report.xml").decode()
    start, end = text.index("<StrAdrNl>"), text.index("</StrAdrNl>") + len("</StrAdrNl>")
    message = parse((text[:start] + foreign + text[end:]).encode(), XML)
    assert message.items[0].employee.address == Address(
        street="Voorbeeldlei",
        house_number="3 bus 2",
        postcode="B-2000",
        city="Antwerpen",
        country="BE",
    )
    assert parse(to_sivi(message), XML) == message
    assert parse(to_json(message), JSON) == message
    dutch = (text[:start] + foreign.replace("be", "NL") + text[end:]).encode()
    assert errors_of(dutch, XML) == [(f"{WRKNMR}/StrAdrBl[1]/LandCd", "not_allowed")]


def test_several_text_lines_make_one_note() -> None:
    body = xml(
        "sick-report.xml",
        (
            "</VrTkst>",
            "</VrTkst><VrTkst><VrijeTekst>Tweede regel.\n\n  Derde regel.</VrijeTekst></VrTkst>",
        ),
    )
    note = absence_of(body).note
    assert note == "Ziek gemeld door de leidinggevende.\nTweede regel.\nDerde regel."
    assert b"<VrijeTekst>Derde regel.</VrijeTekst>" in to_sivi(parse(body, XML))


# --- JSON: paths are JSON pointers ---------------------------------------------------------


def test_a_missing_json_field_is_reported_by_json_pointer() -> None:
    doc = json_doc("sick-report.json")
    del doc["items"][0]["absence"]["first_day"]
    assert errors_of(dumped(doc), JSON) == [("/items/0/absence/first_day", "required")]


def test_all_problems_of_a_json_message_are_reported_at_once() -> None:
    doc = json_doc("sick-report.json")
    doc["sent_at"] = "3 March 2025"
    employee = doc["items"][0]["employee"]
    employee["birth_date"] = "14-06-1988"
    employee["gender"] = "F"
    employee["surname"] = 42
    employee["address"]["postcode"] = "999 ZZ"
    doc["items"][0]["employment"]["hours_per_week"] = True
    absence = doc["items"][0]["absence"]
    absence["frist_day"] = absence.pop("first_day")
    absence["percentage"] = Decimal("50.555")
    absence["sequence"] = "one"
    body = json.dumps(doc, default=str).encode()
    assert errors_of(body, JSON) == [
        ("/sent_at", "datetime_format"),
        ("/items/0/employee/birth_date", "date_format"),
        ("/items/0/employee/surname", "type"),
        ("/items/0/employee/gender", "choice"),
        ("/items/0/employee/address/postcode", "postcode_format"),
        ("/items/0/employment/hours_per_week", "type"),
        ("/items/0/absence/sequence", "integer_format"),
        ("/items/0/absence/first_day", "required"),
        ("/items/0/absence/percentage", "decimal_format"),
        ("/items/0/absence/frist_day", "unknown_field"),
    ]


DELETE = object()
ITEM = ("items", 0)
EMPLOYEE = (*ITEM, "employee")
ADDRESS = (*EMPLOYEE, "address")
EMPLOYMENT = (*ITEM, "employment")
ABSENCE = (*ITEM, "absence")
SICK_ABSENCE = json.loads((EXAMPLES / "sick-report.json").read_bytes())["items"][0]["absence"]
JSON_CASES: list[tuple[str, tuple[Any, ...], dict[str, Any], str, str]] = [
    # (scenario, where, changes, path, rule)
    ("sick-report", (), {"message_type": "documents"}, "/message_type", "unknown_message_type"),
    ("sick-report", (), {"items": []}, "/items", "required"),
    ("sick-report", (), {"items": {}}, "/items", "type"),
    ("sick-report", (), {"items": [1]}, "/items/0", "type"),
    ("sick-report", (), {"employer": "DEVRIES"}, "/employer", "type"),
    (
        "sick-report",
        ("employer",),
        {"connection_no": DELETE},
        "/employer/connection_no",
        "required",
    ),
    ("sick-report", (), {"message_id": "m" * 513}, "/message_id", "max_length"),
    ("sick-report", (), {"test": "yes"}, "/test", "type"),
    ("sick-report", (), {"a/b~": 1}, "/a~1b~0", "unknown_field"),
    ("sick-report", (), {"sent_at": "1969-12-31T23:00:00Z"}, "/sent_at", "range"),
    ("sick-report", ITEM, {"absence": DELETE}, "/items/0/absence", "required"),
    ("sick-report", ITEM, {"employment": DELETE}, "/items/0/employment", "required"),
    ("sick-report", EMPLOYEE, {"phone": "eva@example.org"}, "/items/0/employee/phone", "pattern"),
    ("sick-report", EMPLOYEE, {"email": "eva.example.org"}, "/items/0/employee/email", "pattern"),
    ("sick-report", EMPLOYEE, {"bsn": 999990019}, "/items/0/employee/bsn", "type"),
    (
        "sick-report",
        EMPLOYEE,
        {"initials": "E.\x07"},
        "/items/0/employee/initials",
        "invalid_character",
    ),
    (
        "sick-report",
        ADDRESS,
        {"country": "Nederland"},
        "/items/0/employee/address/country",
        "pattern",
    ),
    (
        "sick-report",
        ADDRESS,
        {"country": "BE"},
        "/items/0/employee/address/addition",
        "not_allowed",
    ),
    ("sick-report", ABSENCE, {"kind": "recovered"}, "/items/0/absence/kind", "choice"),
    ("sick-report", ABSENCE, {"note": "x" * 513}, "/items/0/absence/note", "max_length"),
    (
        "sick-report",
        ABSENCE,
        {"note": "\n".join(["x"] * 100)},
        "/items/0/absence/note",
        "max_length",
    ),
    ("new-employee", ITEM, {"absence": SICK_ABSENCE}, "/items/0/absence", "not_allowed"),
    (
        "out-of-service",
        EMPLOYEE,
        {"surname": "Voorbeeld"},
        "/items/0/employee/surname",
        "not_allowed",
    ),
    (
        "new-employee",
        EMPLOYMENT,
        {"annual_salary": "100000000.00"},
        "/items/0/employment/annual_salary",
        "range",
    ),
]


@pytest.mark.parametrize(
    ("scenario", "where", "changes", "path", "rule"),
    JSON_CASES,
    ids=[f"{path}-{rule}" for _, _, _, path, rule in JSON_CASES],
)
def test_a_json_problem_is_reported_at_its_pointer_with_its_rule(
    scenario: str, where: tuple[Any, ...], changes: dict[str, Any], path: str, rule: str
) -> None:
    doc = json_doc(f"{scenario}.json")
    target: Any = doc
    for step in where:
        target = target[step]
    for key, value in changes.items():
        if value is DELETE:
            del target[key]
        else:
            target[key] = value
    assert errors_of(dumped(doc), JSON) == [(path, rule)]


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        (b'{"message_id": "x",', "malformed_json"),
        (b'{"message_id": "a", "message_id": "b"}', "malformed_json"),
        (b'{"items": [NaN]}', "malformed_json"),
        (b'{"message_id": "\xff"}', "malformed_json"),
        (b"[" * 100_000 + b"]" * 100_000, "malformed_json"),
        (b'["a list"]', "type"),
    ],
)
def test_bodies_that_are_not_a_json_object(body: bytes, rule: str) -> None:
    assert errors_of(body, JSON) == [("/", rule)]


def test_json_defaults_and_lenient_values() -> None:
    doc = json_doc("full-recovery.json")
    for name in ("message_type", "test", "receipt_wanted"):
        del doc[name]
    absence = doc["items"][0]["absence"]
    del absence["ends_absence"]
    doc["items"][0]["employment"]["hours_per_week"] = 32
    doc["items"][0]["employee"]["address"]["house_number"] = 12
    doc["items"][0]["employee"]["address"]["postcode"] = "9999zz"
    doc["items"][0]["employee"]["address"].pop("country")
    doc["sent_at"] = "2025-04-07T16:45:00.999"  # no offset: Amsterdam; fractions dropped
    message = parse(dumped(doc), JSON)
    expected = parse(example("full-recovery.json"), JSON)
    assert message.envelope.test is False and message.envelope.message_type == "absence"
    assert message.items == expected.items  # ends_absence defaults to True at 0 %
    assert message.envelope.sent_at == expected.envelope.sent_at
    doc["items"][0]["absence"]["percentage"] = 20.5
    assert absence_of(dumped(doc), JSON).ends_absence is False


def test_a_json_note_keeps_its_lines() -> None:
    doc = json_doc("sick-report.json")
    doc["items"][0]["absence"]["note"] = "  Eerste regel.\r\n\r\n\tTweede\tregel.  \n"
    assert absence_of(dumped(doc), JSON).note == "Eerste regel.\nTweede\tregel."


# --- safety ------------------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Verzuimmeldingen xmlns="http://www.sivi.org/Verzuimmanagement/Verzuimmeldingen/2022">&lol9;</Verzuimmeldingen>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Verzuimmeldingen [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Verzuimmeldingen xmlns="http://www.sivi.org/Verzuimmanagement/Verzuimmeldingen/2022">
<BrAlg><Berrefnr>&xxe;</Berrefnr></BrAlg></Verzuimmeldingen>"""


@pytest.mark.parametrize(
    "body",
    [
        BILLION_LAUGHS,
        XXE,
        b'<!DOCTYPE Verzuimmeldingen SYSTEM "http://example.invalid/sivi.dtd"><Verzuimmeldingen/>',
        b"<!DOCTYPE Verzuimmeldingen><Verzuimmeldingen/>",
        xml(
            "sick-report.xml",
            ("<Verzuimmeldingen", "<!DOCTYPE x [<!ENTITY % p 'x'>]><Verzuimmeldingen"),
        ),
    ],
    ids=["billion-laughs", "external-entity", "external-dtd", "plain-doctype", "parameter-entity"],
)
def test_doctype_and_entity_declarations_are_refused(body: bytes) -> None:
    assert errors_of(body, XML) == [("/", "doctype_forbidden")]


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<Verzuimmeldingen>",
        b"<a></b>",
        xml("sick-report.xml", ("<SignNm>Voorbeeld", "<SignNm>&eigen;")),
        xml("sick-report.xml", ("<SignNm>Voorbeeld", "<SignNm>&#1;")),
    ],
    ids=["empty", "unclosed", "mismatched", "undefined-entity", "forbidden-character"],
)
def test_malformed_xml(body: bytes) -> None:
    assert errors_of(body, XML) == [("/", "malformed_xml")]


@pytest.mark.parametrize("content_type", [XML, JSON])
def test_bodies_over_the_size_limit_are_refused_unread(content_type: str) -> None:
    assert errors_of(b" " * (MAX_BODY_BYTES + 1), content_type) == [("/", "too_large")]


def test_a_body_at_the_size_limit_is_read() -> None:
    body = example("sick-report.xml")
    assert parse(body + b" " * (MAX_BODY_BYTES - len(body)), XML).items
    body = example("sick-report.json")
    assert parse(body + b" " * (MAX_BODY_BYTES - len(body)), JSON).items


def test_deep_nesting_and_element_floods_are_refused() -> None:
    deep = b"<Verzuimmeldingen>" + b"<a>" * 100 + b"</a>" * 100 + b"</Verzuimmeldingen>"
    assert errors_of(deep, XML) == [("/", "too_large")]
    flood = b"<Verzuimmeldingen>" + b"<a/>" * (codec.MAX_XML_ELEMENTS + 1) + b"</Verzuimmeldingen>"
    assert errors_of(flood, XML) == [("/", "too_large")]


@pytest.mark.parametrize(
    ("content_type", "name"),
    [
        ("application/xml; charset=utf-8", "sick-report.xml"),
        ("text/xml", "sick-report.xml"),
        ("application/vnd.sivi+xml", "sick-report.xml"),
        ("Application/JSON; charset=UTF-8", "sick-report.json"),
    ],
)
def test_content_types(content_type: str, name: str) -> None:
    assert parse(example(name), content_type).items


def test_an_unsupported_content_type_is_refused() -> None:
    assert errors_of(example("sick-report.json"), "text/plain") == [("/", "unsupported_media_type")]


def test_the_error_carries_a_readable_summary() -> None:
    error = InvalidMessage([CodecError("/a", "required", "a is required")] * 5)
    assert isinstance(error, ValueError)
    assert str(error) == (
        "invalid message: /a required: a is required; /a required: a is required; "
        "/a required: a is required (and 2 more)"
    )


# --- dates, times and decimals ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-02-29", dt.date(2024, 2, 29)),
        ("0001-01-01", dt.date(1, 1, 1)),
        ("9999-12-31", dt.date(9999, 12, 31)),
        ("2023-02-29", "date_format"),
        ("2025-13-01", "date_format"),
        ("2025-00-10", "date_format"),
        ("20250303", "date_format"),
        ("2025-03-03Z", "date_format"),
        ("2025-03-03T00:00:00", "date_format"),
        ("0000-01-01", "date_format"),
        ("\uff12\uff10\uff12\uff15-03-03", "date_format"),  # full-width digits,
    ],
)
def test_dates(value: str, expected: dt.date | str) -> None:
    body = xml("sick-report.xml", ("<Gebdat>1988-06-14</Gebdat>", f"<Gebdat>{value}</Gebdat>"))
    if isinstance(expected, str):
        assert errors_of(body, XML) == [(f"{WRKNMR}/Gebdat", expected)]
    else:
        assert parse(body, XML).items[0].employee.birth_date == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # SIVI's Aantal52 is [0-9]{1,3}[.][0-9]{2}: two decimals, always.
        ("32", "decimal_format"),
        ("32.5", "decimal_format"),
        (" 32.00 ", Decimal("32")),
        ("0", "decimal_format"),
        ("0.00", Decimal("0")),
        ("-0.00", "decimal_format"),
        ("999.99", Decimal("999.99")),
        ("032.10", Decimal("32.1")),
        ("32.500", "decimal_format"),
        ("32.501", "decimal_format"),
        (".5", "decimal_format"),
        ("32.", "decimal_format"),
        ("+32", "decimal_format"),
        ("NaN", "decimal_format"),
        ("Infinity", "decimal_format"),
        ("3 2", "decimal_format"),
        ("1000.00", "decimal_format"),
        ("-0.01", "decimal_format"),
    ],
)
def test_decimals(value: str, expected: Decimal | str) -> None:
    body = xml("sick-report.xml", ("<AantCtrcturenPWk>32.00<", f"<AantCtrcturenPWk>{value}<"))
    if isinstance(expected, str):
        assert errors_of(body, XML) == [(f"{DNSTVBND}/AantCtrcturenPWk", expected)]
    else:
        hours = parse(body, XML).items[0].employment.hours_per_week
        assert hours == expected
        assert hours is not None and hours.as_tuple().exponent == -2  # written with two decimals


def test_sent_at_reads_local_time_or_an_explicit_offset() -> None:
    def sent_at(clock: str, day: str = "2025-03-03") -> dt.datetime:
        body = xml(
            "sick-report.xml",
            ("<AantijdBr>09:15:00</AantijdBr>", f"<AantijdBr>{clock}</AantijdBr>"),
            ("<AandatBr>2025-03-03</AandatBr>", f"<AandatBr>{day}</AandatBr>"),
        )
        return parse(body, XML).envelope.sent_at

    assert sent_at("09:15:00") == dt.datetime(2025, 3, 3, 8, 15, tzinfo=dt.UTC)  # CET
    assert sent_at("09:15:00", "2025-07-01") == dt.datetime(2025, 7, 1, 7, 15, tzinfo=dt.UTC)
    assert sent_at("09:15:00Z") == dt.datetime(2025, 3, 3, 9, 15, tzinfo=dt.UTC)
    assert sent_at("09:15:00-05:00") == dt.datetime(2025, 3, 3, 14, 15, tzinfo=dt.UTC)
    assert sent_at("09:15:00.987") == dt.datetime(2025, 3, 3, 8, 15, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("instant", "clock"),
    [
        (dt.datetime(2025, 10, 26, 0, 30, tzinfo=dt.UTC), "02:30:00"),  # first 02:30 (CEST)
        (dt.datetime(2025, 10, 26, 1, 30, tzinfo=dt.UTC), "02:30:00+01:00"),  # repeated hour
        (dt.datetime(2025, 3, 30, 1, 30, tzinfo=dt.UTC), "03:30:00"),  # after the spring gap
    ],
)
def test_the_writer_adds_an_offset_only_in_the_repeated_autumn_hour(
    instant: dt.datetime, clock: str
) -> None:
    message = parse(example("sick-report.xml"), XML)
    message = replace(message, envelope=replace(message.envelope, sent_at=instant))
    assert f"<AantijdBr>{clock}</AantijdBr>".encode() in to_sivi(message)
    assert parse(to_sivi(message), XML).envelope.sent_at == instant
    assert parse(to_json(message), JSON).envelope.sent_at == instant


# --- the writers ----------------------------------------------------------------------------


def _sick_report() -> Message:
    return parse(example("sick-report.xml"), XML)


def test_items_of_one_employee_and_employment_share_their_elements() -> None:
    message = _sick_report()
    (item,) = message.items
    assert item.absence is not None
    second = replace(item, absence=replace(item.absence, absence_id="V-2025-0099"))
    other_job = replace(item, employment=replace(item.employment, external_id="D-1001-2"))
    message = replace(message, items=(item, second, other_job))
    body = to_sivi(message)
    assert (body.count(b"<Wrknmr>"), body.count(b"<Dnstvbnd>"), body.count(b"<Vrzm>")) == (1, 2, 3)
    assert parse(body, XML) == message


def test_more_than_99_absences_of_one_employment_are_split() -> None:
    message = _sick_report()
    (item,) = message.items
    assert item.absence is not None
    items = tuple(
        replace(item, absence=replace(item.absence, absence_id=f"V-{n}")) for n in range(100)
    )
    message = replace(message, items=items)
    body = to_sivi(message)
    assert (body.count(b"<Dnstvbnd>"), body.count(b"<Vrzm>")) == (2, 100)
    assert parse(body, XML) == message


def test_a_salary_travels_in_json_only() -> None:
    """SIVI has no element for a salary: to_sivi refuses it, JSON carries it."""
    new = parse(example("new-employee.json"), JSON)
    (item,) = new.items
    paid = replace(
        new,
        items=(
            replace(item, employment=replace(item.employment, annual_salary=Decimal("42000.00"))),
        ),
    )
    with pytest.raises(ValueError, match=r"annual_salary"):
        to_sivi(paid)
    assert parse(to_json(paid), JSON) == paid
    assert b"Jaarsalaris" not in to_sivi(new)


def test_a_required_value_hersteld_lacks_is_named_with_its_path() -> None:
    message = _sick_report()
    (item,) = message.items
    assert item.absence is not None
    bare = replace(
        message,
        employer=replace(message.employer, trade_name=None),
        items=(
            replace(
                item,
                employment=replace(item.employment, contacts=()),
                absence=replace(
                    item.absence,
                    contacts=(replace(item.absence.contacts[0], phone=None, email=None),),
                ),
            ),
        ),
    )
    with pytest.raises(codec.MissingData) as missing:
        to_sivi(bare)
    assert missing.value.paths == [
        "/Verzuimmeldingen/Wrkgvr[1]/HndlsnmOrg",
        f"{VRZM}/Cntprsn[1]/Com",
        f"{DNSTVBND}/Cntprsn",
    ]
    assert "the employer's name" in str(missing.value)
    stream_2 = parse(example("new-employee.xml"), XML)
    no_lhnr = replace(stream_2, employer=replace(stream_2.employer, payroll_tax_number=None))
    with pytest.raises(codec.MissingData, match="loonheffingennummer"):
        to_sivi(no_lhnr)


def test_the_writers_refuse_what_they_cannot_carry_exactly() -> None:
    message = _sick_report()
    (item,) = message.items
    assert item.employee.address is not None
    odd = replace(item.employee, address=replace(item.employee.address, postcode="9999ZZ"))
    with pytest.raises(ValueError, match=r"items\[0\]\.employee\.address\.postcode"):
        to_sivi(replace(message, items=(replace(item, employee=odd),)))
    as_employment = replace(message, envelope=replace(message.envelope, message_type="employment"))
    with pytest.raises(ValueError):
        to_sivi(replace(as_employment, items=(replace(item, absence=None),)))
    with pytest.raises(InvalidMessage):
        to_json(replace(message, items=(replace(item, absence=None),)))
    early = replace(message.envelope, sent_at=dt.datetime(2025, 3, 3, 8, 15, 0, 5, tzinfo=dt.UTC))
    with pytest.raises(ValueError, match=r"envelope\.sent_at"):
        to_json(replace(message, envelope=early))


def test_sivi_output_is_stable() -> None:
    message = _sick_report()
    assert to_sivi(parse(to_sivi(message), XML)) == to_sivi(message)
    assert to_json(parse(to_json(message), JSON)) == to_json(message)


# --- round trip property ---------------------------------------------------------------------

SAFE = st.characters(exclude_categories=("Cc", "Cs", "Cn"))
NO_DIGITS = st.characters(exclude_categories=("Cc", "Cs", "Cn", "Nd"))


def texts(max_size: int, alphabet: st.SearchStrategy[str] = SAFE) -> st.SearchStrategy[str]:
    return st.text(alphabet, min_size=1, max_size=max_size).map(str.strip).filter(bool)


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def decimals(maximum: Decimal) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=0, max_value=maximum, places=2)


no_at = texts(30).filter(lambda s: "@" not in s)
dutch_addresses = st.builds(
    Address,
    street=maybe(texts(80)),
    house_number=st.from_regex(r"[0-9]{1,5}", fullmatch=True),
    addition=maybe(texts(4)),
    postcode=st.from_regex(r"[1-9][0-9]{3}[A-Z]{2}", fullmatch=True).map(
        lambda p: f"{p[:4]} {p[4:]}"
    ),
    city=texts(24),
    country=st.just("NL"),
)
foreign_addresses = st.builds(
    Address,
    street=maybe(texts(80)),
    house_number=texts(9),
    postcode=maybe(texts(9)),
    city=texts(24),
    country=st.from_regex(r"[A-Z]{2}", fullmatch=True).filter(lambda c: c != "NL"),
)
people = st.builds(
    EmployeeData,
    external_id=texts(40),
    previous_external_id=maybe(texts(40)),
    bsn=maybe(st.from_regex(r"[0-9]{9}", fullmatch=True)),
    birth_date=st.dates(),
    surname=texts(200),
    surname_prefix=maybe(texts(10, NO_DIGITS)),
    initials=texts(6, NO_DIGITS),
    first_name=maybe(texts(35, NO_DIGITS)),
    gender=st.sampled_from(["M", "V", "O"]),
    address=maybe(dutch_addresses | foreign_addresses),
    phone=maybe(no_at),
    email=maybe(st.builds(lambda a, b: f"{a}@{b}", no_at, no_at)),
    name_use=st.sampled_from(codec.NAME_USE_CODES),
)
contacts = st.builds(
    ContactPerson,
    surname=texts(200),
    initials=maybe(texts(6, NO_DIGITS)),
    first_name=maybe(texts(35, NO_DIGITS)),
    role=st.sampled_from(codec.CONTACT_ROLES),
    phone=no_at,
    email=maybe(st.builds(lambda a, b: f"{a}@{b}", no_at, no_at)),
)
people_by_key = st.builds(
    EmployeeData,
    external_id=texts(40),
    previous_external_id=maybe(texts(40)),
    birth_date=st.dates(),
    gender=st.sampled_from(["M", "V", "O"]),
)


@st.composite
def employments(draw: st.DrawFn, *, salary: bool, contact: bool) -> EmploymentData:
    start = draw(st.dates())
    return EmploymentData(
        external_id=draw(texts(40)),
        previous_external_id=draw(maybe(texts(40))),
        personnel_number=draw(maybe(texts(35))),
        previous_personnel_number=draw(maybe(texts(35))),
        start_date=start,
        end_date=draw(maybe(st.dates(min_value=start))),
        end_reason=draw(maybe(st.sampled_from(codec.END_REASON_CODES))),
        department_code=draw(texts(70)),
        department_name=draw(maybe(texts(70))),
        function_name=draw(maybe(texts(35))),
        hours_per_week=draw(maybe(decimals(codec.MAX_HOURS))),
        valid_from=draw(maybe(st.dates())),
        contract_type=draw(maybe(st.sampled_from(["fixed", "permanent"]))),
        annual_salary=draw(maybe(decimals(MAX_SALARY))) if salary else None,
        contacts=tuple(draw(st.lists(contacts, min_size=1 if contact else 0, max_size=2))),
    )


@st.composite
def absences(draw: st.DrawFn) -> AbsenceMutation:
    kind = draw(st.sampled_from(codec.MUTATION_KINDS))
    ends = draw(st.booleans())
    first_day = draw(st.dates())
    after = st.dates(min_value=first_day)
    lines = draw(st.lists(texts(80), max_size=3))
    return AbsenceMutation(
        kind=kind,
        absence_id=draw(texts(40)),
        previous_absence_id=draw(maybe(texts(40))),
        sequence=draw(st.integers(0, 999)),
        mutation_date=draw(st.dates()),
        first_day=first_day,
        recovered_on=draw(after if kind == "recovery" and ends else maybe(after)),
        percentage=draw(decimals(Decimal(100))),
        therapeutic_percentage=draw(maybe(decimals(Decimal(100)))),
        safety_net=draw(maybe(st.booleans())),
        expected_recovery=draw(maybe(st.dates())),
        ends_absence=ends,
        note="\n".join(lines) or None,
        cause=draw(st.sampled_from(codec.CAUSE_CODES)),
        contacts=tuple(draw(st.lists(contacts, min_size=1, max_size=2))),
    )


def employers(draw: st.DrawFn) -> EmployerKey:
    return EmployerKey(
        employer_key=draw(texts(40)),
        connection_no=draw(texts(70)),
        trade_name=draw(texts(100)),
        payroll_tax_number=draw(texts(12)),
        contacts=tuple(draw(st.lists(contacts, max_size=2))),
    )


@st.composite
def messages(draw: st.DrawFn, *, sivi: bool = True) -> Message:
    """Messages both formats carry; `sivi`: also several Wrkgvr blocks, no salary (JSON-only)."""
    message_type = draw(st.sampled_from(codec.MESSAGE_TYPES))
    persons = draw(
        st.lists(people_by_key if message_type == "employment" else people, min_size=1, max_size=2)
    )
    jobs = draw(
        st.lists(
            employments(salary=not sivi, contact=message_type == "absence"),
            min_size=1,
            max_size=2,
        )
    )
    other = employers(draw) if sivi and draw(st.booleans()) else None
    items = tuple(
        Item(
            draw(st.sampled_from(persons)),
            draw(st.sampled_from(jobs)),
            draw(absences()) if message_type == "absence" else None,
            draw(st.sampled_from([None, other])) if index else None,  # the first: the message's
        )
        for index in range(draw(st.integers(1, 5)))
    )
    sent_at = draw(
        st.datetimes(
            min_value=dt.datetime(1970, 1, 2),
            max_value=dt.datetime(2999, 12, 30),
            timezones=st.just(dt.UTC),
        )
    )
    envelope = Envelope(
        message_ref=draw(texts(512)),
        message_type=message_type,
        sent_at=sent_at.replace(microsecond=0),
        sender=draw(texts(40)),
        receiver=draw(texts(40)),
        test=draw(st.booleans()),
        format="json",
        receipt_wanted=draw(st.booleans()),
    )
    employer = employers(draw)
    if other == employer:
        items = tuple(replace(item, employer=None) for item in items)
    return Message(envelope, employer, items)


ROUND_TRIP = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@ROUND_TRIP
@given(messages())
def test_round_trip_through_sivi(message: Message) -> None:
    written = parse(to_sivi(message), XML)
    assert written == message
    assert written.envelope.format == "sivi"


@ROUND_TRIP
@given(messages(sivi=False))
def test_round_trip_through_json(message: Message) -> None:
    written = parse(to_json(message), JSON)
    assert written == message
    assert written.envelope.format == "json"


@ROUND_TRIP
@given(messages(sivi=False))
def test_the_two_formats_carry_the_same_message(message: Message) -> None:
    message = replace(
        message,
        items=tuple(
            replace(item, employment=replace(item.employment, annual_salary=None))
            for item in message.items
        ),
    )
    assert parse(to_json(parse(to_sivi(message), XML)), JSON) == message


def test_a_message_without_the_2022_namespace_is_refused() -> None:
    """The official schemas define the namespace: without it a message is not SIVI 2022."""
    body = (EXAMPLES / "sick-report.xml").read_bytes()
    plain = body.replace(
        b' xmlns="http://www.sivi.org/Verzuimmanagement/Verzuimmeldingen/2022"', b""
    )
    assert plain != body
    assert errors_of(plain, XML) == [("/Verzuimmeldingen", "unknown_message_type")]
    wrong = body.replace(b"Verzuimmanagement/Verzuimmeldingen/2022", b"example.org/other")
    with pytest.raises(InvalidMessage) as refused:
        parse(wrong, "application/xml")
    assert refused.value.errors[0].rule == "unknown_message_type"
