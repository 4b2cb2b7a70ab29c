"""Writing SIVI XML: every element the official 2022 schema requires, in the schema's order.

A required element whose value Hersteld does not know (the employer's trade name, the
loonheffingennummer of stream 2, a contact person, ...) is not invented: `MissingData` names
every such element with its path, so the outbox holds the message as failed and the casemanager
can complete the data. What is written is validated against the official schema by reading it
back (`writers.to_sivi`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Final

from hersteld.exchange.codec.model import (
    CONTACT_EMAIL_CODE,
    CONTACT_PHONE_CODE,
    CONTRACT_CODES,
    EMAIL_CODE,
    HOME_ADDRESS_CODE,
    LOCAL_TZ,
    PHONE_CODE,
    SIVI_MESSAGE_TYPES,
    SIVI_NAMESPACE_BASE,
    SIVI_RELEASE,
    SOFTWARE,
    AbsenceMutation,
    ContactPerson,
    EmployeeData,
    EmployerKey,
    EmploymentData,
    Item,
    Message,
    MessageType,
    processing_code,
)

# What the casemanager has to complete when an element is missing (by element name).
MISSING_HINTS: Final[Mapping[str, str]] = {
    "HndlsnmOrg": "the employer's name",
    "Lhnr": "the employer's loonheffingennummer",
    "SignNm": "the employee's surname",
    "Voorl": "the employee's initials",
    "OrgeenhCd": "the department code",
    "Cntprsn": "a contact person with a phone number or e-mail address",
    "Achternaam": "the contact person's name",
    "Com": "the contact person's phone number or e-mail address",
}


class MissingData(ValueError):
    """A message cannot be made valid: required elements have no value in Hersteld."""

    def __init__(self, paths: Iterable[str]) -> None:
        self.paths = list(paths)
        shown = "; ".join(
            f"{path} ({MISSING_HINTS.get(_element(path), 'a required value')})"
            for path in self.paths[:5]
        )
        more = f" (and {len(self.paths) - 5} more)" if len(self.paths) > 5 else ""
        super().__init__(f"required SIVI element(s) without a value: {shown}{more}")


def _element(path: str) -> str:
    return path.rsplit("/", 1)[-1].split("[", 1)[0]


_Node = tuple[str, "str | list[_Node]"]


def _jn(value: bool | None) -> str:
    return "O" if value is None else "J" if value else "N"


def _number(value: Decimal) -> str:
    return f"{value:.2f}"


def _local(instant: dt.datetime) -> tuple[str, str]:
    """AandatBr and AantijdBr: Amsterdam local time; with an offset only where it is ambiguous."""
    local = instant.astimezone(LOCAL_TZ)
    clock = local.strftime("%H:%M:%S")
    as_read = local.replace(tzinfo=None, fold=0).replace(tzinfo=LOCAL_TZ)  # what parse makes of it
    if as_read.astimezone(dt.UTC) != instant:
        offset = local.strftime("%z")
        clock += f"{offset[:3]}:{offset[3:]}"
    return local.date().isoformat(), clock


def _leaf(tag: str, value: str | None) -> list[_Node]:
    return [] if value is None else [(tag, value)]


def _date_leaf(tag: str, value: dt.date | None) -> list[_Node]:
    return [] if value is None else [(tag, value.isoformat())]


def _number_leaf(tag: str, value: Decimal | None) -> list[_Node]:
    return [] if value is None else [(tag, _number(value))]


class _Writer:
    """Builds the element tree of one message and collects the required values it lacks."""

    def __init__(self, message_type: MessageType) -> None:
        self.message_type = message_type
        self.missing: list[str] = []

    def required(self, path: str, tag: str, value: str | None) -> list[_Node]:
        if value is None or not value.strip():
            self.missing.append(f"{path}/{tag}")
            return []
        return [(tag, value)]

    # contact persons (Cntprsn): the same group under Wrkgvr, Dnstvbnd and Vrzm

    def contacts(
        self, path: str, contacts: tuple[ContactPerson, ...], *, required: bool
    ) -> list[_Node]:
        if not contacts:
            if required:
                self.missing.append(f"{path}/Cntprsn")
            return []
        nodes: list[_Node] = []
        for index, contact in enumerate(contacts[:9], 1):
            at = f"{path}/Cntprsn[{index}]"
            numbers: list[_Node] = []
            if contact.phone:
                numbers.append(
                    ("Com", [("SrtComCd", CONTACT_PHONE_CODE), ("NrCom", contact.phone)])
                )
            if contact.email:
                numbers.append(
                    ("Com", [("SrtComCd", CONTACT_EMAIL_CODE), ("NrCom", contact.email)])
                )
            if not numbers:
                self.missing.append(f"{at}/Com")
            nodes.append(
                (
                    "Cntprsn",
                    [
                        *self.required(at, "Achternaam", contact.surname),
                        *_leaf("Voorl", contact.initials),
                        *_leaf("Roepnaam", contact.first_name),
                        ("RolCntprsnCd", contact.role),
                        *numbers,
                    ],
                )
            )
        return nodes

    def employer(self, path: str, employer: EmployerKey) -> list[_Node]:
        payroll = (
            self.required(path, "Lhnr", employer.payroll_tax_number)
            if self.message_type != "absence"
            else _leaf("Lhnr", employer.payroll_tax_number)
        )
        return [
            *self.required(path, "HndlsnmOrg", employer.trade_name),
            ("IdWrkgvrArbdnst", employer.employer_key),
            ("AansltnrGeguitwlngArbdnst", employer.connection_no),
            *payroll,
            *self.contacts(path, employer.contacts, required=False),
        ]

    def employee(self, path: str, employee: EmployeeData) -> list[_Node]:
        if self.message_type == "employment":  # Dienstverbanden: keys, birth date and gender
            return [
                ("Gebdat", employee.birth_date.isoformat()),
                ("GslchtCd", employee.gender),
                ("IdWrknmr", employee.external_id),
                *_leaf("IdWrknmrOud", employee.previous_external_id),
            ]
        nodes: list[_Node] = [
            *_leaf("SofiNr", employee.bsn),
            ("Gebdat", employee.birth_date.isoformat()),
            *self.required(path, "SignNm", employee.surname),
            *self.required(path, "Voorl", employee.initials),
            *_leaf("Voorv", employee.surname_prefix),
            *_leaf("Roepnaam", employee.first_name),
            ("NmvrkrCd", employee.name_use),
            ("GslchtCd", employee.gender),
            ("IdWrknmr", employee.external_id),
            *_leaf("IdWrknmrOud", employee.previous_external_id),
        ]
        address = employee.address
        if address is not None and address.country == "NL":
            nodes.append(
                (
                    "StrAdrNl",
                    [
                        ("SrtAdrsCd", HOME_ADDRESS_CODE),
                        ("Pc", (address.postcode or "").replace(" ", "")),
                        ("Wnpl", address.city),
                        *_leaf("StraatLang", address.street),
                        ("Huisnr", address.house_number),
                        *_leaf("HuisToev", address.addition),
                    ],
                )
            )
        elif address is not None:
            nodes.append(
                (
                    "StrAdrBl",
                    [
                        ("SrtAdrsCd", HOME_ADDRESS_CODE),
                        *_leaf("PcBtl", address.postcode),
                        ("WnplBtl", address.city),
                        ("LandCd", address.country),
                        *_leaf("StraatLang", address.street),
                        ("HuisnrBtl", address.house_number),
                    ],
                )
            )
        if employee.phone is not None:
            nodes.append(("Com", [("SrtComCd", PHONE_CODE), ("NrCom", employee.phone)]))
        if employee.email is not None:
            nodes.append(("Com", [("SrtComCd", EMAIL_CODE), ("NrCom", employee.email)]))
        return nodes

    def employment(
        self, path: str, employment: EmploymentData, absences: list[AbsenceMutation]
    ) -> list[_Node]:
        contract = {v: k for k, v in CONTRACT_CODES.items()}
        return [
            *_date_leaf("IngdatMut", employment.valid_from),
            ("IdDnstvbnd", employment.external_id),
            *_leaf("IdDnstvbndOud", employment.previous_external_id),
            ("Ingdat", employment.start_date.isoformat()),
            *_date_leaf("Enddat", employment.end_date),
            *_leaf("RdEndDnstvbndCd", employment.end_reason),
            *_leaf("PersNr", employment.personnel_number),
            *_leaf("PersNrOud", employment.previous_personnel_number),
            *_leaf("NmFnct", employment.function_name),
            *_leaf("NmOrgeenh", employment.department_name),
            *self.required(path, "OrgeenhCd", employment.department_code),
            *_leaf(
                "CdBepTd",
                contract.get(employment.contract_type) if employment.contract_type else None,
            ),
            *_number_leaf("AantCtrcturenPWk", employment.hours_per_week),
            *[
                ("Vrzm", self.absence(f"{path}/Vrzm[{index}]", absence))
                for index, absence in enumerate(absences, 1)
            ],
            *self.contacts(path, employment.contacts, required=self.message_type == "absence"),
        ]

    def absence(self, path: str, absence: AbsenceMutation) -> list[_Node]:
        lines = absence.note.split("\n") if absence.note else []
        notes: list[_Node] = [("VrTkst", [("VrijeTekst", line)]) for line in lines]
        return [
            ("VrwrkCd", processing_code(absence)),
            ("IngdatMutVrzm", absence.mutation_date.isoformat()),
            ("VrzmgvlId", absence.absence_id),
            *_leaf("VrzmgvlIdOud", absence.previous_absence_id),
            ("VrzmgvlVnrMld", str(absence.sequence)),
            ("EndVrzmJN", _jn(absence.ends_absence)),
            ("DatEerstVrzmdg", absence.first_day.isoformat()),
            *_date_leaf("DatHrstld", absence.recovered_on),
            *_date_leaf("DatVrwHrstl", absence.expected_recovery),
            ("PrcVrzm", _number(absence.percentage)),
            ("OorzkVrzmCd", absence.cause),
            ("VngntJN", _jn(absence.safety_net)),
            *_number_leaf("PrcArbther", absence.therapeutic_percentage),
            *self.contacts(path, absence.contacts, required=True),
            *notes,
        ]

    def blocks(self, root: str, message: Message) -> list[_Node]:
        """Wrkgvr blocks: consecutive items of one employer share a block, of one employee a
        Wrknmr, of one employment (with absences) a Dnstvbnd."""
        blocks: list[tuple[EmployerKey, list[Item]]] = []
        for item in message.items:
            employer = item.employer or message.employer
            if blocks and blocks[-1][0] == employer:
                blocks[-1][1].append(item)
            else:
                blocks.append((employer, [item]))
        if not blocks:
            blocks.append((message.employer, []))
        nodes: list[_Node] = []
        for number, (employer, items) in enumerate(blocks, 1):
            path = f"/{root}/Wrkgvr[{number}]"
            header = self.employer(path, employer)  # first: the missing values in document order
            nodes.append(("Wrkgvr", [*header, *self.people(path, items)]))
        return nodes

    def people(self, path: str, items: list[Item]) -> list[_Node]:
        groups: list[tuple[EmployeeData, list[tuple[EmploymentData, list[AbsenceMutation]]]]] = []
        for item in items:
            employments = groups[-1][1] if groups and groups[-1][0] == item.employee else None
            if employments is not None and item.absence is not None:
                last, absences = employments[-1]
                if last == item.employment and absences and len(absences) < 99:
                    absences.append(item.absence)
                    continue
            new = (item.employment, [item.absence] if item.absence else [])
            if employments is not None and len(employments) < 99:
                employments.append(new)
            else:
                groups.append((item.employee, [new]))
        nodes: list[_Node] = []
        for number, (employee, employments) in enumerate(groups, 1):
            at = f"{path}/Wrknmr[{number}]"
            nodes.append(
                (
                    "Wrknmr",
                    [
                        *self.employee(at, employee),
                        *[
                            ("Dnstvbnd", self.employment(f"{at}/Dnstvbnd[{index}]", job, absences))
                            for index, (job, absences) in enumerate(employments, 1)
                        ],
                    ],
                )
            )
        return nodes


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _render(node: _Node, depth: int, out: list[str]) -> None:
    tag, content = node
    pad = "  " * depth
    if isinstance(content, str):
        out.append(f"{pad}<{tag}>{_escape(content)}</{tag}>")
        return
    out.append(f"{pad}<{tag}>")
    for child in content:
        _render(child, depth + 1, out)
    out.append(f"{pad}</{tag}>")


def write_sivi(message: Message) -> bytes:
    """The message as SIVI XML (2022), or MissingData naming every required element unknown."""
    envelope = message.envelope
    spec = SIVI_MESSAGE_TYPES[envelope.message_type]
    salaried = [
        index
        for index, item in enumerate(message.items)
        if item.employment.annual_salary is not None
    ]
    if salaried:  # the standard has no salary element (see docs/exchange-format.md)
        raise ValueError(
            f"items[{salaried[0]}].employment.annual_salary: SIVI has no element for a salary"
        )
    day, clock = _local(envelope.sent_at)
    header: list[_Node] = [
        ("BrCd", spec.code),
        ("VnrBrCd", spec.version),
        ("AandatBr", day),
        ("AantijdBr", clock),
        ("IdInzndr", envelope.sender),
        ("GebrSwPakket", SOFTWARE),
        ("IdOntvngr", envelope.receiver),
        ("Berrefnr", envelope.message_ref),
        ("TestJN", _jn(envelope.test)),
        ("OntvngstbevJN", _jn(envelope.receipt_wanted)),
    ]
    writer = _Writer(envelope.message_type)
    blocks = writer.blocks(spec.root, message)
    if writer.missing:
        raise MissingData(writer.missing)
    out = ['<?xml version="1.0" encoding="UTF-8"?>']
    out.append(f'<{spec.root} xmlns="{SIVI_NAMESPACE_BASE}{spec.root}/{SIVI_RELEASE}">')
    _render(("BrAlg", header), 1, out)
    for block in blocks:
        _render(block, 1, out)
    out.append(f"</{spec.root}>")
    return ("\n".join(out) + "\n").encode()
