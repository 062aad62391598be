"""The action plan's indicators on a plan small enough to count by hand.

Four actions reported for 2026Q3: realisations 100, 60, 40 and 0 (mean 50); the second was planned for 2026Q2 and
is not done (overdue); the third is planned for this quarter and the fourth for the next (neither is late).
SKM averages: U3 2.9 and U5 3.0 are under grade B's 3.0644; an action is linked to U3 only, so half the weak
elements have a follow-up.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from pipelines.indicators.action_plan import followup_coverage, overdue_count, realisation_mean, weak_elements
from pipelines.indicators.unit_quarter import Facts, Method, unit_indicators
from pipelines.indicators.workdays import WorkCalendar, holiday_calendar
from tests.unit.test_indicators_skm import skm_frame_with_totals

PLAN = pd.DataFrame(
    {
        "action_id": ["A1", "A2", "A3", "A4"],
        "area": ["skm", "skm", "manajemen_perubahan", "persepsi"],
        "linked_to": ["u3", "u8", None, "ipak"],
        "planned_quarter": ["2026Q2", "2026Q2", "2026Q3", "2026Q4"],
        "realisation": [100.0, 60.0, 40.0, 0.0],
    }
)
SKM = skm_frame_with_totals([35, 35, 29, 35, 30, 35, 35, 35, 35], 10)
METHOD = Method(dt.date(2026, 9, 30), WorkCalendar(holiday_calendar(2026)))


def test_realisation_is_the_mean_over_actions():
    assert realisation_mean(PLAN) == (50.0, 4)
    assert realisation_mean(PLAN.iloc[0:0]) == (None, 0)


def test_an_action_is_overdue_past_its_quarter_and_below_100_percent():
    assert overdue_count(PLAN, "2026Q3") == (1, 4)
    assert overdue_count(PLAN, "2027Q1") == (3, 4)  # then A3 and A4 are late too; A1 is done


def test_followup_coverage_counts_weak_elements_with_a_linked_action():
    nrr = {f"u{number}": 3.5 for number in range(1, 10)} | {"u3": 2.9, "u5": 3.0, "u8": 3.0644}
    assert weak_elements(nrr) == ["u3", "u5"]  # exactly on the boundary is grade B: not weak
    assert followup_coverage(PLAN, nrr) == (50.0, 2)
    assert followup_coverage(PLAN, {"u1": 3.6}) == (None, 0)


def test_the_unit_indicators_of_the_plan():
    empty = pd.DataFrame()
    values = {
        value.indicator_code: value
        for value in unit_indicators(Facts(empty, SKM, empty, empty, zi_lke=empty, action_plan=PLAN), METHOD)
    }
    assert (values["action_plan_items"].value, values["action_plan_realisation"].value) == (4, 50.0)
    assert (values["action_plan_overdue"].value, values["action_plan_overdue"].n) == (1, 4)
    assert (values["skm_followup_coverage"].value, values["skm_followup_coverage"].n) == (50.0, 2)


def test_a_roll_up_has_the_plans_progress_but_no_follow_up_coverage():
    empty = pd.DataFrame()
    codes = {
        value.indicator_code for value in unit_indicators(Facts(empty, SKM, empty, empty, action_plan=PLAN), METHOD)
    }
    assert {"action_plan_items", "action_plan_realisation", "action_plan_overdue"} <= codes
    assert "skm_followup_coverage" not in codes


def test_without_a_plan_there_is_no_value_never_a_zero():
    empty = pd.DataFrame()
    codes = {value.indicator_code for value in unit_indicators(Facts(empty, SKM, empty, empty, zi_lke=empty), METHOD)}
    assert not {code for code in codes if code.startswith("action_plan") or code == "skm_followup_coverage"}
