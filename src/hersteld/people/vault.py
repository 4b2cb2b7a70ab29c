"""The Datakluis (X7): sealing a person's identifying data with a key kept outside the database.

docs/adr/0018-datakluis.md. The key file (setting DATAKLUIS_KEY_FILE, environment variable
HERSTELD_DATAKLUIS_KEY_FILE) holds a Fernet key (AES-128-CBC with HMAC-SHA256, from the
`cryptography` package). From it come two things:

- `seal` / `unseal`: the identifying values of a person as one encrypted token;
- `digest`: a keyed HMAC-SHA256 of a value (the BSN), so a coupling can still match a sealed
  person on his BSN without the BSN being stored in clear. The HMAC key is derived from the
  Fernet key, so a database copy without the key file cannot test guessed BSNs.

A database dump alone holds only placeholders, tokens and digests.

Key rotation (docs/adr/0027-datakluis-key-rotation.md): the file may hold several keys, one
per line, newest first. The first seals and digests; the others only open what they sealed
and match their digests, until `hersteld datakluis rotate` has re-sealed everything with the
first and the old lines can be removed.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
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
        lines = key_lines(file.read_text(encoding="ascii"))
    except (OSError, UnicodeDecodeError) as exc:
        return f"{SETTING} names {path}, which holds no Fernet key: {exc}"
    if not lines:
        return f"{SETTING} names {path}, which holds no Fernet key: the file is empty"
    for number, text in lines:
        try:
            _raw_key(text)
        except ValueError as exc:
            return f"{SETTING} names {path}, whose line {number} holds no Fernet key: {exc}"
    return None


def key_lines(text: str) -> list[tuple[int, str]]:
    """(line number, key) of each key in the file, newest first; blank lines and lines
    starting with # (a note such as the day a key was made) are skipped."""
    return [
        (number, line.strip())
        for number, line in enumerate(text.splitlines(), 1)
        if line.strip() and not line.strip().startswith("#")
    ]


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


@dataclass(frozen=True)
class _Keys:
    all: MultiFernet  # seals with the first key, opens with any
    current: Fernet  # the first key alone: what a rotated token opens with
    index_keys: tuple[bytes, ...]  # the HMAC key of each key, the first one's first


@lru_cache(maxsize=4)
def _keys(path: str, mtime_ns: int) -> _Keys:
    texts = [text for _number, text in key_lines(Path(path).read_text(encoding="ascii"))]
    fernets = [Fernet(text.encode("ascii")) for text in texts]
    index_keys = tuple(
        hmac.new(_raw_key(text), b"hersteld:datakluis:index", hashlib.sha256).digest()
        for text in texts
    )
    return _Keys(MultiFernet(fernets), fernets[0], index_keys)


def _loaded() -> _Keys:
    problem = key_problem()
    if problem is not None:
        raise VaultKeyMissing(problem)
    path = settings.DATAKLUIS_KEY_FILE
    return _keys(path, Path(path).stat().st_mtime_ns)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def seal(values: dict[str, Any]) -> bytes:
    """The identifying values as one token (authenticated encryption)."""
    text = json.dumps({key: _plain(values.get(key)) for key in IDENTIFYING}, sort_keys=True)
    return _loaded().all.encrypt(text.encode())


def unseal(token: bytes) -> dict[str, Any]:
    """The values of a token; a token made with another key is refused (VaultKeyMissing)."""
    try:
        text = _loaded().all.decrypt(bytes(token))
    except InvalidToken as exc:
        raise VaultKeyMissing(
            f"The key in {SETTING} does not open this Datakluis record (another key?)."
        ) from exc
    values: dict[str, Any] = json.loads(text)
    return values


def seal_bytes(raw: bytes) -> bytes:
    return _loaded().all.encrypt(raw)


def unseal_bytes(token: bytes) -> bytes:
    try:
        return _loaded().all.decrypt(bytes(token))
    except InvalidToken as exc:
        raise VaultKeyMissing(f"The key in {SETTING} does not open this message.") from exc


def _hmac(index_key: bytes, employer_id: int, value: str) -> str:
    return hmac.new(index_key, f"{employer_id}:{value}".encode(), hashlib.sha256).hexdigest()


def digest(employer_id: int, value: str) -> str:
    """Keyed HMAC of a value within one employer (hex), with the current key; equal values
    give equal digests."""
    return _hmac(_loaded().index_keys[0], employer_id, value)


def digests(employer_id: int, value: str) -> list[str]:
    """The value's digest under every key of the file: what a lookup matches while rows
    sealed with an earlier key have not been rotated yet."""
    return [_hmac(key, employer_id, value) for key in _loaded().index_keys]


def key_count() -> int:
    """How many keys the key file holds (the current one and the earlier ones)."""
    return len(_loaded().index_keys)


def rotate(token: bytes) -> bytes:
    """The token sealed again with the current key (opened with whichever key made it)."""
    try:
        return _loaded().all.rotate(bytes(token))
    except InvalidToken as exc:
        raise VaultKeyMissing(f"No key in {SETTING} opens this Datakluis record.") from exc


def opens_with_current_key(token: bytes) -> bool:
    """Whether the current key alone opens the token (it needs no earlier key)."""
    try:
        _loaded().current.decrypt(bytes(token))
    except InvalidToken:
        return False
    return True


def pseudonym() -> str:
    """A random name for a sealed person: says nothing about him."""
    return PSEUDONYM_PREFIX + secrets.token_hex(5).upper()


def placeholders(name: str) -> dict[str, Any]:
    """What the employee row holds while sealed: the pseudonym and empty identifying fields."""
    values: dict[str, Any] = dict.fromkeys(IDENTIFYING, "")
    values.update(initials="X", surname=name, house_number=None, country="NL")
    return values
