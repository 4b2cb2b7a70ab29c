"""Keep the list of portal sessions in step with log-in and log-out (issue 11 S3)."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest

from hersteld.accounts import services
from hersteld.core.middleware import client_ip

SEEN_KEY = "session_seen"


@receiver(user_logged_in, dispatch_uid="hersteld-portal-session-in")
def remember_session(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if request is None or session is None:
        return
    if session.session_key is None:
        session.save()
    assert session.session_key is not None
    services.record_session(
        user=user,
        session_key=session.session_key,
        ip=client_ip(request),
        user_agent=request.headers.get("User-Agent", ""),
    )
    session[SEEN_KEY] = int(time.time())


@receiver(user_logged_out, dispatch_uid="hersteld-portal-session-out")
def forget_session(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        services.forget_session(session.session_key)
