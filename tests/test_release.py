"""The quarterly release: its files, its safety, its versions."""

import csv
import hashlib
import io
import json
import re
import zipfile
import zlib
from datetime import UTC, datetime

import frictionless
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.indicators.build import build_indicators
from pipelines.ingest.run import ingest_unit
from pipelines.periods import Quarter
from pipelines.publish.content import NOT_REPORTED
from pipelines.publish.gate import IncompleteQuarter
from pipelines.publish.release import publish_release
from pipelines.runstate import release_log
from pipelines.storage import DataRoot
from tests.test_ingest import DIRTY_ROWS, FILLER_ROWS, GOOD_ROWS, HEADER, drop

AFTER_DEADLINE = datetime(2026, 11, 1, tzinfo=UTC)
UNIT = "BID-PPKK"


def one_unit_reported() -> None:
    from pipelines.storage import data_root

    drop(data_root(), UNIT, "layanan_2026Q3.csv", HEADER + "\n".join(GOOD_ROWS + FILLER_ROWS) + "\n")
    ingest_unit(UNIT)
    build_indicators(Quarter(2026, 3))


@pytest.fixture
def reported(prepared, data_root: DataRoot) -> DataRoot:
    """One unit has sent a service log with personal data in it (names, NIK); the others have sent nothing."""
    return prepared("one_unit_reported", one_unit_reported, data_root)


def release_file(root: DataRoot, quarter: Quarter, version: int, name: str) -> bytes:
    return root.read_bytes("releases", quarter.label, f"v{version}", name)


def release_csv(root: DataRoot, quarter: Quarter, version: int, table: str = "indikator_monev") -> list[dict]:
    data = release_file(root, quarter, version, f"{table}_{quarter.label}.csv")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def test_release_table_follows_the_regional_column_convention(reported, quarter):
    publish_release(quarter, now=AFTER_DEADLINE)
    rows = release_csv(reported, quarter, 1)
    assert list(rows[0]) == [
        "kode_provinsi", "nama_provinsi", "kode_unit", "nama_unit", "tahun", "triwulan",
        "kode_indikator", "nama_indikator", "nilai", "satuan", "n", "kategori",
    ]  # fmt: skip
    received = next(row for row in rows if row["kode_unit"] == UNIT and row["kode_indikator"] == "services_received")
    assert (received["kode_provinsi"], received["tahun"], received["triwulan"], received["nilai"]) == (
        "35", "2026", "3", str(len(GOOD_ROWS + FILLER_ROWS)),
    )  # fmt: skip


def test_the_release_records_how_its_figures_were_computed(reported, quarter):
    publish_release(quarter, now=AFTER_DEADLINE)
    monev = json.loads(release_file(reported, quarter, 1, "datapackage.json"))["monev"]
    assert "UPT-K3/K3-RIKSA-PUBT (sejak 2024-01-01)" in monev["unconfirmed_standards"]
    assert "UPT-P2TK/P2TK-PASPOR (sejak 2023-08-30)" not in monev["unconfirmed_standards"]
    settings = monev["settings"]
    assert settings == {
        "ikm_weight_mode": "exact", "zi_scale_conversion": "linear", "count_receipt_day": False,
        "date_tolerance_days": 31, "max_quarantine_share": 0.1,
    }  # fmt: skip


def test_parquet_copy_has_the_same_rows_typed(reported, quarter):
    publish_release(quarter, now=AFTER_DEADLINE)
    table = pq.read_table(io.BytesIO(release_file(reported, quarter, 1, f"indikator_monev_{quarter.label}.parquet")))
    rows = release_csv(reported, quarter, 1)
    assert table.num_rows == len(rows)
    assert table.schema.field("nilai").type == pa.float64() and table.schema.field("tahun").type == pa.int64()
    received = [r for r in table.to_pylist() if r["kode_unit"] == UNIT and r["kode_indikator"] == "services_received"]
    assert received[0]["nilai"] == len(GOOD_ROWS + FILLER_ROWS)


def test_rollups_are_published_per_agency_and_for_the_province(reported, quarter):
    publish_release(quarter, now=AFTER_DEADLINE)
    rows = release_csv(reported, quarter, 1, "indikator_agregat")
    province = {row["kode_indikator"]: row for row in rows if row["tingkat"] == "provinsi"}
    assert province["services_received"]["nilai"] == str(len(GOOD_ROWS + FILLER_ROWS))
    assert {row["tingkat"] for row in rows} == {"provinsi", "instansi"}


def test_units_without_data_are_not_reported_never_zero(reported, quarter):
    release = publish_release(quarter, now=AFTER_DEADLINE)
    madiun = [row for row in release_csv(reported, quarter, 1) if row["kode_unit"] == "UPT-BLK-MDN"]
    assert madiun and all(row["nilai"] == "" and row["kategori"] == NOT_REPORTED for row in madiun)
    assert "UPT-BLK-MDN" in release.withheld and UNIT not in release.withheld


def test_before_the_deadline_publishing_waits_for_missing_units(reported, quarter):
    with pytest.raises(IncompleteQuarter, match="UPT-BLK-MDN"):
        publish_release(quarter, now=datetime(2026, 10, 10, tzinfo=UTC))
    assert not reported.exists("releases")


def test_a_unit_with_too_much_quarantined_is_withheld_after_the_deadline(data_root, quarter, monkeypatch):
    monkeypatch.setenv("MONEV_MAX_QUARANTINE_SHARE", "0.05")  # 5 dirty rows of 30: 17%
    drop(data_root, UNIT, "layanan_2026Q3.csv", HEADER + "\n".join(GOOD_ROWS + DIRTY_ROWS + FILLER_ROWS) + "\n")
    ingest_unit(UNIT)
    build_indicators(quarter)
    release = publish_release(quarter, now=AFTER_DEADLINE)
    assert "di atas ambang 5,0%" in release.withheld[UNIT]
    assert {row["kategori"] for row in release_csv(data_root, quarter, 1) if row["kode_unit"] == UNIT} == {NOT_REPORTED}


def test_datapackage_validates_and_its_sizes_hashes_and_checksums_verify(reported, quarter, tmp_path):
    release = publish_release(quarter, now=AFTER_DEADLINE)
    package = json.loads(release_file(reported, quarter, 1, "datapackage.json"))
    assert package["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert package["sources"][0]["title"].startswith("BID-WAS ")
    for name in reported.list_files("releases", quarter.label, "v1"):
        (tmp_path / name).write_bytes(release_file(reported, quarter, 1, name))
    report = frictionless.Package(package, basepath=str(tmp_path)).validate()
    assert report.valid, report.flatten(["title", "message"])
    assert {resource["name"] for resource in package["resources"]} >= {
        "indikator-monev", "indikator-monev-parquet", "indikator-agregat", "kualitas-data", "kamus-data",
        "buku-kerja", "laporan", "laporan-pdf",
    }  # fmt: skip
    for line in release_file(reported, quarter, 1, "SHA256SUMS").decode().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256(release_file(reported, quarter, 1, name)).hexdigest() == digest
    assert release.location.endswith("releases/2026-Q3/v1")
    assert [row["version"] for row in release_log.releases("2026Q3")] == [1]


def test_indicator_metadata_uses_the_bps_ms_ind_fields(reported, quarter):
    publish_release(quarter, now=AFTER_DEADLINE)
    ikm = next(row for row in release_csv(reported, quarter, 1, "kamus_data") if row["kode_indikator"] == "ikm")
    assert ikm["indikator_komposit"] == "ya" and ikm["indikator_pembangun"].startswith("ikm_u1, ikm_u2")
    assert {"konsep", "definisi", "metode_penghitungan", "ukuran", "satuan", "klasifikasi_penyajian",
            "level_estimasi", "akses_umum"} <= set(ikm)  # fmt: skip


NIK = re.compile(rb"(?<![0-9A-Za-z])\d{16}(?![0-9A-Za-z])")
PHONE = re.compile(rb"(?<![0-9A-Za-z])(?:\+62|62|0)8\d{7,11}(?![0-9A-Za-z])")
EMAIL = re.compile(rb"[\w.+-]+@[\w-]+\.[\w.-]+")


def readable_parts(name: str, data: bytes) -> list[bytes]:
    """The bytes a person could read out of a file: XLSX members unzipped, PDF streams inflated."""
    if name.endswith(".xlsx"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [archive.read(member) for member in archive.namelist()]
    if name.endswith(".pdf"):
        streams = re.findall(rb"stream\r?\n(.*?)endstream", data, re.DOTALL)
        return [data, *(zlib.decompress(stream, wbits=zlib.MAX_WBITS) for stream in streams if stream[:1] == b"x")]
    return [data]


def test_no_personal_data_anywhere_in_the_release(reported, quarter):
    publish_release(quarter, now=AFTER_DEADLINE)
    for name in reported.list_files("releases", quarter.label, "v1"):
        for part in readable_parts(name, release_file(reported, quarter, 1, name)):
            assert not NIK.search(part), name
            assert not PHONE.search(part), name
            assert not EMAIL.search(part), name
            assert b"Siti Rahayu" not in part and b"Rahayu" not in part, name


def test_formula_like_text_is_neutralised_in_the_csv(reported, quarter, monkeypatch, config_dir):
    import yaml

    from pipelines.settings import get_settings

    path = get_settings().units_file
    document = yaml.safe_load(path.read_text())
    document["units"][0]["name"] = '=HYPERLINK("http://contoh.invalid","klik")'
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))
    publish_release(quarter, now=AFTER_DEADLINE)
    names = {row["nama_unit"] for row in release_csv(reported, quarter, 1)}
    assert '\'=HYPERLINK("http://contoh.invalid","klik")' in names
    assert not any(name.startswith(("=", "+", "-", "@")) for name in names)


def test_republishing_unchanged_figures_creates_nothing_new(reported, quarter):
    first = publish_release(quarter, now=AFTER_DEADLINE)
    before = reported.list_files("releases", recursive=True)
    second = publish_release(quarter, now=AFTER_DEADLINE)
    assert (first.created, second.created, second.version) == (True, False, 1)
    assert reported.list_files("releases", recursive=True) == before
    assert [row["version"] for row in release_log.releases("2026Q3")] == [1]


def test_a_corrected_file_makes_v2_with_a_changelog_and_v1_stays(reported, quarter):
    publish_release(quarter, now=AFTER_DEADLINE)
    names = reported.list_files("releases", quarter.label, "v1")
    v1 = {name: release_file(reported, quarter, 1, name) for name in names}
    drop(reported, UNIT, "layanan_2026Q3.csv", HEADER + "\n".join(GOOD_ROWS + FILLER_ROWS[:-1]) + "\n")
    ingest_unit(UNIT)
    build_indicators(quarter)
    release = publish_release(quarter, now=AFTER_DEADLINE)
    assert (release.version, release.created) == (2, True)
    assert {name: release_file(reported, quarter, 1, name) for name in v1} == v1
    log = release_file(reported, quarter, 2, "CHANGELOG.md").decode()
    total = len(GOOD_ROWS + FILLER_ROWS)
    assert f"| Indikator monev per unit | {UNIT} / services_received | nilai | {total} | {total - 1} |" in log
    assert f"{UNIT}: berkas baru atau perbaikan diterima: `layanan_2026Q3.csv` (service_log" in log
    assert f"{UNIT}: berkas tidak dipakai lagi (diganti atau ditarik): `layanan_2026Q3.csv`" in log


def test_an_interrupted_copy_without_its_seal_is_rebuilt_under_the_same_version(reported, quarter):
    """Object storage copies a release file by file: a folder missing FINGERPRINT never counts."""
    publish_release(quarter, now=AFTER_DEADLINE)
    reported.write_bytes(b"half", "releases", quarter.label, "v2", "SHA256SUMS")
    drop(reported, UNIT, "layanan_2026Q3.csv", HEADER + "\n".join(GOOD_ROWS + FILLER_ROWS[:-1]) + "\n")
    ingest_unit(UNIT)
    build_indicators(quarter)
    release = publish_release(quarter, now=AFTER_DEADLINE)
    assert (release.version, release.created) == (2, True)
    assert release_file(reported, quarter, 2, "SHA256SUMS") != b"half"
    assert "FINGERPRINT" in reported.list_files("releases", quarter.label, "v2")


def test_the_release_speaks_to_its_readers_not_of_how_it_is_built(reported, quarter):
    publish_release(quarter, now=AFTER_DEADLINE)
    dictionary = release_file(reported, quarter, 1, "kamus_data.md").decode()
    assert "Kamus data rilis ini" in dictionary
    assert "make " not in dictionary and "do not edit" not in dictionary
