"""The SMS gateway: an interface, a log gateway (the default) and one HTTP adapter.

Infrastructure, as e-mail is: it lives in core so that every app may send (the consult
reminders, the notices of new messages) without importing another. Like Django's console
e-mail backend, the log gateway lets development and tests run without a provider. The
HTTP adapter posts `{"to", "from", "text"}` as JSON with a bearer token to
`settings.SMS_URL`; a provider with another shape gets its own small adapter. Texts never
carry health data (docs/rules/consults.md, docs/rules/messages.md).
"""

from __future__ import annotations

import json
import logging
import urllib.request
from typing import Protocol

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("hersteld.sms")


class SmsPurpose(models.TextChoices):
    """What an employee agrees to receive SMS for, each given and withdrawn on its own
    (consults keeps the consents; messaging asks for the number through
    core.signals.sms_number)."""

    REMINDERS = "reminders", _("consult reminders")
    MESSAGES = "messages", _("notices of new messages")


class SmsError(Exception):
    """The gateway did not accept the message."""


class Gateway(Protocol):
    name: str

    def send(self, to: str, text: str) -> None: ...


class LogGateway:
    """Writes each message to the log instead of sending it."""

    name = "log"

    def send(self, to: str, text: str) -> None:
        logger.info("SMS to %s: %s", to, text)


class HttpGateway:
    """Posts the message as JSON to a provider's HTTPS endpoint."""

    name = "http"

    def __init__(self, url: str, token: str, sender: str, timeout: float = 10.0) -> None:
        if not url:
            raise SmsError("HERSTELD_SMS_URL is not set")
        self.url, self.token, self.sender, self.timeout = url, token, sender, timeout

    def send(self, to: str, text: str) -> None:
        body = json.dumps({"to": to, "from": self.sender, "text": text}).encode()
        request = urllib.request.Request(  # noqa: S310 - the address comes from the settings
            self.url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                if not 200 <= response.status < 300:
                    raise SmsError(f"gateway answered {response.status}")
        except OSError as error:  # URLError and HTTPError are OSErrors
            raise SmsError(str(error)) from error


def gateway() -> Gateway:
    """The configured gateway (settings.SMS_GATEWAY: "log" or "http")."""
    if settings.SMS_GATEWAY == "http":
        return HttpGateway(settings.SMS_URL, settings.SMS_TOKEN, settings.SMS_SENDER)
    return LogGateway()
