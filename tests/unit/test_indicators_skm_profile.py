"""IKM by respondent profile: each group's IKM, small groups published without any figure."""

from __future__ import annotations

import pandas as pd
import pytest

from pipelines.datasets.skm_response import SKM_ELEMENTS
from pipelines.indicators.skm import ikm
from pipelines.indicators.skm_profile import MIN_CELL_RESPONDENTS, NOT_FILLED, ikm_by_profile, suppressed_groups


def respondents(unit_code: str, count: int, answer: int = 3, **profile: str | None) -> pd.DataFrame:
    """`count` respondents of one unit answering `answer` to every element, with the given profile."""
    columns = {"gender": None, "age_group": None, "education": None, "occupation": None, **profile}
    return pd.DataFrame(
        {"unit_code": unit_code, **columns, **{element: answer for element in SKM_ELEMENTS}}, index=range(count)
    )


def cells(frame: pd.DataFrame, characteristic: str, weight_mode: str = "exact") -> dict[tuple[str, str], dict]:
    return {
        (cell["unit_code"], cell["group"]): cell
        for cell in ikm_by_profile(frame, weight_mode)
        if cell["characteristic"] == characteristic
    }


def test_group_under_five_respondents_is_suppressed_with_no_number_left():
    frame = pd.concat(
        [
            respondents("UPT-K3", 12, gender="L"),
            respondents("UPT-K3", 8, gender="P"),
            respondents("UPT-K3", MIN_CELL_RESPONDENTS - 1, answer=1, education="S2+"),
        ]
    )
    s2 = cells(frame, "pendidikan")[("UPT-K3", "S2+")]
    assert s2 == {
        "unit_code": "UPT-K3",
        "characteristic": "pendidikan",
        "group": "S2+",
        "respondents": None,
        "ikm": None,
        "grade": None,
        "suppressed": True,
    }


def test_a_lone_suppressed_group_takes_the_next_smallest_with_it():
    frame = pd.concat(
        [
            respondents("BID-WAS", 3, occupation="TNI"),
            respondents("BID-WAS", 6, occupation="PNS"),
            respondents("BID-WAS", 7, occupation="Wirausaha"),
            respondents("BID-WAS", 20, occupation="Swasta"),
        ]
    )
    found = cells(frame, "pekerjaan")
    assert {group: cell["suppressed"] for (_, group), cell in found.items()} == {
        "PNS": True,  # otherwise TNI's 3 = the unit's 36 − 6 − 7 − 20
        "TNI": True,
        "Wirausaha": False,
        "Swasta": False,
    }
    assert found[("BID-WAS", "PNS")]["respondents"] is None and found[("BID-WAS", "PNS")]["ikm"] is None


def test_two_small_groups_already_hide_each_other():
    assert suppressed_groups({"L": 2, "P": 3, NOT_FILLED: 40}) == {"L", "P"}
    assert suppressed_groups({"L": 30, "P": 40}) == set()


def test_group_ikm_is_the_projects_ikm_of_that_groups_rows():
    women = pd.concat([respondents("UPT-P2TK", 4, 4, gender="P"), respondents("UPT-P2TK", 3, 2, gender="P")])
    frame = pd.concat([respondents("UPT-P2TK", 10, 3, gender="L"), women])
    frame.iloc[0, frame.columns.get_loc("u4")] = 1  # a man's answer: must not count for the women
    for weight_mode in ("exact", "0.111"):
        cell = cells(frame, "jenis kelamin", weight_mode)[("UPT-P2TK", "P")]
        expected = ikm([int(women[element].sum()) for element in SKM_ELEMENTS], len(women), weight_mode)
        assert (cell["ikm"], cell["grade"], cell["respondents"]) == (expected.converted, expected.grade, 7)


def test_missing_answer_is_its_own_group_tidak_diisi():
    frame = pd.concat([respondents("UPT-BLK-SBY", 9, age_group="20-29"), respondents("UPT-BLK-SBY", 6)])
    groups = cells(frame, "kelompok umur")
    assert list(groups) == [("UPT-BLK-SBY", "20-29"), ("UPT-BLK-SBY", NOT_FILLED)]
    assert groups[("UPT-BLK-SBY", NOT_FILLED)]["respondents"] == 6


def test_cells_are_per_unit_in_row_order_and_groups_in_questionnaire_order():
    frame = pd.concat(
        [
            respondents("UPT-K3", 5, education="SMA"),
            respondents("UPT-K3", 5, education="SD"),
            respondents("BID-WAS", 5, education="D4/S1"),
        ]
    ).astype({"unit_code": "category", "education": "category"})  # as the indicator stage reads facts
    order = [(cell["unit_code"], cell["characteristic"], cell["group"]) for cell in ikm_by_profile(frame, "exact")]
    assert order[:5] == [
        ("UPT-K3", "jenis kelamin", NOT_FILLED),
        ("UPT-K3", "kelompok umur", NOT_FILLED),
        ("UPT-K3", "pendidikan", "SD"),
        ("UPT-K3", "pendidikan", "SMA"),
        ("UPT-K3", "pekerjaan", NOT_FILLED),
    ]
    assert order[5][0] == "BID-WAS"


@pytest.mark.parametrize("weight_mode", ["exact", "0.111"])
def test_no_respondents_no_cells(weight_mode):
    assert ikm_by_profile(respondents("UPT-K3", 0), weight_mode) == []
