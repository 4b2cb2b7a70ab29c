"""Writes of absence cases, recoveries and notes (P5-P9, P11).

Every function checks scope and rules, writes, and audits in one transaction; on a
rule violation it raises a ValidationError naming field and rule, and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from hersteld.absence import rules, wazo
from hersteld.absence.chains import chain_of, leave_resumed, sick_spans
from hersteld.absence.models import (
    MAIN_FIELDS,
    MORE_FIELDS,
    AbsenceCase,
    CaseKind,
    CaseNote,
    CaseStatus,
    Context,
    EndReason,
    MedicalNote,
    Recovery,
    Relatedness,
    RequestedAction,
    SafetyNetCategory,
    SameCause,
)
from hersteld.accounts.permissions import ARBODIENST_ROLES, EMPLOYER_SIDE_ROLES, Role
from hersteld.core import signals
from hersteld.core.actor import Actor
from hersteld.core.audit import diff, record_change, snapshot, user_or_none
from hersteld.core.services import locked, record_created, save_and_record
from hersteld.core.validation import Problems, fail, message
from hersteld.people import services as people_services
from hersteld.people.models import Employment, Gender, RevealPurpose
from hersteld.people.selectors import terms_on
from hersteld.privacy.problems import check_free_text

# Free text a person types that the employer can read: the guard checks it (P8).
GUARDED_FIELDS = ("note", "requested_action_note", "reason")
# What a service accepts per kind: the form's fields without the first day and the note.
KIND_FIELDS = {
    kind: tuple(
        name
        for name in (*MAIN_FIELDS[kind], *MORE_FIELDS[kind])
        if name not in ("first_day", "note")
    )
    for kind in CaseKind.values
}
TEXT_FIELDS = (
    "context",
    "safety_net_category",
    "relatedness",
    "insurance",
    "deviating_phone",
    "care_address",
    "requested_action_note",
)
CHOICES = {
    "context": Context.values,
    "safety_net_category": SafetyNetCategory.values,
    "relatedness": Relatedness.values,
    "requested_action": RequestedAction.values,
}
RECOVERY_AHEAD_DAYS = 14
MAX_HOSPITAL_DAYS = 365


# --- who may do what ---------------------------------------------------------------------


def is_employer_side(actor: Actor) -> bool:
    return getattr(actor, "role", None) in EMPLOYER_SIDE_ROLES


def is_medic(actor: Actor) -> bool:
    return getattr(actor, "role", None) == Role.MEDIC


def may(actor: Actor, obj: Any, action: str) -> bool:
    """Whether `obj` lies in the actor's scope for `action` (e.g. absence.view_safety_net)."""
    manager = type(obj)._default_manager
    return bool(manager.restrict(actor, action).filter(pk=obj.pk).exists())


STAFF_ONLY_FIELDS = {
    "expected_recovery": "expected_recovery_not_for_employer",
    "full_recovery_expected": "expected_recovery_not_for_employer",
    "wage_sanction_until": "wage_sanction_not_for_employer",
}
SAFETY_NET_DETAIL = ("safety_net_category", "came_from_long_ww")


def _refuse_fields_for_role(actor: Actor, data: dict[str, Any], anchor: Any) -> None:
    """Fields some roles may not fill: sending one at all is refused with 403 (issue 11, S2).

    The answer never depends on the value sent: comparing it with the stored (hidden) value
    would let an employer user learn the vangnet category by trial. Leave such fields out.
    """
    if is_employer_side(actor):
        for key, code in STAFF_ONLY_FIELDS.items():
            if key in data:
                raise PermissionDenied(message(code))
    present = [key for key in SAFETY_NET_DETAIL if key in data]
    if present and not may(actor, anchor, "absence.view_safety_net"):
        raise PermissionDenied(message("safety_net_category_not_allowed"))


# --- input ------------------------------------------------------------------------------


def _clean(data: dict[str, Any], allowed: Iterable[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in allowed:
        if key not in data:
            continue
        value = data[key]
        out[key] = value.strip() if isinstance(value, str) else value
    for key, value in list(out.items()):
        if value is not None or key in ("note", "reason", "first_day"):
            continue
        field = AbsenceCase._meta.get_field(key)
        assert isinstance(field, models.Field)
        if not field.null:  # null for a field that cannot be empty: its default
            out[key] = field.get_default() if key not in TEXT_FIELDS else ""
    return out


def _check_choices(data: dict[str, Any], problems: Problems) -> None:
    for field, allowed in CHOICES.items():
        value = data.get(field)
        if value not in (None, "") and value not in allowed:
            problems.add(field, "invalid_choice")


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _check_safety_net(
    case: AbsenceCase, employment: Employment, problems: Problems, came_from_long_ww: bool
) -> None:
    """A category needs the safety net; no-riskpolis and compensatieregeling have conditions
    (docs/rules/vangnet.md)."""
    category = case.safety_net_category
    if not category:
        return
    if not case.safety_net:
        problems.add("safety_net_category", "safety_net_category_without_safety_net")
        return
    if category == SafetyNetCategory.NO_RISK_POLICY and not employment.no_risk_policy:
        problems.add("safety_net_category", "no_risk_policy_missing")
    if category == SafetyNetCategory.COMPENSATION:
        problems.check(
            "safety_net_category",
            rules.compensation_problem(
                employment_start=employment.start_date,
                birth_date=employment.employee.birth_date,
                came_from_long_ww=came_from_long_ww,
                first_day=case.first_day,
            ),
        )


def _span(case: AbsenceCase) -> rules.Span:
    """An open case (also an open leave) runs until it is closed."""
    return rules.Span(case.first_day, case.end_date)


def _check_overlap(case: AbsenceCase, problems: Problems, field: str = "first_day") -> None:
    """Sickness and leave cases of one employment never overlap (docs/rules/recovery.md); preventive ones may."""
    if case.kind == CaseKind.PREVENTIVE:
        return
    others = (
        AbsenceCase.objects.filter(employment_id=case.employment_id)
        .exclude(status=CaseStatus.WITHDRAWN)
        .exclude(kind=CaseKind.PREVENTIVE)
        .exclude(pk=case.pk)
    )
    mine = _span(case)
    for other in others:
        if mine.overlaps(_span(other)):
            problems.add(
                field,
                "case_overlaps",
                kind=other.get_kind_display(),
                start=date_format(other.first_day, "d-m-Y"),
            )
            return


def _check_first_day(
    case: AbsenceCase, employment: Employment, problems: Problems, *, allow_future: bool
) -> None:
    problems.check(
        "first_day",
        rules.first_day_problem(
            case.first_day,
            employment_start=employment.start_date,
            employment_end=employment.end_date,
            today=timezone.localdate(),
            allow_future=allow_future,
        ),
    )


# --- chaining (docs/rules/samentelling.md) --------------------------------------------------------------


def _predecessor(case: AbsenceCase) -> AbsenceCase | None:
    """The case this one is counted together with, if any.

    Sickness chains to an earlier sickness fully recovered less than 28 days before its
    first day, or to a pregnancy leave it directly follows; a leave chains to the
    sickness that ran directly up to its start.
    """
    if case.kind == CaseKind.PREVENTIVE:
        return None
    earlier = (
        AbsenceCase.objects.filter(employee_id=case.employee_id, first_day__lt=case.first_day)
        .exclude(status=CaseStatus.WITHDRAWN)
        .exclude(kind=CaseKind.PREVENTIVE)
        .exclude(pk=case.pk)
        .order_by("-first_day", "-id")
    )
    for previous in earlier[:2]:
        if previous.end_date is None:
            continue
        if case.kind == CaseKind.PREGNANCY_LEAVE:
            if previous.kind == CaseKind.SICKNESS and previous.end_date == case.first_day:
                return previous
            return None
        if previous.kind == CaseKind.PREGNANCY_LEAVE:
            # Unanswered "same cause?" chains provisionally; "no" starts a new D1 (docs/rules/samentelling.md).
            if previous.end_date == case.first_day and case.same_cause != SameCause.NO:
                return previous
            continue  # the leave is part of the interruption: test the sickness before it
        if rules.chains(previous.end_date, case.first_day):
            return previous
        return None
    return None


def _anchor(case: AbsenceCase, chain: list[AbsenceCase]) -> dt.date:
    """D1 of the chain plus every gap day before this case: week n starts at anchor + 7(n-1)."""
    earlier = sick_spans(chain[:-1])
    days_before = rules.sick_days(earlier, case.first_day - dt.timedelta(days=1))
    return case.first_day - dt.timedelta(days=days_before)


def _link(case: AbsenceCase) -> None:
    case.chained_to = _predecessor(case)
    case.week_anchor = _anchor(case, chain_of(case)) if case.chained_to else case.first_day


def _relink_followers(actor: Actor, case: AbsenceCase) -> None:
    """After a change of dates, cases counted together with this one get their weeks again."""
    for follower in AbsenceCase.objects.filter(chained_to=case).exclude(
        status=CaseStatus.WITHDRAWN
    ):
        before = snapshot(follower, AbsenceCase.AUDITED)
        _link(follower)
        follower.save()
        save_and_record(actor=actor, obj=follower, before=before, fields=AbsenceCase.AUDITED)
        _relink_followers(actor, follower)


# --- cases ------------------------------------------------------------------------------


def _new_case(employment: Employment, kind: str, actor: Actor) -> AbsenceCase:
    return AbsenceCase(
        employment=employment,
        employer_id=employment.employer_id,
        employee_id=employment.employee_id,
        kind=kind,
        own_risk_wga=employment.employer.own_risk_wga,
        own_risk_zw=employment.employer.own_risk_zw,
        insurance=employment.insurance,
        created_by=user_or_none(actor),
    )


def _plan_leave(case: AbsenceCase) -> wazo.LeavePlan | None:
    """The leave's end (docs/rules/wazo.md); sickness running directly up to the leave counts as leave."""
    if case.expected_delivery is None:
        return None
    previous = case.chained_to
    sick_from = (
        previous.first_day
        if previous is not None
        and previous.kind == CaseKind.SICKNESS
        and previous.end_date == (case.planned_start or case.first_day)
        else None
    )
    return wazo.plan_leave(
        expected_delivery=case.expected_delivery,
        start=case.planned_start or case.first_day,
        multiple=case.multiple,
        actual_delivery=case.actual_delivery,
        sick_from=sick_from,
        hospital_days=case.hospital_days,
    )


def _settle_leave(case: AbsenceCase) -> None:
    """The end of a leave, and its start when the child came before it (docs/rules/wazo.md, UWV).

    A birth before the planned start starts the leave the day after the birth, so the case
    covers those days; the chosen start stays in `planned_start` for later recomputations.
    When sickness ran directly up to the planned start, the sickness case covers the days up
    to it (they count as leave in the plan) and the start stays.
    """
    plan = _plan_leave(case)
    case.leave_end = plan.end if plan else None
    follows_sickness = case.chained_to is not None and case.chained_to.kind == CaseKind.SICKNESS
    if plan is not None and plan.delivery_before_start and not follows_sickness:
        case.planned_start = plan.planned_start
        case.first_day = plan.start
    elif case.planned_start is not None:
        case.first_day, case.planned_start = case.planned_start, None


def _check_sex(employment: Employment, data: dict[str, Any], problems: Problems) -> None:
    """Pregnancy leave for someone registered as male: maybe a wrong registration, so confirm."""
    if employment.employee.gender == Gender.MALE and data.get("confirm_sex_mismatch") is not True:
        problems.add("confirm_sex_mismatch", "leave_sex_mismatch")


def _check_leave(case: AbsenceCase, problems: Problems) -> None:
    if case.expected_delivery is None:
        problems.add("expected_delivery", "delivery_required")
        return
    problems.check(
        "first_day",
        wazo.start_problem(
            case.planned_start or case.first_day, case.expected_delivery, multiple=case.multiple
        ),
    )
    if case.hospital_days < 0:
        problems.add("hospital_days", "hospital_days_negative")
    if not problems:
        try:
            _plan_leave(case)
        except wazo.WazoError as exc:
            problems.add("expected_delivery", exc.code)


def _apply(case: AbsenceCase, data: dict[str, Any], *, has_recoveries: bool) -> None:
    for key, value in data.items():
        if key in ("note", "reason", "first_day"):
            continue
        if key == "sick_percentage":
            value = _decimal(value) if value not in (None, "") else Decimal("100")
        setattr(case, key, value)
    if case.sick_percentage is not None:
        case.sick_percentage = Decimal(case.sick_percentage).quantize(rules.CENT)
    if case.kind == CaseKind.SICKNESS and not has_recoveries:
        case.current_sick_percentage = case.sick_percentage


def _validate_case(
    case: AbsenceCase,
    employment: Employment,
    problems: Problems,
    data: dict[str, Any],
    *,
    sees_category: bool = True,
) -> None:
    _check_choices(data, problems)
    if case.first_day is None:
        problems.add("first_day", "required")
        return
    _check_first_day(case, employment, problems, allow_future=case.kind != CaseKind.SICKNESS)
    if case.kind == CaseKind.SICKNESS:
        percentage = _decimal(data.get("sick_percentage", case.sick_percentage))
        if "sick_percentage" in data and data["sick_percentage"] not in (None, ""):
            if percentage is None:
                problems.add("sick_percentage", "percentage_range")
            else:
                problems.check("sick_percentage", rules.percentage_problem(percentage))
        if not case.safety_net and not sees_category:
            # The employer says no safety net applies: a recorded category no longer does.
            case.safety_net_category = ""
            case.came_from_long_ww = False
        if sees_category:
            _check_safety_net(case, employment, problems, case.came_from_long_ww)
    if case.kind == CaseKind.PREGNANCY_LEAVE:
        _check_leave(case, problems)
    check_free_text(problems, data, GUARDED_FIELDS)
    if not problems:
        _check_overlap(case, problems)


def _recovered_amount(
    case: AbsenceCase,
    day: dt.date,
    percentage: Decimal | None,
    hours: Decimal | None,
    problems: Problems,
) -> tuple[Decimal, Decimal | None, Decimal | None]:
    """The contract hours on `day`, and the percentage and hours of a recovery, each computed
    from the other. The percentage wins when both are given: the hours follow from the
    working week on the recovery date (docs/rules/recovery.md), whatever a form computed
    from another week."""
    terms = terms_on(case.employment, day) or terms_on(case.employment, case.first_day)
    contract = Decimal(terms.hours_per_week if terms else case.employment.hours_per_week)
    if percentage is not None:
        code = rules.percentage_problem(percentage)
        problems.check("percentage", code)
        if code is None:
            percentage = percentage.quantize(rules.CENT)
            hours = rules.hours_for_percentage(contract, percentage)
    else:
        assert hours is not None
        code = rules.hours_problem(contract, hours)
        if code:
            problems.add("hours", code, hours=f"{contract.normalize():f}")
        else:
            percentage = rules.percentage_for_hours(contract, hours)
    return contract, percentage, hours


def _chain_changed(case: AbsenceCase, left_chain: AbsenceCase | None = None) -> None:
    """Announce that the chain of `case` may have changed; poortwachter replans it."""
    signals.chain_changed.send(sender=AbsenceCase, case=case, left_chain=left_chain)


# Why a case reveals a sealed Datakluis person (people.services.reveal).
REVEAL_PURPOSES: dict[str, str] = {
    CaseKind.SICKNESS.value: RevealPurpose.SICK_REPORT.value,
    CaseKind.PREGNANCY_LEAVE.value: RevealPurpose.PREGNANCY_LEAVE.value,
    CaseKind.PREVENTIVE.value: RevealPurpose.PREVENTIVE_CONSULT.value,
}


@transaction.atomic
def add_case(*, actor: Actor, employment_id: int, kind: str, data: dict[str, Any]) -> AbsenceCase:
    """Case toevoegen (P5): a sick report (P6), a pregnancy leave (P7) or a preventive case."""
    employment = locked(Employment, actor, employment_id, "absence.change")
    if kind not in CaseKind.values:
        raise fail("kind", "invalid_choice")
    _refuse_fields_for_role(actor, data, employment)  # before cleaning: on every kind alike
    confirm = {"confirm_sex_mismatch": data.get("confirm_sex_mismatch")}
    data = _clean(data, (*KIND_FIELDS[kind], "first_day", "note"))
    case = _new_case(employment, kind, actor)
    case.first_day = data.get("first_day")  # type: ignore[assignment]
    _apply(case, data, has_recoveries=False)
    problems = Problems()
    _validate_case(
        case,
        employment,
        problems,
        data,
        sees_category=may(actor, employment, "absence.view_safety_net"),
    )
    if case.kind == CaseKind.PREGNANCY_LEAVE:
        _check_sex(employment, confirm, problems)
    problems.raise_if_any()
    if employment.employee.sealed:
        # A Datakluis person: this case is the purpose that reveals him (docs/adr/0018).
        employment.employee = people_services.reveal(
            actor=actor, employee_id=employment.employee_id, purpose=REVEAL_PURPOSES[case.kind]
        )
    _link(case)
    if case.kind == CaseKind.PREGNANCY_LEAVE:
        _settle_leave(case)
    case.save()
    if case.kind == CaseKind.PREGNANCY_LEAVE and employment.employee.gender == Gender.MALE:
        # The confirmation of a leave for someone registered as male is kept with the creation.
        record_change(
            actor=actor,
            action="create",
            obj=case,
            changes=diff({}, snapshot(case, _created_fields(case))),
            reason=gettext("Confirmed: pregnancy leave for an employee registered as male."),
        )
    else:
        record_created(actor=actor, obj=case, fields=_created_fields(case))
    if data.get("note"):
        _write_note(actor, case, data["note"], internal=False)
    _chain_changed(case)
    return case


def _created_fields(case: AbsenceCase) -> tuple[str, ...]:
    """A new case is audited with the fields of its kind that have a value, not every column."""
    fields = ("kind", "status", "first_day", "chained_to", "leave_end", *KIND_FIELDS[case.kind])
    return tuple(
        name
        for name in AbsenceCase.AUDITED
        if name in fields and getattr(case, name) not in (None, "", False)
    )


def _case_for_change(actor: Actor, case_id: int) -> AbsenceCase:
    return locked(AbsenceCase, actor, case_id, "absence.change")


def _require_reason(data: dict[str, Any], problems: Problems) -> str:
    reason = (data.get("reason") or "").strip()
    if not reason:
        problems.add("reason", "reason_required")
    return reason


@transaction.atomic
def correct_case(*, actor: Actor, case_id: int, data: dict[str, Any]) -> AbsenceCase:
    """A correction with a reason: the case is changed, the history keeps before, after and why."""
    case = _case_for_change(actor, case_id)
    if case.status == CaseStatus.WITHDRAWN:
        raise fail("__all__", "case_not_open")
    employment = Employment.objects.select_related("employee").get(pk=case.employment_id)
    _refuse_fields_for_role(actor, data, case)  # before cleaning: on every kind alike
    data = _clean(data, (*KIND_FIELDS[case.kind], "first_day", "reason"))
    before = snapshot(case, AbsenceCase.AUDITED)
    problems = Problems()
    reason = _require_reason(data, problems)
    if data.get("first_day") is not None:
        if case.planned_start is not None and data["first_day"] != case.first_day:
            case.planned_start = None  # a new planned start of the leave
        case.first_day = data["first_day"]
        first_recovery = case.recoveries.order_by("date").first()
        if first_recovery is not None and case.first_day > first_recovery.date:
            problems.add("first_day", "recovery_before_first_recovery")
    _apply(case, data, has_recoveries=case.recoveries.exists())
    _validate_case(
        case, employment, problems, data, sees_category=may(actor, case, "absence.view_safety_net")
    )
    problems.raise_if_any()
    previous = case.chained_to
    _link(case)
    if case.kind == CaseKind.PREGNANCY_LEAVE:
        _settle_leave(case)
        _recheck_leave_start(case, "first_day")
        _link(case)
    if save_and_record(
        actor=actor, obj=case, before=before, fields=AbsenceCase.AUDITED, reason=reason
    ):
        _after_relink(actor, case, previous)
    return case


def _recheck_leave_start(case: AbsenceCase, field: str) -> None:
    """A start moved by an early birth must not overlap another case either."""
    problems = Problems()
    _check_overlap(case, problems, field)
    problems.raise_if_any()


def _after_relink(actor: Actor, case: AbsenceCase, previous: AbsenceCase | None) -> None:
    """After a case's dates or link changed: later cases get their weeks, the plans are redone."""
    _relink_followers(actor, case)
    if previous is not None and previous.pk != case.chained_to_id:
        # The case left its chain: the chain's steps (done ones included) stay with it.
        _chain_changed(case, left_chain=previous)
    else:
        _chain_changed(case)


@transaction.atomic
def withdraw_case(*, actor: Actor, case_id: int, reason: str) -> AbsenceCase:
    """Intrekking: the case never happened; it stays in the history but counts nowhere."""
    case = _case_for_change(actor, case_id)
    problems = Problems()
    data = {"reason": reason}
    reason = _require_reason(data, problems)
    check_free_text(problems, data, ("reason",))
    if case.status == CaseStatus.WITHDRAWN:
        problems.add("__all__", "case_not_open")
    if case.chained_from.exclude(status=CaseStatus.WITHDRAWN).exists():
        problems.add("__all__", "case_has_chained_cases")
    problems.raise_if_any()
    before = snapshot(case, AbsenceCase.AUDITED)
    case.status = CaseStatus.WITHDRAWN
    case.end_reason = EndReason.WITHDRAWN
    case.withdrawn_reason = reason
    save_and_record(actor=actor, obj=case, before=before, fields=AbsenceCase.AUDITED, reason=reason)
    _chain_changed(case)
    return case


@transaction.atomic
def convert_to_sickness(
    *, actor: Actor, case_id: int, first_day: dt.date | None = None
) -> AbsenceCase:
    """A preventive case becomes a real sickness case, keeping its notes and history (P5)."""
    case = _case_for_change(actor, case_id)
    if case.kind != CaseKind.PREVENTIVE or case.status != CaseStatus.OPEN:
        raise fail("__all__", "case_wrong_kind")
    employment = Employment.objects.select_related("employee").get(pk=case.employment_id)
    before = snapshot(case, AbsenceCase.AUDITED)
    case.kind = CaseKind.SICKNESS
    if first_day is not None:
        case.first_day = first_day
    problems = Problems()
    _validate_case(
        case, employment, problems, {}, sees_category=may(actor, case, "absence.view_safety_net")
    )
    problems.raise_if_any()
    _link(case)
    save_and_record(
        actor=actor, obj=case, before=before, fields=AbsenceCase.AUDITED, reason="converted"
    )
    _chain_changed(case)
    return case


@transaction.atomic
def close_case(*, actor: Actor, case_id: int, end_date: dt.date) -> AbsenceCase:
    """Close a preventive case (nothing more to do); sickness closes by a full recovery."""
    case = _case_for_change(actor, case_id)
    if case.kind != CaseKind.PREVENTIVE:
        raise fail("__all__", "case_wrong_kind")
    if case.status != CaseStatus.OPEN:
        raise fail("__all__", "case_not_open")
    if end_date is None or end_date < case.first_day:
        raise fail("end_date", "recovery_before_first_day")
    before = snapshot(case, AbsenceCase.AUDITED)
    case.status = CaseStatus.CLOSED
    case.end_date = end_date
    case.end_reason = EndReason.CLOSED
    save_and_record(actor=actor, obj=case, before=before, fields=AbsenceCase.AUDITED)
    return case


# --- pregnancy leave (docs/rules/wazo.md) -------------------------------------------------------


@transaction.atomic
def record_delivery(
    *,
    actor: Actor,
    case_id: int,
    actual_delivery: dt.date,
    premature: bool | None = None,
    hospital_days: int | None = None,
) -> AbsenceCase:
    """The actual delivery date recomputes the end of the leave."""
    case = _case_for_change(actor, case_id)
    if case.kind != CaseKind.PREGNANCY_LEAVE or case.status != CaseStatus.OPEN:
        raise fail("__all__", "case_wrong_kind")
    problems = Problems()
    if actual_delivery is None:
        problems.add("actual_delivery", "required")
    if hospital_days is not None and not 0 <= hospital_days <= MAX_HOSPITAL_DAYS:
        problems.add("hospital_days", "hospital_days_negative")
    problems.raise_if_any()
    before = snapshot(case, AbsenceCase.AUDITED)
    case.actual_delivery = actual_delivery
    if premature is not None:
        case.premature = premature
    if hospital_days is not None:
        case.hospital_days = hospital_days
    previous = case.chained_to
    try:
        _settle_leave(case)
    except wazo.WazoError as exc:
        raise fail("actual_delivery", exc.code) from exc
    _recheck_leave_start(case, "actual_delivery")
    _link(case)
    if save_and_record(actor=actor, obj=case, before=before, fields=AbsenceCase.AUDITED):
        _after_relink(actor, case, previous)
    return case


@transaction.atomic
def end_leave(*, actor: Actor, case_id: int, continue_sick: bool) -> tuple[AbsenceCase, Any]:
    """At the end of the leave: close it, or continue directly with a chained sickness case.

    The leave cannot be shortened (WAZO), so it is closed on or after its last day.
    """
    case = _case_for_change(actor, case_id)
    if case.kind != CaseKind.PREGNANCY_LEAVE or case.status != CaseStatus.OPEN:
        raise fail("__all__", "case_wrong_kind")
    assert case.leave_end is not None
    first_day_after = case.leave_end + dt.timedelta(days=1)
    if first_day_after > timezone.localdate():
        raise fail("__all__", "leave_not_ended", date=date_format(case.leave_end, "d-m-Y"))
    before = snapshot(case, AbsenceCase.AUDITED)
    case.status = CaseStatus.CLOSED
    case.end_date = first_day_after
    case.end_reason = EndReason.LEAVE_ENDED
    save_and_record(actor=actor, obj=case, before=before, fields=AbsenceCase.AUDITED)
    follower = None
    if continue_sick:
        follower = add_case(
            actor=actor,
            employment_id=case.employment_id,
            kind=CaseKind.SICKNESS,
            data={"first_day": first_day_after, "context": Context.ILLNESS},
        )
    return case, follower


# --- same cause after a leave (docs/rules/samentelling.md) ---------------------------------------------


def may_answer_same_cause(actor: Actor) -> bool:
    """The bedrijfsarts judges; a casemanager records the answer on his advice."""
    return getattr(actor, "role", None) in (Role.MEDIC, Role.CASEMANAGER)


def same_cause_asked(case: AbsenceCase) -> bool:
    """Whether "same cause?" applies: sickness directly before and directly after a leave."""
    return case.status != CaseStatus.WITHDRAWN and leave_resumed(case) is not None


@transaction.atomic
def answer_same_cause(*, actor: Actor, case_id: int, answer: str) -> AbsenceCase:
    """Record the bedrijfsarts's "same cause?" (audited); "no" starts a new D1 (docs/rules/samentelling.md).

    Until answered, the sickness is counted together with the sickness before the leave
    (provisionally). The answer itself is hidden from the employer, who sees only the chain.
    """
    case = _case_for_change(actor, case_id)
    if not may_answer_same_cause(actor):
        raise PermissionDenied(message("same_cause_staff_only"))
    if answer not in (SameCause.YES, SameCause.NO):
        raise fail("same_cause", "same_cause_choice")
    if not same_cause_asked(case):
        raise fail("__all__", "same_cause_not_asked")
    before = snapshot(case, ("same_cause",))
    case.same_cause = answer
    case.same_cause_by = user_or_none(actor)
    case.same_cause_by_name = _author_name(actor)
    if not save_and_record(actor=actor, obj=case, before=before, fields=("same_cause",)):
        return case  # the same answer again: nothing changes
    before = snapshot(case, AbsenceCase.AUDITED)
    previous = case.chained_to
    _link(case)
    save_and_record(actor=actor, obj=case, before=before, fields=AbsenceCase.AUDITED)
    _after_relink(actor, case, previous)
    return case


# --- recoveries (docs/rules/recovery.md) ------------------------------------------------------------


@transaction.atomic
def add_recovery(*, actor: Actor, case_id: int, data: dict[str, Any]) -> Recovery:
    """(Deel)hersteldmelding: percentage or hours, the other computed; 100% ends the period."""
    case = _case_for_change(actor, case_id)
    therapeutic = bool(data.get("therapeutic"))
    if therapeutic and not is_medic(actor):
        raise PermissionDenied(message("therapeutic_medic_only"))
    problems = Problems()
    if case.kind != CaseKind.SICKNESS:
        raise fail("__all__", "recovery_only_for_sickness")
    if case.status != CaseStatus.OPEN:
        raise fail("__all__", "case_not_open")
    day: dt.date | None = data.get("date")
    percentage = _decimal(data.get("percentage"))
    hours = _decimal(data.get("hours"))
    if day is None:
        problems.add("date", "required")
    if percentage is None and hours is None:
        problems.add("percentage", "recovery_amount_required")
    problems.raise_if_any()
    assert day is not None
    contract, percentage, hours = _recovered_amount(case, day, percentage, hours, problems)
    previous = case.recoveries.order_by("-date").first()
    if day < case.first_day:
        problems.add("date", "recovery_before_first_day")
    elif previous is not None and day <= previous.date:
        problems.add("date", "recovery_before_previous", date=date_format(previous.date, "d-m-Y"))
    if day > timezone.localdate() + dt.timedelta(days=RECOVERY_AHEAD_DAYS):
        problems.add("date", "recovery_too_far_ahead")
    problems.raise_if_any()
    assert percentage is not None and hours is not None
    recovery = Recovery(
        case=case,
        date=day,
        percentage=percentage,
        hours=hours,
        contract_hours=contract,
        therapeutic=therapeutic,
        created_by=user_or_none(actor),
    )
    if recovery.is_full and day <= case.first_day:
        raise fail("date", "full_recovery_on_first_day")
    recovery.save()
    record_created(actor=actor, obj=recovery, fields=Recovery.AUDITED)
    before = snapshot(case, AbsenceCase.AUDITED)
    if recovery.is_full:
        case.status = CaseStatus.CLOSED
        case.end_date = day
        case.end_reason = EndReason.RECOVERED
        case.current_sick_percentage = Decimal("0.00")
    elif not therapeutic:
        case.current_sick_percentage = (rules.HUNDRED - percentage).quantize(rules.CENT)
    case.save()
    save_and_record(actor=actor, obj=case, before=before, fields=AbsenceCase.AUDITED)
    if recovery.is_full:
        _chain_changed(case)
    return recovery


def _latest_recovery(actor: Actor, recovery_id: int) -> tuple[Recovery, AbsenceCase]:
    """A recovery that may be corrected or removed: the latest of its case, not withdrawn."""
    recovery = locked(Recovery, actor, recovery_id, "absence.change")
    case = _case_for_change(actor, recovery.case_id)
    if recovery.therapeutic and not is_medic(actor):
        raise PermissionDenied(message("therapeutic_medic_only"))
    if case.status == CaseStatus.WITHDRAWN:
        raise fail("__all__", "case_not_open")
    latest = case.recoveries.order_by("-date", "-id").first()
    if latest is None or latest.pk != recovery.pk:
        raise fail("__all__", "recovery_not_latest")
    recovery.case = case
    return recovery, case


def _state_before(case: AbsenceCase, recovery: Recovery) -> Decimal:
    """The sick percentage that applied before `recovery`: the last earlier (non-AT) report."""
    earlier = (
        case.recoveries.exclude(pk=recovery.pk)
        .filter(therapeutic=False, date__lt=recovery.date)
        .order_by("-date", "-id")
        .first()
    )
    if earlier is None:
        return Decimal(case.sick_percentage).quantize(rules.CENT)
    return (rules.HUNDRED - earlier.percentage).quantize(rules.CENT)


def _reopen_or_close(case: AbsenceCase, recovery: Recovery | None, base: Decimal) -> None:
    """Status, recovery date R and current percentage of a case from its latest recovery."""
    if recovery is not None and recovery.is_full:
        case.status = CaseStatus.CLOSED
        case.end_date = recovery.date
        case.end_reason = EndReason.RECOVERED
        case.current_sick_percentage = Decimal("0.00")
        return
    case.status = CaseStatus.OPEN
    case.end_date = None
    case.end_reason = EndReason.OPEN
    if recovery is not None and not recovery.therapeutic:
        case.current_sick_percentage = (rules.HUNDRED - recovery.percentage).quantize(rules.CENT)
    else:
        case.current_sick_percentage = base


def _relink_later(actor: Actor, case: AbsenceCase) -> None:
    """The recovery date R moved: every later case of the employee is chained again
    (docs/rules/samentelling.md)."""
    later = (
        AbsenceCase.objects.filter(employee_id=case.employee_id, first_day__gt=case.first_day)
        .exclude(status=CaseStatus.WITHDRAWN)
        .exclude(kind=CaseKind.PREVENTIVE)
        .order_by("first_day", "id")
    )
    for other in later:
        before = snapshot(other, AbsenceCase.AUDITED)
        previous = other.chained_to
        _link(other)
        if save_and_record(actor=actor, obj=other, before=before, fields=AbsenceCase.AUDITED):
            if previous is not None and previous.pk != other.chained_to_id:
                _chain_changed(other, left_chain=previous)
            else:
                _chain_changed(other)


def _finish_recovery_change(
    actor: Actor, case: AbsenceCase, before: dict[str, Any], reason: str
) -> None:
    """Check the reopened or moved case against other cases, save, audit, rechain, replan."""
    problems = Problems()
    _check_overlap(case, problems, "date")
    problems.raise_if_any()
    case.save()
    save_and_record(actor=actor, obj=case, before=before, fields=AbsenceCase.AUDITED, reason=reason)
    _relink_later(actor, case)
    _chain_changed(case)


def _recovery_reason(data: dict[str, Any]) -> str:
    problems = Problems()
    reason = _require_reason(data, problems)
    check_free_text(problems, {"reason": reason}, ("reason",))
    problems.raise_if_any()
    return reason


@transaction.atomic
def correct_recovery(*, actor: Actor, recovery_id: int, data: dict[str, Any]) -> Recovery:
    """Correct the date or amount of the latest recovery of a case, with a reason (issue 11, 20).

    The same rules as a new report (docs/rules/recovery.md); status, recovery date and percentage of the
    case follow, later cases are chained again and the Poortwachter plan is recomputed.
    """
    recovery, case = _latest_recovery(actor, recovery_id)
    reason = _recovery_reason(data)
    problems = Problems()
    day: dt.date | None = data.get("date") or recovery.date
    percentage = _decimal(data.get("percentage"))
    hours = _decimal(data.get("hours"))
    if percentage is None and hours is None:
        percentage = recovery.percentage
    assert day is not None
    contract, percentage, hours = _recovered_amount(case, day, percentage, hours, problems)
    earlier = case.recoveries.exclude(pk=recovery.pk).order_by("-date", "-id").first()
    if day < case.first_day:
        problems.add("date", "recovery_before_first_day")
    elif earlier is not None and day <= earlier.date:
        problems.add("date", "recovery_before_previous", date=date_format(earlier.date, "d-m-Y"))
    if day > timezone.localdate() + dt.timedelta(days=RECOVERY_AHEAD_DAYS):
        problems.add("date", "recovery_too_far_ahead")
    problems.raise_if_any()
    assert percentage is not None and hours is not None
    before_recovery = snapshot(recovery, Recovery.AUDITED)
    before_case = snapshot(case, AbsenceCase.AUDITED)
    recovery.date, recovery.percentage, recovery.hours = day, percentage, hours
    recovery.contract_hours = contract
    if recovery.is_full and day <= case.first_day:
        raise fail("date", "full_recovery_on_first_day")
    _reopen_or_close(case, recovery, _state_before(case, recovery))
    if not save_and_record(
        actor=actor, obj=recovery, before=before_recovery, fields=Recovery.AUDITED, reason=reason
    ):
        return recovery
    _finish_recovery_change(actor, case, before_case, reason)
    return recovery


@transaction.atomic
def remove_recovery(*, actor: Actor, recovery_id: int, reason: str) -> AbsenceCase:
    """Remove the latest recovery of a case, with a reason (issue 11, 20).

    The case gets back the status and percentage it had before the report; a removed full
    recovery reopens it. The removal stays in the case's history (the audit row names the case).
    """
    recovery, case = _latest_recovery(actor, recovery_id)
    reason = _recovery_reason({"reason": reason})
    before_case = snapshot(case, AbsenceCase.AUDITED)
    remaining = case.recoveries.exclude(pk=recovery.pk).order_by("-date", "-id").first()
    _reopen_or_close(case, remaining, _state_before(case, recovery))
    _finish_recovery_change(actor, case, before_case, reason)
    changes = {name: [value, None] for name, value in snapshot(recovery, Recovery.AUDITED).items()}
    changes["case"] = [case.pk, None]
    record_change(actor=actor, action="delete", obj=recovery, changes=changes, reason=reason)
    recovery.delete()
    return case


# --- journal and medical file (P8, P9) --------------------------------------------------


# The name kept with a note, so it still reads right when the user is gone.
_author_name = people_services.author_name


def _write_note(actor: Actor, case: AbsenceCase, text: str, *, internal: bool) -> CaseNote:
    note = CaseNote.objects.create(
        case=case,
        text=text,
        internal=internal,
        author=user_or_none(actor),
        author_name=_author_name(actor),
    )
    record_created(actor=actor, obj=note, fields=CaseNote.AUDITED)
    return note


@transaction.atomic
def add_note(*, actor: Actor, case_id: int, text: str, internal: bool = False) -> CaseNote:
    """A journal entry; the medical-term guard runs first, so nothing medical is saved (P8)."""
    case = locked(AbsenceCase, actor, case_id, "absence.change")
    text = (text or "").strip()
    problems = Problems()
    if not text:
        problems.add("text", "required")
    check_free_text(problems, {"text": text}, ("text",))
    problems.raise_if_any()
    return _write_note(actor, case, text, internal=internal)


@transaction.atomic
def add_medical_note(*, actor: Actor, case_id: int, text: str) -> MedicalNote:
    """An entry in the medical file; only with medical.view. Its text never enters the audit trail."""
    case = locked(AbsenceCase, actor, case_id, "medical.view")
    text = (text or "").strip()
    if not text:
        raise fail("text", "required")
    note = MedicalNote.objects.create(
        case=case,
        employer_id=case.employer_id,
        employee_id=case.employee_id,
        employment_id=case.employment_id,
        text=text,
        author=user_or_none(actor),
        author_name=_author_name(actor),
    )
    record_change(actor=actor, action="create", obj=note, changes={})
    return note


# --- legal hold (docs/rules/privacy.md, "Retention") -----------------------------------------

# The errors of setting a case's hold twice and of lifting one that is not on.
CASE_HOLD = ("hold_already_on", "hold_not_on")


def may_hold(actor: Actor) -> bool:
    """Only the arbodienst's own staff set or lift a legal hold."""
    return actor.role in ARBODIENST_ROLES


def _case_for_hold(actor: Actor, case_id: int) -> AbsenceCase:
    """The case under a row lock; outside the actor's scope, or for anyone but staff, 404."""
    if not may_hold(actor):
        raise Http404
    return locked(AbsenceCase, actor, case_id, "absence.view")


@transaction.atomic
def set_hold(*, actor: Actor, case_id: int, reason: str) -> AbsenceCase:
    """Put a legal hold on a case: from now on nothing of it or its employee is erased."""
    case = _case_for_hold(actor, case_id)
    people_services.change_hold(actor=actor, obj=case, reason=reason, on=True, codes=CASE_HOLD)
    return case


@transaction.atomic
def lift_hold(*, actor: Actor, case_id: int, reason: str) -> AbsenceCase:
    """Lift the legal hold: the retention terms apply again."""
    case = _case_for_hold(actor, case_id)
    people_services.change_hold(actor=actor, obj=case, reason=reason, on=False, codes=CASE_HOLD)
    return case
