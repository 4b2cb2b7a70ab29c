"""Thin portal views: the worklist, marking a step done, manual to-dos, the user's signals."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from hersteld.absence import selectors as absence_selectors
from hersteld.core import signals
from hersteld.organisations import selectors as org_selectors
from hersteld.poortwachter import selectors, services
from hersteld.poortwachter.explain import explain
from hersteld.poortwachter.forms import DoneForm, TodoForm
from hersteld.poortwachter.models import Party, Todo
from hersteld.web.access import AuthedRequest, requires, signed_in
from hersteld.web.helpers import form_page, id_filter, int_or_none, paginate, query_without_page

DAY_CHOICES = (7, 14, 30, 60)


@requires("absence.view")
def worklist(request: AuthedRequest) -> HttpResponse:
    """What needs doing: overdue steps and steps due soon, in the user's scope (P10)."""
    get = request.GET
    days = int_or_none(get.get("days")) or 14
    overdue_only = get.get("overdue") == "1"
    party = get.get("party", "")
    party = party if party in Party.values else ""
    employer_id = id_filter(get.get("employer"))
    sort = get.get("sort", "due")
    only_mine = get.get("mine") == "1"
    qs = selectors.worklist(
        request.user,
        days=days,
        overdue_only=overdue_only,
        party=party,
        employer_id=employer_id,
        sort=sort,
        only_mine=only_mine,
    )
    page = paginate(request, qs)
    today = timezone.localdate()
    can_change = request.user.has_perm_anywhere("absence.change")
    for todo in page.object_list:
        todo.status = todo.status_on(today)
        todo.days_left = (todo.due - today).days if todo.due else None
        todo.days_overdue = -todo.days_left if todo.days_left is not None else None
        todo.can_mark = can_change and services.may_mark(request.user, todo)
    # A step that a document completes opens that document (documents app, via a hook).
    links: dict[int, str] = {}
    for _receiver, answer in signals.todo_links.send(
        sender=Todo, todos=list(page.object_list), user=request.user
    ):
        if isinstance(answer, dict):
            links.update(answer)
    for todo in page.object_list:
        todo.done_url = links.get(todo.pk, "")
    employers = list(org_selectors.employers(request.user))
    context = {
        "page": page,
        "filters": {
            "days": days,
            "overdue": overdue_only,
            "party": party,
            "employer": employer_id,
            "sort": sort,
            "mine": only_mine,
        },
        "day_choices": DAY_CHOICES,
        "parties": [choice for choice in Party.choices if choice[0]],
        "employers": employers,
        "show_employer": len(employers) > 1,
        "querystring": query_without_page(request),
    }
    return render(request, "poortwachter/worklist.html", context)


def _back(todo: Any) -> str:
    return reverse("absence:case_detail", args=[todo.case_id]) + "?tab=timeline"


@requires("absence.change")
@require_http_methods(["GET", "POST"])
def todo_done(request: AuthedRequest, pk: int) -> HttpResponse:
    todo = get_object_or_404(selectors.todos(request.user, "absence.change"), pk=pk)
    if not services.may_mark(request.user, todo):
        raise PermissionDenied
    form = DoneForm(request.POST or None, initial={"note": todo.note})
    return form_page(
        request,
        form,
        lambda data: services.mark_done(
            actor=request.user, todo_id=pk, done_on=data["done_on"], note=data["note"]
        ),
        success=lambda done: _("“%(label)s” is recorded as done.") % {"label": done.label},
        done=_back,
        template="poortwachter/todo_form.html",
        context={
            "todo": todo,
            "case": todo.case,
            "title": todo.label,
            "why": explain(todo.why_code, todo.why_params),
        },
        guarded=("note",),
    )


@requires("absence.change")
@require_http_methods(["GET", "POST"])
def todo_add(request: AuthedRequest, case_pk: int) -> HttpResponse:
    case = absence_selectors.case(request.user, case_pk, "absence.change", log_access=False)
    return form_page(
        request,
        TodoForm(request.POST or None),
        lambda data: services.add_todo(
            actor=request.user,
            case_id=case.pk,
            title=data["title"],
            due=data["due"],
            party=data["party"] or "",
        ),
        success=lambda _todo: _("The to-do has been added."),
        done=_back,
        template="poortwachter/todo_form.html",
        context={"case": case, "title": _("Add to-do")},
        guarded=("title",),
    )


@signed_in
def notification_list(request: AuthedRequest) -> HttpResponse:
    """The user's signals; opening the page marks them read."""
    page = paginate(request, selectors.notifications(request.user))
    done = any(n.todo.done_on for n in page.object_list)
    response = render(
        request,
        "poortwachter/notifications.html",
        {"page": page, "today": timezone.localdate(), "any_done": done},
    )
    services.read_notifications(request.user)
    return response


@signed_in
@require_POST
def notification_dismiss(request: AuthedRequest, pk: int) -> HttpResponse:
    """Put one of the user's own signals away; another user's signal answers 404."""
    get_object_or_404(selectors.notifications(request.user), pk=pk)
    services.dismiss_notification(request.user, pk)
    messages.success(request, _("The signal has been put away."))
    return redirect("poortwachter:notifications")


@signed_in
@require_POST
def notifications_dismiss_done(request: AuthedRequest) -> HttpResponse:
    """Put away every signal of a step that has been done since."""
    count = services.dismiss_done_notifications(request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d signal of a done step has been put away.",
            "%(count)d signals of done steps have been put away.",
            count,
        )
        % {"count": count},
    )
    return redirect("poortwachter:notifications")
