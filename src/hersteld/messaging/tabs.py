"""The dossier's message tabs, plugged into absence through core.signals (no import upward)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from hersteld.absence.models import AbsenceCase
from hersteld.core.actor import Actor
from hersteld.core.audit import record_access
from hersteld.core.signals import DossierTab
from hersteld.messaging import selectors, services
from hersteld.messaging.forms import MessageForm
from hersteld.messaging.rules import Thread

TAB_THREADS = {"messages": Thread.CASE.value, "medical-messages": Thread.MEDICAL.value}


def dossier_tabs(case: AbsenceCase, user: Actor, **extra: Any) -> list[DossierTab]:
    threads = selectors.threads_of(user, case)
    tabs = []
    if Thread.CASE in threads:
        tabs.append(DossierTab("messages", _("Messages")))
    if Thread.MEDICAL in threads:
        tabs.append(DossierTab("medical-messages", _("Medical messages")))
    return tabs


def dossier_tab(case: AbsenceCase, tab: str, user: Actor, **extra: Any) -> dict[str, Any] | None:
    """The conversation of one thread; opening it reads its messages and is logged."""
    thread = TAB_THREADS.get(tab)
    if thread is None or thread not in selectors.threads_of(user, case):
        return None
    record_access(actor=user, obj=case, purpose=f"messages:{thread}")
    conversation = list(selectors.case_messages(user, case, thread))
    services.mark_case_read(actor=user, case=case)
    return {
        "tab_template": "messaging/_thread.html",
        "conversation": conversation,
        "thread": thread,
        "message_form": MessageForm(initial={"thread": thread}),
    }
