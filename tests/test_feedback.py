"""What the data team forwards to a unit, and what analysts see of data quality."""

from __future__ import annotations

import csv
import io
from collections import Counter

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


def test_the_workbook_lists_the_first_problems_of_each_kind_and_the_csv_lists_all(data_root):
    from pipelines.quality.feedback import LISTED_PER_RULE

    bad = [f"D-{n:04d};Sri Rahayu;3578011203902{n:03d};LPTKS;31/02/2026;;Proses;Loket;0" for n in range(130)]
    day = "13/07/2026"
    clean = [f"C-{n:04d};Sri Rahayu;3578011203903{n:03d};LPTKS;{day};{day};Selesai;Loket;0" for n in range(900)]
    drop(data_root, "BID-PPKK", "layanan_2026Q3.csv", HEADER + "\n".join(GOOD_ROWS + clean + bad + DIRTY_ROWS) + "\n")
    ingest_unit("BID-PPKK")
    [[quarantined]] = connect().execute("SELECT count(*) FROM quarantine WHERE unit_code = 'BID-PPKK'").fetchall()

    data = data_root.read_bytes(*FEEDBACK[:-1], "umpan_balik_BID-PPKK_2026-Q3.csv")
    assert data.startswith(b"\xef\xbb\xbf")
    every = list(csv.DictReader(io.StringIO(data[3:].decode("utf-8"))))
    assert len(every) == quarantined and [int(row["No"]) for row in every] == list(range(1, quarantined + 1))
    kinds = Counter(row["Masalah"] for row in every)
    assert kinds["Bukan tanggal yang valid"] == 131  # T-005 too
    first_bad = 2 + len(GOOD_ROWS) + len(clean)  # the header is line 1
    assert {key: every[0][key] for key in ("Berkas", "Baris", "Kolom", "Nilai yang ditulis", "Masalah")} == {
        "Berkas": "layanan_2026Q3.csv", "Baris": str(first_bad), "Kolom": "Tgl Masuk",
        "Nilai yang ditulis": "31/02/2026", "Masalah": "Bukan tanggal yang valid",
    }  # fmt: skip

    rows = sheet_rows(data_root.read_bytes(*FEEDBACK), "Umpan Balik")
    listed = [row for row in rows[5:] if row[0] != ""]
    shown = sum(min(count, LISTED_PER_RULE) for count in kinds.values())
    assert len(listed) == shown < quarantined
    assert rows[3][0] == (
        f"Ditampilkan {shown} dari {quarantined} masalah (paling banyak {LISTED_PER_RULE} per jenis masalah). "
        "Daftar lengkap ada di berkas umpan_balik_BID-PPKK_2026-Q3.csv."
    )
    assert Counter(row[5] for row in listed) == {kind: min(count, LISTED_PER_RULE) for kind, count in kinds.items()}
    assert [int(row[2]) for row in listed] == sorted(int(row[2]) for row in listed)  # file and row order
    summary = {(row[0], row[1]): row[2] for row in sheet_rows(data_root.read_bytes(*FEEDBACK), "Ringkasan")[1:]}
    assert summary[("layanan_2026Q3.csv", "Bukan tanggal yang valid")] == 131
