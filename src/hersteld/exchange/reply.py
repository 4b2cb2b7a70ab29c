"""The SIVI reply to an inbound message (Retourmelding1, BrCd 99999): its status and errors.

Pure: plain values in, XML bytes out. The release-2022 schema has BrAlg (with the reference of
the message replied to, `BerrefnrIngzndnBer`, and the kind of reply, `SrtRetmldngCd`) and zero
or more `Foutmldng` (error kind `SrtFoutCd`, explanation `Toelchtng`, at most 512 characters).
The code lists are in SIVI's PDF, which was not available; the codes below are assumptions
(docs/exchange-format.md): 01 received, 02 processed, 03 rejected (not valid), 04 not processed
(breaks a rule, waits, or set aside); every error is SrtFoutCd 99 ("other") with the element
path, rule and sentence as explanation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Final
from xml.sax.saxutils import escape

from hersteld.exchange.codec import LOCAL_TZ, SIVI_NAMESPACE_BASE, SIVI_RELEASE, SOFTWARE

REPLY_CODE: Final = "99999"
REPLY_VERSION: Final = "00002"
MAX_EXPLANATION: Final = 512
MAX_REF: Final = 512
KIND_BY_STATUS: Final[Mapping[str, str]] = {
    "received": "01",
    "processed": "02",
    "rejected": "03",
    "failed": "04",
    "held": "04",
    "review": "04",
    "dismissed": "04",
}
ERROR_KIND: Final = "99"


def retourmelding(
    *,
    reply_ref: str,
    replied_ref: str,
    status: str,
    errors: Iterable[Mapping[str, str]],
    sender: str,
    receiver: str,
    test: bool,
    at: dt.datetime,
) -> bytes:
    """Retourmelding1 XML for one inbound message."""
    local = at.astimezone(LOCAL_TZ)
    header = [
        ("BrCd", REPLY_CODE),
        ("VnrBrCd", REPLY_VERSION),
        ("AandatBr", local.date().isoformat()),
        ("AantijdBr", local.strftime("%H:%M:%S")),
        ("IdInzndr", sender[:40]),
        ("GebrSwPakket", SOFTWARE),
        ("IdOntvngr", receiver[:40]),
        ("Berrefnr", reply_ref[:MAX_REF]),
        ("BerrefnrIngzndnBer", replied_ref[:MAX_REF]),
        ("TestJN", "J" if test else "N"),
        ("OntvngstbevJN", "N"),
        ("SrtRetmldngCd", KIND_BY_STATUS.get(status, "04")),
    ]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<Retourmelding1 xmlns="{SIVI_NAMESPACE_BASE}Retourmelding1/{SIVI_RELEASE}">',
        "  <BrAlg>",
        *(f"    <{tag}>{escape(value)}</{tag}>" for tag, value in header),
        "  </BrAlg>",
    ]
    for error in errors:
        text = f"{error.get('path', '')} ({error.get('rule', '')}): {error.get('message', '')}"
        lines += [
            "  <Foutmldng>",
            f"    <SrtFoutCd>{ERROR_KIND}</SrtFoutCd>",
            f"    <Toelchtng>{escape(_xml_safe(text)[:MAX_EXPLANATION])}</Toelchtng>",
            "  </Foutmldng>",
        ]
    lines.append("</Retourmelding1>")
    return ("\n".join(lines) + "\n").encode()


def _xml_safe(text: str) -> str:
    """Drop characters XML 1.0 cannot carry (a quoted control character from a bad message)."""
    return "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 0x20)
