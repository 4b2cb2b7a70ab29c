"""How a due date was derived: the engine's code and parameters, read in English and Dutch.

The engine returns a code with parameters (engine.Why); the CLI shows the English text, the
portal and API format the code in the reader's language. Nothing stored is parsed back.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from hersteld.poortwachter.engine import WHY_CODES, Leave, Period, Why, plan, why_text
from hersteld.poortwachter.explain import RENDER, explain

CASES = [
    (
        Why.of("sick_days", step="week_end", week=6, d1="2026-01-05", days=41, gaps=18),
        "end of week 6: D1 2026-01-05 + 41 days + 18 gap days",
        "einde van week 6: eerste ziektedag 05-01-2026 + 41 dagen + 18 dagen tussen perioden",
    ),
    (
        Why.of(
            "sick_days",
            step="report_42",
            week=42,
            d1="2026-01-05",
            days=294,
            gaps=0,
            moved_from="2026-10-25",
        ),
        "first working day after week 42: D1 2026-01-05 + 294 days,"
        " moved from 2026-10-25 (weekend or holiday)",
        "eerste werkdag na week 42: eerste ziektedag 05-01-2026 + 294 dagen,"
        " verschoven van 25-10-2026 (weekend of feestdag)",
    ),
    (
        Why.of("after_analysis", made="2026-02-10"),
        "14 days after the probleemanalyse (made 2026-02-10)",
        "14 dagen na de probleemanalyse (gemaakt op 10-02-2026)",
    ),
    (
        Why.of("evaluation", number=2, days=84, basis="due", date="2026-02-24"),
        "evaluation 2: 84 days after the plan van aanpak (due 2026-02-24)",
        "evaluatie 2: 84 dagen na het plan van aanpak (uiterlijk 24-02-2026)",
    ),
    (
        Why.of("not_reached", step="week_end", week=52),
        "end of week 52: not reached, chain ended",
        "einde van week 52: niet bereikt: het verzuim eindigde eerder",
    ),
    (
        Why.of("not_reached"),
        "not reached, chain ended",
        "niet bereikt: het verzuim eindigde eerder",
    ),
]


@pytest.mark.parametrize(("why", "english", "dutch"), CASES)
def test_an_explanation_reads_in_english_and_in_dutch(why, english, dutch) -> None:
    assert why_text(why) == english
    with translation.override("nl"):
        assert explain(why.code, why.as_dict()) == dutch


def test_every_code_of_the_engine_has_a_dutch_rendering() -> None:
    assert set(RENDER) == set(WHY_CODES)


def test_every_explanation_the_engine_gives_is_translated() -> None:
    """A new code or parameter in the engine must not fall back to English unnoticed."""
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
    seen = set()
    with translation.override("nl"):
        for result in scenarios:
            for milestone in result.milestones:
                dutch = explain(milestone.reason.code, milestone.reason.as_dict())
                assert dutch and dutch != milestone.why, milestone.why
                seen.add(milestone.reason.code)
    assert seen == set(WHY_CODES)


def test_an_unknown_code_explains_nothing_rather_than_guessing() -> None:
    assert explain("", {}) == ""
    with pytest.raises(ValueError):
        why_text(Why.of("something_new"))


def test_the_migration_reads_every_stored_sentence_back_into_its_code() -> None:
    """Migration 0003 turns the English sentences of existing to-dos into code and params."""
    import importlib

    migration = importlib.import_module("hersteld.poortwachter.migrations.0003_structured_why")
    results = [
        plan([Period(dt.date(2026, 1, 5))], as_of=dt.date(2028, 1, 1)),
        plan(
            [Period(dt.date(2025, 10, 1), dt.date(2025, 11, 2)), Period(dt.date(2025, 11, 20))],
            done={"PROBLEEMANALYSE": dt.date(2025, 11, 5)},
            as_of=dt.date(2028, 1, 1),
        ),
        plan([Period(dt.date(2026, 1, 5), dt.date(2026, 3, 20))], as_of=dt.date(2026, 5, 1)),
        plan(
            [Period(dt.date(2024, 1, 8))],
            sanction_until=dt.date(2026, 6, 30),
            as_of=dt.date(2026, 11, 23),
        ),
    ]
    for result in results:
        for milestone in result.milestones:
            assert migration.parse(milestone.why) == (
                milestone.reason.code,
                milestone.reason.as_dict(),
            ), milestone.why


def test_the_cli_json_gives_the_code_and_the_text_in_the_chosen_language() -> None:
    import io
    import json

    from django.core.management import call_command

    def run(*extra: str) -> dict:
        out = io.StringIO()
        call_command(
            "poortwachter", "plan", "--period", "2026-01-05:", "--as-of", "2026-03-01",
            "--json", *extra, stdout=out,
        )  # fmt: skip
        return next(
            m for m in json.loads(out.getvalue())["milestones"] if m["code"] == "PROBLEEMANALYSE"
        )

    english, dutch = run(), run("--lang", "nl")
    assert english["why"] == "end of week 6: D1 2026-01-05 + 41 days"
    assert dutch["why"] == "einde van week 6: eerste ziektedag 05-01-2026 + 41 dagen"
    assert english["why_code"] == dutch["why_code"] == "sick_days"
    assert english["why_params"] == {
        "step": "week_end", "week": 6, "d1": "2026-01-05", "days": 41, "gaps": 0,
    }  # fmt: skip
