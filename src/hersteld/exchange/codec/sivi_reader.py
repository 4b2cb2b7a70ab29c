"""Reading SIVI XML: safe expat parsing (no DOCTYPE, limits) and the SIVI header and body."""

from __future__ import annotations

from typing import Final
from xml.etree import ElementTree as ET
from xml.parsers import expat

from hersteld.exchange.codec import schema
from hersteld.exchange.codec.model import (
    COMMUNICATION_CODES,
    HOME_ADDRESS_CODE,
    MAX_NOTE_LINES,
    MAX_XML_DEPTH,
    MAX_XML_ELEMENTS,
    SIVI_MESSAGE_TYPES,
    SIVI_NAMESPACE_BASE,
    SIVI_RELEASE,
    CodecError,
    EmployerKey,
    Envelope,
    Format,
    InvalidMessage,
    Item,
    Message,
    MessageType,
)
from hersteld.exchange.codec.reading import (
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
from hersteld.exchange.codec.values import (
    _Bad,
    _choice,
    _country,
    _instant,
    _note_lines,
    _shown,
    _time,
)


class _XmlReader(_Reader):
    fmt: Format = "sivi"

    def __init__(
        self, element: ET.Element, path: str, namespace: str, errors: list[CodecError]
    ) -> None:
        super().__init__(path, errors)
        self.element = element
        self.namespace = namespace

    def name(self, key: _Key) -> str:
        return key.sivi

    def _elements(self, key: _Key) -> list[ET.Element]:
        if not key.sivi:  # a JSON-only field
            return []
        tag = f"{{{self.namespace}}}{key.sivi}" if self.namespace else key.sivi
        return [child for child in self.element if child.tag == tag]

    def has(self, key: _Key) -> bool:
        return bool(self._elements(key))

    def raw(self, key: _Key, *, numeric: bool = False) -> str | _Invalid | None:
        found = self._elements(key)
        if not found:
            return None
        if len(found) > 1:
            self.errors.append(
                CodecError(f"{self.at(key)}[2]", "max_occurs", f"{key.sivi} may occur only once")
            )
        text = (found[0].text or "").strip()
        return text or None

    def flag(self, key: _Key, *, unknown_ok: bool = False) -> bool | None:
        values: dict[str, bool | None] = {"J": True, "N": False}
        if unknown_ok:
            values["O"] = None
        return self.get(key, _choice(values), required=True)

    def forbid(self, key: _Key) -> None:
        return None

    def children(self, key: _Key, *, min_occurs: int, max_occurs: int | None) -> list[_Reader]:
        found = self._elements(key)
        if len(found) < min_occurs:
            self.fail(key, "required", f"{key.sivi} is required")
        if max_occurs is not None and len(found) > max_occurs:
            self.errors.append(
                CodecError(
                    f"{self.at(key)}[{max_occurs + 1}]",
                    "max_occurs",
                    f"{key.sivi} may occur at most {max_occurs} time(s)",
                )
            )
            found = found[:max_occurs]
        path = self.at(key)
        return [
            _XmlReader(el, path if max_occurs == 1 else f"{path}[{i}]", self.namespace, self.errors)
            for i, el in enumerate(found, 1)
        ]

    def address_source(self) -> tuple[_Reader, str] | None:
        for group in ("StrAdrNl", "StrAdrBl"):
            for reader in self.children(K(group, ""), min_occurs=0, max_occurs=9):
                kind = reader.text(K("SrtAdrsCd", ""), 2, required=True)
                if kind != HOME_ADDRESS_CODE:
                    continue
                if group == "StrAdrNl":
                    return reader, "NL"
                country = reader.get(K("LandCd", ""), _country, required=True)
                if country == "NL":
                    reader.fail(K("LandCd", ""), "not_allowed", "a Dutch address is a StrAdrNl")
                return reader, country if country and country != "NL" else "ZZ"
        return None

    def communication(self) -> tuple[str | None, str | None]:
        phone = email = None
        for reader in self.children(K("Com", ""), min_occurs=0, max_occurs=9):
            reader.get(
                K("SrtComCd", ""), _choice({c: c for c in COMMUNICATION_CODES}), required=True
            )
            number = reader.text(K("NrCom", ""), 512, required=True)
            if number is None:
                continue
            if "@" in number:
                email = email or number
            else:
                phone = phone or number
        return phone, email

    def note(self) -> str | None:
        lines: list[str] = []
        for reader in self.children(K("VrTkst", ""), min_occurs=0, max_occurs=MAX_NOTE_LINES):
            lines.extend(reader.get(K("VrijeTekst", ""), _note_lines, required=True) or [])
        if len(lines) > MAX_NOTE_LINES:
            self.fail(K("VrTkst", ""), "max_length", f"at most {MAX_NOTE_LINES} lines of text")
        return "\n".join(lines) or None


class _Refused(Exception):
    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message


def _parse_xml(body: bytes) -> ET.Element:
    """Well-formed XML without DOCTYPE or entities, within the element and depth limits."""
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")
    depth = 0
    count = 0

    def clark(name: str) -> str:
        return "{" + name if "}" in name else name

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal depth, count
        depth += 1
        count += 1
        if depth > MAX_XML_DEPTH:
            raise _Refused("too_large", f"elements nest deeper than {MAX_XML_DEPTH}")
        if count > MAX_XML_ELEMENTS:
            raise _Refused("too_large", f"more than {MAX_XML_ELEMENTS} elements")
        builder.start(clark(name), {clark(key): value for key, value in attributes.items()})

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1
        builder.end(clark(name))

    def refuse(*_: object) -> None:
        raise _Refused("doctype_forbidden", "DOCTYPE and ENTITY declarations are not accepted")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse  # type: ignore[assignment]
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    try:
        parser.Parse(body, True)
    except _Refused as refused:
        raise InvalidMessage([CodecError("/", refused.rule, refused.message)]) from None
    except expat.ExpatError as exc:
        rule = _EXPAT_ENCODING_RULES.get(exc.code, "malformed_xml")
        raise InvalidMessage([CodecError("/", rule, str(exc))]) from None
    except (LookupError, ValueError) as exc:
        # pyexpat hands an encoding it does not know itself to Python's codecs: a multi-byte one
        # (UTF-7, UTF-32), an unknown name or a non-text codec raises here, not as ExpatError.
        raise InvalidMessage(
            [
                CodecError(
                    "/",
                    "unsupported_encoding",
                    f"the encoding in the XML declaration cannot be read ({_shown(str(exc))}); "
                    "send UTF-8",
                )
            ]
        ) from None
    return builder.close()


_EXPAT_ENCODING_RULES: Final = {
    expat.errors.codes[expat.errors.XML_ERROR_UNKNOWN_ENCODING]: "unsupported_encoding",
    expat.errors.codes[expat.errors.XML_ERROR_INCORRECT_ENCODING]: "encoding_mismatch",
}


def _parse_sivi(body: bytes) -> Message:
    root = _parse_xml(body)
    if root.tag.startswith("{"):
        namespace, _, local = root.tag[1:].partition("}")
    else:
        namespace, local = "", root.tag
    types = {spec.root: name for name, spec in SIVI_MESSAGE_TYPES.items()}
    message_type = types.get(local)
    # The official schemas are those of release 2022: its namespace is part of the message.
    if message_type is None or namespace != f"{SIVI_NAMESPACE_BASE}{local}/{SIVI_RELEASE}":
        expected = ", ".join(
            f"{s.root} in {SIVI_NAMESPACE_BASE}{s.root}/{SIVI_RELEASE}"
            for s in SIVI_MESSAGE_TYPES.values()
        )
        raise InvalidMessage(
            [
                CodecError(
                    f"/{local}",
                    "unknown_message_type",
                    f"{_shown(local)} in namespace {_shown(namespace)} is not supported; "
                    f"expected {expected}",
                )
            ]
        )
    violations = schema.check(root, message_type)
    if violations:
        raise InvalidMessage(violations)
    errors: list[CodecError] = []
    r = _XmlReader(root, f"/{local}", namespace, errors)
    header = r.child(K("BrAlg", ""), required=True)
    envelope = _read_sivi_header(header, message_type) if header else None
    employer: EmployerKey | None = None
    items: list[Item] = []
    for wrkgvr in r.children(K("Wrkgvr", ""), min_occurs=1, max_occurs=None):
        block = _read_employer(wrkgvr)
        employer = employer or block
        # Several Wrkgvr blocks are allowed: an item names its block's employer when it is not
        # the first one (the applying layer decides whether the coupling may use it).
        own = None if block == employer else block
        for wrknmr in wrkgvr.children(K("Wrknmr", ""), min_occurs=1, max_occurs=None):
            employee = _read_employee(wrknmr, message_type)
            for dnstvbnd in wrknmr.children(K("Dnstvbnd", ""), min_occurs=1, max_occurs=99):
                employment = _read_employment(dnstvbnd)
                if message_type != "absence":
                    items.append(Item(employee, employment, None, own))
                    continue
                for vrzm in dnstvbnd.children(K("Vrzm", ""), min_occurs=1, max_occurs=99):
                    items.append(Item(employee, employment, _read_absence(vrzm), own))
    if errors or envelope is None or employer is None:
        raise InvalidMessage(errors)
    return Message(envelope, employer, tuple(items))


def _read_sivi_header(h: _Reader, message_type: MessageType) -> Envelope:
    spec = SIVI_MESSAGE_TYPES[message_type]
    code = h.text(K("BrCd", ""), 5, required=True)
    if code is not None and code != spec.code:
        h.fail(K("BrCd", ""), "choice", f"{spec.root} has BrCd {spec.code}, got {_shown(code)}")
    h.text(K("VnrBrCd", ""), 5, required=True)
    day = h.date(K("AandatBr", ""), required=True)
    clock = h.get(K("AantijdBr", ""), _time, required=True)
    sender = h.text(K("IdInzndr", ""), 40, required=True)
    h.text(K("GebrSwPakket", ""), 35, required=True)
    receiver = h.text(K("IdOntvngr", ""), 40, required=True)
    message_ref = h.text(K("Berrefnr", ""), 512, required=True)
    test = h.flag(K("TestJN", ""))
    receipt_wanted = h.flag(K("OntvngstbevJN", ""))
    sent_at = None
    if day is not None and clock is not None:
        try:
            sent_at = _instant(day, clock)
        except _Bad as bad:
            h.fail(K("AantijdBr", ""), bad.rule, bad.message)
    return Envelope(
        message_ref=message_ref or "",
        message_type=message_type,
        sent_at=sent_at or _NO_TIME,
        sender=sender or "",
        receiver=receiver or "",
        test=bool(test),
        format="sivi",
        receipt_wanted=bool(receipt_wanted),
    )
