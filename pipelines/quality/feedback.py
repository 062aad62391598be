"""Feedback for a unit, in Indonesian: one workbook per unit and quarter, one row per problem.

The data team forwards it unchanged: it says which file, row and column, what the unit
wrote, what is wrong and what to do. It lives beside the quarantine it is made from:
`quarantine/feedback/year=YYYY/quarter=Q/unit_code=…/umpan_balik_<unit>_<YYYY>-Q<q>.xlsx`.
"""

from __future__ import annotations

import io
from collections import Counter
from datetime import datetime

from pipelines.periods import Quarter
from pipelines.registry import Unit
from pipelines.storage import DataRoot
from pipelines.warehouse.partitions import partition_parts

RULE_LABELS = {
    "not_a_date": "Bukan tanggal yang valid",
    "not_an_amount": "Bukan nominal rupiah yang valid",
    "not_a_number": "Bukan angka",
    "not_a_quarter": "Bukan triwulan yang valid",
    "unknown_value": "Nilai tidak dikenal",
    "other_unit": "Data milik unit lain",
    "no_standard": "Belum ada standar pelayanan pada tanggal itu",
    "expect_column_values_to_not_match_regex": "Ditulis seperti rumus Excel",
    "duplicate_row": "Baris ganda",
    "file_rejected": "Berkas ditolak",
    "expect_column_values_to_not_be_null": "Wajib diisi",
    "expect_compound_columns_to_be_unique": "Nomor tercatat lebih dari sekali",
    "expect_column_values_to_be_in_set": "Nilai tidak sesuai pilihan yang berlaku",
    "expect_column_values_to_be_between": "Di luar rentang yang diizinkan",
    "expect_column_pair_values_a_to_be_greater_than_b": "Urutan tanggal tidak masuk akal",
}
HEADERS = ("No", "Berkas", "Baris", "Kolom", "Nilai yang ditulis", "Masalah", "Yang harus dilakukan")
WIDTHS = (5, 34, 7, 24, 28, 38, 70)


def feedback_name(unit: Unit, quarter: Quarter) -> str:
    return f"umpan_balik_{unit.code}_{quarter.label}.xlsx"


def feedback_rows(records: list[dict]) -> list[tuple]:
    """Problems in file and row order; a file-level rejection comes first for its file."""
    ordered = sorted(records, key=lambda r: (r["file_name"], r["source_row"] is not None, r["source_row"] or 0))
    return [
        (
            number,
            record["file_name"],
            record["source_row"] if record["source_row"] is not None else "-",
            record.get("header") or record.get("column") or "-",
            "" if record.get("value") is None else str(record["value"]),
            RULE_LABELS.get(record["rule"], record["rule"]),
            record.get("fix") or "",
        )
        for number, record in enumerate(ordered, start=1)
    ]


def feedback_workbook(unit: Unit, quarter: Quarter, records: list[dict]) -> bytes:
    import xlsxwriter

    sink = io.BytesIO()
    workbook = xlsxwriter.Workbook(sink, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    workbook.set_properties({"title": f"Umpan balik data {unit.code} {quarter.label}", "created": datetime(2000, 1, 1)})
    bold = workbook.add_format({"bold": True})
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    sheet = workbook.add_worksheet("Umpan Balik")
    sheet.write(0, 0, f"Umpan balik kualitas data — {unit.name} ({unit.code})", bold)
    sheet.write(1, 0, f"Triwulan {quarter.quarter} tahun {quarter.year}")
    sheet.write(2, 0, "Baris di bawah ini belum masuk ke data monev. Mohon perbaiki lalu kirim ulang berkasnya.")
    start = 4
    sheet.write_row(start, 0, HEADERS, header)
    for offset, row in enumerate(feedback_rows(records), start=1):
        sheet.write_row(start + offset, 0, row, wrap)
    for column, width in enumerate(WIDTHS):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(start + 1, 0)
    sheet.autofilter(start, 0, start + len(records), len(HEADERS) - 1)
    summary = workbook.add_worksheet("Ringkasan")
    summary.write_row(0, 0, ("Berkas", "Masalah", "Jumlah"), header)
    counts = Counter((record["file_name"], RULE_LABELS.get(record["rule"], record["rule"])) for record in records)
    for row, ((file_name, label), count) in enumerate(sorted(counts.items()), start=1):
        summary.write_row(row, 0, (file_name, label, count))
    summary.set_column(0, 1, 40)
    workbook.close()
    return sink.getvalue()


def write_feedback(root: DataRoot, unit: Unit, quarter: Quarter, records: list[dict]) -> str | None:
    """Write (or, when nothing is wrong, remove) the unit's feedback workbook; returns its address."""
    folder = partition_parts("quarantine", "feedback", quarter, unit.code)
    root.delete_dir(*folder)
    if not records:
        return None
    root.write_bytes(feedback_workbook(unit, quarter, records), *folder, feedback_name(unit, quarter))
    return root.uri_of(*folder, feedback_name(unit, quarter))
