"""How sure an IKM is: its 95% confidence interval, and whether the grade could be another.

IKM is the mean of the respondents' own scores (25 × weight × the sum of their nine answers), so its interval is
the mean's analytic one: mean ± t(0.975; n−1) · s / √n (Student's t). Analytic rather than a bootstrap: for a mean
it is the standard interval, it needs no seed and it costs nothing at millions of respondents.

A paper survey's tally (rekap) gives each element's answer counts but not how one respondent's answers go
together. Its spread is then taken at its widest, every element moving together (s ≤ Σ s_element), so an
interval from a tally is never narrower than the true one.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from pipelines.indicators.skm import GRADES, grade_of, round_half_up

CONFIDENCE = 0.95
IKM_FLOOR, IKM_CEILING = 25.0, 100.0


@dataclass(frozen=True)
class IkmInterval:
    low: float
    high: float
    from_tally: bool
    """The spread is the widest the tally's answer counts allow (see the module's note)."""

    @property
    def grades(self) -> list[str]:
        """The grades the interval touches, lowest first."""
        low, high = grade_of(self.low)[0], grade_of(self.high)[0]
        letters = [grade for _, grade, _ in reversed(GRADES)]
        return letters[letters.index(low) : letters.index(high) + 1]


def ikm_interval(answers: np.ndarray, weight: Fraction, from_tally: bool) -> IkmInterval | None:
    """The interval of the IKM of `answers` (one row per respondent, one column per element, values 1..4);
    None below two respondents, where a spread cannot be estimated."""
    from scipy.stats import t

    respondents = len(answers)
    if respondents < 2:
        return None
    scale = 25 * float(weight)
    scores = answers.sum(axis=1, dtype=np.int64) * scale
    spread = float(answers.std(axis=0, ddof=1).sum()) * scale if from_tally else float(scores.std(ddof=1))
    half_width = float(t.ppf(0.5 + CONFIDENCE / 2, respondents - 1)) * spread / np.sqrt(respondents)
    mean = float(scores.mean())
    low = max(IKM_FLOOR, mean - half_width)
    high = min(IKM_CEILING, mean + half_width)
    return IkmInterval(float(round_half_up(low)), float(round_half_up(high)), from_tally)


def uncertain_grade(interval: IkmInterval | None) -> str | None:
    """ "mutu belum pasti: B atau A" when the interval crosses a grade boundary; None when the grade is sure."""
    if interval is None or len(interval.grades) < 2:
        return None
    *lower, highest = interval.grades
    return f"mutu belum pasti: {', '.join(lower)} atau {highest}"
