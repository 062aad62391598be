"""The officials' workbook opens in a spreadsheet, says what the release says, and runs nothing."""

from __future__ import annotations

import io

import openpyxl
import pytest

from pipelines.indicators.definitions import INDICATORS
from pipelines.indicators.early_warning import EarlyWarning
from pipelines.periods import Quarter
from pipelines.publish.content import NOT_REPORTED, ReleaseContent, Value
from pipelines.publish.summary_workbook import THEMES, workbook_bytes
from pipelines.registry import registry

FORMULA_NAME = '=HYPERLINK("http://contoh.invalid","klik")'


@pytest.fixture(scope="module")
def content() -> ReleaseContent:
    reg = registry()
    units = (reg.units[0].model_copy(update={"name": FORMULA_NAME}), *reg.units[1:])
    values = {
        unit.code: {
            "ikm": Value(80.0 + index, "B", 40),
            "ikm_ci95_low": Value(77.5 + index, None, 40),
            "ikm_ci95_high": Value(82.5 + index, None, 40),
            "on_time_rate": Value(70.5 + index, None, 100),
            "tariff_compliance_rate": Value(99.25, None, 100),
            "complaints": Value(float(index), None, index),
            "services_received": Value(1200.0, None, 1200),
            "wbk_ready": Value(0.0, "belum memenuhi 1 dari 13 kriteria: nilai total 74,00 < 75,00", None),
        }
        for index, unit in enumerate(units[:-1])
    }
    return ReleaseContent(
        quarter=Quarter(2026, 3),
        province_code=reg.province.code,
        province_name=reg.province.name,
        units=units,
        agency_names={agency.code: agency.name for agency in reg.agencies},
        values=values,
        withheld={units[-1].code: "tidak ada data yang diterima untuk triwulan ini"},
        history={},
        warnings=(EarlyWarning(units[1].code, "on_time_rate", 85.0, 70.0, "Persentase layanan turun 15,00 poin"),),
        readiness={},
        quality=[
            {
                "kode_unit": units[0].code,
                "nama_unit": FORMULA_NAME,
                "data": "log layanan",
                "status": "sesuai",
                "baris_diperiksa": 10,
                "baris_diterima": 10,
                "baris_dikarantina": 0,
            }
        ],
        profile=[
            {
                "unit_code": units[0].code,
                "characteristic": "jenis kelamin",
                "group": "L",
                "respondents": None,
                "ikm": None,
                "grade": None,
                "suppressed": True,
            }
        ],
        metadata={"Versi": "1"},
    )


@pytest.fixture(scope="module")
def book(content) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(workbook_bytes(content)))


def summary_rows(book) -> dict[str, dict]:
    sheet = book["Ringkasan"]
    headers = [cell.value for cell in sheet[1]]
    return {row[0]: dict(zip(headers, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)}


def test_sheets_cover_summary_themes_profile_quality_and_metadata(book):
    assert book.sheetnames == ["Ringkasan", *THEMES, "Tindak Lanjut SKM", "Profil Responden", "Kualitas Data",
                               "Metadata"]  # fmt: skip


def test_every_indicator_is_on_exactly_one_theme_sheet():
    placed = [code for codes in THEMES.values() for code in codes]
    assert sorted(placed) == sorted(indicator.code for indicator in INDICATORS)


def test_the_summary_lists_each_units_early_warnings(book, content):
    rows = summary_rows(book)
    assert rows[content.units[1].code]["Peringatan dini"] == "Persentase layanan turun 15,00 poin"
    assert rows[content.units[2].code]["Peringatan dini"] in ("", None)


def test_summary_values_equal_the_release_figures(book, content):
    rows = summary_rows(book)
    for unit_code, values in content.values.items():
        row = rows[unit_code]
        assert row["IKM"] == values["ikm"].value and row["Mutu pelayanan"] == "B"
        assert (row["IKM batas bawah (95%)"], row["IKM batas atas (95%)"]) == (
            values["ikm_ci95_low"].value, values["ikm_ci95_high"].value)  # fmt: skip
        assert row["% layanan tepat waktu"] == values["on_time_rate"].value
        assert row["% kepatuhan tarif"] == values["tariff_compliance_rate"].value
        assert row["Jumlah pengaduan"] == values["complaints"].value
        assert row["Siap Menuju WBK"] == "Belum" and "74,00 < 75,00" in row["Keterangan WBK"]


def test_a_unit_that_did_not_report_has_empty_cells_never_zero(book, content):
    [withheld] = content.withheld
    row = summary_rows(book)[withheld]
    assert row["IKM"] is None and row["% layanan tepat waktu"] is None and row["Jumlah pengaduan"] is None
    assert row["Status"].startswith(NOT_REPORTED)
    theme = [r for r in book["Pelayanan"].iter_rows(min_row=2, values_only=True) if r[0] == withheld]
    assert theme and all(r[4] is None and r[7] == NOT_REPORTED for r in theme)


def test_every_data_sheet_has_a_frozen_header_and_a_filter(book):
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref, sheet.title


def test_numbers_carry_formats(book):
    sheet = book["Ringkasan"]
    assert sheet["D2"].number_format == "0.00"
    received = next(row for row in book["Pelayanan"].iter_rows(min_row=2) if row[2].value == "services_received")
    assert received[4].number_format == "#,##0"


def test_formula_text_is_stored_as_neutralised_text(book):
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert summary_rows(book)[registry().units[0].code]["Nama unit"] == "'" + FORMULA_NAME


def test_suppressed_profile_cells_show_no_number(book):
    [row] = book["Profil Responden"].iter_rows(min_row=2, values_only=True)
    assert row[3] is None and row[4] is None and row[5].startswith("disembunyikan")
