"""A small generator of SIVI messages driven by the official XSD (via xmlschema).

It walks the schema's element declarations: every optional element appears at random, repeating
ones once or twice (Wrkgvr included), and each value is drawn from its simple type's facets
(code lists, lengths, digit counts, the \\D* patterns). A few values get a realistic form where
the codec adds a documented check the schema cannot express (a Dutch postcode, a BSN, dates in
order, percentages up to 100): docs/exchange-format.md lists those checks.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import string
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import xmlschema

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "src/hersteld/exchange/schema/sivi/2022"
FILES = {
    "absence": "Verzuimmeldingen.xsd",
    "employee": "WerknemersGegevens.xsd",
    "employment": "Dienstverbanden.xsd",
}
FIXED = {"IdWrkgvrArbdnst": "DEVRIES", "AansltnrGeguitwlngArbdnst": "DEMO-1"}
# The codec's own checks beyond the schema (docs/exchange-format.md): realistic values there.
REALISTIC = {
    "Pc": lambda rng: f"{rng.randint(1000, 9999)}{rng.choice('ABCDEFGH')}{rng.choice('KLMN')}",
    "SofiNr": lambda rng: f"99999{rng.randint(0, 9999):04d}",
    "PrcVrzm": lambda rng: f"{rng.randint(0, 100)}.00",
    "PrcArbther": lambda rng: f"{rng.randint(0, 99)}.{rng.randint(0, 99):02d}",
    "LandCd": lambda rng: rng.choice(["BE", "DE", "FR"]),
    "AandatBr": lambda rng: f"20{rng.randint(10, 29)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
}


@functools.cache
def schema(message_type: str) -> xmlschema.XMLSchema10:
    return xmlschema.XMLSchema10(str(SCHEMA_DIR / FILES[message_type]))


def _letters(rng: random.Random, size: int) -> str:
    return "".join(rng.choice(string.ascii_letters) for _ in range(size))


def _value(rng: random.Random, name: str, kind: Any) -> str:
    if name in FIXED:
        return FIXED[name]
    if name in REALISTIC:
        return str(REALISTIC[name](rng))
    enumeration = getattr(kind, "enumeration", None)
    if enumeration:
        return str(rng.choice(enumeration))
    primitive = getattr(getattr(kind, "primitive_type", None), "local_name", "")
    base = kind
    names = set()
    while base is not None:
        names.add(getattr(base, "local_name", None))
        base = getattr(base, "base_type", None)
    if "date" in names:
        return (dt.date(1990, 1, 1) + dt.timedelta(days=rng.randint(0, 12000))).isoformat()
    if "time" in names:
        return f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    facets = getattr(kind, "facets", {}) or {}
    total = facets.get("{http://www.w3.org/2001/XMLSchema}totalDigits")
    digits = int(total.value) if total is not None else 5
    if "nonNegativeInteger" in names or "integer" in names:
        return str(rng.randint(1, 10 ** min(digits, 9) - 1))
    if primitive == "decimal":  # SIVI's n..x,2 patterns
        return f"{rng.randint(0, 10 ** (digits - 2) - 1)}.{rng.randint(0, 99):02d}"
    length = facets.get("{http://www.w3.org/2001/XMLSchema}length")
    if length is not None:
        return _letters(rng, int(length.value))
    maximum = facets.get("{http://www.w3.org/2001/XMLSchema}maxLength")
    size = rng.randint(1, min(int(maximum.value), 12) if maximum is not None else 12)
    if name == "NrCom" and rng.random() < 0.5:
        return f"{_letters(rng, 4)}@example.org"
    return _letters(rng, size)


def _element(rng: random.Random, declaration: Any, namespace: str) -> ET.Element:
    name = declaration.local_name
    element = ET.Element(f"{{{namespace}}}{name}")
    kind = declaration.type
    if kind.is_simple():
        element.text = _value(rng, name, kind)
        return element
    for child in kind.content.iter_elements():
        low = child.min_occurs
        high = 2 if child.max_occurs is None or child.max_occurs > 1 else 1
        count = low if rng.random() < 0.4 else rng.randint(max(low, 1), high)
        for _ in range(count):
            element.append(_element(rng, child, namespace))
    return element


def _text(parent: ET.Element, namespace: str, name: str) -> str | None:
    found = parent.find(f"{{{namespace}}}{name}")
    return None if found is None else found.text


def _set(parent: ET.Element, namespace: str, name: str, value: str) -> None:
    found = parent.find(f"{{{namespace}}}{name}")
    if found is not None:
        found.text = value


def _consistent(root: ET.Element, namespace: str) -> None:
    """Dates in order and an end of absence with its date (the codec's documented checks)."""
    q = f"{{{namespace}}}"
    for job in root.iter(f"{q}Dnstvbnd"):
        start = _text(job, namespace, "Ingdat")
        if start and _text(job, namespace, "Enddat"):
            _set(job, namespace, "Enddat", start)
    for absence in root.iter(f"{q}Vrzm"):
        first = _text(absence, namespace, "DatEerstVrzmdg") or "2020-01-01"
        _set(absence, namespace, "DatHrstld", first)
        code = _text(absence, namespace, "VrwrkCd")
        recovered = absence.find(f"{q}DatHrstld") is not None
        if code in ("02", "03") and not recovered:
            _set(absence, namespace, "VrwrkCd", "02")
            _set(absence, namespace, "EndVrzmJN", "N")
        elif code == "03":
            _set(absence, namespace, "EndVrzmJN", "J")


def generate(message_type: str, seed: int) -> bytes:
    """One message valid against the official schema of `message_type`."""
    rng = random.Random(seed)
    xsd = schema(message_type)
    (declaration,) = xsd.elements.values()
    namespace = str(xsd.target_namespace)
    root = _element(rng, declaration, namespace)
    _consistent(root, namespace)
    ET.register_namespace("", namespace)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
