"""Reading Hersteld JSON: strict parsing (no NaN, no duplicate keys) and the JSON envelope."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from hersteld.exchange.codec.model import (
    MESSAGE_TYPES,
    CodecError,
    Envelope,
    Format,
    InvalidMessage,
    Item,
    Message,
    MessageType,
)
from hersteld.exchange.codec.reading import (
    _INVALID,
    _NO_TIME,
    K,
    _Invalid,
    _Key,
    _read_absence,
    _read_employee,
    _read_employer,
    _read_employment,
    _Reader,
)
from hersteld.exchange.codec.values import _country, _datetime, _email, _json_note, _phone, _shown


def _pointer_token(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


class _JsonReader(_Reader):
    fmt: Format = "json"

    def __init__(self, obj: dict[str, Any], path: str, errors: list[CodecError]) -> None:
        super().__init__(path, errors)
        self.obj = obj
        self.seen: set[str] = set()

    def name(self, key: _Key) -> str:
        return _pointer_token(key.json)

    def _value(self, key: _Key) -> Any:
        self.seen.add(key.json)
        return self.obj.get(key.json)

    def has(self, key: _Key) -> bool:
        return self._value(key) is not None

    def raw(self, key: _Key, *, numeric: bool = False) -> str | _Invalid | None:
        value = self._value(key)
        if value is None:
            return None
        if isinstance(value, str):
            return value.strip() or None
        if numeric and isinstance(value, int | Decimal) and not isinstance(value, bool):
            return str(value)
        self.fail(key, "type", "expected a number or a string" if numeric else "expected a string")
        return _INVALID

    def flag(self, key: _Key, *, unknown_ok: bool = False) -> bool | None:
        value = self._value(key)
        if value is None or isinstance(value, bool):
            return value
        self.fail(key, "type", "expected true, false or null")
        return None

    def forbid(self, key: _Key) -> None:
        if self._value(key) is not None:
            self.fail(key, "not_allowed", f"{key.json} is not allowed here")

    def children(self, key: _Key, *, min_occurs: int, max_occurs: int | None) -> list[_Reader]:
        value = self._value(key)
        if max_occurs == 1:  # a single object
            if value is None:
                if min_occurs:
                    self.fail(key, "required", f"{key.json} is required")
                return []
            if not isinstance(value, dict):
                self.fail(key, "type", "expected an object")
                return []
            return [_JsonReader(value, self.at(key), self.errors)]
        if value is None:
            value = []
        if not isinstance(value, list):
            self.fail(key, "type", "expected an array")
            return []
        if len(value) < min_occurs:
            self.fail(key, "required", f"{key.json} needs at least {min_occurs} element(s)")
        if max_occurs is not None and len(value) > max_occurs:
            self.errors.append(
                CodecError(f"{self.at(key)}/{max_occurs}", "max_occurs", f"at most {max_occurs}")
            )
            value = value[:max_occurs]
        readers: list[_Reader] = []
        for index, element in enumerate(value):
            path = f"{self.at(key)}/{index}"
            if isinstance(element, dict):
                readers.append(_JsonReader(element, path, self.errors))
            else:
                self.errors.append(CodecError(path, "type", "expected an object"))
        return readers

    def address_source(self) -> tuple[_Reader, str] | None:
        address = self.child(K("", "address"), required=False)
        if address is None:
            return None
        return address, address.get(K("", "country"), _country) or "NL"

    def communication(self) -> tuple[str | None, str | None]:
        return self.get(K("", "phone"), _phone), self.get(K("", "email"), _email)

    def note(self) -> str | None:
        return self.get(K("", "note"), _json_note) or None

    def finish(self) -> None:
        for name in self.obj:
            if name not in self.seen:
                self.errors.append(
                    CodecError(
                        f"{self.path}/{_pointer_token(name)}",
                        "unknown_field",
                        f"unknown field {_shown(name)}",
                    )
                )


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise ValueError(f"duplicate key {_shown(key)}")
        obj[key] = value
    return obj


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _parse_json(body: bytes) -> Message:
    try:
        data = json.loads(
            body.decode("utf-8-sig"),
            parse_float=Decimal,
            parse_constant=_no_constant,
            object_pairs_hook=_unique_keys,
        )
    except UnicodeDecodeError as exc:
        raise InvalidMessage(
            [CodecError("/", "malformed_json", f"not UTF-8 at byte {exc.start}")]
        ) from None
    except (ValueError, RecursionError) as exc:
        raise InvalidMessage(
            [CodecError("/", "malformed_json", str(exc) or type(exc).__name__)]
        ) from None
    if not isinstance(data, dict):
        raise InvalidMessage([CodecError("/", "type", "the message is a JSON object")])
    errors: list[CodecError] = []
    r = _JsonReader(data, "", errors)
    message_ref = r.text(K("", "message_id"), 512, required=True)
    message_type = _json_message_type(r, data)
    sent_at = r.get(K("", "sent_at"), _datetime, required=True)
    sender = r.text(K("", "sender"), 40, required=True)
    receiver = r.text(K("", "receiver"), 40, required=True)
    test = r.flag(K("", "test"))
    receipt_wanted = r.flag(K("", "receipt_wanted"))
    employer_reader = r.child(K("", "employer"), required=True)
    employer = _read_employer(employer_reader) if employer_reader else None
    items: list[Item] = []
    for item in r.children(K("", "items"), min_occurs=1, max_occurs=None):
        employee_reader = item.child(K("", "employee"), required=True)
        employment_reader = item.child(K("", "employment"), required=True)
        absence_reader = None
        if message_type == "absence":
            absence_reader = item.child(K("", "absence"), required=True)
        else:
            item.forbid(K("", "absence"))
        item.finish()
        if employee_reader is None or employment_reader is None:
            continue
        employee = _read_employee(employee_reader, message_type)
        employment = _read_employment(employment_reader)
        absence = _read_absence(absence_reader) if absence_reader else None
        items.append(Item(employee, employment, absence))
    r.finish()
    if errors or employer is None:
        raise InvalidMessage(errors)
    envelope = Envelope(
        message_ref=message_ref or "",
        message_type=message_type,
        sent_at=sent_at or _NO_TIME,
        sender=sender or "",
        receiver=receiver or "",
        test=bool(test),
        format="json",
        receipt_wanted=bool(receipt_wanted),
    )
    return Message(envelope, employer, tuple(items))


def _json_message_type(r: _Reader, data: dict[str, Any]) -> MessageType:
    """message_type, or by default `absence` when an item has an absence, else `employee`."""
    key = K("", "message_type")
    raw = r.raw(key)
    if isinstance(raw, str):
        for message_type in MESSAGE_TYPES:
            if raw == message_type:
                return message_type
        r.fail(key, "unknown_message_type", f"expected one of {', '.join(MESSAGE_TYPES)}")
    items = data.get("items")
    if isinstance(items, list) and any(
        isinstance(item, dict) and item.get("absence") is not None for item in items
    ):
        return "absence"
    return "employee"
