import datetime as dt

import pandas as pd
import pytest

from pipelines.datasets.zi_perception import IPAK_ITEMS, IPKP_ITEMS
from pipelines.indicators.perception import component_points, perception_index
from pipelines.indicators.unit_quarter import Facts, Method, unit_indicators
from pipelines.indicators.workdays import WorkCalendar, holiday_calendar
from pipelines.indicators.zi_readiness import AREAS, ZiScores, criteria, verdict

# Every area at 85% of its weight: pengungkit 51.
STRONG_AREAS = {code: weight * 0.85 for code, (_, weight) in AREAS.items()}


def test_linear_conversion_maps_1_to_0_and_6_to_4():
    answers = pd.DataFrame({"ipak_1": [1, 6], "ipak_2": [6, 1]})
    result = perception_index(answers, ("ipak_1", "ipak_2"), "linear")
    assert result.index == pytest.approx(2.0)  # mean 3.5 → (3.5 − 1) / 5 × 4
    assert result.respondents == 2
    assert perception_index(answers, ("ipak_1", "ipak_2"), "proportional").index == pytest.approx(3.5 / 6 * 4)


def test_a_skipped_item_is_not_counted_as_zero():
    answers = pd.DataFrame({"ipkp_1": [6, 6], "ipkp_2": [6, None]})
    assert perception_index(answers, ("ipkp_1", "ipkp_2"), "linear").index == pytest.approx(4.0)


def test_component_is_out_of_17_5():
    assert component_points(4.0) == 17.5
    assert component_points(3.2) == pytest.approx(14.0)


def wbk_scores(**changes):
    values = {"area_points": STRONG_AREAS, "capaian_kinerja": 4.0, "ipak_index": 3.8, "ipkp_index": 3.7,
              "perception_respondents": 40, **changes}  # fmt: skip
    return ZiScores(**values)


def test_strong_unit_is_ready_for_wbk_and_wbbm():
    scores = wbk_scores()
    assert scores.pengungkit == pytest.approx(51.0)
    assert verdict(scores, "WBK") == (True, "memenuhi semua 13 kriteria")
    assert verdict(scores, "WBBM")[0]


def test_readiness_fails_exactly_the_one_criterion_that_is_short():
    # Capaian kinerja 3.50 passes WBK (≥ 2.50) but not WBBM (≥ 3.75); everything else holds for WBBM.
    scores = wbk_scores(capaian_kinerja=3.5)
    assert verdict(scores, "WBK")[0]
    ready, text = verdict(scores, "WBBM")
    assert not ready
    assert text == "belum memenuhi 1 dari 13 kriteria: capaian kinerja 3,50 < 3,75"
    assert [check.name for check in criteria(scores, "WBBM") if not check.passed] == ["capaian kinerja"]


def test_one_weak_area_fails_its_own_criterion_with_its_numbers():
    areas = {**STRONG_AREAS, "penguatan_pengawasan": 8.5}  # 57% of 15, under WBK's 60% (9.00)
    ready, text = verdict(wbk_scores(area_points=areas), "WBK")
    assert not ready
    assert text == "belum memenuhi 1 dari 13 kriteria: area Penguatan Pengawasan 8,50 < 9,00"


def test_ipak_of_exactly_3_60_meets_the_15_75_threshold():
    # 3.60 / 4 × 17.5 is 15.749999… in binary floating point; the evaluation compares two-decimal values.
    checks = {check.name: check for check in criteria(wbk_scores(ipak_index=3.6), "WBK")}
    assert checks["komponen IPAK (ZI)"].passed
    assert not {check.name: check for check in criteria(wbk_scores(ipak_index=3.59), "WBK")}[
        "komponen IPAK (ZI)"
    ].passed


def perception(answer: int, respondents: int) -> pd.DataFrame:
    return pd.DataFrame({item: [answer] * respondents for item in (*IPKP_ITEMS, *IPAK_ITEMS)})


def worksheet(share: float, capaian: float) -> pd.DataFrame:
    rows = [(code, weight / 2 * share, weight / 2 * share) for code, (_, weight) in AREAS.items()]
    rows.append(("capaian_kinerja", capaian, None))
    return pd.DataFrame(rows, columns=["area", "pemenuhan", "reform"])


def indicators(facts: Facts) -> dict:
    values = unit_indicators(facts, Method(dt.date(2026, 9, 30), WorkCalendar(holiday_calendar(2026))))
    return {value.indicator_code: value for value in values}


def facts(zi_perception: pd.DataFrame, zi_lke: pd.DataFrame | None) -> Facts:
    empty = pd.DataFrame()
    return Facts(empty, empty, empty, zi_perception, zi_lke)


def test_unit_readiness_from_worksheet_and_surveys():
    # Answers of 6 give indices of 4 (components 17.5 each); areas at 80%; capaian 4.
    values = indicators(facts(perception(6, 40), worksheet(0.8, 4.0)))
    assert values["ipak"].value == 4.0 and values["ipak"].category == "cukup"
    assert values["zi_pengungkit"].value == pytest.approx(48.0)
    assert values["zi_hasil"].value == pytest.approx(39.0)
    assert values["zi_total"].value == pytest.approx(87.0)
    assert values["wbk_ready"].value == 1.0
    assert values["wbbm_ready"].value == 1.0


def test_fewer_than_30_respondents_are_flagged_not_hidden():
    values = indicators(facts(perception(5, 12), None))
    assert values["ipkp"].value == pytest.approx(3.2)
    assert values["ipkp"].category == "kurang dari 30 responden"
    assert values["zi_respondents"].category == "kurang dari 30 responden"
    assert "wbk_ready" not in values


def test_readiness_without_perception_survey_says_what_is_missing():
    values = indicators(facts(pd.DataFrame(), worksheet(0.8, 4.0)))
    assert values["wbk_ready"].value is None
    assert values["wbk_ready"].category == "tidak dapat dinilai: belum ada IPAK (ZI), IPKP"
    assert values["zi_pengungkit"].value == pytest.approx(48.0)


def test_a_worksheet_with_areas_not_filled_in_cannot_be_assessed():
    lke = worksheet(0.8, 4.0)
    lke = lke[~lke["area"].isin(["penataan_tatalaksana", "penguatan_pengawasan"])]
    lke.loc[lke["area"] == "penataan_sdm", "reform"] = None  # half an area is not an area filled in
    values = indicators(facts(perception(6, 40), lke))
    reason = (
        "tidak dapat dinilai: area belum diisi: Penataan Tatalaksana, Penataan Sistem Manajemen SDM, "
        "Penguatan Pengawasan"
    )
    assert (values["zi_pengungkit"].value, values["zi_pengungkit"].category, values["zi_pengungkit"].n) == (
        None,
        reason,
        3,
    )
    for code in ("zi_total", "wbk_ready", "wbbm_ready"):
        assert (values[code].value, values[code].category) == (None, reason)
    assert values["zi_hasil"].value == pytest.approx(39.0)  # the surveys and capaian kinerja are all there


def test_fewer_than_30_perception_respondents_fail_readiness_with_the_count():
    values = indicators(facts(perception(6, 25), worksheet(0.8, 4.0)))
    assert values["wbk_ready"].value == 0.0
    assert values["wbk_ready"].category == "belum memenuhi 1 dari 13 kriteria: responden survei persepsi 25 < 30"
    assert indicators(facts(perception(6, 30), worksheet(0.8, 4.0)))["wbk_ready"].value == 1.0
