"""Demo absence cases for `hersteld demo-data`, dated relative to the day the demo is loaded.

Sick reports cannot lie in the future, so the cases are placed a fixed number of days
before today; every case goes through the services like a real report would. Loaded once:
when a demo employer already has cases, nothing is added.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hersteld.absence import services
from hersteld.absence.models import AbsenceCase, CaseKind, Context, SafetyNetCategory
from hersteld.core.actor import Actor
from hersteld.people.models import Employment, Gender


@dataclass(frozen=True)
class DemoCase:
    """One demo case: whose employment, what, by whom.

    `who` is a personnel number, EMPLOYEE_USER (the employment of werknemer.devries) or
    FIRST_FEMALE (the first woman in service without a demo case).
    """

    employer: str
    who: str
    kind: str
    days_ago: int
    reporter: str
    data: dict[str, Any] = field(default_factory=dict)
    recoveries: tuple[tuple[int, int], ...] = ()  # (days ago, percentage recovered)


EMPLOYEE_USER = "employee-user"
FIRST_FEMALE = "first-female"


CASES = (
    DemoCase(
        "DV",
        EMPLOYEE_USER,
        CaseKind.SICKNESS,
        300,
        "hr.devries",
        {
            "context": Context.ILLNESS,
            "note": "Werknemer belde om half acht af. Werk aan de oven is overgedragen.",
        },
        recoveries=((60, 50),),
    ),
    DemoCase(
        "DV",
        "DV0002",
        CaseKind.SICKNESS,
        200,
        "hr.devries",
        {"context": Context.ILLNESS, "note": "Verwacht binnen twee weken terug."},
        recoveries=((185, 100),),
    ),
    DemoCase(
        "DV",
        "DV0002",
        CaseKind.SICKNESS,
        170,
        "hr.devries",
        {"context": Context.ILLNESS, "note": "Opnieuw ziek gemeld; contact via de partner."},
    ),
    DemoCase(
        "DV",
        "DV0003",
        CaseKind.SICKNESS,
        18,
        "hr.devries",
        {"context": Context.WORK_CONFLICT, "requested_action": "direct"},
    ),
    DemoCase("DV", "DV0004", CaseKind.SICKNESS, 45, "hr.devries", {"safety_net": True}),
    DemoCase(
        "DV",
        "DV0005",
        CaseKind.PREVENTIVE,
        5,
        "hr.devries",
        {"note": "Werknemer vraagt een gesprek met de bedrijfsarts over de werkdruk."},
    ),
    DemoCase("DV", FIRST_FEMALE, CaseKind.PREGNANCY_LEAVE, 20, "hr.devries"),
    DemoCase("TJ", "TJ0001", CaseKind.SICKNESS, 90, "hr.jansen", {"context": Context.ILLNESS}),
    DemoCase("TJ", "TJ0002", CaseKind.SICKNESS, 9, "hr.jansen", {"context": Context.OTHER}),
    DemoCase("ZZ", "ZZ0001", CaseKind.SICKNESS, 30, "hr.zuidzorg", {"context": Context.ILLNESS}),
)


def _employment(
    spec: DemoCase, employer: Any, users: dict[str, Any], used: set[int]
) -> Employment | None:
    qs = Employment.objects.filter(employer=employer).select_related("employee")
    if spec.who == EMPLOYEE_USER:
        return qs.filter(
            employee=users["werknemer.devries"].employee, end_date__isnull=True
        ).first()
    if spec.who == FIRST_FEMALE:
        women = qs.filter(end_date__isnull=True, employee__gender=Gender.FEMALE)
        return women.exclude(pk__in=used).order_by("personnel_number").first()
    return qs.filter(personnel_number=spec.who).first()


# Steps of the long demo case already taken: (milestone, number, days after D1).
DONE_STEPS = (
    ("PROBLEEMANALYSE", 1, 38),
    ("PLAN_VAN_AANPAK", 1, 50),
    ("EVALUATIE", 1, 95),
    ("EVALUATIE", 2, 140),
    ("EVALUATIE", 3, 180),
)


def _steps_done(case: AbsenceCase, actor: Actor) -> None:
    from hersteld.poortwachter.models import Todo
    from hersteld.poortwachter.services import mark_done

    for code, number, days in DONE_STEPS:
        todo = Todo.objects.filter(case=case, code=code, number=number).first()
        if todo is not None:
            mark_done(
                actor=actor,
                todo_id=todo.pk,
                done_on=case.first_day + dt.timedelta(days=days),
            )


def seed_signals(users: dict[str, Any], today: dt.date) -> int:
    """Signals as the daily job would raise them this morning (no e-mail in the demo)."""
    from hersteld.poortwachter.services import raise_signals

    return sum(raise_signals(user, today) for user in users.values())


def seed_cases(
    users: dict[str, Any], employers: dict[str, Any], today: dt.date, note: Callable[[str], None]
) -> int:
    """Add the demo cases unless a demo employer already has cases; returns how many were added."""
    if AbsenceCase.objects.filter(employer__in=employers.values()).exists():
        return 0
    created = 0
    used: set[int] = set()
    for spec in CASES:
        employment = _employment(spec, employers[spec.employer], users, used)
        if employment is None:
            note(f"no employment for the demo case of {spec.who}")
            continue
        used.add(employment.pk)
        first_day = today - dt.timedelta(days=spec.days_ago)
        data: dict[str, Any] = {"first_day": first_day, **spec.data}
        if spec.kind == CaseKind.PREGNANCY_LEAVE:
            data["expected_delivery"] = first_day + dt.timedelta(days=35)
        if first_day < employment.start_date:
            note(f"{employment} started after the demo case date; skipped")
            continue
        case = services.add_case(
            actor=users[spec.reporter],
            employment_id=employment.pk,
            kind=spec.kind,
            data=data,
        )
        created += 1
        for days_ago, percentage in spec.recoveries:
            services.add_recovery(
                actor=users[spec.reporter],
                case_id=case.pk,
                data={"date": today - dt.timedelta(days=days_ago), "percentage": percentage},
            )
            created += 1
        if spec.data.get("safety_net") and employment.no_risk_policy:
            services.correct_case(
                actor=users["casemanager.noord"],
                case_id=case.pk,
                data={
                    "safety_net_category": SafetyNetCategory.NO_RISK_POLICY,
                    "reason": "Vastgelegd na telefonisch contact met de werkgever.",
                },
            )
    first = (
        AbsenceCase.objects.filter(employer=employers["DV"], kind=CaseKind.SICKNESS)
        .order_by("first_day")
        .first()
    )
    if first is not None:
        _steps_done(first, users["casemanager.noord"])
        services.add_medical_note(
            actor=users["bedrijfsarts.noord"],
            case_id=first.pk,
            text="Spreekuur gehad. Lage rugklachten na tilwerk; fysiotherapie gestart. "
            "Verwacht geleidelijke opbouw in uren.",
        )
        created += 1
    return created
