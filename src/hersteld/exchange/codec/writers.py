"""Writing a message as SIVI XML or Hersteld JSON, each checked by reading it back."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import fields, is_dataclass
from decimal import Decimal
from typing import Any

from hersteld.exchange.codec.model import (
    CONTRACT_CODES,
    EMAIL_CODE,
    EXTENSION_NAMESPACE,
    HOME_ADDRESS_CODE,
    JSON_CONTENT_TYPE,
    LOCAL_TZ,
    PHONE_CODE,
    SIVI_CONTENT_TYPE,
    SIVI_MESSAGE_TYPES,
    SIVI_NAMESPACE_BASE,
    SIVI_RELEASE,
    SOFTWARE,
    AbsenceMutation,
    EmployeeData,
    EmploymentData,
    Item,
    Message,
    processing_code,
)
from hersteld.exchange.codec.parsing import parse

# --- writing ------------------------------------------------------------------------------


def to_sivi(message: Message) -> bytes:
    """The message as SIVI XML (2022 namespaces, subset elements only, UTF-8, indented)."""
    body = _write_sivi(message)
    _check_written(message, body, SIVI_CONTENT_TYPE)
    return body


def to_json(message: Message) -> bytes:
    """The message in the Hersteld JSON format (UTF-8, indented; absent fields left out)."""
    body = (json.dumps(_json_document(message), ensure_ascii=False, indent=2) + "\n").encode()
    _check_written(message, body, JSON_CONTENT_TYPE)
    return body


def _check_written(message: Message, body: bytes, content_type: str) -> None:
    """The writers' guarantee: what they write reads back as the same message."""
    written = parse(body, content_type)
    if written != message:
        differences = ", ".join(_differences(message, written)) or "message"
        raise ValueError(
            f"the message cannot be written as {content_type} without change: {differences} "
            "(is every value in canonical form and allowed for the message type?)"
        )


def _differences(expected: object, actual: object, path: str = "") -> list[str]:
    if is_dataclass(expected) and not isinstance(expected, type) and type(expected) is type(actual):
        found: list[str] = []
        for f in fields(expected):
            if f.compare:
                where = f"{path}.{f.name}" if path else f.name
                found += _differences(getattr(expected, f.name), getattr(actual, f.name), where)
        return found
    if isinstance(expected, tuple) and isinstance(actual, tuple) and len(expected) == len(actual):
        found = []
        for index, (a, b) in enumerate(zip(expected, actual, strict=True)):
            found += _differences(a, b, f"{path}[{index}]")
        return found
    return [] if expected == actual else [path or "message"]


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


_Node = tuple[str, "str | list[_Node]"]


def _leaf(tag: str, value: str | None) -> list[_Node]:
    return [] if value is None else [(tag, value)]


def _date_leaf(tag: str, value: dt.date | None) -> list[_Node]:
    return [] if value is None else [(tag, value.isoformat())]


def _number_leaf(tag: str, value: Decimal | None) -> list[_Node]:
    return [] if value is None else [(tag, _number(value))]


def _sivi_employee(employee: EmployeeData) -> list[_Node]:
    nodes: list[_Node] = [
        *_leaf("SofiNr", employee.bsn),
        ("Gebdat", employee.birth_date.isoformat()),
        *_leaf("SignNm", employee.surname),
        *_leaf("Voorl", employee.initials),
        *_leaf("Voorv", employee.surname_prefix),
        *_leaf("Roepnaam", employee.first_name),
        ("GslchtCd", employee.gender),
        ("IdWrknmr", employee.external_id),
        *_leaf("IdWrknmrOud", employee.previous_external_id),
    ]
    address = employee.address
    if address is not None and address.country == "NL":
        postcode = (address.postcode or "").replace(" ", "")
        nodes.append(
            (
                "StrAdrNl",
                [
                    ("SrtAdrsCd", HOME_ADDRESS_CODE),
                    ("Pc", postcode),
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


def _sivi_employment(employment: EmploymentData) -> list[_Node]:
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
        ("OrgeenhCd", employment.department_code),
        *_leaf(
            "CdBepTd", contract.get(employment.contract_type) if employment.contract_type else None
        ),
        *_number_leaf("AantCtrcturenPWk", employment.hours_per_week),
        *_number_leaf("hx:Jaarsalaris", employment.annual_salary),
    ]


def _sivi_absence(absence: AbsenceMutation) -> list[_Node]:
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
        ("VngntJN", _jn(absence.safety_net)),
        *_number_leaf("PrcArbther", absence.therapeutic_percentage),
        *notes,
    ]


def _grouped(items: Iterable[Item]) -> list[_Node]:
    """Wrknmr elements: consecutive items of one employee (and employment) share an element."""
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
    return [
        (
            "Wrknmr",
            [
                *_sivi_employee(employee),
                *[
                    (
                        "Dnstvbnd",
                        [
                            *_sivi_employment(employment),
                            *[("Vrzm", _sivi_absence(absence)) for absence in absences],
                        ],
                    )
                    for employment, absences in employments
                ],
            ],
        )
        for employee, employments in groups
    ]


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


def _write_sivi(message: Message) -> bytes:
    envelope = message.envelope
    spec = SIVI_MESSAGE_TYPES[envelope.message_type]
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
    employer: list[_Node] = [
        ("IdWrkgvrArbdnst", message.employer.employer_key),
        ("AansltnrGeguitwlngArbdnst", message.employer.connection_no),
        *_grouped(message.items),
    ]
    out = ['<?xml version="1.0" encoding="UTF-8"?>']
    namespaces = f' xmlns="{SIVI_NAMESPACE_BASE}{spec.root}/{SIVI_RELEASE}"'
    if any(item.employment.annual_salary is not None for item in message.items):
        namespaces += f' xmlns:hx="{EXTENSION_NAMESPACE}"'
    out.append(f"<{spec.root}{namespaces}>")
    _render(("BrAlg", header), 1, out)
    _render(("Wrkgvr", employer), 1, out)
    out.append(f"</{spec.root}>")
    return ("\n".join(out) + "\n").encode()


def _json_document(message: Message) -> dict[str, Any]:
    envelope = message.envelope
    return {
        "message_id": envelope.message_ref,
        "message_type": envelope.message_type,
        "sent_at": envelope.sent_at.astimezone(LOCAL_TZ).isoformat(),
        "sender": envelope.sender,
        "receiver": envelope.receiver,
        "test": envelope.test,
        "receipt_wanted": envelope.receipt_wanted,
        "employer": {
            "employer_key": message.employer.employer_key,
            "connection_no": message.employer.connection_no,
        },
        "items": [_json_item(item) for item in message.items],
    }


def _present(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def _iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else _number(value)


def _json_item(item: Item) -> dict[str, Any]:
    employee, employment, absence = item.employee, item.employment, item.absence
    address = employee.address
    result: dict[str, Any] = {
        "employee": _present(
            {
                "external_id": employee.external_id,
                "previous_external_id": employee.previous_external_id,
                "bsn": employee.bsn,
                "birth_date": employee.birth_date.isoformat(),
                "surname": employee.surname,
                "surname_prefix": employee.surname_prefix,
                "initials": employee.initials,
                "first_name": employee.first_name,
                "gender": employee.gender,
                "address": None
                if address is None
                else _present(
                    {
                        "street": address.street,
                        "house_number": address.house_number,
                        "addition": address.addition,
                        "postcode": address.postcode,
                        "city": address.city,
                        "country": address.country,
                    }
                ),
                "phone": employee.phone,
                "email": employee.email,
            }
        ),
        "employment": _present(
            {
                "external_id": employment.external_id,
                "previous_external_id": employment.previous_external_id,
                "personnel_number": employment.personnel_number,
                "previous_personnel_number": employment.previous_personnel_number,
                "start_date": employment.start_date.isoformat(),
                "end_date": _iso(employment.end_date),
                "end_reason": employment.end_reason,
                "department_code": employment.department_code,
                "department_name": employment.department_name,
                "function_name": employment.function_name,
                "hours_per_week": _decimal_text(employment.hours_per_week),
                "valid_from": _iso(employment.valid_from),
                "contract_type": employment.contract_type,
                "annual_salary": _decimal_text(employment.annual_salary),
            }
        ),
    }
    if absence is not None:
        result["absence"] = _present(
            {
                "kind": absence.kind,
                "absence_id": absence.absence_id,
                "previous_absence_id": absence.previous_absence_id,
                "sequence": absence.sequence,
                "mutation_date": absence.mutation_date.isoformat(),
                "first_day": absence.first_day.isoformat(),
                "recovered_on": _iso(absence.recovered_on),
                "expected_recovery": _iso(absence.expected_recovery),
                "percentage": _number(absence.percentage),
                "therapeutic_percentage": _decimal_text(absence.therapeutic_percentage),
                "safety_net": absence.safety_net,
                "ends_absence": absence.ends_absence,
                "note": absence.note,
            }
        )
    return result
