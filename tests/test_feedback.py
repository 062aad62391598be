"""What the data team forwards to a unit, and what analysts see of data quality."""

from __future__ import annotations

import io

from python_calamine import CalamineWorkbook

from pipelines.ingest.run import ingest_unit
from pipelines.warehouse.query import connect
from tests.test_ingest import DIRTY_ROWS, FILLER_ROWS, GOOD_ROWS, HEADER, drop

FEEDBACK = (
    "quarantine",
    "feedback",
    "year=2026",
    "quarter=3",
    "unit_code=BID-PPKK",
    "umpan_balik_BID-PPKK_2026-Q3.xlsx",
)


def sheet_rows(data: bytes, name: str) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(name).to_python()


def test_feedback_workbook_lists_each_problem_in_indonesian(data_root):
    drop(data_root, "BID-PPKK", "layanan_2026Q3.csv", HEADER + "\n".join(GOOD_ROWS + DIRTY_ROWS + FILLER_ROWS) + "\n")
    ingest_unit("BID-PPKK")
    rows = sheet_rows(data_root.read_bytes(*FEEDBACK), "Umpan Balik")
    assert rows[0][0].startswith("Umpan balik kualitas data — Bidang Penempatan")
    header = rows[4]
    assert header == ["No", "Berkas", "Baris", "Kolom", "Nilai yang ditulis", "Masalah", "Yang harus dilakukan"]
    problems = {int(row[2]): row for row in rows[5:]}
    assert sorted(problems) == [6, 7, 8, 9, 10]
    assert problems[6][3:6] == ["Tgl Masuk", "31/02/2026", "Bukan tanggal yang valid"]
    assert problems[6][6].startswith("Tulis tanggal yang benar")
    assert problems[9][3:6] == ["Jenis Layanan", "Layanan Lainnya", "Nilai tidak sesuai pilihan yang berlaku"]
    assert problems[7][5] == "Baris ganda"


def test_feedback_disappears_once_the_unit_sends_a_clean_file(data_root):
    drop(data_root, "BID-PPKK", "layanan_2026Q3.csv", HEADER + "\n".join(GOOD_ROWS + DIRTY_ROWS + FILLER_ROWS) + "\n")
    ingest_unit("BID-PPKK")
    assert data_root.exists(*FEEDBACK)
    drop(data_root, "BID-PPKK", "layanan_2026Q3.csv", HEADER + "\n".join(GOOD_ROWS + FILLER_ROWS) + "\n")
    ingest_unit("BID-PPKK")
    assert not data_root.exists(*FEEDBACK)


def test_dq_results_count_every_rule_for_analysts(data_root):
    drop(data_root, "BID-PPKK", "layanan_2026Q3.csv", HEADER + "\n".join(GOOD_ROWS + DIRTY_ROWS + FILLER_ROWS) + "\n")
    ingest_unit("BID-PPKK")
    results = {
        (rule, column): (evaluated, unexpected, success)
        for rule, column, evaluated, unexpected, success in connect()
        .execute('SELECT rule, "column", rows_evaluated, unexpected_count, success FROM dq_results')
        .fetchall()
    }
    assert results[("expect_column_values_to_be_in_set", "service_code")] == (29, 1, False)
    assert results[("expect_column_values_to_not_be_null", "ticket_id")] == (29, 1, False)
    assert results[("not_a_date", "received_date")] == (30, 1, False)
    assert results[("duplicate_row", None)] == (30, 1, False)
    assert results[("expect_column_to_exist", "ticket_id")] == (29, 0, True)
