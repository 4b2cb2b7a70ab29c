"""Helpers shared by several test modules."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time

from django.conf import settings
from django.core.management import call_command

DEMO_PASSWORD = "hersteld-demo"


DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP"
TOTP_SECRET = DEMO_TOTP_SECRET  # the authenticator of the demo staff and of `named_world`


def load_demo_data() -> None:
    previous = settings.DEMO
    settings.DEMO = True
    try:
        call_command("demo_data", verbosity=0)
    finally:
        settings.DEMO = previous


def totp_now(secret: str = DEMO_TOTP_SECRET, at: float | None = None) -> str:
    """The current 6-digit TOTP code (RFC 6238), computed here so tests depend on no helper library."""
    key = base64.b32decode(secret)
    counter = struct.pack(">Q", int(time.time() if at is None else at) // 30)
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 15
    value = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{value:06d}"


def wrong_code() -> str:
    """A 6-digit code that is certainly not accepted now (not in the device's time window)."""
    now = time.time()
    window = {totp_now(at=now + step * 30) for step in range(-2, 3)}
    code = int(totp_now(at=now))
    while f"{code:06d}" in window:
        code = (code + 123_457) % 1_000_000
    return f"{code:06d}"
