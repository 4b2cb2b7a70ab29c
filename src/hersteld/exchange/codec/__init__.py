"""Exchange codec: SIVI XML and Hersteld JSON messages <-> canonical dataclasses (pure; no Django).

`parse(body, content_type)` turns an inbound message into a `Message`, or raises
`InvalidMessage` with every problem found, each as a `CodecError(path, rule, message)`:
`path` is an element path for XML (`/Verzuimmeldingen/Wrkgvr/Wrknmr[1]/Dnstvbnd[1]/Vrzm[1]/
DatEerstVrzmdg`, 1-based index on elements that may repeat) or a JSON pointer for JSON
(`/items/0/absence/first_day`; `/` for the document as a whole); `rule` is a stable code from
`RULES`. `to_sivi(message)` and `to_json(message)` write a message; both check their own output,
so that `parse(to_sivi(m)) == m` and `parse(to_json(m)) == m`, and raise `ValueError` for a
message that the format cannot carry exactly. docs/exchange-format.md describes both formats;
the official SIVI schemas decide what a SIVI message may hold (see below).

Message types (`Envelope.message_type`), one per SIVI message of the Verzuimstandaard
Werkgevers - Arbodiensten 2022 (public schemas: DucoSivi/sim-verzuim-werkgevers-arbodiensten):

- `absence`: Verzuimmeldingen (BrCd 00100), stream 1: every item carries an absence mutation.
- `employee`: WerknemerGegevens (BrCd 00600), stream 2: employee with NAWTE and employments.
- `employment`: Dienstverbanden (BrCd 00106), stream 2: employments; the employee is identified
  by key, birth date and gender only (the SIVI message has no name, address or contact details).

A SIVI message nests Wrkgvr > Wrknmr > Dnstvbnd > Vrzm. Hersteld takes one employer per message
(one coupling) and flattens the rest into `Message.items`: one `Item(employee, employment,
absence)` per Vrzm (absence messages) or per Dnstvbnd (the other two), in document order. The
writer groups consecutive items with the same employee (and employment) back into one Wrknmr
(and Dnstvbnd).

Processing code VrwrkCd (Vrzm) -> `AbsenceMutation.kind`:

    01 -> sick_report   start of the absence (ziekmelding, "melden aanvang")
    02 -> recovery      change during the absence, e.g. partial recovery ("mutatie")
    03 -> recovery      end of the absence, full recovery ("einde"); ends_absence is True
    04 -> correction    correction of an earlier report ("correctie")
    05 -> withdrawal    the report is withdrawn ("verwijderen gemeld verzuim", intrekking)

Source: SIVI describes Verzuimmeldingen as the message for "melden aanvang, mutatie, einde,
correctie en verwijderen gemeld verzuim" (sivi.org, Verzuimstandaard), five processes for the
five codes; the repository's process description names meldingstype 01 "eerste dag ziekte",
02 "gedeeltelijk herstel" and 03 "volledig herstel". The official code list (the PDF of the
release) was not available, so the order 04 correction / 05 withdrawal is inferred from SIVI's
description, not read from the code list. The writer sends a recovery as 03 when
`ends_absence` is set and as 02 otherwise; a 02 with EndVrzmJN J is read as a recovery that
ends the absence, a 03 with EndVrzmJN N is rejected (`inconsistent`).

Further choices, documented in docs/exchange-format.md:
- Every SIVI message is validated against SIVI's official 2022 schemas (`codec.schema`, unchanged
  copies in exchange/schema/sivi/2022) before it is read, and `to_sivi` validates what it wrote:
  the reader accepts everything the schema allows (several Wrkgvr blocks, every optional
  element; what Hersteld does not use is read past) and refuses what it refuses, with the path.
  A required value Hersteld lacks makes `to_sivi` raise `MissingData` naming the elements.
- Phone and e-mail come from Com: NrCom with "@" is the e-mail address, otherwise a phone
  number (first of each). The writer uses SrtComCd 05 (phone) and 09 (e-mail): an assumption
  (private variants of the 05-10 list), not verified against the SIVI code list.
- The address is the StrAdrNl or StrAdrBl with SrtAdrsCd 01 (home address; also assumed).
- SIVI has no salary element: `annual_salary` travels in Hersteld JSON only; `to_sivi` refuses it.
- Text is stripped; an empty element or string counts as absent. `sent_at` is a UTC datetime
  in whole seconds; SIVI AandatBr/AantijdBr without an offset are Europe/Amsterdam local time.
  Decimals carry at most two decimals; a Dutch postcode reads "1234 AB"; a BSN has 9 digits.
  Domain checks (11-proof, phone validity, Poortwachter rules) belong to the applying layer.

Security: the body is limited to `MAX_BODY_BYTES`; XML is read with expat, refusing any
DOCTYPE or entity declaration (no XXE, no entity expansion), with limits on the number of
elements and on nesting depth; JSON refuses NaN/Infinity and duplicate keys.
"""

from __future__ import annotations

from hersteld.exchange.codec.model import (
    CASEMANAGER_ROLE,
    CAUSE_CODES,
    CONTACT_ROLES,
    EMPLOYER_CONTACT_ROLE,
    END_REASON_CODES,
    GENDERS,
    JSON_CONTENT_TYPE,
    LOCAL_TZ,
    MAX_BODY_BYTES,
    MAX_HOURS,
    MAX_SALARY,
    MAX_XML_ELEMENTS,
    MESSAGE_TYPES,
    MUTATION_KINDS,
    NAME_USE_CODES,
    OTHER_CAUSE,
    OWN_NAME,
    RULES,
    SIVI_CONTENT_TYPE,
    SIVI_MESSAGE_TYPES,
    SIVI_NAMESPACE_BASE,
    SIVI_RELEASE,
    SOFTWARE,
    AbsenceMutation,
    Address,
    CodecError,
    ContactPerson,
    ContractType,
    EmployeeData,
    EmployerKey,
    EmploymentData,
    Envelope,
    InvalidMessage,
    Item,
    Message,
    MessageType,
    MutationKind,
    processing_code,
)
from hersteld.exchange.codec.parsing import (
    parse,
)
from hersteld.exchange.codec.sivi_writer import MissingData
from hersteld.exchange.codec.writers import (
    to_json,
    to_sivi,
)

__all__ = [
    "CASEMANAGER_ROLE",
    "CAUSE_CODES",
    "CONTACT_ROLES",
    "EMPLOYER_CONTACT_ROLE",
    "END_REASON_CODES",
    "GENDERS",
    "JSON_CONTENT_TYPE",
    "LOCAL_TZ",
    "MAX_BODY_BYTES",
    "MAX_HOURS",
    "MAX_SALARY",
    "MAX_XML_ELEMENTS",
    "MESSAGE_TYPES",
    "MUTATION_KINDS",
    "NAME_USE_CODES",
    "OTHER_CAUSE",
    "OWN_NAME",
    "RULES",
    "SIVI_CONTENT_TYPE",
    "SIVI_MESSAGE_TYPES",
    "SIVI_NAMESPACE_BASE",
    "SIVI_RELEASE",
    "SOFTWARE",
    "AbsenceMutation",
    "Address",
    "CodecError",
    "ContactPerson",
    "ContractType",
    "EmployeeData",
    "EmployerKey",
    "EmploymentData",
    "Envelope",
    "InvalidMessage",
    "Item",
    "Message",
    "MessageType",
    "MissingData",
    "MutationKind",
    "parse",
    "processing_code",
    "to_json",
    "to_sivi",
]
