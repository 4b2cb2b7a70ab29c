"""Writing a message as SIVI XML or Hersteld JSON, each checked by reading it back."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import fields, is_dataclass
from decimal import Decimal
from typing import Any

from hersteld.exchange.codec.model import (
    JSON_CONTENT_TYPE,
    LOCAL_TZ,
    OTHER_CAUSE,
    OWN_NAME,
    SIVI_CONTENT_TYPE,
    ContactPerson,
    Item,
    Message,
)
from hersteld.exchange.codec.parsing import parse
from hersteld.exchange.codec.sivi_writer import write_sivi

# --- writing ------------------------------------------------------------------------------


def to_sivi(message: Message) -> bytes:
    """The message as SIVI XML (release 2022, UTF-8, indented), valid against the official schema.

    Raises MissingData (a ValueError) naming each required element Hersteld has no value for,
    and ValueError for a value the format cannot carry (or carry exactly).
    """
    body = write_sivi(message)
    _check_written(message, body, SIVI_CONTENT_TYPE)
    return body


def to_json(message: Message) -> bytes:
    """The message in the Hersteld JSON format (UTF-8, indented; absent fields left out)."""
    body = (json.dumps(_json_document(message), ensure_ascii=False, indent=2) + "\n").encode()
    _check_written(message, body, JSON_CONTENT_TYPE)
    return body


def _check_written(message: Message, body: bytes, content_type: str) -> None:
    """The writers' guarantee: what they write reads back as the same message."""
    written = parse(body, content_type)  # SIVI: validated against the official schema
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


def _number(value: Decimal) -> str:
    return f"{value:.2f}"


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
        "employer": _present(
            {
                "employer_key": message.employer.employer_key,
                "connection_no": message.employer.connection_no,
                "trade_name": message.employer.trade_name,
                "payroll_tax_number": message.employer.payroll_tax_number,
                "contacts": _json_contacts(message.employer.contacts),
            }
        ),
        "items": [_json_item(item) for item in message.items],
    }


def _present(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def _json_contacts(contacts: tuple[ContactPerson, ...]) -> list[dict[str, Any]] | None:
    if not contacts:
        return None
    return [
        _present(
            {
                "surname": contact.surname,
                "initials": contact.initials,
                "first_name": contact.first_name,
                "role": contact.role,
                "phone": contact.phone,
                "email": contact.email,
            }
        )
        for contact in contacts
    ]


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
                "name_use": None if employee.name_use == OWN_NAME else employee.name_use,
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
                "contacts": _json_contacts(employment.contacts),
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
                "cause": None if absence.cause == OTHER_CAUSE else absence.cause,
                "contacts": _json_contacts(absence.contacts),
            }
        )
    return result
