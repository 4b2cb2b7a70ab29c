"""To-dos of the Poortwachter timeline (P10, B2) and the signals they raise."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hersteld.absence.models import CaseChild
from hersteld.core.restrict import RestrictedQuerySet


class Party(models.TextChoices):
    """Who must act; the values are the engine's party names."""

    EMPLOYER = "employer", _("employer")
    EMPLOYEE = "employee", _("employee")
    BOTH = "employer+employee", _("employer and employee")
    MEDIC = "bedrijfsarts", _("company doctor")
    UWV = "UWV", _("UWV")
    NONE = "", _("nobody: only a date")


class TodoStatus(models.TextChoices):
    DONE = "done", _("done")
    OPEN = "open", _("to do")
    OVERDUE = "overdue", _("overdue")
    LAPSED = "lapsed", _("lapsed")


MILESTONE_LABELS = {
    "ZIEKMELDING_ARBODIENST": _("Sick report to the arbodienst"),
    "PROBLEEMANALYSE": _("Probleemanalyse by the company doctor"),
    "PLAN_VAN_AANPAK": _("Plan van aanpak agreed and signed"),
    "EVALUATIE": _("Evaluation of the plan van aanpak"),
    "MELDING_42_WEKEN": _("42nd-week report to UWV"),
    "EERSTEJAARSEVALUATIE": _("First-year evaluation"),
    "WIA_BRIEF_UWV": _("UWV sends the WIA information letter"),
    "ACTUEEL_OORDEEL": _("Current medical opinion (actueel oordeel)"),
    "EINDEVALUATIE": _("Final evaluation"),
    "RIV_AFSCHRIFT": _("Copy of the re-integration report to the employee"),
    "WIA_AANVRAAG": _("WIA application by the employee"),
    "EINDE_WACHTTIJD": _("End of the waiting period (104 weeks)"),
}


class Todo(CaseChild):
    """One thing to do for a chain of absence: a Poortwachter milestone or a manual to-do.

    Milestone to-dos (`code` set) are written by `services.sync_plan` from the engine; a
    person only marks them done. The chain's to-dos live on its latest case.
    """

    AUDITED = ("title", "due", "party", "done_on", "note")

    case = models.ForeignKey("absence.AbsenceCase", on_delete=models.CASCADE, related_name="todos")
    code = models.CharField(_("milestone"), max_length=32, blank=True)
    number = models.PositiveSmallIntegerField(default=1)  # the n-th EVALUATIE
    title = models.CharField(_("title"), max_length=200, blank=True)
    party = models.CharField(_("who"), max_length=20, choices=Party.choices, blank=True)
    due = models.DateField(_("due"), null=True, blank=True)
    window_start = models.DateField(_("from"), null=True, blank=True)
    # How the due date was derived: the engine's code and parameters (engine.Why), formatted
    # by each reader in its language; never a sentence to parse back.
    why_code = models.CharField(max_length=20, blank=True)
    why_params = models.JSONField(default=dict, blank=True)
    # The due date rests on a provisional holiday (no decree yet for that year, docs/rules/day-arithmetic.md).
    provisional = models.BooleanField(_("provisional"), default=False)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[RestrictedQuerySet[Todo]] = RestrictedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["due", "id"]
        verbose_name = _("to-do")
        verbose_name_plural = _("to-dos")
        indexes = [models.Index(fields=["due", "done_on"]), models.Index(fields=["case", "code"])]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "code", "number"],
                condition=~models.Q(code=""),
                name="one_todo_per_milestone",
            )
        ]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self) -> str:
        return str(MILESTONE_LABELS.get(self.code, self.title))

    def status_on(self, day: dt.date) -> str:
        if self.done_on is not None:
            return TodoStatus.DONE
        if self.due is None:
            return TodoStatus.LAPSED
        return TodoStatus.OVERDUE if day > self.due else TodoStatus.OPEN


class SignalKind(models.TextChoices):
    DUE_SOON = "due_soon", _("due soon")
    OVERDUE = "overdue", _("overdue")


class Notification(models.Model):
    """An in-portal signal for one user about one to-do; e-mailed only as a count in a digest."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    todo = models.ForeignKey(Todo, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=10, choices=SignalKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)  # the user put it away
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "todo", "kind"], name="one_signal_per_state")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.todo_id}"


class HolidayDecree(models.Model):
    """A day made equal to a public holiday by royal decree (Atw art. 3 lid 3, docs/rules/day-arithmetic.md).

    Hersteld ships the known decrees (`poortwachter/data/holiday_decrees.tsv`); the operator
    adds a new one here when it is published in the Staatscourant. The engine takes both
    together: through the year of the latest decree they replace the usual pattern, which
    applies (provisionally) only after it.
    """

    AUDITED = ("day", "description")

    day = models.DateField(_("day"), unique=True)
    description = models.CharField(
        _("description"),
        max_length=200,
        blank=True,
        help_text=_("For example: Friday after Hemelvaartsdag (Staatscourant 2029, 12345)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("holiday decree day")
        verbose_name_plural = _("holiday decree days")

    def __str__(self) -> str:
        return self.day.isoformat()
