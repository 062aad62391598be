"""The SKM respondent profile (jenis kelamin, umur, pendidikan, pekerjaan): optional columns, normalised groups."""

from __future__ import annotations

import logging

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.datasets.skm_response import RESPONDENT_PROFILE
from pipelines.indicators.build import build_indicators
from pipelines.ingest.run import ingest_unit
from pipelines.parse.age import age_group
from pipelines.parse.canonical import to_canonical
from pipelines.parse.headers import header_config
from pipelines.parse.read import read_table
from pipelines.registry import registry
from pipelines.warehouse.partitions import read_quarter
from pipelines.warehouse.query import connect
from pipelines.warehouse.schemas import FACT_TABLES

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
     ("35 th", "30-39"), ("26-35", "30-39"), ("17-25", "20-29"), ("17-22", None), ("15-70", None), (">55", None),
     ("150", None), ("5", None), ("dewasa", None)],
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


def test_answers_forms_offer_map_to_the_questionnaires_groups():
    rows = ["L;35 th;SLTA/SMA/SMK/MA;Wiraswasta", "P;26-35;D-III;Pelajar/Mahasiswa", "L;35 tahun;S-1/Sarjana;Calon PMI",
            "P;35;Pascasarjana;Ibu Rumah Tangga", "L;40;S-1;Petani/Nelayan", "P;22;SMK;Buruh", "L;61;S2;Pensiunan",
            "P;30;D4;Honorer"]  # fmt: skip
    parsed = canonical(survey(*rows))
    assert parsed.frame[list(RESPONDENT_PROFILE)].values.tolist() == [
        ["L", "30-39", "SMA", "Wirausaha"],
        ["P", "30-39", "D1-D3", "Lainnya"],
        ["L", "30-39", "D4/S1", "Lainnya"],
        ["P", "30-39", "S2+", "Lainnya"],
        ["L", "40-49", "D4/S1", "Wirausaha"],
        ["P", "20-29", "SMA", "Swasta"],
        ["L", "60+", "S2+", "Lainnya"],
        ["P", "30-39", "D4/S1", "Lainnya"],
    ]
    assert parsed.unmatched.empty


def test_answers_outside_every_list_are_noted_never_quarantined():
    parsed = canonical(survey("X;dewasa;Pondok Pesantren;Petani Tambak", "L;34;SMA;Swasta"))
    frame = parsed.frame[list(RESPONDENT_PROFILE)].astype(object).where(parsed.frame.notna(), None)
    assert frame.iloc[0].tolist() == [None, None, None, "Lainnya"]
    assert frame.iloc[1].tolist() == ["L", "30-39", "SMA", "Swasta"]
    assert parsed.parse_issues.empty
    assert parsed.unmatched_answers() == {
        "age_group": ["dewasa"], "education": ["Pondok Pesantren"], "gender": ["X"], "occupation": ["Petani Tambak"]
    }  # fmt: skip


def ikm_of(unit_code: str, quarter) -> float:
    [(value,)] = (
        connect()
        .execute(
            "SELECT value FROM unit_quarter_indicators WHERE unit_code = ? AND year = ? AND quarter = ? "
            "AND indicator_code = 'ikm'",
            [unit_code, quarter.year, quarter.quarter],
        )
        .fetchall()
    )
    return value


def test_a_form_whose_profile_answers_are_all_off_list_counts_every_respondent(data_root, quarter, caplog):
    """The same 100 answers give the same IKM with profile columns nobody's list knows as without them."""
    answers = [";".join(str(1 + (n * (element + 3)) % 4) for element in range(9)) for n in range(100)]
    with_profile = HEADER + "".join(
        f"R-{n};{5 + n % 20:02d}/08/2026;{'XY'[n % 2]};usia produktif;Pesantren {n % 7};Calon PMI {n % 3};{row}\n"
        for n, row in enumerate(answers)
    )
    without = f"No Responden;Tanggal Survei;{ANSWERS}\n" + "".join(
        f"R-{n};{5 + n % 20:02d}/08/2026;{row}\n" for n, row in enumerate(answers)
    )
    data_root.write_bytes(with_profile.encode(), "landing", "UPT-P2TK", "skm_2026Q3.csv")
    data_root.write_bytes(without.encode(), "landing", "UPT-BLK-SBY", "skm_2026Q3.csv")
    with caplog.at_level(logging.INFO, logger="pipelines.ingest.load"):
        report = ingest_unit("UPT-P2TK", quarter)
    ingest_unit("UPT-BLK-SBY", quarter)
    build_indicators(quarter)

    assert (report.files[0]["rows_accepted"], report.files[0]["rows_quarantined"]) == (100, 0)
    assert ikm_of("UPT-P2TK", quarter) == ikm_of("UPT-BLK-SBY", quarter)
    assert connect().sql(
        "SELECT occupation, count(*) FROM skm_response WHERE unit_code = 'UPT-P2TK' GROUP BY ALL"
    ).fetchall() == [("Lainnya", 100)]
    assert connect().sql(
        "SELECT \"column\", unexpected_count, success FROM dq_results WHERE unit_code = 'UPT-P2TK' "
        "AND rule = 'unmatched_answer' ORDER BY \"column\""
    ).fetchall() == [("age_group", 100, True), ("education", 100, True), ("gender", 100, True),
                     ("occupation", 100, True)]  # fmt: skip
    [line] = [record.getMessage() for record in caplog.records if "occupation answers" in record.getMessage()]
    assert "counted as 'Lainnya'" in line
    assert "'Calon PMI 0' (34), 'Calon PMI 1' (33), 'Calon PMI 2' (33)" in line


def test_a_partition_written_before_the_profile_columns_still_reads(data_root, quarter):
    old_schema = pa.schema([field for field in FACT_TABLES["skm_response"] if field.name not in RESPONDENT_PROFILE])
    folder = data_root.path("warehouse", "skm_response", "year=2026", "quarter=3", "unit_code=BID-WAS")
    data_root.fs.create_dir(folder)
    row = {"response_id": "R-1", "submitted_date": quarter.first_day, "service_code": None, "source_file": "f",
           "source_row": 2, **{f"u{i}": 3 for i in range(1, 10)}}  # fmt: skip
    pq.write_table(pa.Table.from_pylist([row], old_schema), f"{folder}/part-0.parquet")

    table = read_quarter(data_root, "warehouse", "skm_response", quarter, FACT_TABLES["skm_response"])
    assert table.select([*RESPONDENT_PROFILE, "u1", "unit_code"]).to_pylist() == [
        {"gender": None, "age_group": None, "education": None, "occupation": None, "u1": 3, "unit_code": "BID-WAS"}
    ]
    assert connect().sql("SELECT gender, u9 FROM skm_response WHERE quarter = 3").fetchall() == [(None, 3)]
