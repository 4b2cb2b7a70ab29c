"""Walking a chain of cases (samentelling, rules.md 3): shared by services, selectors and the plan.

The cases of one employee are read once and the chain is walked in memory, so a dossier
costs the same number of queries whatever the length of its chain.
"""

from __future__ import annotations

from hersteld.absence import rules
from hersteld.absence.models import AbsenceCase, CaseKind, CaseStatus


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
    """The sickness periods of a chain; leave days are not sick days (rules.md 3)."""
    return [
        rules.Span(item.first_day, item.end_date)
        for item in chain
        if item.kind == CaseKind.SICKNESS
    ]


def whole_chain(case: AbsenceCase) -> list[AbsenceCase]:
    """Every case counted together with `case`, oldest first, later cases included."""
    cases = _cases_of(case)
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
