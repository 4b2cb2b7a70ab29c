"""The Datakluis (X7): sealing a person's identifying data with a key kept outside the database.

docs/adr/0018-datakluis.md. The key file (setting DATAKLUIS_KEY_FILE, environment variable
HERSTELD_DATAKLUIS_KEY_FILE) holds one Fernet key (AES-128-CBC with HMAC-SHA256, from the
`cryptography` package). From it come two things:

- `seal` / `unseal`: the identifying values of a person as one encrypted token;
- `digest`: a keyed HMAC-SHA256 of a value (the BSN), so a coupling can still match a sealed
  person on his BSN without the BSN being stored in clear. The HMAC key is derived from the
  Fernet key, so a database copy without the key file cannot test guessed BSNs.

A database dump alone holds only placeholders, tokens and digests.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SETTING = "HERSTELD_DATAKLUIS_KEY_FILE"
# What is sealed: names, BSN, address, phone, e-mail. Birth date and gender stay in clear:
# the statistics need them (age bands) and the k rule guards small groups. Hersteld keeps no
# bank account; a field for one would be listed here.
IDENTIFYING: tuple[str, ...] = (
    "initials",
    "first_name",
    "surname_prefix",
    "surname",
    "bsn",
    "postcode",
    "street",
    "house_number",
    "house_number_addition",
    "city",
    "country",
    "phone",
    "email",
)
PSEUDONYM_PREFIX = "DK-"
SEALED_TEXT = "(verzegeld)"  # what an audit row says instead of a sealed value


class VaultKeyMissing(ImproperlyConfigured):
    """No usable key: a Datakluis coupling cannot work (startup check, message failure)."""


def key_problem(path: str | None = None) -> str | None:
    """Why the configured key cannot be used, as one sentence; None when it can."""
    path = settings.DATAKLUIS_KEY_FILE if path is None else path
    if not path:
        return (
            f"{SETTING} is not set: a Datakluis coupling needs a key file outside the "
            "database (see docs/exchange.md, Datakluis)."
        )
    file = Path(path)
    if not file.is_file():
        return f"{SETTING} names {path}, which does not exist or is not a file."
    try:
        _raw_key(file.read_text(encoding="ascii").strip())
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return f"{SETTING} names {path}, which holds no Fernet key: {exc}"
    return None


def configured() -> bool:
    return key_problem() is None


def _raw_key(text: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.encode("ascii"))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not URL-safe base64") from exc
    if len(raw) != 32:
        raise ValueError("a key is 32 bytes in URL-safe base64 (44 characters)")
    return raw


@lru_cache(maxsize=4)
def _keys(path: str, mtime_ns: int) -> tuple[Fernet, bytes]:
    text = Path(path).read_text(encoding="ascii").strip()
    raw = _raw_key(text)
    index_key = hmac.new(raw, b"hersteld:datakluis:index", hashlib.sha256).digest()
    return Fernet(text.encode("ascii")), index_key


def _loaded() -> tuple[Fernet, bytes]:
    problem = key_problem()
    if problem is not None:
        raise VaultKeyMissing(problem)
    path = settings.DATAKLUIS_KEY_FILE
    return _keys(path, Path(path).stat().st_mtime_ns)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def seal(values: dict[str, Any]) -> bytes:
    """The identifying values as one token (authenticated encryption)."""
    fernet, _ = _loaded()
    text = json.dumps({key: _plain(values.get(key)) for key in IDENTIFYING}, sort_keys=True)
    return fernet.encrypt(text.encode())


def unseal(token: bytes) -> dict[str, Any]:
    """The values of a token; a token made with another key is refused (VaultKeyMissing)."""
    fernet, _ = _loaded()
    try:
        text = fernet.decrypt(bytes(token))
    except InvalidToken as exc:
        raise VaultKeyMissing(
            f"The key in {SETTING} does not open this Datakluis record (another key?)."
        ) from exc
    values: dict[str, Any] = json.loads(text)
    return values


def seal_bytes(raw: bytes) -> bytes:
    fernet, _ = _loaded()
    return fernet.encrypt(raw)


def unseal_bytes(token: bytes) -> bytes:
    fernet, _ = _loaded()
    try:
        return fernet.decrypt(bytes(token))
    except InvalidToken as exc:
        raise VaultKeyMissing(f"The key in {SETTING} does not open this message.") from exc


def digest(employer_id: int, value: str) -> str:
    """Keyed HMAC of a value within one employer (hex); equal values give equal digests."""
    _, index_key = _loaded()
    message = f"{employer_id}:{value}".encode()
    return hmac.new(index_key, message, hashlib.sha256).hexdigest()


def pseudonym() -> str:
    """A random name for a sealed person: says nothing about him."""
    return PSEUDONYM_PREFIX + secrets.token_hex(5).upper()


def placeholders(name: str) -> dict[str, Any]:
    """What the employee row holds while sealed: the pseudonym and empty identifying fields."""
    values: dict[str, Any] = dict.fromkeys(IDENTIFYING, "")
    values.update(initials="X", surname=name, house_number=None, country="NL")
    return values
