"""IKM of each unit broken down by respondent profile, with small cells suppressed.

The quarterly release publishes IKM per jenis kelamin, kelompok umur, pendidikan and pekerjaan.
A group of a handful of respondents in one unit could point at the people in it, so such a
cell is published without any figure (MIN_CELL_RESPONDENTS).
"""

from __future__ import annotations

from typing import TypedDict

import pandas as pd

from pipelines.datasets.skm_response import RESPONDENT_PROFILE, SKM_ELEMENTS
from pipelines.indicators.skm import ikm

MIN_CELL_RESPONDENTS = 5
"""A group with fewer respondents than this is suppressed."""
NOT_FILLED = "tidak diisi"
"""The group of respondents who left the question blank (or whose export had no such column)."""
CHARACTERISTICS = {
    "gender": "jenis kelamin",
    "age_group": "kelompok umur",
    "education": "pendidikan",
    "occupation": "pekerjaan",
}
"""Profile column → the characteristic's name in the release."""


class ProfileCell(TypedDict):
    """One cell of the breakdown; a suppressed cell carries no figure at all."""

    unit_code: str
    characteristic: str
    group: str
    respondents: int | None
    ikm: float | None
    """Converted IKM (25..100) of the group's respondents."""
    grade: str | None
    suppressed: bool


def suppressed_groups(respondents: dict[str, int]) -> set[str]:
    """The groups of one unit's characteristic to withhold, given each group's respondents.

    Primary: every group under MIN_CELL_RESPONDENTS. Secondary: the unit's respondent total is
    published, so when exactly one group is withheld its count would be the total minus the
    others; the smallest remaining group (first in `respondents` order on a tie) is withheld too.
    """
    small = {group for group, count in respondents.items() if count < MIN_CELL_RESPONDENTS}
    others = [group for group in respondents if group not in small]
    if len(small) == 1 and others:
        small.add(min(others, key=respondents.__getitem__))
    return small


def _group_order(column: str) -> dict[str, int]:
    return {group: rank for rank, group in enumerate((*RESPONDENT_PROFILE[column], NOT_FILLED))}


def _unit_cells(unit_code: str, column: str, sums: pd.DataFrame, weight_mode: str) -> list[ProfileCell]:
    """Cells of one unit and characteristic; `sums` has one row per group: element totals and respondents."""
    order = _group_order(column)
    groups = sorted(sums.index, key=lambda group: (order.get(group, len(order)), group))
    respondents = {group: int(sums.at[group, "respondents"]) for group in groups}
    withheld = suppressed_groups(respondents)
    cells = []
    for group in groups:
        result = None
        if group not in withheld:
            result = ikm(sums.loc[group, list(SKM_ELEMENTS)].tolist(), respondents[group], weight_mode)
        cells.append(
            ProfileCell(
                unit_code=unit_code,
                characteristic=CHARACTERISTICS[column],
                group=group,
                respondents=result.respondents if result else None,
                ikm=result.converted if result else None,
                grade=result.grade if result else None,
                suppressed=result is None,
            )
        )
    return cells


def ikm_by_profile(skm_response: pd.DataFrame, weight_mode: str) -> list[ProfileCell]:
    """IKM per unit × characteristic × group of one quarter's skm_response facts.

    `weight_mode` is the IKM weight setting ("exact" or "0.111"), as for the unit's own IKM.
    Units come in the order of the rows, then characteristics in CHARACTERISTICS order, then groups
    in the questionnaire's order with "tidak diisi" last; only groups with respondents are listed.
    """
    answers = skm_response[list(SKM_ELEMENTS)].astype("int64").assign(respondents=1)
    unit_codes = skm_response["unit_code"].astype(str).to_numpy()
    sums = {}
    for column in CHARACTERISTICS:
        values = skm_response[column].astype(object)
        groups = values.where(values.notna(), NOT_FILLED).to_numpy()
        sums[column] = answers.groupby([unit_codes, groups], sort=False).sum()
    return [
        cell
        for unit_code in pd.unique(unit_codes)
        for column in CHARACTERISTICS
        for cell in _unit_cells(unit_code, column, sums[column].xs(unit_code, level=0), weight_mode)
    ]
