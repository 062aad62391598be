"""Exports as units really send them → canonical frames."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from pipelines.parse.canonical import to_canonical
from pipelines.parse.headers import header_config
from pipelines.parse.read import read_table
from pipelines.registry import registry


def canonical(dataset: str, unit: str, file_name: str, data: bytes):
    config = header_config()
    raw = read_table(file_name, data, lambda row: config.header_score(dataset, row))
    return to_canonical(dataset, raw, registry().unit(unit), config, "f" * 64)


SKM_LABELS = (
    "Stempel waktu;Jenis Layanan;Persyaratan;Prosedur;Waktu;Biaya/Tarif;Produk;Kompetensi;Perilaku;"
    "Sarana dan prasarana;Penanganan pengaduan\n"
    "27/08/2026 10:15:33;Uji Kompetensi;Sangat Sesuai;Kurang Mudah;Cepat;Gratis;Sesuai;Kompeten;"
    "Sopan dan Ramah;Berfungsi Kurang Maksimal;Dikelola dengan baik\n"
)


def test_survey_labels_become_answers_1_to_4_by_element_wording():
    parsed = canonical("skm_response", "UPT-BLK-SBY", "skm.csv", SKM_LABELS.encode())
    row = parsed.frame.iloc[0]
    answers = [row[f"u{i}"] for i in range(1, 10)]
    assert answers == [4, 2, 3, 4, 3, 3, 3, 4, 3]  # u8 complaints, u9 facilities, despite the swapped columns
    assert str(row["submitted_date"].date()) == "2026-08-27"
    assert parsed.parse_issues.empty


SERVICE = (
    "No. Tiket;NIK;No. HP;Jenis Layanan;Tgl Masuk;Tgl Selesai;Status;Batas Waktu (hari);Tarif Resmi;Biaya\n"
    "T-1;3578011203900001;0812-3456-7890;Paspor PMI;27 Agustus 2026;28 Agt 2026;Selesai;5;Rp 55.000,-;55.000\n"
    "T-2;3578011203900002;;Paspor PMI;46262;46263;Selesai;;;0\n"
    ";;;Jumlah;;;;;;Rp 55.000\n"
)


def test_log_carrying_its_own_standard_wins_over_the_registry():
    frame = canonical("service_log", "UPT-P2TK", "layanan.csv", SERVICE.encode()).frame
    assert frame["sla_days"].tolist() == [5, 3]
    assert frame["official_tariff"].tolist() == [55_000, 0]
    assert frame["fee_paid"].tolist() == [55_000, 0]


def test_indonesian_dates_and_excel_serials_in_one_column():
    frame = canonical("service_log", "UPT-P2TK", "layanan.csv", SERVICE.encode()).frame
    assert [str(day.date()) for day in frame["received_date"]] == ["2026-08-27", "2026-08-28"]


def test_total_row_under_the_table_is_dropped_not_quarantined():
    parsed = canonical("service_log", "UPT-P2TK", "layanan.csv", SERVICE.encode())
    assert parsed.frame["ticket_id"].tolist() == ["T-1", "T-2"]
    assert parsed.parse_issues.empty


def test_personal_columns_become_a_keyed_hash_only_with_a_key(monkeypatch):
    frame = canonical("service_log", "UPT-P2TK", "layanan.csv", SERVICE.encode()).frame
    assert "person_key" not in frame
    monkeypatch.setenv("MONEV_PSEUDONYM_KEY", "kunci-rahasia-uji")
    frame = canonical("service_log", "UPT-P2TK", "layanan.csv", SERVICE.encode()).frame
    first, second = frame["person_key"].tolist()
    assert len(first) == 32 and first != second
    assert "3578011203900001" not in frame.to_csv()
    monkeypatch.setenv("MONEV_PSEUDONYM_KEY", "kunci-lain")
    assert canonical("service_log", "UPT-P2TK", "layanan.csv", SERVICE.encode()).frame["person_key"][0] != first


def test_json_records_from_an_api():
    records = [{"id": "R-1", "tanggal": "2026-08-01T09:00:00+07:00", "u1_persyaratan": 4, "u2_prosedur": 3,
                "u3_waktu": 3, "u4_biaya": 4, "u5_produk": 3, "u6_kompetensi": 4, "u7_perilaku": 4,
                "u8_pengaduan": 3, "u9_sarana": "3"}]  # fmt: skip
    parsed = canonical("skm_response", "UPT-BLK-SBY", "survei.json", json.dumps({"records": records}).encode())
    assert parsed.frame["response_id"].tolist() == ["R-1"]
    assert parsed.frame["u9"].tolist() == [3]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_encodings_and_delimiters(encoding, delimiter):
    text = delimiter.join(["No. Tiket", "Jenis Layanan", "Tgl Masuk", "Status", "Keterangan"]) + "\n"
    text += delimiter.join(["T-1", "Paspor PMI", "01/07/2026", "Selesai", '"lengkap – sudah diverifikasi"']) + "\n"
    frame = canonical("service_log", "UPT-P2TK", "layanan.csv", text.encode(encoding)).frame
    assert frame["ticket_id"].tolist() == ["T-1"]
    assert frame["service_code"].tolist() == ["P2TK-PASPOR"]


def test_complaint_register_keeps_dates_and_channel_but_never_the_text():
    text = (
        "No. Pengaduan,Nama Pelapor,Tanggal Pengaduan,Kanal Pengaduan,Isi Pengaduan,Tanggal Tanggapan,Status\n"
        "ADU-1,Siti Rahayu,02/07/2026,SP4N-LAPOR!,Petugas meminta uang tambahan,03/07/2026,Proses\n"
        "ADU-2,Budi Santoso,05/07/2026,wa,Antrean lama,05/07/2026,Selesai\n"
    )
    frame = canonical("complaint_log", "UPT-P2TK", "pengaduan.csv", text.encode()).frame
    assert frame["channel"].tolist() == ["sp4n_lapor", "whatsapp"]
    assert frame["status"].tolist() == ["proses", "selesai"]
    assert "uang tambahan" not in frame.to_csv() and "Siti" not in frame.to_csv()


def test_perception_items_map_by_wording_without_confusing_procedure_items():
    text = (
        "Timestamp,IPAK2 Tidak ada pelayanan di luar prosedur,IPKP3 Prosedur pelayanan mudah,IPKP5 Tarif sesuai,"
        "IPAK4 Tidak ada pungutan liar\n"
        "04/07/2026 08:56:27,6,5,4,3\n"
    )
    row = canonical("zi_perception", "UPT-P2TK", "survei_persepsi.csv", text.encode()).frame.iloc[0]
    assert (row["ipak_2"], row["ipkp_3"], row["ipkp_5"], row["ipak_4"]) == (6, 5, 4, 3)


def test_lke_worksheet_areas_and_decimal_comma_scores():
    text = (
        "No;Area;Nilai Pemenuhan;Nilai Reform;Tanggal Penilaian\n"
        "1;Manajemen Perubahan;3,50;3,25;20/09/2026\n"
        "2;Penataan Sistem Manajemen SDM;4.5;4;20/09/2026\n"
        "3;Capaian Kinerja;4,10;;20/09/2026\n"
        "4;Area Lain;1,00;1,00;20/09/2026\n"
        ";Jumlah;12,35;8,25;\n"
    )
    parsed = canonical("zi_lke", "UPT-P2TK", "lke_2026Q3.csv", text.encode())
    frame = parsed.frame
    assert frame["area"].tolist()[:3] == ["manajemen_perubahan", "penataan_sdm", "capaian_kinerja"]
    assert frame["pemenuhan"].tolist()[:3] == [3.5, 4.5, 4.1]
    assert frame["reform"].iloc[0] == 3.25 and pd.isna(frame["reform"].iloc[2])
    assert len(frame) == 4  # the "Jumlah" footer is not an area
    assert parsed.parse_issues[["position", "column", "rule"]].values.tolist() == [[3, "area", "unknown_value"]]


def test_an_unknown_request_channel_is_left_empty_with_a_note_and_the_row_kept():
    text = (
        "No. Tiket;Jenis Layanan;Tgl Masuk;Tgl Selesai;Status;Kanal\n"
        "T-1;Paspor PMI;27/08/2026;28/08/2026;Selesai;Daring\n"
        "T-2;Paspor PMI;27/08/2026;28/08/2026;Selesai;Pos Pelayanan Desa\n"
    )
    parsed = canonical("service_log", "UPT-P2TK", "layanan.csv", text.encode())
    assert parsed.frame["channel"].tolist()[0] == "online" and pd.isna(parsed.frame["channel"].tolist()[1])
    assert parsed.parse_issues.empty
    assert parsed.unmatched_answers() == {"channel": ["Pos Pelayanan Desa"]}


def test_contributions_and_varying_levies_are_never_judged_as_illegal_levies():
    from pipelines.indicators.tariff import free_service_charged_count, overcharged_count

    text = (
        "No. Tiket;Jenis Layanan;Tgl Masuk;Tgl Selesai;Status;Biaya\n"
        "T-1;Kepesertaan BPJS-TK;03/08/2026;03/08/2026;Selesai;Rp 37.500\n"  # the PMI's contribution
        "T-2;Paspor PMI;15/06/2023;16/06/2023;Selesai;Rp 55.000\n"  # before the circular: the fee
        "T-3;Paspor PMI;04/09/2023;05/09/2023;Selesai;Rp 55.000\n"  # after it: an illegal levy
    )
    frame = canonical("service_log", "UPT-P2TK", "layanan.csv", text.encode()).frame
    assert frame["official_tariff"].tolist()[1:] == [55_000, 0] and pd.isna(frame["official_tariff"][0])
    assert free_service_charged_count(frame) == (1, 1)
    assert overcharged_count(frame) == (1, 2)
