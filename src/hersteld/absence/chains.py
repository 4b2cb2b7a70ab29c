"""Walking a chain of cases (samentelling, docs/rules/samentelling.md): shared by services, selectors and the plan.

The cases of one employee are read once and the chain is walked in memory, so a dossier
costs the same number of queries whatever the length of its chain.
"""

from __future__ import annotations

from hersteld.absence import rules
from hersteld.absence.models import AbsenceCase, CaseKind, CaseStatus, SameCause


def _cases_of(case: AbsenceCase) -> dict[int, AbsenceCase]:
    cases = {
        item.pk: item
        for item in AbsenceCase.objects.filter(employee_id=case.employee_id).exclude(
            kind=CaseKind.PREVENTIVE
        )
    }
    if case.pk is not None:
        cases[case.pk] = case  # the caller's object, with its unsaved changes
    return cases


def _backwards(case: AbsenceCase, cases: dict[int, AbsenceCase]) -> list[AbsenceCase]:
    out = [case]
    seen = {case.pk}
    current = case
    while current.chained_to_id is not None and current.chained_to_id not in seen:
        found = cases.get(current.chained_to_id)
        if found is None:
            found = AbsenceCase.objects.get(pk=current.chained_to_id)
        current = found
        seen.add(current.pk)
        out.append(current)
    return list(reversed(out))


def chain_of(case: AbsenceCase) -> list[AbsenceCase]:
    """The cases of the chain up to and including `case`, oldest first."""
    return _backwards(case, _cases_of(case))


def sick_spans(chain: list[AbsenceCase]) -> list[rules.Span]:
    """The sickness periods of a chain; leave days are not sick days (docs/rules/samentelling.md)."""
    return [
        rules.Span(item.first_day, item.end_date)
        for item in chain
        if item.kind == CaseKind.SICKNESS
    ]


def whole_chain(case: AbsenceCase) -> list[AbsenceCase]:
    """Every case counted together with `case`, oldest first, later cases included."""
    return whole_chain_among(case, _cases_of(case))


def whole_chain_among(case: AbsenceCase, cases: dict[int, AbsenceCase]) -> list[AbsenceCase]:
    """`whole_chain` over cases read already: every case of the employee (preventive ones
    aside) by id, `case` among them. A bulk replan reads many employees' cases at once."""
    out = _backwards(case, cases)
    followers: dict[int, list[AbsenceCase]] = {}
    for item in cases.values():
        if item.chained_to_id is not None and item.status != CaseStatus.WITHDRAWN:
            followers.setdefault(item.chained_to_id, []).append(item)
    current = case
    while True:
        nxt = sorted(followers.get(current.pk, []), key=lambda c: (c.first_day, c.pk))
        if not nxt or nxt[0] in out:
            return out
        out.append(nxt[0])
        current = nxt[0]


def leave_resumed(case: AbsenceCase) -> AbsenceCase | None:
    """The leave after which this sickness resumes directly, when sickness also ran directly up
    to its start: then the bedrijfsarts answers "same cause?" (docs/rules/samentelling.md). None otherwise."""
    if case.kind != CaseKind.SICKNESS or case.first_day is None:
        return None
    others = AbsenceCase.objects.filter(employee_id=case.employee_id).exclude(
        status=CaseStatus.WITHDRAWN
    )
    leave = (
        others.filter(kind=CaseKind.PREGNANCY_LEAVE, end_date=case.first_day)
        .order_by("-first_day")
        .first()
    )
    if leave is None:
        return None
    sick_before = (
        others.filter(kind=CaseKind.SICKNESS, end_date=leave.first_day).exclude(pk=case.pk).exists()
    )
    return leave if sick_before else None


def bridging_leaves(chain: list[AbsenceCase]) -> list[AbsenceCase]:
    """The leaves of a chain the Poortwachter engine counts as bridging (docs/rules/samentelling.md).

    Only a leave with sickness directly on both sides (the last sick day is the day before
    the leave, the next period starts the day after it), and only while the bedrijfsarts has
    not answered "another cause": an unanswered question bridges provisionally.
    """
    out: list[AbsenceCase] = []
    for index, item in enumerate(chain):
        if item.kind != CaseKind.PREGNANCY_LEAVE or item.end_date is None:
            continue
        if index == 0 or index + 1 >= len(chain):
            continue
        before, after = chain[index - 1], chain[index + 1]
        if (
            before.kind == CaseKind.SICKNESS
            and after.kind == CaseKind.SICKNESS
            and before.end_date == item.first_day
            and after.first_day == item.end_date
            and after.same_cause != SameCause.NO
        ):
            out.append(item)
    return out
