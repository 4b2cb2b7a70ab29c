"""Thin portal views for cases (P5-P9, P11): selectors read, services write, forms parse."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from hersteld.absence import selectors, services
from hersteld.absence.forms import (
    CaseForm,
    CloseForm,
    ConvertForm,
    DeliveryForm,
    EndLeaveForm,
    MedicalNoteForm,
    NoteForm,
    ReasonForm,
    RecoveryCorrectForm,
    RecoveryForm,
    SameCauseForm,
    case_initial,
)
from hersteld.absence.models import AbsenceCase, CaseKind, CaseStatus, Recovery
from hersteld.absence.rules import REPORT_FULL, REPORT_NONE, REPORT_SHORT
from hersteld.core import signals
from hersteld.core.selectors import describe
from hersteld.organisations import selectors as org_selectors
from hersteld.people import selectors as people_selectors
from hersteld.people.selectors import terms_on
from hersteld.web.access import AuthedRequest, is_arbodienst_staff, requires
from hersteld.web.helpers import form_page, id_filter, int_or_none, paginate, query_without_page

REPORT_LABELS = {
    REPORT_NONE: gettext_lazy("none (absence shorter than 6 weeks)"),
    REPORT_SHORT: gettext_lazy("verkort re-integratieverslag"),
    REPORT_FULL: gettext_lazy("re-integratieverslag (full)"),
}


def _dossier(case: AbsenceCase, tab: str = "overview") -> str:
    return reverse("absence:case_detail", args=[case.pk]) + f"?tab={tab}"


@requires("absence.view")
def case_list(request: AuthedRequest) -> HttpResponse:
    get = request.GET
    search = get.get("q", "").strip()
    status, kind, sort = (
        get.get("status", "open"),
        get.get("kind", ""),
        get.get("sort", "-first_day"),
    )
    employer_id, department_id = (
        id_filter(get.get("employer")),
        id_filter(get.get("department")),
    )
    week_min, week_max = int_or_none(get.get("week_min")), int_or_none(get.get("week_max"))
    qs = selectors.case_list(
        request.user,
        status=status,
        kind=kind,
        employer_id=employer_id,
        department_id=department_id,
        week_min=week_min,
        week_max=week_max,
        search=search,
        sort=sort,
    )
    filters = {
        "q": search,
        "status": status,
        "kind": kind,
        "employer": employer_id,
        "department": department_id,
        "week_min": week_min,
        "week_max": week_max,
        "sort": sort,
    }
    page = paginate(request, qs)
    today = timezone.localdate()
    for item in page.object_list:
        item.week = (today - item.week_anchor).days // 7 + 1 if item.is_open else None
    employers = list(org_selectors.employers(request.user))
    context = {
        "page": page,
        "filters": filters,
        "show_employer": len(employers) > 1,
        "kinds": CaseKind.choices,
        "employers": employers,
        "departments": org_selectors.departments(request.user).order_by("employer__name", "path"),
        "querystring": query_without_page(request),
    }
    template = (
        "absence/_case_rows.html" if getattr(request, "htmx", False) else "absence/case_list.html"
    )
    return render(request, template, context)


@requires("absence.change")
@require_http_methods(["GET", "POST"])
def case_add(request: AuthedRequest, employment_pk: int) -> HttpResponse:
    """Case toevoegen from an employment: first the kind, then its form."""
    employment = people_selectors.employment(
        request.user, employment_pk, "absence.change", log_access=False
    )
    kind = request.GET.get("kind", "")
    if kind not in CaseKind.values:
        return render(request, "absence/case_kind.html", {"employment": employment})
    form = CaseForm(request.POST or None, kind=kind, actor=request.user, anchor=employment)
    return form_page(
        request,
        form,
        lambda data: services.add_case(
            actor=request.user, employment_id=employment.pk, kind=kind, data=data
        ),
        success=lambda case: (
            _("The case of %(name)s has been recorded: %(kind)s.")
            % {"kind": case.get_kind_display(), "name": employment.employee.display_name}
        ),
        done=_dossier,
        template="absence/case_form.html",
        context={"employment": employment, "kind": kind, "kind_label": CaseKind(kind).label},
        guarded=("note", "requested_action_note"),
    )


def _tabs(request: AuthedRequest, case: AbsenceCase) -> list[tuple[str, str]]:
    tabs = [("overview", _("Overview")), ("notes", _("Notes")), ("recoveries", _("Recoveries"))]
    if case.kind == CaseKind.SICKNESS:  # the timeline exists from the first real sick report on
        tabs.insert(1, ("timeline", _("Timeline")))
    if selectors.can_see_medical(request.user, case):
        tabs.append(("medical", _("Medical file")))
    # Tabs of higher apps (documents, consults, messages) come through a hook, before history.
    for _receiver, added in signals.dossier_tabs.send(
        sender=AbsenceCase, case=case, user=request.user
    ):
        if isinstance(added, list):
            tabs.extend((extra.key, extra.label) for extra in added)
    if request.user.has_perm_anywhere("audit.view"):
        tabs.append(("history", _("History")))
    return tabs


@requires("absence.view")
@require_http_methods(["GET", "POST"])
def case_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """The dossier with its tabs; every view is written to the access log."""
    case = selectors.case(request.user, pk)
    tabs = _tabs(request, case)
    tab = request.GET.get("tab", "overview")
    if tab not in dict(tabs):
        tab = "overview"
    can_change = selectors.can_change(request.user, case)
    facts = selectors.facts(case)
    context: dict[str, Any] = {
        "case": case,
        "tab": tab,
        "tabs": tabs,
        "facts": facts,
        "can_change": can_change,
        "can_hold": services.may_hold(request.user),
        "can_see_safety_net": selectors.can_see_safety_net(request.user, case),
        "report_label": REPORT_LABELS.get(facts.reintegration_report or ""),
    }
    if context["can_see_safety_net"] and services.same_cause_asked(case):
        # docs/rules/samentelling.md: a question for arbodienst staff; the employer sees only the chain.
        context["same_cause_question"] = {
            "may_answer": can_change and services.may_answer_same_cause(request.user),
        }
    if tab == "notes":
        form = NoteForm(request.POST or None) if can_change else None
        if request.method == "POST" and form is not None:
            return form_page(
                request,
                form,
                lambda data: services.add_note(
                    actor=request.user, case_id=pk, text=data["text"], internal=data["internal"]
                ),
                success=lambda _note: _("The note has been saved."),
                done=lambda _note: _dossier(case, "notes"),
                template="absence/case_detail.html",
                context={**context, "notes": selectors.notes(request.user, case)},
                guarded=("text",),
            )
        context["form"] = form
        context["notes"] = selectors.notes(request.user, case)
    elif tab == "recoveries":
        recoveries = list(selectors.recoveries(request.user, case))
        context["recoveries"] = recoveries
        latest = recoveries[-1] if recoveries else None
        if (
            can_change
            and latest is not None
            and case.status != CaseStatus.WITHDRAWN
            and (not latest.therapeutic or services.is_medic(request.user))
        ):
            context["latest_recovery"] = latest
    elif tab == "medical":
        medical_form = MedicalNoteForm(request.POST or None)
        if request.method == "POST":
            return form_page(
                request,
                medical_form,
                lambda data: services.add_medical_note(
                    actor=request.user, case_id=pk, text=data["text"]
                ),
                success=lambda _note: _("The medical note has been saved."),
                done=lambda _note: _dossier(case, "medical"),
                template="absence/case_detail.html",
                context={**context, "medical_notes": selectors.medical_notes(request.user, case)},
            )
        context["form"] = medical_form
        context["medical_notes"] = selectors.medical_notes(request.user, case)
    elif tab == "history":
        page = paginate(request, selectors.history(request.user, case))
        page.object_list = describe(page.object_list, user=request.user)
        context["history"] = page
    # Tabs of higher apps (poortwachter's timeline) add their context through a hook.
    for _receiver, extra in signals.dossier_tab.send(
        sender=AbsenceCase, case=case, tab=tab, user=request.user
    ):
        if isinstance(extra, dict):
            context.update(extra)
    if request.method == "POST":
        raise PermissionDenied
    return render(request, "absence/case_detail.html", context)


def _case_for_change(request: AuthedRequest, pk: int) -> AbsenceCase:
    return selectors.case(request.user, pk, "absence.change", log_access=False)


@requires("absence.change")
@require_http_methods(["GET", "POST"])
def case_correct(request: AuthedRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    if case.status == CaseStatus.WITHDRAWN:
        raise Http404
    form = CaseForm(
        request.POST or None,
        initial=case_initial(case),
        kind=case.kind,
        actor=request.user,
        anchor=case,
        correction=True,
    )
    return form_page(
        request,
        form,
        lambda data: services.correct_case(actor=request.user, case_id=pk, data=data),
        success=lambda _case: _("The correction has been saved."),
        done=_dossier,
        template="absence/case_form.html",
        context={
            "employment": case.employment,
            "kind": case.kind,
            "kind_label": case.get_kind_display(),
            "case": case,
            "correction": True,
        },
        guarded=("reason", "requested_action_note"),
    )


def _case_action(
    request: AuthedRequest,
    pk: int,
    form: forms.Form,
    save: Callable[[dict[str, Any]], Any],
    *,
    title: str,
    intro: str,
    button: str,
    success: str,
    danger: bool = False,
    guarded: tuple[str, ...] = (),
) -> HttpResponse:
    """The one shape of the small case actions: a short form, a service call, back to the dossier."""
    case = _case_for_change(request, pk)
    return form_page(
        request,
        form,
        save,
        success=lambda _result: success,
        done=lambda _result: _dossier(case),
        template="absence/case_action.html",
        context={"case": case, "title": title, "intro": intro, "button": button, "danger": danger},
        guarded=guarded,
    )


@requires("absence.change")
@require_http_methods(["GET", "POST"])
def case_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        ReasonForm(request.POST or None),
        lambda data: services.withdraw_case(actor=request.user, case_id=pk, reason=data["reason"]),
        title=_("Withdraw case"),
        intro=_(
            "Withdraw only a case that should never have been recorded, for example one "
            "entered for the wrong employee. A withdrawn case counts nowhere; it stays "
            "visible in the history."
        ),
        button=_("Withdraw case"),
        success=_("The case has been withdrawn."),
        danger=True,
        guarded=("reason",),
    )


@requires("absence.change")
@require_http_methods(["GET", "POST"])
def case_convert(request: AuthedRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        ConvertForm(request.POST or None),
        lambda data: services.convert_to_sickness(
            actor=request.user, case_id=pk, first_day=data.get("first_day")
        ),
        title=_("Convert into a sickness case"),
        intro=_(
            "The preventive case becomes a sickness absence. Notes and history are kept; "
            "the Poortwachter weeks count from the first day of absence."
        ),
        button=_("Convert"),
        success=_("The case is now a sickness absence."),
    )


@requires("absence.change")
@require_http_methods(["GET", "POST"])
def case_close(request: AuthedRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        CloseForm(request.POST or None, initial={"end_date": timezone.localdate()}),
        lambda data: services.close_case(actor=request.user, case_id=pk, end_date=data["end_date"]),
        title=_("Close preventive case"),
        intro=_("Close the preventive case when nothing more needs to be done."),
        button=_("Close case"),
        success=_("The case has been closed."),
    )


@requires("absence.change")
@require_http_methods(["GET", "POST"])
def case_delivery(request: AuthedRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        DeliveryForm(request.POST or None),
        lambda data: services.record_delivery(
            actor=request.user,
            case_id=pk,
            actual_delivery=data["actual_delivery"],
            premature=data.get("premature"),
            hospital_days=data.get("hospital_days"),
        ),
        title=_("Record the delivery"),
        intro=_("The end of the leave is computed again from the actual delivery date."),
        button=_("Save"),
        success=_("The delivery date has been recorded; the end of the leave is updated."),
    )


@requires("absence.change")
@require_http_methods(["GET", "POST"])
def case_end_leave(request: AuthedRequest, pk: int) -> HttpResponse:
    def save(data: dict[str, Any]) -> Any:
        return services.end_leave(
            actor=request.user, case_id=pk, continue_sick=data["follow_up"] == "sick"
        )

    return _case_action(
        request,
        pk,
        EndLeaveForm(request.POST or None),
        save,
        title=_("End of the leave"),
        intro=_(
            "Close the leave when the employee resumes work. If she cannot resume, continue "
            "directly with a sickness case. When she was sick directly before the leave too, "
            "both sickness cases are counted together."
        ),
        button=_("Save"),
        success=_("The leave has been closed."),
    )


def _recovery_message(recovery: Any) -> str:
    if recovery.therapeutic:
        return _("The recovery on a therapeutic basis (Hersteld AT) has been recorded.")
    if recovery.is_full:
        return _("The full recovery has been recorded; the case is closed.")
    return _("The partial recovery has been recorded.")


@requires("absence.change")
@require_http_methods(["GET", "POST"])
def recovery_add(request: AuthedRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    terms = terms_on(case.employment, timezone.localdate()) or terms_on(
        case.employment, case.first_day
    )
    hours = terms.hours_per_week if terms else case.employment.hours_per_week
    form = RecoveryForm(request.POST or None, actor=request.user, contract_hours=hours)
    return form_page(
        request,
        form,
        lambda data: services.add_recovery(actor=request.user, case_id=pk, data=data),
        success=_recovery_message,
        done=lambda _recovery: _dossier(case, "recoveries"),
        template="absence/recovery_form.html",
        context={"case": case, "contract_hours": hours},
    )


@requires("absence.change")
@require_http_methods(["GET", "POST"])
def case_same_cause(request: AuthedRequest, pk: int) -> HttpResponse:
    """The bedrijfsarts's "same cause?" after a leave (docs/rules/samentelling.md); arbodienst staff only."""
    case = _case_for_change(request, pk)  # outside the scope: 404, before the role check
    if not services.may_answer_same_cause(request.user):
        raise PermissionDenied
    if not services.same_cause_asked(case):
        raise Http404
    return _case_action(
        request,
        pk,
        SameCauseForm(request.POST or None, initial={"same_cause": case.same_cause or None}),
        lambda data: services.answer_same_cause(
            actor=request.user, case_id=pk, answer=data["same_cause"]
        ),
        title=_("Same cause as before the leave?"),
        intro=_(
            "The sickness ran directly up to the pregnancy leave and resumes directly after "
            "it. The company doctor judges whether it has the same cause; a casemanager "
            "records the answer on his advice. Until then it is counted together with the "
            "sickness before the leave. The employer does not see this question."
        ),
        button=_("Save answer"),
        success=_(
            "The answer has been recorded; the chain and the Poortwachter steps are updated."
        ),
    )


def _recovery_for_change(request: AuthedRequest, pk: int) -> Recovery:
    recovery = Recovery.objects.restrict(request.user, "absence.change").filter(pk=pk).first()
    if recovery is None:
        raise Http404
    return recovery


@requires("absence.change")
@require_http_methods(["GET", "POST"])
def recovery_correct(request: AuthedRequest, pk: int) -> HttpResponse:
    """Correct the latest recovery (date, percentage or hours), with a reason."""
    recovery = _recovery_for_change(request, pk)
    percentage = recovery.percentage
    initial = {
        "date": recovery.date,
        "percentage": percentage.to_integral()
        if percentage == percentage.to_integral()
        else percentage,
    }
    form = RecoveryCorrectForm(
        request.POST or None,
        initial=initial,
        actor=request.user,
        contract_hours=recovery.contract_hours,
    )
    return _case_action(
        request,
        recovery.case_id,
        form,
        lambda data: services.correct_recovery(actor=request.user, recovery_id=pk, data=data),
        title=_("Correct recovery"),
        intro=_(
            "Only the latest recovery can be corrected. The status and percentage of the "
            "case, the counting together and the Poortwachter steps follow the new values; "
            "the old values and the reason stay in the history."
        ),
        button=_("Save correction"),
        success=_("The recovery has been corrected."),
        guarded=("reason",),
    )


@requires("absence.change")
@require_http_methods(["GET", "POST"])
def recovery_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    """Remove the latest recovery, with a reason; the case gets back its earlier state."""
    recovery = _recovery_for_change(request, pk)
    return _case_action(
        request,
        recovery.case_id,
        ReasonForm(request.POST or None),
        lambda data: services.remove_recovery(
            actor=request.user, recovery_id=pk, reason=data["reason"]
        ),
        title=_("Remove recovery"),
        intro=_(
            "Remove the recovery of %(date)s (%(percentage)s%%) only when it was reported by "
            "mistake. The case gets back the status and percentage it had before; a removed "
            "full recovery reopens the case. The removal stays in the history."
        )
        % {
            "date": recovery.date.strftime("%d-%m-%Y"),
            "percentage": f"{recovery.percentage.normalize():f}",
        },
        button=_("Remove recovery"),
        success=_("The recovery has been removed."),
        danger=True,
        guarded=("reason",),
    )


def _hold_action(request: AuthedRequest, pk: int, *, lift: bool) -> HttpResponse:
    """Set or lift a legal hold: arbodienst staff with the case in scope (else 404)."""
    if not services.may_hold(request.user):
        raise Http404
    case = selectors.case(request.user, pk, "absence.view", log_access=False)
    service = services.lift_hold if lift else services.set_hold
    return form_page(
        request,
        ReasonForm(request.POST or None),
        lambda data: service(actor=request.user, case_id=pk, reason=data["reason"]),
        success=lambda _case: (
            _("The legal hold has been lifted.") if lift else _("The legal hold is on.")
        ),
        done=lambda _case: _dossier(case),
        template="absence/case_action.html",
        context={
            "case": case,
            "title": _("Lift the legal hold") if lift else _("Legal hold"),
            "intro": _(
                "Lifting the hold lets the retention terms apply again: what has passed its "
                "term is erased by the next daily run."
            )
            if lift
            else _(
                "While a legal hold is on (for example during a dispute or a UWV procedure), "
                "nothing of this case or of the employee's other records is erased, neither "
                "by the retention job nor on request."
            ),
            "button": _("Lift the hold") if lift else _("Put on hold"),
            "danger": False,
        },
        guarded=("reason",),
    )


@requires("absence.view", rule=is_arbodienst_staff)
@require_http_methods(["GET", "POST"])
def case_hold(request: AuthedRequest, pk: int) -> HttpResponse:
    return _hold_action(request, pk, lift=False)


@requires("absence.view", rule=is_arbodienst_staff)
@require_http_methods(["GET", "POST"])
def case_hold_lift(request: AuthedRequest, pk: int) -> HttpResponse:
    return _hold_action(request, pk, lift=True)
