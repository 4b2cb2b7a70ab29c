"""The engine's explanations read in Dutch in the portal (ADR 0007), every shape of engine.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from hersteld.poortwachter.engine import Leave, Period, plan
from hersteld.poortwachter.explain import explain


@pytest.mark.parametrize(
    ("why", "dutch"),
    [
        (
            "end of week 6: D1 2026-01-05 + 41 days + 18 gap days",
            "einde van week 6: eerste ziektedag 05-01-2026 + 41 dagen + 18 dagen tussen perioden",
        ),
        (
            "first working day after week 42: D1 2026-01-05 + 294 days,"
            " moved from 2026-10-25 (weekend or holiday)",
            "eerste werkdag na week 42: eerste ziektedag 05-01-2026 + 294 dagen,"
            " verschoven van 25-10-2026 (weekend of feestdag)",
        ),
        (
            "14 days after the probleemanalyse (made 2026-02-10)",
            "14 dagen na de probleemanalyse (gemaakt op 10-02-2026)",
        ),
        (
            "evaluation 2: 84 days after the plan van aanpak (due 2026-02-24)",
            "evaluatie 2: 84 dagen na het plan van aanpak (uiterlijk 24-02-2026)",
        ),
        (
            "end of week 52: not reached, chain ended",
            "einde van week 52: niet bereikt: het verzuim eindigde eerder",
        ),
        ("not reached, chain ended", "niet bereikt: het verzuim eindigde eerder"),
        ("something new", "something new"),
    ],
)
def test_known_shapes_read_in_dutch(why, dutch) -> None:
    with translation.override("nl"):
        assert explain(why) == dutch


def test_every_explanation_the_engine_gives_is_translated() -> None:
    """A change of wording in the engine must not fall back to English unnoticed."""
    scenarios = [
        plan([Period(dt.date(2026, 1, 5))], as_of=dt.date(2026, 11, 23)),
        plan(
            [Period(dt.date(2026, 1, 5), dt.date(2026, 2, 2)), Period(dt.date(2026, 2, 20))],
            done={"PROBLEEMANALYSE": dt.date(2026, 2, 10), "PLAN_VAN_AANPAK": dt.date(2026, 2, 20)},
            as_of=dt.date(2026, 11, 23),
        ),
        plan([Period(dt.date(2026, 1, 5), dt.date(2026, 1, 20))], as_of=dt.date(2026, 11, 23)),
        plan(
            [Period(dt.date(2024, 1, 8))],
            sanction_until=dt.date(2026, 6, 30),
            as_of=dt.date(2026, 11, 23),
        ),
        plan(
            [Period(dt.date(2025, 1, 6), dt.date(2025, 3, 1)), Period(dt.date(2025, 7, 1))],
            leaves=[Leave(dt.date(2025, 3, 1), dt.date(2025, 7, 1))],
            as_of=dt.date(2026, 11, 23),
        ),
    ]
    with translation.override("nl"):
        for result in scenarios:
            for milestone in result.milestones:
                assert explain(milestone.why) != milestone.why, milestone.why
