"""The Poortwachter plan of a chain kept as to-dos, marking them done, and the daily signals.

`sync_plan` runs inside every absence write (same transaction), so the to-dos always
match the chain's dates; the engine (pure) decides every date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from hersteld.absence.chains import bridging_leaves, whole_chain
from hersteld.absence.models import AbsenceCase, CaseKind, CaseStatus
from hersteld.accounts.models import User
from hersteld.accounts.permissions import EMPLOYER_SIDE_ROLES, Role
from hersteld.core.actor import Actor
from hersteld.core.audit import snapshot, user_or_none
from hersteld.core.services import locked, record_created, save_and_record
from hersteld.core.validation import Problems, fail
from hersteld.poortwachter import engine, selectors
from hersteld.poortwachter.models import Notification, Party, SignalKind, Todo
from hersteld.privacy.problems import check_free_text

# Milestones a person marks done, and who may: the company doctor's acts only by arbodienst staff.
STAFF_ONLY_PARTIES = frozenset({Party.MEDIC})
NOT_MARKABLE = frozenset({"WIA_BRIEF_UWV", "EINDE_WACHTTIJD"})


def engine_settings(case: AbsenceCase) -> engine.Settings:
    tenant = case.employer.arbodienst
    return engine.Settings(
        evaluation_interval_days=tenant.evaluation_interval_days,
        wia_letter_week=tenant.wia_letter_week,
        report_week=tenant.report_week,
    )


def chain_input(chain: list[AbsenceCase]) -> tuple[list[engine.Period], list[engine.Leave]]:
    """Periods of the sickness cases and the leaves that bridge two of them (docs/rules/samentelling.md)."""
    periods = [
        engine.Period(item.first_day, item.end_date)
        for item in chain
        if item.kind == CaseKind.SICKNESS
    ]
    leaves = [
        engine.Leave(item.first_day, item.end_date)
        for item in bridging_leaves(chain)
        if item.end_date is not None
    ]
    return periods, leaves


def _done(todos: Iterable[Todo]) -> dict[str, list[dt.date]]:
    done: dict[str, list[dt.date]] = {}
    for todo in todos:
        if todo.code and todo.done_on is not None:
            done.setdefault(todo.code, []).append(todo.done_on)
    return {code: sorted(days) for code, days in done.items()}


def compute_plan(case: AbsenceCase, *, as_of: dt.date | None = None) -> engine.Plan | None:
    """The engine's plan for the chain of `case`, with the done dates recorded on its to-dos."""
    chain = [item for item in whole_chain(case) if item.status != CaseStatus.WITHDRAWN]
    periods, leaves = chain_input(chain)
    if not periods:
        return None
    latest = [item for item in chain if item.kind == CaseKind.SICKNESS][-1]
    todos = Todo.objects.filter(case__in=chain)
    return engine.plan(
        periods,
        leaves=leaves,
        done=_done(todos),
        sanction_until=latest.wage_sanction_until,
        as_of=as_of or timezone.localdate(),
        settings=engine_settings(latest),
        decrees=selectors.decree_days(),
    )


def on_chain_changed(case: AbsenceCase, left_chain: AbsenceCase | None = None, **_: Any) -> None:
    """Receiver of core.signals.chain_changed: replan the chain (and the one the case left)."""
    if left_chain is not None:
        # The case left its chain: that chain's steps (done ones included) go back to it.
        Todo.objects.filter(case=case).update(case=left_chain)
        sync_plan(left_chain)
    sync_plan(case)


def sync_plan(case: AbsenceCase) -> None:
    """Write the chain's milestones as to-dos on its latest sickness case.

    The rules: docs/rules/poortwachter.md and samentelling.md.

    To-dos of earlier cases of the chain move along (done stays done); milestones that no
    longer exist are removed unless they were done; a sick report in Hersteld is itself the
    report to the arbodienst, so ZIEKMELDING_ARBODIENST is done on the day it was entered.
    """
    full = whole_chain(case)
    chain = [item for item in full if item.status != CaseStatus.WITHDRAWN]
    sickness = [item for item in chain if item.kind == CaseKind.SICKNESS]
    if not sickness:
        Todo.objects.filter(case__in=full, done_on__isnull=True).exclude(code="").delete()
        return
    target = sickness[-1]
    _gather(full, target)
    _mark_reported(target, sickness[0])
    try:
        result = compute_plan(target)
    except engine.PlanError as exc:
        raise fail("wage_sanction_until", "wage_sanction_range", **_sanction_range(target)) from exc
    assert result is not None
    existing = {(todo.code, todo.number): todo for todo in target.todos.exclude(code="")}
    numbers: dict[str, int] = {}
    keep: set[int] = set()
    changed: list[Todo] = []
    new: list[Todo] = []
    for milestone in result.milestones:
        numbers[milestone.code] = numbers.get(milestone.code, 0) + 1
        key = (milestone.code, numbers[milestone.code])
        values = {
            "party": milestone.party,
            "due": milestone.due,
            "window_start": milestone.window_start,
            "why_code": milestone.reason.code,
            "why_params": milestone.reason.as_dict(),
            "provisional": milestone.provisional,
        }
        todo = existing.get(key)
        if todo is None:
            new.append(Todo(case=target, code=key[0], number=key[1], **values))
            continue
        keep.add(todo.pk)
        if any(getattr(todo, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(todo, name, value)
            changed.append(todo)
    Todo.objects.bulk_create(new)
    Todo.objects.bulk_update(
        changed,
        ["party", "due", "window_start", "why_code", "why_params", "provisional", "updated_at"],
    )
    stale = [todo.pk for todo in existing.values() if todo.pk not in keep and todo.done_on is None]
    Todo.objects.filter(pk__in=stale).delete()


def resync_around(day: dt.date) -> int:
    """Recompute the plans whose 42nd-week report lies near a decree day that changed.

    Only that milestone depends on working days; a report moves at most a few days over
    holidays, so cases with the report within two weeks of `day` are recomputed.
    """
    margin = dt.timedelta(days=14)
    cases = AbsenceCase.objects.filter(
        todos__code="MELDING_42_WEKEN",
        todos__due__range=(day - margin, day + margin),
        status=CaseStatus.OPEN,
    ).distinct()
    count = 0
    for case in cases:
        try:
            with transaction.atomic():
                sync_plan(case)
        except ValidationError:
            continue  # a plan that cannot be made now (loonsanctie out of range) stays
        count += 1
    return count


def _gather(full: list[AbsenceCase], target: AbsenceCase) -> None:
    """Move the chain's to-dos onto its latest case; of two rows for one milestone keep the done one."""
    best: dict[tuple[str, int], Todo] = {}
    drop: list[int] = []
    for todo in Todo.objects.filter(case__in=full).exclude(code="").order_by("done_on", "id"):
        key = (todo.code, todo.number)
        kept = best.get(key)
        if kept is None or (kept.done_on is None and todo.done_on is not None):
            if kept is not None:
                drop.append(kept.pk)
            best[key] = todo
        else:
            drop.append(todo.pk)
    Todo.objects.filter(pk__in=drop).delete()
    Todo.objects.filter(case__in=full).exclude(case=target).update(case=target)


def _sanction_range(case: AbsenceCase) -> dict[str, str]:
    result = compute_plan_without_sanction(case)
    end = result.waiting_period_end if result else None
    if end is None:
        return {"first": "—", "last": "—"}
    return {
        "first": date_format(end + dt.timedelta(days=1), "d-m-Y"),
        "last": date_format(end + engine.MAX_SANCTION, "d-m-Y"),
    }


def compute_plan_without_sanction(case: AbsenceCase) -> engine.Plan | None:
    chain = [item for item in whole_chain(case) if item.status != CaseStatus.WITHDRAWN]
    periods, leaves = chain_input(chain)
    if not periods:
        return None
    try:
        return engine.plan(
            periods, leaves=leaves, as_of=timezone.localdate(), decrees=selectors.decree_days()
        )
    except engine.PlanError:
        return None


def _mark_reported(target: AbsenceCase, first: AbsenceCase) -> None:
    """The sick report entered in Hersteld reaches the arbodienst at once."""
    if Todo.objects.filter(case=target, code="ZIEKMELDING_ARBODIENST").exists():
        return
    reported = timezone.localdate(first.created_at) if first.created_at else timezone.localdate()
    Todo.objects.create(
        case=target,
        code="ZIEKMELDING_ARBODIENST",
        party=Party.EMPLOYER,
        done_on=max(reported, first.first_day),
        done_by=first.created_by,
        note=_("Reported in Hersteld."),
    )


# --- acts of people --------------------------------------------------------------------


def may_mark(actor: Actor, todo: Todo) -> bool:
    """Whether this person records this step (scope aside): not the doctor's steps from the employer side."""
    role = getattr(actor, "role", None)
    if todo.code in NOT_MARKABLE:
        return False
    return not (todo.party in STAFF_ONLY_PARTIES and role in EMPLOYER_SIDE_ROLES)


@transaction.atomic
def mark_done(*, actor: Actor, todo_id: int, done_on: dt.date | None, note: str = "") -> Todo:
    """Record that a to-do was done (or undo it with `done_on=None`); the plan follows."""
    todo = locked(Todo, actor, todo_id, "absence.change")
    if not may_mark(actor, todo):
        raise PermissionDenied(_("This step is recorded by the arbodienst."))
    if todo.case.status == CaseStatus.WITHDRAWN:
        raise fail("__all__", "case_not_open")
    problems = Problems()
    today = timezone.localdate()
    if done_on is not None and done_on > today:
        problems.add("done_on", "done_in_future")
    first_day = whole_chain(todo.case)[0].first_day  # D1 of the chain (docs/rules/samentelling.md)
    if done_on is not None and done_on < first_day and todo.code:
        problems.add("done_on", "done_before_first_day")
    check_free_text(problems, {"note": note}, ("note",))
    problems.raise_if_any()
    before = snapshot(todo, Todo.AUDITED)
    todo.done_on = done_on
    todo.done_by = user_or_none(actor) if done_on else None
    todo.note = note.strip()
    save_and_record(actor=actor, obj=todo, before=before, fields=Todo.AUDITED)
    if todo.code:
        sync_plan(todo.case)
    return todo


@transaction.atomic
def add_todo(
    *, actor: Actor, case_id: int, title: str, due: dt.date | None, party: str = ""
) -> Todo:
    """A manual to-do on a case (for example: call the employee back)."""
    case = locked(AbsenceCase, actor, case_id, "absence.change")
    problems = Problems()
    title = (title or "").strip()
    if not title:
        problems.add("title", "required")
    if party not in Party.values:
        problems.add("party", "invalid_choice")
    check_free_text(problems, {"title": title}, ("title",))
    problems.raise_if_any()
    todo = Todo.objects.create(case=case, title=title, due=due, party=party)
    record_created(actor=actor, obj=todo, fields=Todo.AUDITED)
    return todo


# --- the daily job ---------------------------------------------------------------------

SIGNAL_PARTIES: dict[str, tuple[str, ...] | None] = {
    # Who is signalled about which parties' steps; None = every step.
    Role.CASEMANAGER: None,
    Role.MEDIC: (Party.MEDIC,),
    Role.EMPLOYER_USER: (Party.EMPLOYER, Party.BOTH, Party.EMPLOYEE),
}


def open_todos(user: Actor, action: str = "absence.view") -> Any:
    """To-dos of open cases that still need doing, in the user's scope."""
    return selectors.without_waiting_evaluations(
        Todo.objects.restrict(user, action)
        .filter(case__status=CaseStatus.OPEN, done_on__isnull=True, due__isnull=False)
        .exclude(code__in=NOT_MARKABLE)
    )


def raise_signals(user: User, today: dt.date) -> int:
    """Notifications for one user: overdue steps and steps due within the tenant's signal days."""
    parties = SIGNAL_PARTIES.get(user.role, ())
    if parties == ():
        return 0
    todos = open_todos(user, "absence.change")
    if parties is not None:
        todos = todos.filter(party__in=parties)
    days = user.arbodienst.signal_days if user.arbodienst is not None else 7
    rows = [
        Notification(
            user=user,
            todo_id=pk,
            kind=SignalKind.OVERDUE if due < today else SignalKind.DUE_SOON,
        )
        for pk, due in todos.filter(due__lte=today + dt.timedelta(days=days)).values_list(
            "pk", "due"
        )
    ]
    before = Notification.objects.filter(user=user).count()
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return Notification.objects.filter(user=user).count() - before


def send_digest(user: User) -> bool:
    """One e-mail with only the number of new signals and a link: no names, no case details."""
    from hersteld.core.tasks import send_email_after_commit

    pending = Notification.objects.filter(user=user, emailed_at__isnull=True)
    count = pending.count()
    if not count or not user.email:
        return False
    link = settings.BASE_URL.rstrip("/") + reverse("poortwachter:worklist")
    with override(settings.LANGUAGE_CODE):
        subject = _("Hersteld: items need your attention")
        body = ngettext(
            "%(count)d item in your worklist needs attention.\n\nLog in to see it: %(link)s\n",
            "%(count)d items in your worklist need attention.\n\nLog in to see them: %(link)s\n",
            count,
        ) % {"count": count, "link": link}
    send_email_after_commit(subject, body, [user.email])
    pending.update(emailed_at=timezone.now())
    return True


def apply_due_terms(today: dt.date) -> int:
    """Department, function and hours that took effect by today become the employment's current ones."""
    from hersteld.people.models import Employment, EmploymentTerms
    from hersteld.people.services import sync_current_terms

    ids = (
        EmploymentTerms.objects.filter(
            valid_from__lte=today, valid_from__gt=today - dt.timedelta(days=366)
        )
        .values_list("employment_id", flat=True)
        .distinct()
    )
    changed = 0
    for employment in Employment.objects.filter(pk__in=ids):
        if sync_current_terms(employment, today):
            changed += 1
    return changed


def run_daily(
    today: dt.date | None = None, progress: Callable[[str, int, int], None] | None = None
) -> dict[str, int]:
    """The daily job: apply terms that took effect, raise signals, send digests."""
    today = today or timezone.localdate()
    report = progress or (lambda step, done, total: None)
    summary = {"terms_applied": 0, "signals": 0, "digests": 0}
    with transaction.atomic():
        summary["terms_applied"] = apply_due_terms(today)
    users = list(
        User.objects.filter(is_active=True, role__in=list(SIGNAL_PARTIES)).select_related(
            "arbodienst", "employer", "department"
        )
    )
    for index, user in enumerate(users, start=1):
        with transaction.atomic():
            summary["signals"] += raise_signals(user, today)
            summary["digests"] += send_digest(user)
        report("signals", index, len(users))
    return summary


def daily_step(today: dt.date | None, report: Callable[[str, int, int], None]) -> dict[str, int]:
    """This app's part of `hersteld run-daily` (registered in apps.py), with summary labels."""
    summary = run_daily(today, report)
    return {
        "Terms applied": summary["terms_applied"],
        "new signals": summary["signals"],
        "digests sent": summary["digests"],
    }


def dismiss_notification(user: Actor, notification_id: int) -> Notification:
    """Put one of the user's own signals away (it no longer shows in the list or the count)."""
    notification = Notification.objects.get(pk=notification_id, user_id=user.pk)
    if notification.dismissed_at is None:
        notification.dismissed_at = timezone.now()
        notification.read_at = notification.read_at or notification.dismissed_at
        notification.save(update_fields=["dismissed_at", "read_at"])
    return notification


def dismiss_done_notifications(user: Actor) -> int:
    """Put away every signal of a step that has been done since."""
    now = timezone.now()
    return Notification.objects.filter(
        user_id=user.pk, dismissed_at__isnull=True, todo__done_on__isnull=False
    ).update(dismissed_at=now)


def read_notifications(user: Actor) -> int:
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
