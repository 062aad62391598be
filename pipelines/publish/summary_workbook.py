"""The release's XLSX workbook for officials: a summary per unit, one sheet per theme, metadata.

Officials open it in Excel and forward it, so numbers are numbers with formats, headers are in
Indonesian, frozen and filterable, and every text cell is written as text (never a formula).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pipelines.indicators.definitions import BY_CODE
from pipelines.publish.cells import safe_cell
from pipelines.publish.content import NOT_REPORTED, ReleaseContent, Value
from pipelines.publish.tables import SUPPRESSED

THEMES = {
    "Pelayanan": ("services_received", "services_completed", "on_time_rate", "processing_days_p50",
                  "processing_days_p90", "backlog_overdue", "online_share"),
    "Tarif": ("tariff_compliance_rate", "overcharged_count", "free_service_charged_count"),
    "Pengaduan": ("complaints", "complaints_per_1000_services", "complaint_response_on_time_rate",
                  "complaint_resolved_rate", "complaint_resolution_days_p50"),
    "SKM-IKM": ("skm_respondents", "skm_tally_respondents", "ikm", "ikm_ci95_low", "ikm_ci95_high",
                *(f"ikm_u{number}" for number in range(1, 10)), "skm_sample_required"),
    "Persepsi ZI": ("zi_respondents", "ipak", "ipak_component", "ipkp", "ipkp_component"),
    "Kesiapan ZI": ("zi_pengungkit", "zi_hasil", "zi_total", "wbk_ready", "wbbm_ready"),
    "Rencana Aksi": ("action_plan_items", "action_plan_realisation", "action_plan_overdue", "skm_followup_coverage"),
}  # fmt: skip
"""Sheet → indicator codes; every catalogue indicator is on exactly one sheet (a test holds this)."""

DECIMAL, COUNT, TEXT = "0.00", "#,##0", None
CellFormat = str | None | Callable[[Sequence[object]], str | None]


@dataclass(frozen=True)
class Column:
    header: str
    width: int
    number_format: str | None
    cell: Callable[[dict], object]


def _ready(value: Value | None) -> str:
    if value is None or value.value is None:
        return ""
    return "Ya" if value.value == 1 else "Belum"


def _summary_columns(content: ReleaseContent) -> list[Column]:
    def number(code: str) -> Callable[[dict], object]:
        return lambda unit: (content.value(unit["code"], code) or Value(None, None, None)).value

    def category(code: str) -> Callable[[dict], object]:
        return lambda unit: (content.value(unit["code"], code) or Value(None, None, None)).category or ""

    return [
        Column("Kode unit", 14, TEXT, lambda unit: unit["code"]),
        Column("Nama unit", 42, TEXT, lambda unit: unit["name"]),
        Column("Instansi", 36, TEXT, lambda unit: unit["agency"]),
        Column("IKM", 8, DECIMAL, number("ikm")),
        Column("IKM batas bawah (95%)", 10, DECIMAL, number("ikm_ci95_low")),
        Column("IKM batas atas (95%)", 10, DECIMAL, number("ikm_ci95_high")),
        Column("Mutu pelayanan", 16, TEXT, category("ikm")),
        Column("% layanan tepat waktu", 12, DECIMAL, number("on_time_rate")),
        Column("% kepatuhan tarif", 12, DECIMAL, number("tariff_compliance_rate")),
        Column("Jumlah pengaduan", 11, COUNT, number("complaints")),
        Column("% pengaduan tuntas tepat waktu", 14, DECIMAL, number("complaint_resolved_rate")),
        Column("Nilai ZI", 9, DECIMAL, number("zi_total")),
        Column("Siap Menuju WBK", 10, TEXT, lambda unit: _ready(content.value(unit["code"], "wbk_ready"))),
        Column("Keterangan WBK", 50, TEXT, category("wbk_ready")),
        Column("Siap Menuju WBBM", 10, TEXT, lambda unit: _ready(content.value(unit["code"], "wbbm_ready"))),
        Column("Keterangan WBBM", 50, TEXT, category("wbbm_ready")),
        Column(
            "Peringatan dini",
            60,
            TEXT,
            lambda unit: "; ".join(warning.reason for warning in content.warnings if warning.unit_code == unit["code"]),
        ),
        Column("Status", 40, TEXT, lambda unit: unit["status"]),
    ]


def _value_format(row: Sequence[object]) -> str:
    """Counts as whole numbers, everything else with two decimals (row[2] is the indicator code)."""
    return COUNT if BY_CODE[str(row[2])].unit in ("layanan", "pengaduan", "responden") else DECIMAL


class _Writer:
    """xlsxwriter with the workbook's conventions: header style, frozen row, filter, typed cells."""

    def __init__(self, sink: io.BytesIO, content: ReleaseContent) -> None:
        import xlsxwriter

        quarter = content.quarter
        self.book = xlsxwriter.Workbook(sink, {"in_memory": True, "strings_to_formulas": False})
        self.book.set_properties(
            {
                "title": f"Monev Zona Integritas Triwulan {quarter.quarter} Tahun {quarter.year}",
                "subject": f"Indikator monev ZI {content.province_name}",
                "author": "Platform monev ZI",
                "company": content.province_name,
            }
        )
        self.header = self.book.add_format(
            {"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True, "valign": "top"}
        )
        self.formats = {DECIMAL: self.book.add_format({"num_format": DECIMAL}),
                        COUNT: self.book.add_format({"num_format": COUNT})}  # fmt: skip

    def sheet(self, name: str, columns: Sequence[tuple[str, int]], rows: Sequence[Sequence[object]],
              formats: Sequence[CellFormat]) -> None:  # fmt: skip
        """`formats` per column: a number format, None, or a function of the row (formats differ by indicator)."""
        sheet = self.book.add_worksheet(name)
        for position, (header, width) in enumerate(columns):
            sheet.write_string(0, position, header, self.header)
            sheet.set_column(position, position, width)
        for row_number, row in enumerate(rows, start=1):
            for position, value in enumerate(row):
                if value is None or value == "":
                    sheet.write_blank(row_number, position, None)
                elif isinstance(value, int | float) and not isinstance(value, bool):
                    number_format = formats[position]
                    if callable(number_format):
                        number_format = number_format(row)
                    sheet.write_number(row_number, position, value, self.formats.get(number_format))
                else:
                    sheet.write_string(row_number, position, str(safe_cell(str(value))))
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)

    def close(self) -> None:
        self.book.close()


def _units(content: ReleaseContent) -> list[dict]:
    return [
        {"code": unit.code, "name": unit.name, "agency": content.agency_names.get(unit.agency, unit.agency),
         "status": f"{NOT_REPORTED}: {content.withheld[unit.code]}" if unit.code in content.withheld else "lapor"}
        for unit in content.units
    ]  # fmt: skip


def _theme_rows(content: ReleaseContent, codes: Sequence[str]) -> list[list[object]]:
    rows = []
    for unit in content.units:
        for code in codes:
            value = content.value(unit.code, code)
            indicator = BY_CODE[code]
            category = NOT_REPORTED if unit.code in content.withheld else (value.category if value else "") or ""
            rows.append([unit.code, unit.name, code, indicator.name, value.value if value else None,
                         indicator.unit, value.n if value else None, category])  # fmt: skip
    return rows


THEME_COLUMNS = (("Kode unit", 14), ("Nama unit", 40), ("Kode indikator", 24), ("Nama indikator", 44),
                 ("Nilai", 10), ("Satuan", 18), ("n", 8), ("Kategori", 50))  # fmt: skip


def workbook_bytes(content: ReleaseContent) -> bytes:
    sink = io.BytesIO()
    writer = _Writer(sink, content)
    units = _units(content)
    summary = _summary_columns(content)
    writer.sheet("Ringkasan", [(column.header, column.width) for column in summary],
                 [[column.cell(unit) for column in summary] for unit in units],
                 [column.number_format for column in summary])  # fmt: skip
    for name, codes in THEMES.items():
        rows = _theme_rows(content, codes)
        writer.sheet(name, THEME_COLUMNS, rows, [None, None, None, None, _value_format, None, COUNT, None])
    writer.sheet(
        "Tindak Lanjut SKM",
        (("Kode unit", 14), ("Unsur SKM di bawah mutu B", 34), ("NRR triwulan ini", 10), ("Rencana tindak lanjut", 60),
         ("Triwulan rencana", 10), ("NRR pada triwulan rencana", 12), ("Realisasi (%)", 10), ("Status", 10)),
        [[row.unit_code, row.element, row.nrr, row.action, row.planned_quarter or "", row.nrr_when_planned,
          row.realisation, row.status or ""] for row in content.followups],
        [None, None, DECIMAL, None, None, DECIMAL, DECIMAL, None],
    )  # fmt: skip
    writer.sheet(
        "Profil Responden",
        (("Kode unit", 14), ("Karakteristik", 16), ("Kelompok", 14), ("Responden", 11), ("IKM", 8),
         ("Mutu / keterangan", 60)),
        [[cell["unit_code"], cell["characteristic"], cell["group"], cell["respondents"], cell["ikm"],
          SUPPRESSED if cell["suppressed"] else cell["grade"]] for cell in content.profile],
        [None, None, None, COUNT, DECIMAL, None],
    )  # fmt: skip
    quality_columns = list(content.quality[0]) if content.quality else []
    writer.sheet(
        "Kualitas Data",
        [(column.replace("_", " ").capitalize(), 16 if column != "nama_unit" else 40) for column in quality_columns],
        [[row[column] for column in quality_columns] for row in content.quality],
        [COUNT if column.startswith(("baris", "berkas", "aturan")) else None for column in quality_columns],
    )
    quarter = content.quarter
    metadata = {
        "Triwulan": f"Triwulan {quarter.quarter} Tahun {quarter.year}",
        "Provinsi": f"{content.province_code} {content.province_name}",
        **content.metadata,
        "Cara membaca": "Sel kosong berarti tidak ada data. 'belum lapor' berarti unit belum mengirim data yang "
        "dapat dipakai untuk triwulan ini; nilainya tidak dianggap nol.",
    }
    writer.sheet("Metadata", (("Keterangan", 24), ("Isi", 100)), list(metadata.items()), [None, None])
    writer.close()
    return sink.getvalue()
