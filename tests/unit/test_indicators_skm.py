import datetime as dt

import pandas as pd
import pytest

from pipelines.indicators.skm import grade_in, grade_of, ikm, krejcie_morgan
from pipelines.indicators.unit_quarter import Facts, Method, unit_indicators
from pipelines.indicators.workdays import WorkCalendar, holiday_calendar

WORKED_TOTALS = [105, 101, 100, 116, 102, 105, 106, 105, 115]


def test_ikm_uses_exact_weights_on_the_worked_example():
    result = ikm(WORKED_TOTALS, respondents=29)
    assert result.converted == 91.48
    assert result.grade == "A"
    assert result.element_nrr[3] == pytest.approx(116 / 29)


def test_ikm_with_the_regulations_rounded_weight():
    assert ikm(WORKED_TOTALS, respondents=29, weight_mode="0.111").converted == 91.38


def test_perfect_answers_reach_100_only_with_exact_weights():
    perfect = [4 * 10] * 9
    assert ikm(perfect, 10).converted == 100.0
    assert ikm(perfect, 10, "0.111").converted == 99.9


@pytest.mark.parametrize(
    ("converted", "grade"),
    [(100.0, "A"), (88.31, "A"), (88.30, "B"), (76.61, "B"), (76.60, "C"), (65.00, "C"), (64.99, "D"), (25.0, "D")],
)
def test_grade_boundaries(converted, grade):
    assert grade_of(converted)[0] == grade


def test_a_three_decimal_ikm_is_graded_after_rounding_half_up():
    from decimal import Decimal

    assert grade_of(Decimal("88.305")) == ("A", "Sangat Baik")
    assert grade_of(Decimal("76.605")) == ("B", "Baik")


def test_the_lowest_ikm_of_the_rounded_weight_is_grade_d():
    lowest = ikm([10] * 9, respondents=10, weight_mode="0.111")  # every answer 1: 9 x 0.111 x 25 = 24.975
    assert (lowest.converted, lowest.grade) == (24.98, "D")


@pytest.mark.parametrize(("population", "sample"), [(100, 80), (1_000, 278), (10_000, 370), (0, 0)])
def test_krejcie_morgan_minimum_sample(population, sample):
    assert krejcie_morgan(population) == sample


def test_ikm_refuses_wrong_shapes():
    with pytest.raises(ValueError, match="9 elements"):
        ikm([1, 2, 3], 1)
    with pytest.raises(ValueError, match="at least one respondent"):
        ikm(WORKED_TOTALS, 0)


def skm_frame_with_totals(totals, respondents):
    """Answers whose element sums are `totals`: each element's answers differ by at most one point."""
    columns = {}
    for number, total in enumerate(totals, start=1):
        base, extra = divmod(total, respondents)
        columns[f"u{number}"] = [base + 1] * extra + [base] * (respondents - extra)
    return pd.DataFrame(columns)


def served_log(completed: int) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "received_date": pd.to_datetime(["2026-08-03"] * completed),
            "completed_date": pd.to_datetime(["2026-08-04"] * completed),
            "status": "selesai",
            "sla_days": 1,
            "channel": "online",
            "fee_paid": 0,
            "official_tariff": 0,
        }
    )
    return frame


def skm_values(service_log: pd.DataFrame, skm_response: pd.DataFrame) -> dict:
    facts = Facts(service_log, skm_response, pd.DataFrame(), pd.DataFrame())
    values = unit_indicators(facts, Method(dt.date(2026, 9, 30), WorkCalendar(holiday_calendar(2026))))
    return {value.indicator_code: value for value in values}


def test_unit_skm_indicators_on_the_worked_example():
    values = skm_values(served_log(100), skm_frame_with_totals(WORKED_TOTALS, 29))
    assert values["ikm"].value == 91.48 and grade_in(values["ikm"].category) == "A"
    assert [round(values[f"ikm_u{n}"].value, 4) for n in range(1, 10)] == [
        round(total / 29, 4) for total in WORKED_TOTALS
    ]
    assert values["ikm_u3"].category == "terendah"  # 100 / 29 is the weakest element
    assert values["ikm_u4"].category is None


def test_sample_required_follows_krejcie_morgan_on_services_completed():
    values = skm_values(served_log(100), skm_frame_with_totals(WORKED_TOTALS, 29))
    assert (values["skm_sample_required"].value, values["skm_sample_required"].n) == (80, 100)
    assert values["skm_sample_required"].category == "kurang"
    assert values["ikm"].value == 91.48  # a small sample is flagged, never hidden

    enough = skm_values(served_log(30), skm_frame_with_totals(WORKED_TOTALS, 29))
    assert enough["skm_sample_required"].value == 28
    assert enough["skm_sample_required"].category == "cukup"
