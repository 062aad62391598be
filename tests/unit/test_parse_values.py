from datetime import date

import pyarrow as pa
import pytest

from pipelines.parse.values import failed, map_labels, parse_dates, parse_integers, parse_rupiah


@pytest.mark.parametrize(
    "text",
    [
        "27/08/2026",
        "2026-08-27",
        "27-08-26",
        "27-08-2026",
        "2026-08-27 10:15",
        "2026/08/27 10:15:33",
        " 27/8/2026 ",
    ],
)
def test_dates_in_the_formats_units_export(text):
    assert parse_dates(pa.array([text])).to_pylist() == [date(2026, 8, 27)]


def test_impossible_date_is_a_failure_not_rolled_over():
    raw = pa.array(["31/02/2026", "", None, "01/07/2026"])
    parsed = parse_dates(raw)
    assert parsed.to_pylist() == [None, None, None, date(2026, 7, 1)]
    assert failed(raw, parsed).to_pylist() == [True, False, False, False]


@pytest.mark.parametrize("text", ["55000", "55.000", "Rp 55.000,00", "Rp55.000", "rp. 55.000"])
def test_rupiah_spellings(text):
    assert parse_rupiah(pa.array([text])).to_pylist() == [55_000]


def test_rupiah_rejects_text_and_keeps_negative_for_validation():
    assert parse_rupiah(pa.array(["gratis", "-5000", "0"])).to_pylist() == [None, -5000, 0]


def test_integers_accept_excel_floats():
    assert parse_integers(pa.array(["4", "4.0", "x"])).to_pylist() == [4, 4, None]


def test_labels_map_through_lookup_and_unknown_becomes_null():
    lookup = {"dalam proses": "proses", "selesai": "selesai"}.get
    result = map_labels(pa.array(["selesai", "dalam proses", "hilang"]), lookup)
    assert result.to_pylist() == ["selesai", "proses", None]
