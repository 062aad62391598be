"""ZI perception indices (PermenPANRB 90/2021): IPAK (ZI) on corruption, IPKP on service quality.

Both instruments are answered on a 1..6 scale; the index is 0..4. How 1..6 maps onto 0..4 is
not fixed by the regulation, so it is a setting (`linear` by default: (x − 1) / 5 × 4).
The index is the mean of the item means, so an item a respondent skipped does not count as zero.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

COMPONENT_POINTS = 17.5
"""Each survey's share of the hasil component: index / 4 × 17.5."""
MINIMUM_RESPONDENTS = 30

CONVERSIONS: dict[str, Callable[[float], float]] = {
    "linear": lambda answer: (answer - 1) / 5 * 4,
    "proportional": lambda answer: answer / 6 * 4,
}


@dataclass(frozen=True)
class PerceptionIndex:
    index: float
    """0..4."""
    component: float
    """Points out of 17.5 in the ZI evaluation."""
    respondents: int


def perception_index(answers: pd.DataFrame, items: tuple[str, ...], conversion: str) -> PerceptionIndex | None:
    """Index of one instrument from its item columns; None when nobody answered any item."""
    answered = answers[list(items)].notna().any(axis=1)
    item_means = answers.loc[answered, list(items)].mean().dropna()
    if item_means.empty:
        return None
    index = CONVERSIONS[conversion](float(item_means.mean()))
    return PerceptionIndex(index=index, component=component_points(index), respondents=int(answered.sum()))


def component_points(index: float) -> float:
    return index / 4 * COMPONENT_POINTS
