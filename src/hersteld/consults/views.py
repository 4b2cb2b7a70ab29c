"""Portal pages of consults (P13): list, agenda, planning, the consult with its actions,
the report, the open spreekuur request and the billing page."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from hersteld.absence import selectors as absence_selectors
from hersteld.absence.models import AbsenceCase
from hersteld.accounts.permissions import Role
from hersteld.consults import selectors, services
from hersteld.consults.forms import (
    BlockForm,
    CancelForm,
    InformationAnswerForm,
    InformationRequestForm,
    NoteForm,
    PlanForm,
    ReportForm,
    RequestForm,
    RescheduleForm,
    ScheduleForm,
    SmsConsentForm,
)
from hersteld.consults.models import REPORT_TEXT_FIELDS, Consult, Status
from hersteld.core.actor import Actor
from hersteld.core.audit import record_access
from hersteld.core.signals import BillableRow, DossierTab
from hersteld.core.sms import SmsPurpose
from hersteld.core.validation import MESSAGES
from hersteld.web.access import AuthedRequest, is_employee, requires
from hersteld.web.helpers import form_page, id_filter, paginate, run_service
from hersteld.web.pdf import render_pdf


def dossier_tabs(case: AbsenceCase, user: Actor, **rest: Any) -> list[DossierTab]:
    """Receiver of core.signals.dossier_tabs: a Consults tab for whoever sees consults."""
    if not user.has_perm_anywhere("consults.view"):
        return []
    return [DossierTab("consults", _("Consults"))]


def dossier_tab(case: AbsenceCase, tab: str, user: Actor, **rest: Any) -> dict[str, Any] | None:
    """Receiver of core.signals.dossier_tab: the consults tab of a dossier."""
    if tab != "consults":
        return None
    medical = AbsenceCase.objects.restrict(user, "medical.view").filter(pk=case.pk).exists()
    return {
        "tab_template": "consults/_tab.html",
        "consults": list(selectors.consult_list(user, case_id=case.pk)),
        "may_plan": AbsenceCase.objects.restrict(user, "consults.plan").filter(pk=case.pk).exists(),
        "information_requests": list(
            selectors.information_requests(user).filter(employee_id=case.employee_id)
        )
        if medical
        else None,
        "may_request_information": medical and services.is_practitioner(user),
    }


def _practitioner_choices(request: AuthedRequest) -> list[tuple[int, str]]:
    return [
        (p.pk, p.get_full_name() or p.get_username())
        for p in selectors.practitioners(request.user, "consults.plan")
    ]


def _error_text(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


@requires("consults.view")
def consult_list(request: AuthedRequest) -> HttpResponse:
    """Upcoming consults in scope; for the employee his invitations, the open spreekuur and
    his SMS consents."""
    return render(request, "consults/list.html", _list_context(request))


def _list_context(request: AuthedRequest) -> dict[str, Any]:
    show = request.GET.get("show", "upcoming")
    qs = selectors.consult_list(
        request.user,
        practitioner_id=id_filter(request.GET.get("practitioner")),
        upcoming=show == "upcoming",
        now=timezone.now() - dt.timedelta(hours=12),
    )
    if show == "requested":
        qs = selectors.consult_list(request.user, status=Status.REQUESTED)
    context: dict[str, Any] = {
        "page": paginate(request, qs),
        "show": show,
        "notices": list(selectors.notices(request.user)[:10]),
        "is_employee": is_employee(request.user),
        "is_staff": getattr(request.user, "role", None) not in (Role.EMPLOYER_USER, Role.EMPLOYEE),
    }
    if context["is_employee"] and request.user.employee_id is not None:
        context["sms_consents"] = [
            {"purpose": purpose, "label": label, "consent": consent, "form": sms_form(purpose)}
            for purpose, label, consent in selectors.own_sms_consents(request.user)
        ]
        context["information_requests"] = list(selectors.information_requests(request.user))
    return context


def sms_form(purpose: str, data: Any = None) -> SmsConsentForm:
    """One number field per purpose on one page: the ids tell them apart, the name stays."""
    return SmsConsentForm(data, auto_id=f"id_sms_{purpose}_%s")


def _detail_context(request: AuthedRequest, consult: Consult) -> dict[str, Any]:
    user = request.user
    medical = selectors.may(user, consult, "medical.view")
    report = selectors.current_report(user, consult)
    today = timezone.localdate()
    day = timezone.localtime(consult.starts_at).date() if consult.starts_at else None
    may_hold = selectors.may(user, consult, "consults.hold") and (
        services.is_medic(user) or consult.practitioner_id == user.pk
    )
    return {
        "consult": consult,
        "medical": medical,
        "notes": selectors.notes(user, consult) if medical else [],
        "note_form": NoteForm() if medical and may_hold else None,
        "report": report,
        "versions": list(selectors.report_versions(user, consult)),
        "may_cancel": consult.status in (Status.PLANNED, Status.REQUESTED)
        and selectors.may(user, consult, "consults.cancel")
        and user.role != Role.EMPLOYEE,
        "may_outcome": may_hold
        and consult.status == Status.PLANNED
        and day is not None
        and day <= today,
        "may_report": may_hold and consult.status == Status.HELD and consult.needs_report,
        "may_final": services.is_medic(user)
        and report is not None
        and report.status == "draft"
        and consult.status == Status.HELD,
        "may_reschedule": consult.status == Status.PLANNED
        and selectors.may(user, consult, "consults.cancel")
        and user.role != Role.EMPLOYEE,
        "may_schedule": consult.status == Status.REQUESTED
        and selectors.may(user, consult, "consults.plan"),
        "is_employee": is_employee(user),
        "employer_side": user.role in (Role.EMPLOYER_USER, Role.EMPLOYEE),
    }


@requires("consults.view")
def consult_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    consult = selectors.consult(request.user, pk)
    return render(request, "consults/detail.html", _detail_context(request, consult))


@requires("consults.view")
def consult_letter(request: AuthedRequest, pk: int) -> HttpResponse:
    """The invitation as a printable letter (PDF)."""
    consult = selectors.consult(request.user, pk)
    if consult.starts_at is None:
        raise Http404
    settings = selectors.settings_for(consult.employer.arbodienst_id)
    pdf = render_pdf(
        "consults/letter.html",
        {
            "consult": consult,
            "measures": settings.location_measures,
            "cancel_hours": settings.cancel_hours,
            "today": timezone.localdate(),
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="uitnodiging-{consult.pk}.pdf"'
    return response


def _next_free(request: AuthedRequest) -> list[tuple[Any, list[Any]]]:
    """The next free times of each practitioner (a first consult on location, two weeks):
    a hint for the planner; the service checks the chosen time again."""
    today = timezone.localdate()
    out = []
    for found in selectors.practitioners(request.user, "consults.plan"):
        slots = services.free_slots(
            request.user, found.pk, today, today + dt.timedelta(days=13), "first", "location"
        )
        out.append((found, [start for start, _ in slots[:4]]))
    return out


@requires("consults.plan")
@require_http_methods(["GET", "POST"])
def consult_plan(request: AuthedRequest, case_pk: int) -> HttpResponse:
    case = get_object_or_404(absence_selectors.cases(request.user, "consults.plan"), pk=case_pk)
    form = PlanForm(request.POST or None)
    form.fields["practitioner_id"].choices = _practitioner_choices(request)  # type: ignore[attr-defined]
    return form_page(
        request,
        form,
        lambda data: services.plan_consult(actor=request.user, case_id=case.pk, data=data),
        success=lambda _c: _("The consult has been planned and the invitation sent."),
        done=lambda c: reverse("consults:detail", args=[c.pk]),
        template="consults/plan.html",
        context={"case": case, "free": _next_free(request)},
        guarded=("location",),
    )


@requires("consults.plan")
@require_http_methods(["GET", "POST"])
def consult_schedule(request: AuthedRequest, pk: int) -> HttpResponse:
    consult = selectors.consult(request.user, pk, "consults.plan", log=False)
    form = ScheduleForm(request.POST or None, initial={"method": consult.method})
    form.fields["practitioner_id"].choices = _practitioner_choices(request)  # type: ignore[attr-defined]
    return form_page(
        request,
        form,
        lambda data: services.schedule_request(actor=request.user, consult_id=pk, data=data),
        success=lambda _c: _("The consult has been planned and the invitation sent."),
        done=lambda c: reverse("consults:detail", args=[c.pk]),
        template="consults/plan.html",
        context={"consult": consult},
    )


@requires("consults.cancel")
@require_http_methods(["GET", "POST"])
def consult_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    consult = selectors.consult(request.user, pk, "consults.cancel", log=False)
    form = CancelForm(request.POST or None)
    employer_side = request.user.role in (Role.EMPLOYER_USER, Role.EMPLOYEE)
    if employer_side:
        del form.fields["by"]
    return form_page(
        request,
        form,
        lambda data: services.cancel_consult(
            actor=request.user, consult_id=pk, reason=data["reason"], by=data.get("by", "")
        ),
        success=lambda _c: _("The consult has been cancelled."),
        done=lambda c: reverse("consults:detail", args=[c.pk]),
        template="consults/cancel.html",
        context={"consult": consult},
        guarded=("reason",),
    )


@requires("consults.cancel")
@require_http_methods(["GET", "POST"])
def consult_reschedule(request: AuthedRequest, pk: int) -> HttpResponse:
    """Move a planned consult (verplaatsen): the next free times of its practitioner as a
    hint; the service checks the 48 hours, the availability and double booking."""
    consult = selectors.consult(request.user, pk, "consults.cancel", log=False)
    employer_side = request.user.role in (Role.EMPLOYER_USER, Role.EMPLOYEE)
    form = RescheduleForm(request.POST or None)
    if employer_side:
        del form.fields["override_availability"]
    return form_page(
        request,
        form,
        lambda data: services.reschedule_consult(actor=request.user, consult_id=pk, data=data),
        success=lambda _c: _("The consult has been moved; employee and employer are told."),
        done=lambda c: reverse("consults:detail", args=[c.pk]),
        template="consults/reschedule.html",
        context={
            "consult": consult,
            "free": services.consult_free_slots(consult, timezone.localdate(), 14)[:12]
            if consult.status == Status.PLANNED
            else [],
            "cancel_hours": selectors.settings_for(consult.employer.arbodienst_id).cancel_hours,
            "employer_side": employer_side,
        },
    )


def _action(request: AuthedRequest, pk: int, call: Any, success: str) -> HttpResponse:
    try:
        call()
    except ValidationError as error:
        messages.error(request, _error_text(error))
    except PermissionDenied as error:
        messages.error(request, str(error) or _("You are not allowed to do this here."))
    else:
        messages.success(request, success)
    return redirect("consults:detail", pk)


@requires("consults.hold")
@require_POST
def consult_held(request: AuthedRequest, pk: int) -> HttpResponse:
    selectors.consult(request.user, pk, "consults.hold", log=False)
    return _action(
        request,
        pk,
        lambda: services.record_held(actor=request.user, consult_id=pk),
        _("The consult is recorded as held."),
    )


@requires("consults.hold")
@require_POST
def consult_no_show(request: AuthedRequest, pk: int) -> HttpResponse:
    selectors.consult(request.user, pk, "consults.hold", log=False)
    return _action(
        request,
        pk,
        lambda: services.record_no_show(actor=request.user, consult_id=pk),
        _("The no-show has been recorded; employer and employee are told."),
    )


@requires("consults.hold")
@require_POST
def note_add(request: AuthedRequest, pk: int) -> HttpResponse:
    selectors.consult(request.user, pk, "medical.view", log=False)
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the note first."))
        return redirect("consults:detail", pk)
    return _action(
        request,
        pk,
        lambda: services.add_note(
            actor=request.user, consult_id=pk, text=form.cleaned_data["text"]
        ),
        _("The note has been saved in the medical file."),
    )


@requires("consults.hold")
@require_http_methods(["GET", "POST"])
def report_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    consult = selectors.consult(request.user, pk, "medical.view", log=False)
    current = selectors.current_report(request.user, consult)
    initial = {}
    if current is not None:
        initial = {name: getattr(current, name) for name in services.REPORT_FIELDS}
    form = ReportForm(request.POST or None, initial=initial)
    return form_page(
        request,
        form,
        lambda data: services.save_report(actor=request.user, consult_id=pk, data=data),
        success=lambda _r: _("The draft report has been saved."),
        done=lambda r: reverse("consults:detail", args=[r.consult_id]),
        template="consults/report_form.html",
        context={"consult": consult, "current": current},
        guarded=REPORT_TEXT_FIELDS,
    )


@requires("consults.hold")
@require_POST
def report_final(request: AuthedRequest, pk: int) -> HttpResponse:
    selectors.consult(request.user, pk, "medical.view", log=False)
    return _action(
        request,
        pk,
        lambda: services.finalise_report(actor=request.user, consult_id=pk),
        _("The report is final: employer and employee can read it now."),
    )


@requires("consults.view", rule=is_employee)
@require_http_methods(["GET", "POST"])
def consult_request(request: AuthedRequest) -> HttpResponse:
    form = RequestForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda data: services.request_consult(
            actor=request.user, question=data["question"], method=data["method"]
        ),
        success=lambda _c: _(
            "Your request has been sent to the arbodienst. Your employer is not told."
        ),
        done=lambda c: reverse("consults:detail", args=[c.pk]),
        template="consults/request.html",
    )


SMS_GIVEN = {
    SmsPurpose.REMINDERS: gettext_lazy("You will receive an SMS reminder before a first consult."),
    SmsPurpose.MESSAGES: gettext_lazy(
        "You will receive an SMS when a new message arrives for you."
    ),
}
SMS_WITHDRAWN = {
    SmsPurpose.REMINDERS: gettext_lazy("You will no longer receive SMS reminders."),
    SmsPurpose.MESSAGES: gettext_lazy("You will no longer receive an SMS about new messages."),
}


@requires("consults.view", rule=is_employee)
@require_POST
def sms_consent(request: AuthedRequest) -> HttpResponse:
    """Give (with a number) or withdraw (`withdraw=1`) the SMS consent for one `purpose`
    (consult reminders when none is named). A refused number is shown on its field (422),
    nothing written; `next=home` returns to the employee's start page."""
    purpose = request.POST.get("purpose") or SmsPurpose.REMINDERS.value
    done = redirect("portal:home") if request.POST.get("next") == "home" else None
    done = done or redirect(reverse("consults:list") + "#sms")
    if purpose not in SmsPurpose.values:
        messages.error(request, f"{_('Purpose')}: {MESSAGES['invalid_choice']}")
        return done
    if request.POST.get("withdraw"):
        try:
            services.withdraw_sms_consent(actor=request.user, purpose=purpose)
            messages.success(request, str(SMS_WITHDRAWN[SmsPurpose(purpose)]))
        except ValidationError as error:
            messages.error(request, _error_text(error))
        return done
    form = sms_form(purpose, request.POST)
    given = None
    if form.is_valid():
        given = run_service(
            form,
            lambda: services.give_sms_consent(
                actor=request.user, phone=form.cleaned_data["phone"], purpose=purpose
            ),
        )
    if given is not None:
        messages.success(request, str(SMS_GIVEN[SmsPurpose(purpose)]))
        return done
    context = _list_context(request)
    for row in context["sms_consents"]:
        if row["purpose"] == purpose:
            row["form"] = form
    return render(request, "consults/list.html", context, status=422)


def _week_start(value: str | None) -> dt.date:
    today = timezone.localdate()
    try:
        day = dt.date.fromisoformat(value) if value else today
    except ValueError:
        day = today
    if not 1900 <= day.year <= 2199:
        day = today
    return day - dt.timedelta(days=day.weekday())


@requires("consults.agenda")
@require_http_methods(["GET", "POST"])
def agenda(request: AuthedRequest) -> HttpResponse:
    """A practitioner's week: availability and consults; below it the availability blocks."""
    practitioners = list(selectors.practitioners(request.user, "consults.agenda"))
    chosen_id = id_filter(request.GET.get("practitioner"))
    if chosen_id is None and practitioners:
        own = [p for p in practitioners if p.pk == request.user.pk]
        chosen_id = (own or practitioners)[0].pk
    chosen = next((p for p in practitioners if p.pk == chosen_id), None)
    monday = _week_start(request.GET.get("week"))
    form = BlockForm(request.POST or None)
    if request.method == "POST":
        if chosen is None:
            raise Http404
        return form_page(
            request,
            form,
            lambda data: services.add_block(
                actor=request.user, data={**data, "practitioner_id": chosen.pk}
            ),
            success=lambda _b: _("The availability has been added."),
            done=lambda _b: f"{reverse('consults:agenda')}?practitioner={chosen.pk}&week={monday}",
            template="consults/agenda.html",
            context=_agenda_context(request, practitioners, chosen, monday),
        )
    return render(
        request,
        "consults/agenda.html",
        {"form": form, **_agenda_context(request, practitioners, chosen, monday)},
    )


def _agenda_context(
    request: AuthedRequest, practitioners: list[Any], chosen: Any, monday: dt.date
) -> dict[str, Any]:
    days: list[dict[str, Any]] = []
    blocks: list[Any] = []
    if chosen is not None:
        sunday = monday + dt.timedelta(days=6)
        windows = services.windows(chosen.pk, monday, sunday)
        booked = list(
            selectors.consult_list(request.user, practitioner_id=chosen.pk)
            .filter(
                starts_at__date__gte=monday,
                starts_at__date__lte=sunday,
            )
            .exclude(status=Status.CANCELLED)
        )
        for offset in range(7):
            day = monday + dt.timedelta(days=offset)
            days.append(
                {
                    "day": day,
                    "windows": [w for w in windows if w.start.date() == day],
                    "consults": [
                        c
                        for c in booked
                        if c.starts_at and timezone.localtime(c.starts_at).date() == day
                    ],
                }
            )
        blocks = list(selectors.blocks(request.user, chosen.pk))
    return {
        "practitioners": practitioners,
        "chosen": chosen,
        "monday": monday,
        "previous": monday - dt.timedelta(days=7),
        "next": monday + dt.timedelta(days=7),
        "days": days,
        "blocks": blocks,
    }


@requires("consults.agenda")
@require_POST
def block_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    services.remove_block(actor=request.user, block_id=pk)
    messages.success(request, _("The availability has been removed."))
    return redirect(reverse("consults:agenda") + f"?{request.GET.urlencode()}")


def _billing_table(rows: list[BillableRow]) -> list[tuple[list[Any], bool]]:
    """The bill's lines (cells, is a total), and after the lines of each employer and month
    their total (the consults' items and the coupling items together)."""
    totals = selectors.billing_totals(rows)
    table: list[tuple[list[Any], bool]] = []
    for index, row in enumerate(rows):
        table.append(([row.employer_name, f"{row.month:%Y-%m}", row.label, row.number], False))
        following = rows[index + 1] if index + 1 < len(rows) else None
        if following is None or (following.employer_id, following.month) != (
            row.employer_id,
            row.month,
        ):
            table.append(
                (
                    [
                        row.employer_name,
                        f"{row.month:%Y-%m}",
                        _("Total"),
                        totals[(row.employer_id, row.month)],
                    ],
                    True,
                )
            )
    return table


@requires("consults.billing")
def billing(request: AuthedRequest) -> HttpResponse:
    """Billable items per employer and month (counts only, coupling items included), with a
    total per employer and month, and CSV and XLSX export."""
    month_value = request.GET.get("month", "")
    error = ""
    month = None
    if month_value:
        try:
            month = services.parse_month(month_value)
        except ValidationError as problem:
            error = _error_text(problem)
    rows = selectors.billing(
        request.user, employer_id=id_filter(request.GET.get("employer")), month=month
    )
    table = _billing_table(rows)
    header = [_("Employer"), _("Month"), _("Item"), _("Count")]
    export = request.GET.get("export")
    if export == "csv":
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerow(header)
        writer.writerows(cells for cells, _total in table)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="facturering.csv"'
        return response
    if export == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(header)
        for cells, _total in table:
            sheet.append(cells)
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="facturering.xlsx"'
        return response
    return render(
        request,
        "consults/billing.html",
        {
            "table": table,
            "month": month_value,
            "error": error,
            "query": request.GET.urlencode(),
        },
        status=422 if error else 200,
    )


# --- medical information requests (docs/rules/consults.md) -------------------------------


@requires("medical.view")
@require_http_methods(["GET", "POST"])
def information_add(request: AuthedRequest, case_pk: int) -> HttpResponse:
    """A company doctor or POB records a question to a treating physician, with the
    employee's consent; the service refuses it without the consent's four parts."""
    case = absence_selectors.case(request.user, case_pk, "medical.view", log_access=False)
    form = InformationRequestForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda data: services.request_information(
            actor=request.user, employee_id=case.employee_id, data=data
        ),
        success=lambda _r: _("The information request has been recorded."),
        done=lambda r: reverse("consults:information_detail", args=[r.pk]),
        template="consults/information_form.html",
        context={"case": case},
    )


@requires("medical.view")
@require_http_methods(["GET", "POST"])
def information_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """One request with its answer (medical file); POST records the physician's answer."""
    found = get_object_or_404(
        selectors.information_requests(request.user).select_related("employee"), pk=pk
    )
    if request.method == "GET":
        record_access(actor=request.user, obj=found)
    form = InformationAnswerForm(request.POST or None)
    may_answer = (
        services.is_practitioner(request.user) and found.withdrawn_at is None and not found.answer
    )
    return form_page(
        request,
        form,
        lambda data: services.record_information_answer(
            actor=request.user, request_id=found.pk, answer=data["answer"]
        ),
        success=lambda _r: _("The answer has been saved in the medical file."),
        done=lambda r: reverse("consults:information_detail", args=[r.pk]),
        template="consults/information_detail.html",
        context={
            "found": found,
            "may_answer": may_answer,
            "case_id": absence_selectors.cases(request.user, "medical.view")
            .filter(employee_id=found.employee_id)
            .order_by("-first_day", "-id")
            .values_list("pk", flat=True)
            .first(),
        },
    )


@requires("consults.view", rule=is_employee)
@require_POST
def information_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    """The employee withdraws his consent: the request may no longer be answered."""
    try:
        services.withdraw_information_consent(actor=request.user, request_id=pk)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request, _("Your consent has been withdrawn; the request will not be answered.")
        )
    return redirect(reverse("consults:list") + "#information")
