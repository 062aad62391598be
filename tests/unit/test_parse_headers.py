import pytest

from pipelines.parse.headers import HeaderError, header_config


def test_indonesian_header_variants_map_to_canonical_columns():
    headers = [
        "No. Tiket",
        "Nama Pemohon",
        "NIK",
        "Jenis Layanan",
        "Tgl Masuk",
        "Tanggal Penyelesaian",
        "STATUS",
    ]
    mapping = header_config().map_headers("service_log", headers)
    assert mapping == {
        "ticket_id": 0,
        "service_code": 3,
        "received_date": 4,
        "completed_date": 5,
        "status": 6,
    }


def test_personal_columns_are_not_mapped():
    mapping = header_config().map_headers("service_log", ["Nama Pemohon", "NIK", "No. HP"])
    assert mapping == {}


def test_survey_questions_map_by_wording_even_when_u8_and_u9_are_swapped():
    headers = [
        "Stempel waktu",
        "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
        "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
        "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
    ]
    mapping = header_config().map_headers("skm_response", headers)
    assert mapping["submitted_date"] == 0
    assert mapping["u3"] == 1
    assert mapping["u9"] == 2
    assert mapping["u8"] == 3


def test_two_columns_claiming_one_canonical_column_is_an_error():
    with pytest.raises(HeaderError, match='"Tgl Masuk", "Tanggal Permohonan"'):
        header_config().map_headers("service_log", ["Tgl Masuk", "Tanggal Permohonan"])
