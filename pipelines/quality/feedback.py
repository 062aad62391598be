"""Feedback for a unit, in Indonesian: a workbook per unit and quarter, and the full list beside it as CSV.

The data team forwards both unchanged: they say which file, row and column, what the unit wrote,
what is wrong and what to do. A unit cannot act on a quarter-million lines, so the workbook lists
the first problems of each kind (in file and row order) with every kind's count; the CSV beside it
lists them all. They live beside the quarantine they are made from:
`quarantine/feedback/year=YYYY/quarter=Q/unit_code=…/umpan_balik_<unit>_<YYYY>-Q<q>.xlsx` (and `.csv`).
"""

from __future__ import annotations

import io
from datetime import datetime

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from pipelines.periods import Quarter
from pipelines.registry import Unit
from pipelines.storage import DataRoot
from pipelines.warehouse.partitions import partition_parts

LISTED_PER_RULE = 100
"""Problems of one kind the workbook lists; the CSV has every one."""
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


def feedback_name(unit: Unit, quarter: Quarter, extension: str = "xlsx") -> str:
    return f"umpan_balik_{unit.code}_{quarter.label}.{extension}"


def feedback_table(records: pa.Table) -> pa.Table:
    """Every problem as the unit reads it (columns HEADERS, rule in Indonesian), in file and row order; a file-level
    rejection comes first for its file. `rule` is kept last, to pick the first problems of each kind."""
    ordered = records.sort_by([("file_name", "ascending", "at_start"), ("source_row", "ascending", "at_start")])
    rules = ordered.column("rule").combine_chunks().dictionary_encode()
    labels = pa.array([RULE_LABELS.get(rule, rule) for rule in rules.dictionary.to_pylist()], pa.string())
    column_named = pc.coalesce(ordered.column("header"), ordered.column("column"), pa.scalar("-"))
    return pa.table(
        {
            HEADERS[0]: pa.array(range(1, ordered.num_rows + 1), pa.int64()),
            HEADERS[1]: ordered.column("file_name"),
            HEADERS[2]: pc.fill_null(pc.cast(ordered.column("source_row"), pa.string()), "-"),
            HEADERS[3]: column_named,
            HEADERS[4]: pc.fill_null(ordered.column("value"), ""),
            HEADERS[5]: pc.take(labels, rules.indices),
            HEADERS[6]: pc.fill_null(ordered.column("fix"), ""),
            "rule": ordered.column("rule"),
        }
    )


def _listed(problems: pa.Table) -> pa.Table:
    """The first LISTED_PER_RULE problems of each kind, in their order."""
    rules = pd.Series(problems.column("rule").to_numpy(zero_copy_only=False))
    return problems.filter(pa.array(rules.groupby(rules).cumcount().to_numpy() < LISTED_PER_RULE))


def feedback_workbook(unit: Unit, quarter: Quarter, problems: pa.Table) -> bytes:
    import xlsxwriter

    listed = _listed(problems)
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
    if listed.num_rows < problems.num_rows:
        shown, total = (f"{count:,}".replace(",", ".") for count in (listed.num_rows, problems.num_rows))
        note = (
            f"Ditampilkan {shown} dari {total} masalah (paling banyak {LISTED_PER_RULE} per jenis masalah). "
            f"Daftar lengkap ada di berkas {feedback_name(unit, quarter, 'csv')}."
        )
        sheet.write(3, 0, note, bold)
    start = 4
    sheet.write_row(start, 0, HEADERS, header)
    columns = [listed.column(name).to_pylist() for name in HEADERS]
    for offset, row in enumerate(zip(*columns, strict=True), start=1):
        sheet.write_row(start + offset, 0, row, wrap)
    for column, width in enumerate(WIDTHS):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(start + 1, 0)
    sheet.autofilter(start, 0, start + listed.num_rows, len(HEADERS) - 1)
    summary = workbook.add_worksheet("Ringkasan")
    summary.write_row(0, 0, ("Berkas", "Masalah", "Jumlah"), header)
    counts = problems.group_by([HEADERS[1], HEADERS[5]]).aggregate([([], "count_all")])
    counts = counts.sort_by([(HEADERS[1], "ascending"), (HEADERS[5], "ascending")])
    for row, entry in enumerate(counts.to_pylist(), start=1):
        summary.write_row(row, 0, (entry[HEADERS[1]], entry[HEADERS[5]], entry["count_all"]))
    summary.set_column(0, 1, 40)
    workbook.close()
    return sink.getvalue()


FORMULA_START = r"^[=+\-@\t\r]"
"""What makes a spreadsheet read a CSV cell as a formula."""


def _as_text(column: pa.Array) -> pa.Array:
    """A cell a spreadsheet would take for a formula (a unit's `=HYPERLINK(…)`) is kept as text: a leading quote."""
    if not pa.types.is_string(column.type):
        return column
    formula = pc.fill_null(pc.match_substring_regex(column, FORMULA_START), False)
    return pc.if_else(formula, pc.binary_join_element_wise("'", column, ""), column)


def feedback_csv(problems: pa.Table) -> bytes:
    """Every problem, as UTF-8 with a byte-order mark so Excel shows the unit's own characters."""
    sink = io.BytesIO()
    sink.write(b"\xef\xbb\xbf")
    table = pa.table({name: _as_text(problems.column(name).combine_chunks()) for name in HEADERS})
    pacsv.write_csv(table, sink)
    return sink.getvalue()


def write_feedback(root: DataRoot, unit: Unit, quarter: Quarter, records: pa.Table) -> str | None:
    """Write (or, when nothing is wrong, remove) the unit's feedback workbook and list; returns the workbook's
    address."""
    folder = partition_parts("quarantine", "feedback", quarter, unit.code)
    root.delete_dir(*folder)
    if not records.num_rows:
        return None
    problems = feedback_table(records)
    root.write_bytes(feedback_csv(problems), *folder, feedback_name(unit, quarter, "csv"))
    root.write_bytes(feedback_workbook(unit, quarter, problems), *folder, feedback_name(unit, quarter))
    return root.uri_of(*folder, feedback_name(unit, quarter))
