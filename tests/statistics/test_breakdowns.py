"""Breakdowns by function and age band (issue 16 §1): pure tables worked by hand.

P = June 2026 (30 days), full-time 40 hours.
- A: 40 h, Bakker all month; sick 1 June, recovered 11 June (10 sick days).
- B: 40 h, Bakker until 15 June, Verkoper from 16 June; sick 11 June, recovered 21 June:
  sick days 11-15 as Bakker, 16-20 as Verkoper. The report belongs to Bakker (first day),
  the recovery and the duration class to Verkoper (last sick day).
- C: 20 h (factor 0.5), Verkoper all month, never sick.
"""

from __future__ import annotations

import datetime as dt

import pytest

from hersteld.statistics import figures
from hersteld.statistics.figures import Employment, Period

D = dt.date
JUNE = (D(2026, 6, 1), D(2026, 6, 30))
OVEN, WINKEL = "000001.000002.", "000001.000003."


def _employments(label: bool = True) -> list[Employment]:
    def group(function: str, path: str) -> str:
        return figures.labelled(function, path) if label else path

    return [
        Employment.from_terms(
            1, 1, D(2020, 1, 1), None, [(D(2020, 1, 1), 40, group("Bakker", OVEN))]
        ),
        Employment.from_terms(
            2,
            2,
            D(2020, 1, 1),
            None,
            [
                (D(2020, 1, 1), 40, group("Bakker", OVEN)),
                (D(2026, 6, 16), 40, group("Verkoper", WINKEL)),
            ],
        ),
        Employment.from_terms(
            3, 3, D(2020, 1, 1), None, [(D(2020, 1, 1), 20, group("Verkoper", WINKEL))]
        ),
    ]


PERIODS = [
    Period.of_case(1, "sickness", D(2026, 6, 1), D(2026, 6, 11), end_reason="recovered"),
    Period.of_case(2, "sickness", D(2026, 6, 11), D(2026, 6, 21), end_reason="recovered"),
]


def test_each_function_gets_its_own_figures_and_a_changer_counts_in_both() -> None:
    groups = dict(figures.compute_breakdown(_employments(), PERIODS, *JUNE))
    assert list(groups) == ["Bakker", "Verkoper"]
    bakker = groups["Bakker"].rounded()
    # A 30 days + B 15 days; absence A 10 + B 5 = 15 over 45: 33.33 %.
    assert bakker["population"] == {"persons": 2, "employment_days": 45}
    assert bakker["vp"] == 33.33
    # 2 reports, headcount 45 / 30 = 1.5: 2 / 1.5 x 365 / 30 = 16.22
    assert bakker["mf"] == 16.22
    assert bakker["gvd"] == 10.0  # only A's recovery falls in Bakker
    assert bakker["nulverzuim"] == 0.0
    assert bakker["duration_classes"]["kort"] == 1
    verkoper = groups["Verkoper"].rounded()
    # B 15 days x 1 + C 30 days x 0.5 = 30; absence B 5: 16.67 %.
    assert verkoper["population"] == {"persons": 2, "employment_days": 45}
    assert verkoper["vp"] == 16.67
    assert verkoper["mf"] == 0.0
    assert verkoper["gvd"] == 10.0  # B's period: 11-20 June
    assert verkoper["nulverzuim"] == 50.0  # C never sick; B sick as Verkoper
    assert verkoper["duration_classes"]["kort"] == 1


def test_a_function_breakdown_stays_inside_the_department_subtree() -> None:
    groups = dict(figures.compute_breakdown(_employments(), PERIODS, *JUNE, within=(OVEN,)))
    assert list(groups) == ["Bakker"]
    assert groups["Bakker"].persons == 2 and groups["Bakker"].employment_days == 45
    only_shop = dict(figures.compute_breakdown(_employments(), PERIODS, *JUNE, within=WINKEL))
    assert list(only_shop) == ["Verkoper"]


def test_a_function_name_is_matched_whole_not_as_a_prefix() -> None:
    rows = [
        Employment.from_terms(
            1, 1, D(2020, 1, 1), None, [(D(2020, 1, 1), 40, figures.labelled("Bak", OVEN))]
        ),
        Employment.from_terms(
            2, 2, D(2020, 1, 1), None, [(D(2020, 1, 1), 40, figures.labelled("Bakker", OVEN))]
        ),
    ]
    groups = dict(figures.compute_breakdown(rows, [], *JUNE))
    assert groups["Bak"].persons == 1 and groups["Bakker"].persons == 1


@pytest.mark.parametrize(
    ("birth", "band"),
    [
        (D(2001, 6, 2), "<25"),  # 24 on 1 June 2026
        (D(2001, 6, 1), "25-34"),  # 25 that day
        (D(1991, 6, 2), "25-34"),  # 34
        (D(1991, 6, 1), "35-44"),
        (D(1981, 6, 1), "45-54"),
        (D(1971, 6, 2), "45-54"),  # 54
        (D(1971, 6, 1), "55+"),
    ],
)
def test_age_bands_by_age_on_the_first_day(birth: dt.date, band: str) -> None:
    assert figures.age_band(birth, JUNE[0]) == band


def test_an_age_band_gets_its_own_figures() -> None:
    births = {1: D(2001, 6, 2), 2: D(2001, 6, 1), 3: D(1971, 6, 1)}  # <25, 25-34, 55+
    rows = [
        figures.relabel(row, figures.age_band(births[row.person], JUNE[0]))
        for row in _employments(label=False)
    ]
    order = [label for label, _, _ in figures.AGE_BANDS]
    groups = dict(figures.compute_breakdown(rows, PERIODS, *JUNE, order=order))
    assert list(groups) == ["<25", "25-34", "55+"]
    b = groups["25-34"].rounded()
    # B alone: 10 sick days of 30 at factor 1: 33.33 %; 1 report: 1 / 1 x 365 / 30 = 12.17
    assert b["population"] == {"persons": 1, "employment_days": 30}
    assert (b["vp"], b["mf"], b["gvd"], b["nulverzuim"]) == (33.33, 12.17, 10.0, 0.0)
    assert groups["55+"].rounded()["vp"] == 0.0
