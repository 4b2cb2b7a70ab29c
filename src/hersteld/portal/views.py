from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from hersteld.absence import selectors as absence_selectors
from hersteld.absence.models import CaseStatus
from hersteld.accounts import selectors as account_selectors
from hersteld.consults import selectors as consult_selectors
from hersteld.core import health as core_health
from hersteld.documents import selectors as document_selectors
from hersteld.messaging import selectors as message_selectors
from hersteld.organisations import selectors as org_selectors
from hersteld.people import selectors as people_selectors
from hersteld.portal.menu import may_reach
from hersteld.web.access import AuthedRequest, is_employee, public, signed_in


@signed_in
def home(request: AuthedRequest) -> HttpResponse:
    """The start page: for an employee his own overview, for others counts of their scope."""
    user = request.user
    if is_employee(user):
        return _employee_home(request)
    counts: list[tuple[str, int, str]] = []
    if user.has_perm_anywhere("organisations.view"):
        counts.append(
            ("employers", org_selectors.employers(user).count(), "organisations:employer_list")
        )
        counts.append(
            ("departments", org_selectors.departments(user).count(), "organisations:employer_list")
        )
    if user.has_perm_anywhere("people.view"):
        today = timezone.localdate()
        employments = people_selectors.employments(user)
        counts.append(
            ("employees", people_selectors.employees(user).count(), "people:employment_list")
        )
        counts.append(
            (
                "employments_in_service",
                employments.filter(Q(end_date__isnull=True) | Q(end_date__gte=today)).count(),
                "people:employment_list",
            )
        )
    if user.has_perm_anywhere("absence.view"):
        counts.append(
            (
                "open_cases",
                absence_selectors.cases(user).filter(status=CaseStatus.OPEN).count(),
                "absence:case_list",
            )
        )
    if user.has_perm_anywhere("accounts.manage"):
        counts.append(("users", account_selectors.users(user).count(), "accounts:user_list"))
    return render(request, "portal/home.html", {"counts": counts})


def _employee_home(request: AuthedRequest) -> HttpResponse:
    """The employee's own overview, phone first (most employees use one): his cases, his
    next consults, new messages, documents that wait for him, his consents and his
    privacy. Each app's selectors read their part; the number of queries does not grow
    with the number of cases, consults, messages or documents."""
    user = request.user
    consults = user.has_perm_anywhere("consults.view")
    context = {
        "own_cases": absence_selectors.own_cases(user),
        "invitations": consult_selectors.next_invitations(user, timezone.now()) if consults else [],
        "may_see_consults": consults,
        "may_request_consult": may_reach(user, "consults:request"),
        "unread": message_selectors.unread_count(user),
        "waiting": document_selectors.waiting_for_employee(user),
        "sms_consents": consult_selectors.own_sms_consents(user) if consults else [],
        "information_consents": consult_selectors.own_information_consents(user),
    }
    return render(request, "portal/employee_home.html", context)


@public
def health(request: HttpRequest) -> JsonResponse:
    """For a load balancer or monitor: 200 when the installation can serve, 503 otherwise."""
    result = core_health.checks()
    ok = core_health.healthy(result)
    response = JsonResponse({"status": "ok" if ok else "unavailable", "checks": result})
    response.status_code = 200 if ok else 503
    response["Cache-Control"] = "no-store"
    return response
