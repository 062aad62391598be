"""Each GX suite passes a clean frame and catches each kind of defect in the right row."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from pipelines.datasets.skm_response import RESPONDENT_PROFILE
from pipelines.periods import Quarter
from pipelines.quality.batch import suite_parameters
from pipelines.quality.gx_runner import suite_document, validate_frame
from pipelines.registry import registry

DELIVERED_ON = dt.date(2026, 10, 5)
PARAMETERS = suite_parameters(registry().unit("UPT-P2TK"), Quarter(2026, 3), DELIVERED_ON)


def dates(*values):
    return pd.to_datetime(pd.Series(values)).astype("datetime64[ms]")


def service_log(**changes) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "unit_code": ["UPT-P2TK"] * 3,
            "ticket_id": ["T-1", "T-2", "T-3"],
            "service_code": ["P2TK-PASPOR", "P2TK-BPJS", "P2TK-PASPOR"],
            "received_date": dates("2026-07-01", "2026-08-03", "2026-09-30"),
            "completed_date": dates("2026-07-02", None, "2026-09-30"),
            "status": ["selesai", "proses", "selesai"],
            "channel": ["online", "offline", None],
            "fee_paid": pd.array([0, 0, None], dtype="Int64"),
            "sla_days": pd.array([3, 1, 3], dtype="Int32"),
            "official_tariff": pd.array([0, 0, 0], dtype="Int64"),
            "person_key": [None, None, None],
            "source_row": pd.array([2, 3, 4], dtype="Int64"),
            "source_file": ["f" * 64] * 3,
        }
    )
    for column, (row, value) in changes.items():
        frame.loc[row, column] = value
    return frame


def failures(dataset: str, frame: pd.DataFrame) -> dict[tuple[str, str], list[int]]:
    return {
        (outcome.expectation, ",".join(outcome.columns)): outcome.unexpected_positions.tolist()
        for outcome in validate_frame(dataset, frame, PARAMETERS)
        if not outcome.success
    }


def test_clean_service_log_passes_every_expectation():
    assert failures("service_log", service_log()) == {}


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"ticket_id": (1, None)}, ("expect_column_values_to_not_be_null", "ticket_id")),
        ({"service_code": (1, "LAYANAN-LAIN")}, ("expect_column_values_to_be_in_set", "service_code")),
        ({"received_date": (1, pd.Timestamp("2026-10-01"))}, ("expect_column_values_to_be_between", "received_date")),
        ({"completed_date": (0, pd.Timestamp("2026-06-30"))},
         ("expect_column_pair_values_a_to_be_greater_than_b", "completed_date,received_date")),
        ({"status": (1, "batal")}, ("expect_column_values_to_be_in_set", "status")),
        ({"channel": (1, "pos")}, ("expect_column_values_to_be_in_set", "channel")),
        ({"fee_paid": (1, -5000)}, ("expect_column_values_to_be_between", "fee_paid")),
        ({"sla_days": (1, 400)}, ("expect_column_values_to_be_between", "sla_days")),
        ({"unit_code": (1, "UPT-LAIN")}, ("expect_column_values_to_be_in_set", "unit_code")),
        ({"ticket_id": (1, "X" * 65)}, ("expect_column_value_lengths_to_be_between", "ticket_id")),
    ],
)  # fmt: skip
def test_each_defect_is_caught_in_its_row(change, rule):
    [(row, _)] = change.values()
    found = failures("service_log", service_log(**change))
    assert found.get(rule) == [row], found


def test_completion_within_the_date_tolerance_after_the_quarter_passes():
    assert failures("service_log", service_log(completed_date=(2, pd.Timestamp("2026-10-20")))) == {}


def test_completion_beyond_the_date_tolerance_is_caught(monkeypatch):
    monkeypatch.setenv("MONEV_DATE_TOLERANCE_DAYS", "10")
    parameters = suite_parameters(registry().unit("UPT-P2TK"), Quarter(2026, 3), dt.date(2026, 12, 1))
    frame = service_log(completed_date=(2, pd.Timestamp("2026-10-20")))
    found = {
        ",".join(outcome.columns): outcome.unexpected_positions.tolist()
        for outcome in validate_frame("service_log", frame, parameters)
        if not outcome.success
    }
    assert found == {"completed_date": [2]}


def test_date_after_the_delivery_of_the_file_is_caught():
    parameters = {**PARAMETERS, "delivered_on": pd.Timestamp("2026-09-15")}
    frame = service_log()
    outcomes = validate_frame("service_log", frame, parameters)
    [late] = [o for o in outcomes if not o.success]
    assert (late.columns, late.unexpected_positions.tolist()) == (("received_date",), [2])
    assert "after the day the file was delivered" in late.meta["problem"]


def test_completed_service_without_a_completion_date_is_caught():
    found = failures("service_log", service_log(completed_date=(0, None)))
    assert found[("expect_column_values_to_not_be_null", "completed_date")] == [0]


def test_repeated_ticket_is_caught_in_both_rows():
    found = failures("service_log", service_log(ticket_id=(2, "T-1")))
    assert found[("expect_compound_columns_to_be_unique", "unit_code,ticket_id")] == [0, 2]


def skm_response(**changes) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "unit_code": ["UPT-P2TK"] * 2,
            "response_id": ["R-1", "R-2"],
            "submitted_date": dates("2026-07-05", "2026-09-01"),
            "service_code": ["P2TK-PASPOR", None],
            **{f"u{i}": pd.array([4, 3], dtype="Int64") for i in range(1, 10)},
            "gender": ["P", None],
            "age_group": ["20-29", None],
            "education": ["D4/S1", None],
            "occupation": ["Wirausaha", None],
        }
    )
    for column, (row, value) in changes.items():
        frame.loc[row, column] = value
    return frame


def test_clean_survey_passes_and_out_of_range_answers_are_caught():
    assert failures("skm_response", skm_response()) == {}
    found = failures("skm_response", skm_response(u8=(1, 5)))
    assert found == {("expect_column_values_to_be_in_set", "u8"): [1]}


@pytest.mark.parametrize(
    ("column", "value"),
    [("gender", "X"), ("age_group", "17-25"), ("education", "Pesantren"), ("occupation", "TNI/Polri")],
)
def test_respondent_profile_outside_its_groups_is_caught(column, value):
    found = failures("skm_response", skm_response(**{column: (1, value)}))
    assert found == {("expect_column_values_to_be_in_set", column): [1]}


def test_survey_without_respondent_profile_passes():
    frame = skm_response().assign(gender=None, age_group=None, education=None, occupation=None)
    assert failures("skm_response", frame) == {}


def test_respondent_profile_groups_are_the_schemas():
    value_sets = {
        expectation["kwargs"]["column"]: tuple(expectation["kwargs"]["value_set"])
        for expectation in suite_document("skm_response")["expectations"]
        if expectation["kwargs"].get("column") in RESPONDENT_PROFILE
    }
    assert value_sets == RESPONDENT_PROFILE


def test_missing_required_column_fails_the_batch_not_rows():
    outcomes = validate_frame("skm_response", skm_response().drop(columns=["u9"]), PARAMETERS)
    missing = [
        outcome for outcome in outcomes if outcome.expectation == "expect_column_to_exist" and not outcome.success
    ]
    assert [outcome.columns for outcome in missing] == [("u9",)]
    assert missing[0].is_batch_level


def test_perception_answers_run_from_1_to_6():
    frame = pd.DataFrame(
        {
            "unit_code": ["UPT-P2TK"] * 2,
            "response_id": ["P-1", "P-2"],
            "submitted_date": dates("2026-07-05", "2026-07-06"),
            "service_code": [None, None],
            **{f"ipkp_{i}": pd.array([6, 1], dtype="Int64") for i in range(1, 9)},
            **{f"ipak_{i}": pd.array([6, 7 if i == 4 else 5], dtype="Int64") for i in range(1, 6)},
        }
    )
    assert failures("zi_perception", frame) == {("expect_column_values_to_be_in_set", "ipak_4"): [1]}


def lke(**changes) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "unit_code": ["UPT-P2TK"] * 3,
            "area": ["manajemen_perubahan", "penguatan_pengawasan", "capaian_kinerja"],
            "assessed_date": dates("2026-09-20", "2026-09-20", "2026-09-20"),
            "pemenuhan": [3.5, 7.0, 4.2],
            "reform": [3.0, 6.5, None],
        }
    )
    return frame.assign(**changes)


def test_lke_worksheet_passes_when_every_score_is_within_its_areas_points():
    assert failures("zi_lke", lke()) == {}


def test_lke_score_above_its_areas_half_weight_is_caught_per_area():
    # 4.5 is over Manajemen Perubahan's 4 pemenuhan points, though it would be fine for Penguatan Pengawasan (7.5).
    found = failures("zi_lke", lke(pemenuhan=[4.5, 7.5, 4.2], reform=[3.0, 6.5, 1.0]))
    assert found == {
        ("expect_column_values_to_be_between", "pemenuhan"): [0],
        ("expect_column_values_to_be_null", "reform"): [2],
    }
