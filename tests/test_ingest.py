import re
import subprocess
import sys

import pyarrow.parquet as pq
import pytest

from pipelines.ingest.run import ingest_unit
from pipelines.periods import Quarter
from pipelines.storage import DataRoot
from pipelines.warehouse.query import connect

HEADER = "No. Tiket;Nama Pemohon;NIK;Jenis Layanan;Tgl Masuk;Tgl Selesai;Status;Kanal;Biaya\n"
GOOD_ROWS = [
    "T-001;Siti Rahayu;3578011203900001;Rekomendasi P3MI;01/07/2026;02/07/2026;Selesai;Online;0",
    "T-002;Budi Santoso;3578011203900002;LPTKS;02/07/2026;02/07/2026;Selesai;Loket;0",
    "T-003;Dewi Lestari;3578011203900003;Perpanjangan IMTA;03/07/2026;;Dalam Proses;Daring;0",
    "T-004;Agus Hidayat;3578011203900004;PPKK-P3MI;06/07/2026;09/07/2026;Selesai;Online;Rp 0",
]
# Enough clean rows that five dirty ones stay under the 20% share that rejects a whole file.
FILLER_ROWS = [
    f"F-{n:03d};Sri Rahayu;3578011203901{n:03d};LPTKS;13/07/2026;13/07/2026;Selesai;Loket;0" for n in range(21)
]
DIRTY_ROWS = [
    "T-005;Rina Susanti;3578011203900005;Rekomendasi P3MI;31/02/2026;;Proses;Online;0",  # not a date
    "T-002;Budi Santoso;3578011203900002;LPTKS;02/07/2026;02/07/2026;Selesai;Loket;0",  # exact duplicate
    ";Eko Prasetyo;3578011203900006;Rekomendasi P3MI;07/07/2026;07/07/2026;Selesai;Online;0",  # no ticket
    "T-007;Nur Wahyuni;3578011203900007;Layanan Lainnya;08/07/2026;08/07/2026;Selesai;Online;0",  # unknown service
    "T-008;Hadi Kurniawan;3578011203900008;PPKK-P3MI;10/07/2026;09/07/2026;Selesai;Online;0",  # ends before start
]


def drop(root: DataRoot, unit: str, name: str, text: str, encoding: str = "utf-8") -> None:
    root.write_bytes(text.encode(encoding), "landing", unit, name)


def warehouse_rows(root: DataRoot, table: str, quarter: Quarter, unit: str):
    path = root.path("warehouse", table, f"year={quarter.year}", f"quarter={quarter.quarter}", f"unit_code={unit}")
    return pq.read_table(path).to_pylist()


@pytest.fixture
def ppkk_export(data_root: DataRoot) -> DataRoot:
    drop(data_root, "BID-PPKK", "layanan_2026Q3.csv", HEADER + "\n".join(GOOD_ROWS + DIRTY_ROWS + FILLER_ROWS) + "\n")
    return data_root


def test_good_rows_reach_the_warehouse_with_service_codes_and_standards(ppkk_export, quarter):
    report = ingest_unit("BID-PPKK", quarter)
    rows = warehouse_rows(ppkk_export, "service_log", quarter, "BID-PPKK")
    assert sorted(row["ticket_id"] for row in rows if row["ticket_id"].startswith("T")) == [
        "T-001",
        "T-002",
        "T-003",
        "T-004",
    ]
    assert len(rows) == 4 + len(FILLER_ROWS)
    p3mi = next(row for row in rows if row["ticket_id"] == "T-001")
    assert (p3mi["service_code"], p3mi["sla_days"], p3mi["official_tariff"], p3mi["status"]) == (
        "PPKK-P3MI",
        5,
        0,
        "selesai",
    )
    assert report.files[0]["status"] == "partial"
    assert (report.files[0]["rows_read"], report.files[0]["rows_accepted"]) == (30, 25)


def test_each_kind_of_dirt_is_quarantined_with_its_rule_and_a_message_naming_the_cell(ppkk_export, quarter):
    ingest_unit("BID-PPKK", quarter)
    quarantine = connect().sql("SELECT source_row, rule, message FROM quarantine ORDER BY source_row").fetchall()
    rules = {row: rule for row, rule, _ in quarantine}
    assert rules == {
        6: "not_a_date",
        7: "duplicate_row",
        8: "expect_column_values_to_not_be_null",
        9: "expect_column_values_to_be_in_set",
        10: "expect_column_pair_values_a_to_be_greater_than_b",
    }
    messages = {row: message for row, _, message in quarantine}
    assert messages[6] == (
        "BID-PPKK/layanan_2026Q3.csv row 6, column \"Tgl Masuk\" = '31/02/2026': "
        "is not a date (expected e.g. 27/08/2026)"
    )
    assert "column \"Jenis Layanan\" = 'Layanan Lainnya'" in messages[9]


def test_rerun_gives_the_same_warehouse(ppkk_export, quarter):
    ingest_unit("BID-PPKK", quarter)
    first = warehouse_rows(ppkk_export, "service_log", quarter, "BID-PPKK")
    ingest_unit("BID-PPKK", quarter)
    assert warehouse_rows(ppkk_export, "service_log", quarter, "BID-PPKK") == first
    assert connect().execute("SELECT count(*) FROM quarantine").fetchone() == (5,)


def test_corrected_file_replaces_the_earlier_rows(ppkk_export, quarter):
    ingest_unit("BID-PPKK", quarter)
    drop(ppkk_export, "BID-PPKK", "layanan_2026Q3.csv", HEADER + "\n".join(GOOD_ROWS[:2]) + "\n")
    ingest_unit("BID-PPKK", quarter)
    rows = warehouse_rows(ppkk_export, "service_log", quarter, "BID-PPKK")
    assert sorted(row["ticket_id"] for row in rows) == ["T-001", "T-002"]
    assert connect().execute("SELECT count(*) FROM quarantine").fetchone() == (0,)


def test_raw_zone_keeps_the_bytes_as_received(ppkk_export, quarter):
    report = ingest_unit("BID-PPKK", quarter)
    sha = report.files[0]["sha256"]
    raw = ppkk_export.read_bytes("raw", "service_log", "unit=BID-PPKK", f"{sha}.csv")
    assert raw == ppkk_export.read_bytes("landing", "BID-PPKK", "layanan_2026Q3.csv")


def test_personal_data_never_reaches_the_warehouse(ppkk_export, quarter):
    ingest_unit("BID-PPKK", quarter)
    rows = warehouse_rows(ppkk_export, "service_log", quarter, "BID-PPKK")
    text = repr(rows)
    assert not re.search(r"\d{16}", text)
    assert "Siti" not in text and "nama" not in repr(rows[0].keys()).lower()


def test_unreadable_file_is_rejected_and_the_rest_still_loads(ppkk_export, quarter):
    drop(ppkk_export, "BID-PPKK", "layanan_tambahan.csv", "kolom1,kolom2\n1,2\n")
    report = ingest_unit("BID-PPKK", quarter)
    by_name = {file["file_name"]: file for file in report.files}
    assert by_name["layanan_tambahan.csv"]["status"] == "rejected"
    assert by_name["layanan_tambahan.csv"]["message"].startswith("BID-PPKK/layanan_tambahan.csv: no header row")
    assert by_name["layanan_2026Q3.csv"]["rows_accepted"] == 25


def test_file_with_mostly_bad_rows_is_rejected_whole(data_root, quarter):
    bad = [f"X-{n};A;1;Layanan Lainnya;01/07/2026;;Proses;Online;0" for n in range(8)]
    drop(data_root, "BID-PPKK", "layanan_2026Q3.csv", HEADER + "\n".join(GOOD_ROWS[:2] + bad) + "\n")
    report = ingest_unit("BID-PPKK", quarter)
    assert report.files[0]["status"] == "rejected"
    assert "80% of rows break the rules (limit 20%)" in report.files[0]["message"]
    assert not data_root.exists("warehouse", "service_log", "year=2026", "quarter=3", "unit_code=BID-PPKK")


def test_rows_load_into_the_quarter_of_their_own_date(data_root):
    late_entry = "T-900;Sri Rahayu;3578011203909000;LPTKS;30/06/2026;30/06/2026;Selesai;Loket;0"
    drop(data_root, "BID-PPKK", "layanan_2026Q3.csv", HEADER + "\n".join([*GOOD_ROWS, *FILLER_ROWS, late_entry]) + "\n")
    report = ingest_unit("BID-PPKK")
    assert report.quarters == ["2026Q2", "2026Q3"]
    assert [row["ticket_id"] for row in warehouse_rows(data_root, "service_log", Quarter(2026, 2), "BID-PPKK")] == [
        "T-900"
    ]
    assert len(warehouse_rows(data_root, "service_log", Quarter(2026, 3), "BID-PPKK")) == 25


def test_date_after_the_delivery_stays_in_the_files_quarter_and_is_quarantined(data_root, quarter):
    typo = "T-901;Sri Rahayu;3578011203909001;LPTKS;14/07/2062;14/07/2062;Selesai;Loket;0"
    drop(data_root, "BID-PPKK", "layanan_2026Q3.csv", HEADER + "\n".join([*GOOD_ROWS, *FILLER_ROWS, typo]) + "\n")
    report = ingest_unit("BID-PPKK")
    assert report.quarters == ["2026Q3"]
    assert report.files[0]["status"] == "partial"
    quarantined = pq.read_table(data_root.path("quarantine", "rows")).to_pylist()
    rules = {row["message"].split(": ", 1)[1] for row in quarantined if row["source_row"] == 27}
    assert "received date is after the day the file was delivered (a typo in the year or month?)" in rules


def test_same_bytes_delivered_again_are_a_duplicate_and_change_nothing(ppkk_export, quarter):
    ingest_unit("BID-PPKK")
    before = warehouse_rows(ppkk_export, "service_log", quarter, "BID-PPKK")
    copy = ppkk_export.read_bytes("landing", "BID-PPKK", "layanan_2026Q3.csv")
    ppkk_export.write_bytes(copy, "landing", "BID-PPKK", "layanan_2026Q3_kirim_ulang.csv")
    report = ingest_unit("BID-PPKK")
    assert report.quarters == []
    log = {row[0]: row[1:] for row in connect().execute("SELECT file_name, status, message FROM ingest_log").fetchall()}
    assert log["layanan_2026Q3_kirim_ulang.csv"][0] == "duplicate"
    assert "same bytes as layanan_2026Q3.csv" in log["layanan_2026Q3_kirim_ulang.csv"][1]
    assert warehouse_rows(ppkk_export, "service_log", quarter, "BID-PPKK") == before


def test_a_later_file_updates_records_by_ticket(ppkk_export, quarter):
    ingest_unit("BID-PPKK")
    update = "T-003;Dewi Lestari;3578011203900003;Perpanjangan IMTA;03/07/2026;10/07/2026;Selesai;Daring;0"
    drop(ppkk_export, "BID-PPKK", "layanan_update_agustus.csv", HEADER + update + "\n")
    ingest_unit("BID-PPKK")
    rows = {row["ticket_id"]: row for row in warehouse_rows(ppkk_export, "service_log", quarter, "BID-PPKK")}
    assert rows["T-003"]["status"] == "selesai"
    assert len(rows) == 25


@pytest.mark.parametrize("workers", ["1", "2"])
def test_files_of_a_quarter_are_checked_one_by_one_as_if_they_were_one(data_root, quarter, workers, monkeypatch):
    """A keyless row repeating one of an earlier file is a duplicate there too; a ticket sent again replaces the
    earlier row; with workers (each file in its own) the outcome is the same."""
    monkeypatch.setenv("MONEV_VALIDATION_WORKERS", workers)
    monkeypatch.setenv("MONEV_VALIDATION_CHUNK_ROWS", "10")
    keyless = ";Eko Prasetyo;3578011203900006;LPTKS;07/07/2026;07/07/2026;Selesai;Online;0"
    first = [*GOOD_ROWS, keyless, *FILLER_ROWS]
    resent = GOOD_ROWS[1].replace("Loket", "Online")  # T-002 again, now online
    drop(data_root, "BID-PPKK", "layanan_07_juli.csv", HEADER + "\n".join(first) + "\n")
    drop(data_root, "BID-PPKK", "layanan_08_agustus.csv", HEADER + "\n".join([keyless, resent, keyless] + [
        row.replace("F-", "G-") for row in FILLER_ROWS]) + "\n")  # fmt: skip
    ingest_unit("BID-PPKK", quarter)
    quarantine = connect().sql("SELECT file_name, source_row, rule FROM quarantine ORDER BY ALL").fetchall()
    assert quarantine == [
        ("layanan_07_juli.csv", 6, "expect_column_values_to_not_be_null"),
        ("layanan_08_agustus.csv", 2, "duplicate_row"),
        ("layanan_08_agustus.csv", 4, "duplicate_row"),
    ]
    rows = {row["ticket_id"]: row for row in warehouse_rows(data_root, "service_log", quarter, "BID-PPKK")}
    assert rows["T-002"]["channel"] == "online" and len(rows) == 4 + 2 * len(FILLER_ROWS)


def test_ingest_log_records_every_file_with_counts(ppkk_export, quarter):
    ingest_unit("BID-PPKK")
    columns = "unit_code, source, dataset, file_name, sha256, received_at, rows_read, rows_accepted, rows_quarantined"
    row = connect().execute(f"SELECT {columns}, status, message FROM ingest_log").fetchall()[0]
    assert row[:4] == ("BID-PPKK", "files", "service_log", "layanan_2026Q3.csv")
    assert len(row[4]) == 64 and row[5] is not None
    assert row[6:9] == (30, 25, 5)
    assert row[9] == "partial"


def test_file_with_an_unhelpful_name_is_recognised_by_its_header(data_root, quarter):
    drop(data_root, "BID-PPKK", "export_juli.csv", HEADER + "\n".join(GOOD_ROWS + FILLER_ROWS) + "\n")
    report = ingest_unit("BID-PPKK", quarter)
    assert (report.files[0]["dataset"], report.files[0]["status"]) == ("service_log", "accepted")
    assert data_root.exists("raw", "service_log", "unit=BID-PPKK", f"{report.files[0]['sha256']}.csv")


def test_gx_import_chatter_stays_out_of_the_logs(ppkk_export, quarter):
    # A fresh interpreter, logging everything at DEBUG, so GX's import-time records would show.
    probe = (
        "import logging; logging.basicConfig(level=logging.DEBUG)\n"
        "from pipelines.ingest.run import ingest_unit\n"
        "from pipelines.periods import Quarter\n"
        "ingest_unit('BID-PPKK', Quarter(2026, 3))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=300)
    assert "BID-PPKK 2026Q3: service_log 25 rows" in result.stderr
    assert "great_expectations" not in result.stderr


def test_files_left_in_landing_are_not_received_again(ppkk_export):
    ingest_unit("BID-PPKK")
    ingest_unit("BID-PPKK")
    assert connect().execute("SELECT count(*) FROM ingest_log").fetchone() == (1,)
