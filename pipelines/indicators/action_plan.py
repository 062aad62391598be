"""The unit's action plan as monev follows it: how far it is, what is late, and whether weak SKM elements have a
follow-up (rencana tindak lanjut)."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from pipelines.indicators.skm import GRADES

WEAK_ELEMENT_NRR = float(next(lower for lower, grade, _ in GRADES if grade == "B") / 25)
"""An element averaging under grade B's lower bound on the 1..4 scale (76.61 / 25 = 3.0644) needs a follow-up."""
DONE = 100.0


def realisation_mean(action_plan: pd.DataFrame) -> tuple[float | None, int]:
    """Mean realisation in percent over the plan's actions."""
    items = len(action_plan)
    return (float(action_plan["realisation"].mean()) if items else None), items


def overdue_count(action_plan: pd.DataFrame, reported_quarter: str) -> tuple[int, int]:
    """Actions planned for a quarter before `reported_quarter` ("YYYYQn") and not fully realised."""
    planned = action_plan["planned_quarter"].astype(str)
    late = (planned < reported_quarter) & (action_plan["realisation"] < DONE)
    return int(late.sum()), len(action_plan)


def weak_elements(element_nrr: dict[str, float]) -> list[str]:
    """SKM elements ("u1".."u9") whose average is under grade B's boundary, in element order."""
    return [element for element, nrr in element_nrr.items() if nrr < WEAK_ELEMENT_NRR]


def followup_coverage(action_plan: pd.DataFrame, element_nrr: dict[str, float]) -> tuple[float | None, int]:
    """Percent of the weak elements with at least one action linked to them; None when no element is weak."""
    weak = weak_elements(element_nrr)
    if not weak:
        return None, 0
    linked = set(action_plan["linked_to"].dropna().astype(str))
    covered = sum(element in linked for element in weak)
    return float(Decimal(100 * covered) / Decimal(len(weak))), len(weak)
