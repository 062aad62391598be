import io

import pytest
import xlsxwriter

from pipelines.parse.headers import header_config
from pipelines.parse.read import UnreadableFile, read_table


def service_score(row):
    return header_config().header_score("service_log", row)


def test_csv_with_title_block_semicolons_and_windows_1252():
    text = (
        "LAPORAN PELAYANAN TRIWULAN III\n"
        "\n"
        "No. Tiket;Jenis Layanan;Tgl Masuk;Status\n"
        "T-1;Rekomendasi P3MI;01/07/2026;Selesai – lengkap\n"
        'T-2;"Lapor\nTKA";02/07/2026;Proses\n'
    )
    table = read_table("layanan.csv", text.encode("cp1252"), service_score)
    assert table.headers == ["No. Tiket", "Jenis Layanan", "Tgl Masuk", "Status"]
    assert table.num_rows == 2
    assert table.cells.column("c3").to_pylist() == ["Selesai – lengkap", "Proses"]
    assert table.row_numbers.to_pylist() == [4, 5]


def test_xlsx_data_sheet_is_found_below_its_title_block():
    sink = io.BytesIO()
    workbook = xlsxwriter.Workbook(sink, {"in_memory": True})
    workbook.add_worksheet("Petunjuk").write(0, 0, "Isi data di sheet berikut")
    sheet = workbook.add_worksheet("Data")
    sheet.merge_range(0, 0, 0, 3, "LAPORAN PELAYANAN")
    sheet.write_row(3, 0, ["No Registrasi", "Layanan", "Tanggal Permohonan", "Status"])
    sheet.write_row(4, 0, ["R-1", "Paspor PMI", "2026-07-01", "Selesai"])
    sheet.write_row(5, 0, ["R-2", "Paspor PMI", 46204.0, "Selesai"])
    workbook.close()
    table = read_table("layanan.xlsx", sink.getvalue(), service_score)
    assert table.location == "sheet 'Data'"
    assert table.headers == ["No Registrasi", "Layanan", "Tanggal Permohonan", "Status"]
    assert table.cells.column("c0").to_pylist() == ["R-1", "R-2"]
    assert table.row_numbers.to_pylist() == [5, 6]


def test_file_without_known_header_is_unreadable_with_a_hint():
    with pytest.raises(UnreadableFile, match=r"config/headers\.yaml"):
        read_table("layanan.csv", b"a,b,c\n1,2,3\n", service_score)


def test_empty_and_unsupported_files_are_rejected():
    with pytest.raises(UnreadableFile, match="empty"):
        read_table("layanan.csv", b"", service_score)
    with pytest.raises(UnreadableFile, match=r"\.pdf"):
        read_table("layanan.pdf", b"%PDF", service_score)
