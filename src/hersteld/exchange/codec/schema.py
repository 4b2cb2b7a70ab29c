"""Validation against the official SIVI Verzuimmanagement 2022 schemas (unchanged copies).

The XSD files in `hersteld/exchange/schema/sivi/2022/` are SIVI's own (source and checksums in
the README beside them). The reader validates every SIVI message against them before it reads a
value, so it refuses exactly what the standard refuses; the writer validates what it wrote, so
nothing leaves Hersteld that a validating receiver would reject. Errors carry Hersteld's element
paths (`/Verzuimmeldingen/Wrkgvr[1]/Wrknmr[1]/NmvrkrCd`: 1-based index on elements that may
occur more than once), never a namespace.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Final
from xml.etree import ElementTree as ET

import xmlschema
from xmlschema.validators import (
    XsdAtomicBuiltin,
    XsdEnumerationFacets,
    XsdFractionDigitsFacet,
    XsdLengthFacet,
    XsdMaxLengthFacet,
    XsdMinInclusiveFacet,
    XsdPatternFacets,
    XsdTotalDigitsFacet,
)

from hersteld.exchange.codec.model import SIVI_MESSAGE_TYPES, CodecError, MessageType

SCHEMA_DIR: Final = Path(__file__).resolve().parent.parent / "schema" / "sivi" / "2022"
# Message type -> schema file (SIVI names the file WerknemersGegevens, its root WerknemerGegevens).
SCHEMA_FILES: Final[Mapping[MessageType, str]] = {
    "absence": "Verzuimmeldingen.xsd",
    "employee": "WerknemersGegevens.xsd",
    "employment": "Dienstverbanden.xsd",
}
MAX_ERRORS: Final = 50  # a hopeless document is not reported element by element
_CLARK = re.compile(r"\{[a-z]+:[^}]*\}")  # a namespace in Clark notation, not "{1,3}"


@functools.cache
def official_schema(message_type: MessageType) -> xmlschema.XMLSchema10:
    """The official schema of a message type (loaded once per process)."""
    return xmlschema.XMLSchema10(str(SCHEMA_DIR / SCHEMA_FILES[message_type]))


def namespace(message_type: MessageType) -> str:
    return str(official_schema(message_type).target_namespace)


@functools.cache
def _repeating(message_type: MessageType) -> frozenset[str]:
    """Local names of the elements that may occur more than once (they get an index)."""
    names: set[str] = set()
    for element in official_schema(message_type).iter_components(xmlschema.XsdElement):
        if not isinstance(element, xmlschema.XsdElement):
            continue
        if element.max_occurs is None or element.max_occurs > 1:
            names.add(str(element.local_name))
    return frozenset(names)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _paths(root: ET.Element, repeating: frozenset[str]) -> dict[int, str]:
    """id(element) -> its path, for every element of the document."""
    found: dict[int, str] = {id(root): f"/{_local(root.tag)}"}
    stack = [root]
    while stack:
        parent = stack.pop()
        counts: dict[str, int] = {}
        for child in parent:
            name = _local(child.tag)
            counts[name] = counts.get(name, 0) + 1
            index = f"[{counts[name]}]" if name in repeating else ""
            found[id(child)] = f"{found[id(parent)]}/{name}{index}"
            stack.append(child)
    return found


_PRIMITIVE_RULES: Final = {
    "date": "date_format",
    "time": "time_format",
    "decimal": "decimal_format",
}


def _type_rule(validator: object) -> str | None:
    """The format rule of a value that does not parse as its XSD type (date, number, ...)."""
    base = getattr(validator, "base_type", None) or validator
    names: list[str] = []
    for candidate in (base, getattr(base, "primitive_type", None)):
        name = getattr(candidate, "local_name", None)
        if isinstance(name, str):
            names.append(name)
    if any("nteger" in name for name in names):
        return "integer_format"
    for name in names:
        if name in _PRIMITIVE_RULES:
            return _PRIMITIVE_RULES[name]
    return None


def _value_rule(error: xmlschema.XMLSchemaValidationError) -> str:
    validator = error.validator
    if isinstance(validator, XsdEnumerationFacets) or getattr(
        getattr(validator, "parent", None), "enumeration", None
    ):
        return "choice"  # a code list: whichever facet failed, the code is not one of them
    if isinstance(validator, XsdMaxLengthFacet | XsdLengthFacet):
        return "max_length"
    if isinstance(validator, XsdTotalDigitsFacet | XsdMinInclusiveFacet):
        return "range"
    if isinstance(validator, XsdFractionDigitsFacet):
        return "decimal_format"
    if isinstance(validator, XsdPatternFacets):
        # SIVI writes number formats as patterns ("[0-9]{1,3}[.][0-9]{2}"): a number's form.
        return "decimal_format" if _type_rule(validator) == "decimal_format" else "pattern"
    if isinstance(validator, XsdAtomicBuiltin):
        return _type_rule(validator) or "schema"
    if callable(validator):  # a built-in bound such as "non negative"
        return "range"
    return "schema"


def _described(error: xmlschema.XMLSchemaValidationError) -> str:
    reason = _CLARK.sub("", error.reason or "the element does not conform to the schema")
    return reason.replace("str:", "").replace("'", "")


def check(root: ET.Element, message_type: MessageType) -> list[CodecError]:
    """Every violation of the official schema in a document, in document order (one per path)."""
    schema = official_schema(message_type)
    repeating = _repeating(message_type)
    paths = _paths(root, repeating)
    order = {id(element): index for index, element in enumerate(root.iter())}
    found: list[tuple[float, CodecError]] = []
    seen: set[str] = set()
    for error in schema.iter_errors(root, use_location_hints=False):
        element = error.elem if isinstance(error.elem, ET.Element) else None
        path = paths.get(id(element), f"/{SIVI_MESSAGE_TYPES[message_type].root}")
        place = float(order.get(id(element), 0))
        if isinstance(error, xmlschema.XMLSchemaChildrenValidationError) and element is not None:
            path, rule = _content_problem(error, element, path, paths)
            if error.index < len(element):  # just before the child where it went wrong
                place = order[id(element[error.index])] - 0.5
            else:  # after the element's last descendant
                place = max(order[id(e)] for e in element.iter()) + 0.5
        else:
            rule = _value_rule(error)
        if path in seen:
            continue
        seen.add(path)
        found.append((place, CodecError(path, rule, _described(error))))
        if len(found) >= MAX_ERRORS:
            break
    return [error for _, error in sorted(found, key=lambda pair: pair[0])]


def _content_problem(
    error: xmlschema.XMLSchemaChildrenValidationError,
    parent: ET.Element,
    path: str,
    paths: dict[int, str],
) -> tuple[str, str]:
    """Where a content-model error sits: a missing element, one too many, or a stray one."""
    expected = [_local(str(getattr(e, "name", "") or "")) for e in list(error.expected or ())]
    expected = [name for name in expected if name]
    if error.index >= len(parent):  # the content ended early: the first missing element
        return (f"{path}/{expected[0]}" if expected else path), "required"
    child = parent[error.index]
    name = _local(child.tag)
    group = error.validator
    known = {
        _local(str(e.name))
        for e in (group.iter_elements() if hasattr(group, "iter_elements") else ())
        if getattr(e, "name", None)
    }
    previous = parent[error.index - 1] if error.index > 0 else None
    if previous is not None and previous.tag == child.tag and name not in expected:
        count = sum(1 for sibling in parent[: error.index + 1] if sibling.tag == child.tag)
        return f"{path}/{name}[{count}]", "max_occurs"
    if name in known and expected and name not in expected:
        return f"{path}/{expected[0]}", "required"  # a required element is missing before it
    return paths.get(id(child), f"{path}/{name}"), "not_allowed"
