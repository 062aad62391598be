"""The IKM's 95% interval, against hand computations.

Ten respondents, five answering 4 to every element (score 100) and five answering 3 (score 75):
mean 87.5; s = √(10 × 12.5² / 9) = 13.1762; s/√10 = 4.16667; t(0.975; 9) = 2.262157;
half-width 9.42566, so 78.07 to 96.93: grade B or A.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd

from pipelines.indicators.ikm_interval import ikm_interval, uncertain_grade
from tests.unit.test_indicators_skm import served_log, skm_values

EXACT = Fraction(1, 9)
TOGETHER = np.array([[4] * 9] * 5 + [[3] * 9] * 5)
"""Each respondent answers every element alike."""
MIXED = np.array([[4 if (respondent + element) % 2 == 0 else 3 for element in range(9)] for respondent in range(10)])
"""The same answer counts per element (five 4s, five 3s), spread so each respondent's total is 31 or 32."""


def test_the_interval_of_respondent_scores_is_the_hand_computed_one():
    interval = ikm_interval(TOGETHER, EXACT, from_tally=False)
    assert (interval.low, interval.high) == (78.07, 96.93)
    assert interval.grades == ["B", "A"] and uncertain_grade(interval) == "mutu belum pasti: B atau A"


def test_mixed_answers_give_a_narrower_interval():
    """Scores 88.889 (five) and 86.111 (five): s = 1.46402, half-width 2.262157 × 0.462963 = 1.04730."""
    interval = ikm_interval(MIXED, EXACT, from_tally=False)
    assert (interval.low, interval.high) == (86.45, 88.55)
    assert uncertain_grade(interval) == "mutu belum pasti: B atau A"


def test_a_tally_takes_the_widest_spread_its_counts_allow():
    """A tally of MIXED has the counts of TOGETHER: its interval is TOGETHER's, never narrower than the truth."""
    from_counts = ikm_interval(MIXED, EXACT, from_tally=True)
    assert (from_counts.low, from_counts.high) == (78.07, 96.93) and from_counts.from_tally


def test_the_interval_stays_on_the_scale_and_needs_two_respondents():
    """Scores 100, 75, 75, 50: s = 20.4124, t(0.975; 3) = 3.182446, half-width 32.4808: 42.52 to 107.48 → 100."""
    interval = ikm_interval(np.array([[4] * 9, [3] * 9, [3] * 9, [2] * 9]), EXACT, from_tally=False)
    assert (interval.low, interval.high) == (42.52, 100.0)
    assert interval.grades == ["D", "C", "B", "A"]
    assert uncertain_grade(interval) == "mutu belum pasti: D, C, B atau A"
    assert ikm_interval(np.array([[4] * 9]), EXACT, from_tally=False) is None
    assert uncertain_grade(None) is None


def test_a_sure_grade_is_not_flagged():
    answers = np.array([[4] * 9] * 200 + [[3] * 9] * 10)
    interval = ikm_interval(answers, EXACT, from_tally=False)
    assert interval.grades == ["A"] and uncertain_grade(interval) is None


def test_the_unit_indicators_carry_the_interval_and_the_unsure_grade():
    values = skm_values(served_log(100), pd.DataFrame(TOGETHER, columns=[f"u{n}" for n in range(1, 10)]))
    assert values["ikm"].value == 87.5 and values["ikm"].category == "B; mutu belum pasti: B atau A"
    assert (values["ikm_ci95_low"].value, values["ikm_ci95_high"].value) == (78.07, 96.93)
    assert values["ikm_ci95_low"].category == "responden kurang dari sampel Krejcie-Morgan (80)"
    tally = pd.DataFrame(MIXED, columns=[f"u{n}" for n in range(1, 10)]).assign(from_tally=True)
    from_counts = skm_values(served_log(10), tally)
    assert (from_counts["ikm_ci95_low"].value, from_counts["ikm_ci95_low"].category) == (
        78.07, "dari rekap: sebaran terlebar")  # fmt: skip
