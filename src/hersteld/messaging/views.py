"""Portal views of messages: send from the dossier, the inbox, a file, e-mail wishes."""

from __future__ import annotations

import io
from typing import Any

from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hersteld.absence import selectors as absence_selectors
from hersteld.messaging import selectors, services
from hersteld.messaging.forms import MessageForm, PreferenceForm
from hersteld.messaging.rules import Thread
from hersteld.messaging.services import Upload
from hersteld.web.access import AuthedRequest, requires, signed_in
from hersteld.web.helpers import form_page, paginate

THREAD_TABS = {Thread.CASE.value: "messages", Thread.MEDICAL.value: "medical-messages"}


@requires("absence.view")
@require_POST
def send(request: AuthedRequest, case_pk: int) -> HttpResponse:
    """Send from the dossier's message tab; a refusal shows the form again with the reasons."""
    case = absence_selectors.case(request.user, case_pk, log_access=False)
    form = MessageForm(request.POST, request.FILES)

    def save(data: dict[str, Any]) -> Any:
        uploads = [Upload(name=f.name or "", data=f.read()) for f in data["attachments"]]
        return services.send(
            actor=request.user,
            case_id=case.pk,
            text=data["text"],
            topic=data["topic"],
            thread=data["thread"],
            uploads=uploads,
        )

    thread = request.POST.get("thread", Thread.CASE.value)
    return form_page(
        request,
        form,
        save,
        success=lambda _message: _("Your message has been sent."),
        done=lambda message: (
            reverse("absence:case_detail", args=[case.pk]) + f"?tab={THREAD_TABS[message.thread]}"
        ),
        template="messaging/send.html",
        context={"case": case, "thread": thread},
        guarded=("text", "topic"),
    )


@requires("absence.view")
def inbox(request: AuthedRequest) -> HttpResponse:
    """Every message for the user, unread first."""
    page = paginate(request, selectors.inbox(request.user))
    return render(request, "messaging/inbox.html", {"page": page, "thread_tabs": THREAD_TABS})


@requires("absence.view")
def download(request: AuthedRequest, pk: int) -> FileResponse:
    """A file of a message the user may read, always as a download (never shown inline)."""
    found = selectors.attachment(request.user, pk)
    return FileResponse(
        io.BytesIO(bytes(found.data)),
        as_attachment=True,
        filename=found.name,
        content_type=found.content_type,
    )


@signed_in
@require_http_methods(["GET", "POST"])
def preference(request: AuthedRequest) -> HttpResponse:
    form = PreferenceForm(request.POST or None, initial={"email": services.frequency(request.user)})
    return form_page(
        request,
        form,
        lambda data: services.set_frequency(actor=request.user, email=data["email"]),
        success=lambda _pref: _("Your e-mail setting has been saved."),
        done=lambda _pref: reverse("messaging:preference"),
        template="messaging/preference.html",
    )
