"""Walking a chain of cases (samentelling, rules.md 3): shared by services, selectors and the plan."""

from __future__ import annotations

from hersteld.absence import rules
from hersteld.absence.models import AbsenceCase, CaseKind, CaseStatus


def chain_of(case: AbsenceCase) -> list[AbsenceCase]:
    """The cases of the chain up to and including `case`, oldest first."""
    out = [case]
    seen = {case.pk}
    current = case
    while current.chained_to_id is not None and current.chained_to_id not in seen:
        current = AbsenceCase.objects.get(pk=current.chained_to_id)
        seen.add(current.pk)
        out.append(current)
    return list(reversed(out))


def sick_spans(chain: list[AbsenceCase]) -> list[rules.Span]:
    """The sickness periods of a chain; leave days are not sick days (rules.md 3)."""
    return [
        rules.Span(item.first_day, item.end_date)
        for item in chain
        if item.kind == CaseKind.SICKNESS
    ]


def whole_chain(case: AbsenceCase) -> list[AbsenceCase]:
    """Every case counted together with `case`, oldest first, later cases included."""
    out = chain_of(case)
    current = case
    while True:
        follower = (
            AbsenceCase.objects.filter(chained_to=current)
            .exclude(status=CaseStatus.WITHDRAWN)
            .order_by("first_day", "id")
            .first()
        )
        if follower is None or follower in out:
            return out
        out.append(follower)
        current = follower
