import csv
import hashlib
import io
import json

import pyarrow as pa
import pytest

from pipelines.ingest import ingest_unit
from pipelines.periods import Quarter
from pipelines.publish.release import NOT_REPORTED, publish_release
from pipelines.storage import DataRoot
from pipelines.warehouse.partitions import replace_partition
from pipelines.warehouse.schemas import FACT_TABLES, UNIT_QUARTER_INDICATORS
from tests.test_ingest import DIRTY_ROWS, FILLER_ROWS, GOOD_ROWS, HEADER, drop


def put_indicators(root: DataRoot, quarter: Quarter, unit: str, values: list[tuple]) -> None:
    rows = pa.Table.from_pylist(
        [{"indicator_code": code, "value": value, "category": category, "n": n} for code, value, category, n in values],
        schema=UNIT_QUARTER_INDICATORS,
    )
    replace_partition(root, "warehouse", "unit_quarter_indicators", quarter, unit, rows)


@pytest.fixture
def indicators(data_root: DataRoot, quarter: Quarter) -> DataRoot:
    put_indicators(data_root, quarter, "UPT-P2TK", [("ikm", 91.48, "A", 29), ("services_completed", 120.0, None, 130)])
    return data_root


def release_csv(root: DataRoot, quarter: Quarter, version: int) -> list[dict]:
    data = root.read_bytes("releases", quarter.label, f"v{version}", f"indikator_monev_{quarter.label}.csv")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def test_release_table_follows_the_regional_column_convention(indicators, quarter):
    publish_release(quarter)
    rows = release_csv(indicators, quarter, 1)
    assert list(rows[0]) == [
        "kode_provinsi", "nama_provinsi", "kode_unit", "nama_unit", "tahun", "triwulan",
        "kode_indikator", "nama_indikator", "nilai", "satuan", "n", "kategori",
    ]  # fmt: skip
    ikm = next(row for row in rows if row["kode_unit"] == "UPT-P2TK" and row["kode_indikator"] == "ikm")
    assert (ikm["kode_provinsi"], ikm["tahun"], ikm["triwulan"], ikm["nilai"], ikm["kategori"]) == (
        "35", "2026", "3", "91.48", "A",
    )  # fmt: skip
    completed = next(
        row for row in rows if row["kode_unit"] == "UPT-P2TK" and row["kode_indikator"] == "services_completed"
    )
    assert completed["nilai"] == "120"


def test_units_without_data_are_not_reported_never_zero(indicators, quarter):
    publish_release(quarter)
    madiun = [row for row in release_csv(indicators, quarter, 1) if row["kode_unit"] == "UPT-BLK-MDN"]
    assert madiun and all(row["nilai"] == "" and row["kategori"] == NOT_REPORTED for row in madiun)


def test_datapackage_lists_sizes_and_hashes_that_verify(indicators, quarter):
    release = publish_release(quarter)
    package = json.loads(indicators.read_bytes("releases", quarter.label, "v1", "datapackage.json"))
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert package["monev"]["settings"] == {
        "ikm_weight_mode": "exact",
        "zi_scale_conversion": "linear",
        "date_tolerance_days": 31,
    }
    for resource in package["resources"]:
        data = indicators.read_bytes("releases", quarter.label, "v1", resource["path"])
        assert resource["bytes"] == len(data)
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    sums = indicators.read_bytes("releases", quarter.label, "v1", "SHA256SUMS").decode().splitlines()
    for line in sums:
        digest, name = line.split("  ")
        assert hashlib.sha256(indicators.read_bytes("releases", quarter.label, "v1", name)).hexdigest() == digest
    assert release.location.endswith("releases/2026-Q3/v1")


def test_republishing_unchanged_figures_creates_nothing_new(indicators, quarter):
    first = publish_release(quarter)
    before = indicators.list_files("releases", recursive=True)
    second = publish_release(quarter)
    assert (first.created, second.created, second.version) == (True, False, 1)
    assert indicators.list_files("releases", recursive=True) == before


def test_changed_figures_become_the_next_version_and_v1_stays(indicators, quarter):
    publish_release(quarter)
    v1 = indicators.read_bytes("releases", quarter.label, "v1", f"indikator_monev_{quarter.label}.csv")
    put_indicators(indicators, quarter, "UPT-P2TK", [("ikm", 90.00, "A", 30)])
    release = publish_release(quarter)
    assert (release.version, release.created) == (2, True)
    assert indicators.read_bytes("releases", quarter.label, "v1", f"indikator_monev_{quarter.label}.csv") == v1
    assert any(row["nilai"] == "90" for row in release_csv(indicators, quarter, 2))


def test_release_carries_a_data_quality_annex_per_unit_and_dataset(data_root, quarter):

    drop(data_root, "BID-PPKK", "layanan_2026Q3.csv", HEADER + "\n".join(GOOD_ROWS + DIRTY_ROWS + FILLER_ROWS) + "\n")
    ingest_unit("BID-PPKK")
    publish_release(quarter)
    data = data_root.read_bytes("releases", quarter.label, "v1", f"kualitas_data_{quarter.label}.csv")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert len(rows) == 7 * len(FACT_TABLES)
    ppkk = next(row for row in rows if row["kode_unit"] == "BID-PPKK" and row["data"] == "log layanan")
    assert ppkk["status"] == "ada masalah"
    checked, accepted, set_aside = (
        int(ppkk[key]) for key in ("baris_diperiksa", "baris_diterima", "baris_dikarantina")
    )
    assert (accepted, set_aside) == (len(GOOD_ROWS + FILLER_ROWS), 5)
    assert checked == accepted + set_aside
    assert int(ppkk["aturan_terpenuhi"]) < int(ppkk["aturan_diperiksa"])
    assert {row["status"] for row in rows if row["kode_unit"] == "UPT-BLK-MDN"} == {"belum lapor"}
    package = json.loads(data_root.read_bytes("releases", quarter.label, "v1", "datapackage.json"))
    assert [resource["name"] for resource in package["resources"]] == [
        "indikator-monev",
        "kualitas-data",
        "kamus-data",
        "kamus-data-lengkap",
    ]
