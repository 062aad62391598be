"""The action plan: a dataset added through its spec alone, read from the worksheets units keep."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest
import yaml

from pipelines.datasets import DATASETS
from pipelines.ingest.run import ingest_unit
from pipelines.orchestration.asset_events import FACT_TABLES as FACT_ASSETS
from pipelines.parse.canonical import indicator_reference, to_canonical
from pipelines.parse.headers import header_config
from pipelines.parse.read import read_table
from pipelines.parse.survey_period import quarter_label
from pipelines.parse.values import parse_percent
from pipelines.registry import registry
from pipelines.samples.generate import write_samples
from pipelines.samples.profiles import PLANNED_ACTIONS
from pipelines.warehouse.query import connect
from pipelines.warehouse.schemas import FACT_TABLES

UNIT = "UPT-P2TK"
DATASET = "action_plan"
REPO = Path(__file__).resolve().parents[1]
HEADER = "No;Area Perubahan;Unsur/Indikator;Rencana Aksi;Output;Penanggung Jawab;Waktu Pelaksanaan;Realisasi (%);Status"


def report_csv(*rows: str) -> bytes:
    return "\n".join([HEADER, *rows]).encode()


@pytest.mark.parametrize("name", list(DATASETS))
def test_every_dataset_has_its_suite_aliases_table_and_asset(name):
    spec = DATASETS[name]
    suite = json.loads((REPO / "expectations" / f"{name}.json").read_text())
    assert suite["name"] == name
    aliases = yaml.safe_load((REPO / "config" / "headers.yaml").read_text())[name]
    read_from_exports = [column.name for column in spec.columns if column.read_as != "derived"]
    assert [column for column in read_from_exports if column not in aliases] == []
    assert all(column.values in header_config().values for column in spec.columns if column.values)
    assert FACT_TABLES[name].names == [*spec.column_names, "source_file", "source_row"]
    assert name in FACT_ASSETS and name in registry().dataset_patterns


@pytest.mark.parametrize(
    ("written", "quarter"),
    [
        ("TW III 2026", "2026Q3"),
        ("Triwulan 4 Tahun 2026", "2026Q4"),
        ("Q1-2027", "2027Q1"),
        ("2026Q2", "2026Q2"),
        ("Semester II 2026", "2026Q4"),
        ("September 2026", "2026Q3"),
        ("30/06/2026", "2026Q2"),
        ("TW III", None),
        ("TW 5 2026", None),
        ("TW I 2026 - TW IV 2027", None),
    ],
)
def test_a_planned_quarter_is_read_as_units_write_it(written, quarter):
    assert quarter_label(written) == quarter


def test_realisation_reads_percent_signs_decimal_commas_and_excel_fractions():
    assert parse_percent(pa.array(["75", "75%", "62,5 %", "selesai", ""])).to_pylist() == [75, 75, 62.5, None, None]
    assert parse_percent(pa.array(["0.5", "1", "0.25"])).to_pylist() == [50, 100, 25]  # Excel's percent format
    assert parse_percent(pa.array(["1", "0", "100"])).to_pylist() == [1, 0, 100]  # whole numbers are percents


def test_a_linked_indicator_is_named_by_code_name_or_skm_element():
    config = header_config()
    found = [indicator_reference(text, config) for text in ("U3", "Unsur 9", "Waktu penyelesaian", "IKM", "xyz")]
    assert found == ["u3", "u9", "u3", "ikm", None]
    assert indicator_reference("Indeks Kepuasan Masyarakat", config) == "ikm"


def test_a_sample_plan_reads_every_action_from_the_worksheet(data_root, quarter):
    """The sample units' worksheet (title block, no date column) as parsing sees it; tests/test_samples.py loads
    every unit's."""
    write_samples(quarter, rows=140)
    name = f"rencana_aksi_{quarter}.xlsx"
    config, unit = header_config(), registry().unit(UNIT)
    raw = read_table(name, data_root.read_bytes("landing", UNIT, name), lambda row: config.header_score(DATASET, row))
    parsed = to_canonical(DATASET, raw, unit, config, "f" * 64, name)
    frame = parsed.frame
    assert parsed.parse_issues.empty and parsed.unmatched.empty
    assert len(frame) == len(PLANNED_ACTIONS) and frame["action_id"].tolist() == [str(n) for n in range(1, 9)]
    assert set(frame["reported_date"].dt.date) == {quarter.last_day}
    assert frame["planned_quarter"].str.fullmatch(r"2026Q[1-4]").all()
    assert frame["realisation"].between(0, 100).all()
    assert frame["linked_to"].dropna().tolist() == ["u3", "u9", "ipak"]
    assert {"skm", "persepsi", "manajemen_perubahan"} <= set(frame["area"])


def test_a_bad_required_value_quarantines_its_row_and_a_bad_link_or_status_only_empties_it(data_root, quarter):
    data_root.write_bytes(
        report_csv(
            "1;Manajemen Perubahan;;Sosialisasi maklumat pelayanan;Berita acara;Ketua Tim ZI;TW II 2026;100%;Selesai",
            "2;SKM;U3;Tambah petugas loket;Waktu tunggu turun;Kasi Pelayanan;TW III 2026;150%;Proses",
            "3;Area Bebas;;Kegiatan lain;-;Kasubag TU;TW III 2026;50%;Proses",
            "4;SKM;U12;Perbaikan ruang tunggu;Ruang tunggu layak;Pengelola Sarpras;TW IV;20%;Sebentar lagi",
            "5;Survei Persepsi;IPAK;Kanal pengaduan pungli;Kanal aktif;Koordinator Pengaduan;TW IV 2026;0,5;",
            "5;Penguatan Pengawasan;;Banner anti pungli;Banner terpasang;Kasi Pelayanan;TW III 2026;80;Proses",
            # A file mostly wrong is rejected whole; this one is mostly right.
            *(f"{n};Penataan Tatalaksana;;Kegiatan {n};SOP;Kasubag TU;TW III 2026;{n}%;Proses" for n in range(10, 34)),
        ),
        "landing",
        UNIT,
        "rencana_aksi_TW3_2026.csv",
    )
    [file] = ingest_unit(UNIT, quarter).files
    assert (file["rows_accepted"], file["rows_quarantined"]) == (25, 5)
    reasons = (
        connect()
        .execute(
            "SELECT source_row, \"column\", rule, message FROM quarantine WHERE dataset = 'action_plan' "
            'ORDER BY source_row, "column"'
        )
        .fetchall()
    )
    by_row = {}
    for row, column, rule, message in reasons:
        by_row.setdefault(row, []).append((column, rule, message))
    assert [column for column, _, _ in by_row[3]] == ["realisation"]
    assert "150%" in by_row[3][0][2] and "0..100" in by_row[3][0][2]
    assert [column for column, _, _ in by_row[4]] == ["area"]
    assert [(column, rule) for column, rule, _ in by_row[5]] == [("planned_quarter", "not_a_quarter")]
    assert "rencana_aksi_TW3_2026.csv row 5" in by_row[5][0][2] and "'TW IV'" in by_row[5][0][2]
    assert {rule for _, rule, _ in by_row[6] + by_row[7]} == {"expect_compound_columns_to_be_unique"}
    [accepted] = (
        connect()
        .execute(
            "SELECT action_id, area, linked_to, planned_quarter, realisation, status, reported_date::VARCHAR "
            "FROM action_plan WHERE action_id = '1'"
        )
        .fetchall()
    )
    assert accepted == ("1", "manajemen_perubahan", None, "2026Q2", 100.0, "selesai", "2026-09-30")
    unmatched = (
        connect()
        .execute(
            'SELECT "column", unexpected_count FROM dq_results '
            "WHERE dataset = 'action_plan' AND rule = 'unmatched_answer' "
            'ORDER BY "column"'
        )
        .fetchall()
    )
    assert unmatched == [("linked_to", 1), ("status", 1)]  # U12 and "Sebentar lagi": noted, never quarantined
