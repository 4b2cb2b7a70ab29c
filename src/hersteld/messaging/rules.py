"""Who takes part in the messages of a dossier, and which files may be attached (P14).

Pure: no Django. Text lives in docs/rules/messages.md.
"""

from __future__ import annotations

from enum import StrEnum

from hersteld.core.uploads import proven_type


class Thread(StrEnum):
    CASE = "case"  # every party of the dossier; the employer reads it, so the guard runs
    MEDICAL = "medical"  # the employee and the bedrijfsarts (and his team) only


# The parties of a dossier. The arbodienst's functional administrator and the operator
# keep the system running; they are not a party to the conversation about one employee.
PARTY_ROLES = frozenset({"casemanager", "medic", "pob", "employer_user", "employee"})

# Roles whose messages in the medical thread are written as the bedrijfsarts's team.
MEDICAL_ROLES = frozenset({"medic", "pob"})


class Frequency(StrEnum):
    IMMEDIATELY = "immediately"
    DAILY = "daily"
    OFF = "off"


def sniff(head: bytes) -> str | None:
    """The content type an attachment's first bytes prove (hersteld.core.uploads)."""
    return proven_type(head)


def attachment_problem(head: bytes, size: int, max_bytes: int) -> str | None:
    """The rule an upload breaks (a code), or None when it may be attached."""
    if size == 0:
        return "attachment_empty"
    if size > max_bytes:
        return "attachment_too_large"
    if sniff(head) is None:
        return "attachment_type"
    return None


def guarded(thread: str) -> bool:
    """The medical-term guard runs on every message an employer can read."""
    return thread == Thread.CASE
