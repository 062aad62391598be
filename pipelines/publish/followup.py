"""The release's follow-up tables: each weak SKM element with the action that answers it, and the plan's progress
per area. They link a weak figure to its action, and show whether the element moved since the action was planned.

The person responsible is not published (a unit may write a name there); the action and its target are the unit's
own plan text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pipelines.datasets.skm_response import SKM_ELEMENTS
from pipelines.indicators.action_plan import WEAK_ELEMENT_NRR
from pipelines.indicators.definitions import SKM_ELEMENT_NAMES
from pipelines.indicators.zi_readiness import AREAS
from pipelines.periods import Quarter

NO_ACTION = "belum ada rencana tindak lanjut"
AREA_LABELS = {code: name for code, (name, _) in AREAS.items()} | {
    "skm": "Tindak lanjut SKM",
    "persepsi": "Tindak lanjut survei persepsi (IPAK/IPKP)",
}
PLAN_COLUMNS = ["action_id", "area", "linked_to", "action", "planned_quarter", "realisation", "status"]
"""What the release reads of the plan (no `responsible`)."""


@dataclass(frozen=True)
class FollowUp:
    unit_code: str
    element: str
    """"U3 Waktu Penyelesaian"."""
    nrr: float
    """The element's average this quarter."""
    action: str
    planned_quarter: str | None
    nrr_when_planned: float | None
    """The element's average in the quarter the action was planned for, when the release's history has it."""
    realisation: float | None
    status: str | None


def followups(
    plan: Sequence[Mapping],
    history: Mapping[Quarter, Mapping[str, Mapping[str, object]]],
    quarter: Quarter,
    unit_codes: Sequence[str],
) -> list[FollowUp]:
    """Every weak element (NRR under grade B) of each of `unit_codes` (in that order) in this quarter's figures, with
    each action linked to it; a weak element without any action gets one row saying so. `history` maps quarter →
    unit → code → Value."""
    current = history.get(quarter, {})
    rows = []
    for unit_code, values in ((code, current[code]) for code in unit_codes if code in current):
        for number, element in enumerate(SKM_ELEMENTS):
            value = values.get(f"ikm_{element}")
            if value is None or value.value is None or value.value >= WEAK_ELEMENT_NRR:
                continue
            label = f"U{number + 1} {SKM_ELEMENT_NAMES[number]}"
            actions = [row for row in plan if row["unit_code"] == unit_code and row["linked_to"] == element]
            if not actions:
                rows.append(FollowUp(unit_code, label, value.value, NO_ACTION, None, None, None, None))
            for action in actions:
                planned = action["planned_quarter"]
                then = history.get(Quarter.parse(planned), {}).get(unit_code, {}).get(f"ikm_{element}")
                done = (action["realisation"], action["status"])
                rows.append(FollowUp(unit_code, label, value.value, action["action"], planned,
                                     then.value if then else None, *done))  # fmt: skip
    return rows


def realisation_by_area(plan: Sequence[Mapping]) -> list[tuple[str, int, float]]:
    """(area's name, actions, mean realisation %) over the pooled plans of every unit, in the areas' order."""
    by_area: dict[str, list[float]] = {}
    for row in plan:
        by_area.setdefault(row["area"], []).append(row["realisation"])
    order = list(AREA_LABELS)
    return [
        (AREA_LABELS.get(area, area), len(values), sum(values) / len(values))
        for area, values in sorted(by_area.items(), key=lambda item: order.index(item[0]) if item[0] in order else 99)
    ]
