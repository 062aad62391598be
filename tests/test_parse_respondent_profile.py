"""The SKM respondent profile (jenis kelamin, umur, pendidikan, pekerjaan): optional columns, normalised groups."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.ingest import ingest_unit
from pipelines.parse.age import age_group
from pipelines.parse.canonical import to_canonical
from pipelines.parse.headers import header_config
from pipelines.parse.read import read_table
from pipelines.registry import registry
from pipelines.warehouse.partitions import read_quarter
from pipelines.warehouse.query import connect
from pipelines.warehouse.schemas import RESPONDENT_PROFILE, SKM_RESPONSE

ANSWERS = "U1 Persyaratan;U2 Prosedur;U3 Waktu;U4 Biaya;U5 Produk;U6 Kompetensi;U7 Perilaku;U8 Pengaduan;U9 Sarana"
HEADER = f"No Responden;Tanggal Survei;Jenis Kelamin;Umur;Pendidikan Terakhir;Pekerjaan;{ANSWERS}\n"


def survey(*profiles: str) -> str:
    """An SKM export whose respondents all answer 3, with the given "gender;age;education;occupation" cells."""
    return HEADER + "".join(f"R-{n};03/08/2026;{profile};3;3;3;3;3;3;3;3;3\n" for n, profile in enumerate(profiles))


def canonical(text: str):
    config = header_config()
    raw = read_table("skm.csv", text.encode(), lambda row: config.header_score("skm_response", row))
    return to_canonical("skm_response", raw, registry().unit("UPT-BLK-SBY"), config, "f" * 64)


def test_labels_units_write_become_the_questionnaires_groups():
    frame = canonical(survey("Laki-laki;34;SMA/SMK;Pegawai Swasta", "P;60 tahun ke atas;Sarjana;ASN")).frame
    assert frame[list(RESPONDENT_PROFILE)].values.tolist() == [
        ["L", "30-39", "SMA", "Swasta"],
        ["P", "60+", "D4/S1", "PNS"],
    ]


def test_blank_profile_cells_are_empty_not_errors():
    parsed = canonical(survey(";;;"))
    assert parsed.frame[list(RESPONDENT_PROFILE)].isna().all(axis=None)
    assert parsed.parse_issues.empty


def test_export_without_profile_columns_still_parses():
    text = f"No Responden;Tanggal Survei;{ANSWERS}\nR-1;03/08/2026;3;3;3;3;3;3;3;3;3\n"
    parsed = canonical(text)
    assert parsed.frame["u1"].tolist() == [3]
    assert not set(RESPONDENT_PROFILE) & set(parsed.frame.columns)


@pytest.mark.parametrize(
    ("text", "band"),
    [("34", "30-39"), ("34 tahun", "30-39"), ("34.0", "30-39"), ("19", "<20"), ("20", "20-29"), ("60", "60+"),
     ("<20", "<20"), ("< 20 tahun", "<20"), ("di bawah 20 tahun", "<20"), ("20-29", "20-29"),
     ("20 - 29 tahun", "20-29"), ("20-24", "20-29"), ("60+", "60+"), ("60 tahun ke atas", "60+"), ("> 60", "60+"),
     ("17-25", None), (">55", None), ("150", None), ("5", None), ("dewasa", None)],
)  # fmt: skip
def test_age_in_years_or_a_band_within_one_of_ours(text, band):
    assert age_group(text) == band


def test_every_group_spelled_as_published_maps_to_itself():
    config = header_config()
    for column in ("gender", "education", "occupation"):
        assert set(config.values[column].values()) == set(RESPONDENT_PROFILE[column])
        assert [config.canonical_value(column, group) for group in RESPONDENT_PROFILE[column]] == list(
            RESPONDENT_PROFILE[column]
        )
    assert [age_group(band) for band in RESPONDENT_PROFILE["age_group"]] == list(RESPONDENT_PROFILE["age_group"])


def test_unrecognised_value_is_quarantined_with_the_cell_and_the_fix(data_root, quarter):
    rows = [*["L;25;SMA;Swasta"] * 9, "L;25;SMA;Petani Tambak"]
    data_root.write_bytes(survey(*rows).encode(), "landing", "UPT-BLK-SBY", "skm_2026Q3.csv")
    report = ingest_unit("UPT-BLK-SBY", quarter)
    assert (report.files[0]["rows_accepted"], report.files[0]["rows_quarantined"]) == (9, 1)
    [record] = pq.read_table(data_root.path("quarantine", "rows")).to_pylist()
    assert (record["source_row"], record["column"], record["rule"]) == (
        11,
        "occupation",
        "expect_column_values_to_be_in_set",
    )
    assert record["message"] == (
        "UPT-BLK-SBY/skm_2026Q3.csv row 11, column \"Pekerjaan\" = 'Petani Tambak': "
        "occupation is not one of PNS, TNI, POLRI, Swasta, Wirausaha, Lainnya"
    )
    assert "PNS, TNI, POLRI, Swasta, Wirausaha, atau Lainnya" in record["fix"]


def test_a_partition_written_before_the_profile_columns_still_reads(data_root, quarter):
    old_schema = pa.schema([field for field in SKM_RESPONSE if field.name not in RESPONDENT_PROFILE])
    folder = data_root.path("warehouse", "skm_response", "year=2026", "quarter=3", "unit_code=BID-WAS")
    data_root.fs.create_dir(folder)
    row = {"response_id": "R-1", "submitted_date": quarter.first_day, "service_code": None, "source_file": "f",
           "source_row": 2, **{f"u{i}": 3 for i in range(1, 10)}}  # fmt: skip
    pq.write_table(pa.Table.from_pylist([row], old_schema), f"{folder}/part-0.parquet")

    table = read_quarter(data_root, "warehouse", "skm_response", quarter, SKM_RESPONSE)
    assert table.select([*RESPONDENT_PROFILE, "u1", "unit_code"]).to_pylist() == [
        {"gender": None, "age_group": None, "education": None, "occupation": None, "u1": 3, "unit_code": "BID-WAS"}
    ]
    assert connect().sql("SELECT gender, u9 FROM skm_response WHERE quarter = 3").fetchall() == [(None, 3)]
