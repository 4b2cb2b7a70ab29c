"""Thin portal views of the exchange: couplings (X1), their error log (X6), proposals to decide on."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from hersteld.absence.models import CaseStatus
from hersteld.accounts.permissions import Role
from hersteld.core import display
from hersteld.exchange import outbox, selectors, services
from hersteld.exchange.forms import CouplingForm, RevealForm
from hersteld.exchange.models import (
    ERROR_STATUSES,
    Coupling,
    CouplingStatus,
    InboxStatus,
    ReviewKind,
    ReviewStatus,
)
from hersteld.organisations.models import Employer
from hersteld.people.models import Employee, Gender
from hersteld.web.access import AuthedRequest, requires
from hersteld.web.helpers import form_page, paginate, query_without_page

FIELD_LABELS: dict[str, Any] = {
    "first_day": _lazy("First day of absence"),
    "sick_percentage": _lazy("Percentage sick"),
    "status": _lazy("Status"),
    "safety_net": _lazy("Safety net (vangnet)"),
    "initials": _lazy("Initials"),
    "surname_prefix": _lazy("Surname prefix"),
    "surname": _lazy("Surname"),
    "birth_date": _lazy("Birth date"),
    "gender": _lazy("Gender"),
    "postcode": _lazy("Postcode"),
    "city": _lazy("City"),
    "detail": _lazy("Detail"),
}


@requires("exchange.manage", "exchange.view_error_log")
def coupling_list(request: AuthedRequest) -> HttpResponse:
    """Every coupling in scope with its status and its open errors."""
    action = (
        "exchange.manage"
        if request.user.has_perm_anywhere("exchange.manage")
        else "exchange.view_error_log"
    )
    rows = selectors.coupling_overview(request.user, action)
    page = paginate(request, rows)
    return render(
        request,
        "exchange/couplings.html",
        {
            "page": page,
            "may_request": request.user.has_perm_anywhere("exchange.manage"),
            "querystring": query_without_page(request),
        },
    )


def _config(coupling: Coupling) -> dict[str, Any]:
    return {name: getattr(coupling, name) for name in services.CONFIG_FIELDS}


@requires("exchange.manage")
@require_http_methods(["GET", "POST"])
def coupling_add(request: AuthedRequest) -> HttpResponse:
    """The arbodienst asks for a coupling; the operator activates it later."""
    employers = Employer.objects.restrict(request.user, "exchange.manage").order_by("name")
    form = CouplingForm(
        request.POST or None,
        employers=employers,
        initial={
            "all_employments": True,
            "absence_reports": True,
            "salary": False,
            "bsn": False,
            "vault": False,
            "correction_policy": "manual",
        },
    )

    def save(data: dict[str, Any]) -> Coupling:
        values = {k: v for k, v in data.items() if k != "employer"}
        return services.request_coupling(
            actor=request.user, employer_id=data["employer"].pk, data=values
        )

    return form_page(
        request,
        form,
        save,
        success=lambda c: _("Coupling requested for %(employer)s.") % {"employer": c.employer},
        done=lambda c: reverse("exchange:coupling_detail", args=[c.pk]),
        template="exchange/coupling_form.html",
        context={"title": _("Request a coupling")},
    )


@requires("exchange.manage")
@require_http_methods(["GET", "POST"])
def coupling_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    coupling = selectors.coupling(request.user, pk)
    form = CouplingForm(request.POST or None, initial=_config(coupling))

    def save(data: dict[str, Any]) -> Coupling:
        return services.configure_coupling(actor=request.user, coupling_id=coupling.pk, data=data)

    return form_page(
        request,
        form,
        save,
        success=lambda c: _("Coupling saved."),
        done=lambda c: reverse("exchange:coupling_detail", args=[c.pk]),
        template="exchange/coupling_form.html",
        context={"title": _("Configure coupling"), "coupling": coupling},
    )


@requires("exchange.manage")
def coupling_detail(request: AuthedRequest, pk: int, new_key: str = "") -> HttpResponse:
    """Configuration, status, key, billing per month, received and sent messages."""
    coupling = selectors.coupling(request.user, pk)
    status = request.GET.get("status", "")
    inbox = selectors.messages(coupling)
    if status in InboxStatus.values:
        inbox = inbox.filter(status=status)
    page = paginate(request, inbox)
    user = request.user
    return render(
        request,
        "exchange/coupling_detail.html",
        {
            "coupling": coupling,
            "page": page,
            "status": status,
            "statuses": InboxStatus.choices,
            "outbox": list(selectors.outbox(coupling)[:20]),
            "billing": selectors.billing(coupling),
            "is_operator": user.role == Role.OPERATOR,
            "may_see_errors": user.has_perm_anywhere("exchange.view_error_log"),
            "error_statuses": [str(s) for s in ERROR_STATUSES],
            "new_key": new_key,
            "missing": []
            if coupling.status == CouplingStatus.ACTIVE
            else services.missing_for_activation(coupling),
            "querystring": query_without_page(request),
            "Status": CouplingStatus,
        },
    )


@requires("exchange.manage")
@require_POST
def coupling_action(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    """Operator actions: activate, suspend, issue a new key (shown once, on this answer only)."""
    coupling = selectors.coupling(request.user, pk)
    try:
        if action == "activate":
            services.activate_coupling(actor=request.user, coupling_id=coupling.pk)
            messages.success(request, _("Coupling activated."))
        elif action == "suspend":
            services.suspend_coupling(actor=request.user, coupling_id=coupling.pk)
            messages.success(request, _("Coupling suspended."))
        elif action == "key":
            key = services.rotate_key(actor=request.user, coupling_id=coupling.pk)
            return coupling_detail(request, pk, new_key=key)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    return redirect("exchange:coupling_detail", pk=coupling.pk)


@requires("exchange.view_error_log")
def error_log(request: AuthedRequest, pk: int) -> HttpResponse:
    """Rapport CDES Fouten log: rejected and failed messages with their reasons."""
    coupling, rows = selectors.error_log(request.user, pk)
    return render(
        request,
        "exchange/errors.html",
        {
            "coupling": coupling,
            "page": paginate(request, rows),
            "failed_out": list(selectors.failed_outbox(coupling)[:50]),
            "content_hidden": selectors.hides_content(request.user, coupling),
        },
    )


@requires("exchange.view_error_log")
@require_POST
def dismiss(request: AuthedRequest, pk: int, message_pk: int) -> HttpResponse:
    """Set a message that will never be fixed aside, so the error log shows what needs work."""
    try:
        services.dismiss(actor=request.user, message_id=message_pk)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("The message has been set aside."))
    return redirect("exchange:errors", pk=pk)


@requires("exchange.view_error_log")
@require_POST
def outbox_retry(request: AuthedRequest, pk: int, message_pk: int) -> HttpResponse:
    """Send a failed outbound message again, after the target was fixed."""
    try:
        outbox.retry_outbox(request.user, message_pk)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("The message will be sent again."))
    return redirect("exchange:errors", pk=pk)


@requires("exchange.view_error_log")
@require_POST
def retry(request: AuthedRequest, pk: int, message_pk: int) -> HttpResponse:
    message = services.get_error_message(request.user, message_pk)
    if message.coupling_id != pk:
        raise PermissionDenied
    try:
        services.retry(actor=request.user, message_id=message.pk)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return redirect("exchange:errors", pk=pk)
    message.refresh_from_db()
    if message.status == InboxStatus.PROCESSED:
        messages.success(request, _("The message has been processed."))
    else:
        messages.warning(
            request,
            _("Tried again: %(status)s.") % {"status": message.get_status_display()},
        )
    return redirect("exchange:errors", pk=pk)


@requires("exchange.review")
def review_list(request: AuthedRequest) -> HttpResponse:
    """Proposals from couplings: corrections, withdrawals, possible duplicates, missing reports."""
    status = request.GET.get("status", ReviewStatus.OPEN)
    status = status if status in ReviewStatus.values else ReviewStatus.OPEN
    page = paginate(request, selectors.reviews(request.user, status))
    return render(
        request,
        "exchange/reviews.html",
        {
            "page": page,
            "status": status,
            "statuses": ReviewStatus.choices,
            "querystring": query_without_page(request),
        },
    )


def _side_by_side(review: Any) -> list[dict[str, Any]]:
    """Current and proposed values per field; a field the proposal leaves out stays as it is."""
    rows = []
    for name, current, proposed in selectors.compared(review):
        current = "" if current is None else current
        proposed = "" if proposed is None else proposed
        rows.append(
            {
                "label": FIELD_LABELS.get(name, name),
                "current": _shown(name, current),
                "proposed": _shown(name, proposed),
                "changed": current != proposed,
            }
        )
    return rows


SHOWN_KINDS = {
    "first_day": display.DATE,
    "birth_date": display.DATE,
    "sick_percentage": display.PERCENT,
    "safety_net": display.BOOL,
}


def _shown(name: str, value: Any) -> Any:
    """Dates as dd-mm-jjjj, codes by their label, as elsewhere in the portal."""
    if name == "status" and value in CaseStatus.values:
        return CaseStatus(value).label
    if name == "gender" and value in Gender.values:
        return Gender(value).label
    return display.format_value(value, SHOWN_KINDS.get(name, display.AUTO))


@requires("exchange.review")
@require_http_methods(["GET", "POST"])
def review_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    review = selectors.review(request.user, pk)
    decision = request.POST.get("decision")
    if request.method == "POST" and decision not in ("accept", "reject"):
        messages.error(request, _("Choose to apply or to reject the proposal."))
        return redirect("exchange:review_detail", pk=review.pk)
    if request.method == "POST" and review.status == ReviewStatus.OPEN:
        accept = decision == "accept"
        try:
            services.decide(actor=request.user, review_id=review.pk, accept=accept)
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
            return redirect("exchange:review_detail", pk=review.pk)
        messages.success(request, _("Decision saved."))
        return redirect("exchange:review_list")
    return render(
        request,
        "exchange/review_detail.html",
        {"review": review, "rows": _side_by_side(review), "Kind": ReviewKind},
    )


@requires("absence.change", rule=services.may_reveal)
@require_http_methods(["GET", "POST"])
def vault_reveal(request: AuthedRequest) -> HttpResponse:
    """Datakluis: reveal a never-absent employee for a preventive consult (casemanager, medic)."""
    employers = Employer.objects.restrict(request.user, "absence.change").order_by("name", "id")
    form = RevealForm(request.POST or None, employers=employers)

    def save(data: dict[str, Any]) -> Employee:
        return services.reveal_for_preventive_consult(
            actor=request.user, employer_id=data["employer"].pk, key=data["key"]
        )

    return form_page(
        request,
        form,
        save,
        success=lambda e: (
            _("%(name)s is available for a preventive consult.") % {"name": e.display_name}
        ),
        done=lambda e: reverse("people:employee_detail", args=[e.pk]),
        template="exchange/vault_reveal.html",
    )
