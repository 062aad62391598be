"""The release's data tables, in the regional open-data column convention, as CSV and Parquet.

These rows are what the release *says*; the workbook and report only present them. Their bytes
(with the settings used) are the release fingerprint: same rows, same release.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.indicators.definitions import BY_CODE, INDICATORS
from pipelines.indicators.skm_profile import MIN_CELL_RESPONDENTS
from pipelines.periods import Quarter
from pipelines.publish.cells import safe_cell
from pipelines.publish.content import NOT_REPORTED, ReleaseContent
from pipelines.registry import Registry

PROVINCE_COLUMNS = ("kode_provinsi", "nama_provinsi")
PERIOD_COLUMNS = ("tahun", "triwulan")
MEASURE_COLUMNS = ("kode_indikator", "nama_indikator", "nilai", "satuan", "n", "kategori")
INDICATOR_COLUMNS = (*PROVINCE_COLUMNS, "kode_unit", "nama_unit", *PERIOD_COLUMNS, *MEASURE_COLUMNS)
"""The regional open-data convention (Satu Data Indonesia portals)."""
ROLLUP_COLUMNS = (*PROVINCE_COLUMNS, "tingkat", "kode_wilayah", "nama_wilayah", *PERIOD_COLUMNS, *MEASURE_COLUMNS)
PROFILE_COLUMNS = (
    *PROVINCE_COLUMNS,
    "kode_unit",
    "nama_unit",
    *PERIOD_COLUMNS,
    "karakteristik",
    "kelompok",
    "n",
    "nilai",
    "kategori",
)
SUPPRESSED = (
    f"disembunyikan (kurang dari {MIN_CELL_RESPONDENTS} responden, atau agar kelompok kecil lain tidak dapat "
    "dihitung dari total)"
)
FIELD_TYPES = {"tahun": "integer", "triwulan": "integer", "nilai": "number", "n": "integer"}
LEVEL_NAMES = {"agency": "instansi", "province": "provinsi"}


@dataclass(frozen=True, eq=False)
class DataTable:
    """One tabular resource of the release."""

    name: str
    title: str
    columns: tuple[str, ...]
    field_types: Mapping[str, str]
    key: tuple[str, ...]
    """Columns that identify a row, for the changelog between versions."""

    def file_name(self, quarter: Quarter, extension: str = "csv") -> str:
        return f"{self.name.replace('-', '_')}_{quarter.label}.{extension}"


def number_text(number: float | None) -> str:
    """Two decimals at most, whole numbers without any: how the figures are read aloud in a meeting."""
    if number is None:
        return ""
    return str(int(number)) if float(number).is_integer() else f"{number:.2f}"


def indicator_rows(content: ReleaseContent) -> list[dict]:
    """Every unit × indicator; a unit without a value is "belum lapor" with an empty value, never 0."""
    rows = []
    for unit in content.units:
        for indicator in INDICATORS:
            value = content.value(unit.code, indicator.code)
            rows.append(
                {
                    "kode_provinsi": content.province_code,
                    "nama_provinsi": content.province_name,
                    "kode_unit": unit.code,
                    "nama_unit": unit.name,
                    "tahun": content.quarter.year,
                    "triwulan": content.quarter.quarter,
                    "kode_indikator": indicator.code,
                    "nama_indikator": indicator.name,
                    "nilai": number_text(value.value) if value else "",
                    "satuan": indicator.unit,
                    "n": "" if not value or value.n is None else value.n,
                    "kategori": (value.category or "") if value else NOT_REPORTED,
                }
            )
    return rows


def rollup_rows(reg: Registry, quarter: Quarter, rollups: pa.Table) -> list[dict]:
    """Agency and province figures, pooled from their units' rows (see indicators/build.py)."""
    area_names = {agency.code: agency.name for agency in reg.agencies} | {reg.province.code: reg.province.name}
    order = {code: position for position, code in enumerate(area_names)}
    indicator_order = {indicator.code: position for position, indicator in enumerate(INDICATORS)}
    rows = sorted(
        rollups.to_pylist(),
        key=lambda row: (
            row["level"] != "province",
            order.get(row["area_code"], 0),
            indicator_order[row["indicator_code"]],
        ),
    )
    return [
        {
            "kode_provinsi": reg.province.code,
            "nama_provinsi": reg.province.name,
            "tingkat": LEVEL_NAMES[row["level"]],
            "kode_wilayah": row["area_code"],
            "nama_wilayah": area_names.get(row["area_code"], row["area_code"]),
            "tahun": quarter.year,
            "triwulan": quarter.quarter,
            "kode_indikator": row["indicator_code"],
            "nama_indikator": BY_CODE[row["indicator_code"]].name,
            "nilai": number_text(row["value"]),
            "satuan": BY_CODE[row["indicator_code"]].unit,
            "n": "" if row["n"] is None else row["n"],
            "kategori": row["category"] or "",
        }
        for row in rows
    ]


def profile_rows(content: ReleaseContent) -> list[dict]:
    """IKM by respondent profile; a suppressed cell keeps its group but carries no number at all."""
    names = {unit.code: unit.name for unit in content.units}
    return [
        {
            "kode_provinsi": content.province_code,
            "nama_provinsi": content.province_name,
            "kode_unit": cell["unit_code"],
            "nama_unit": names.get(cell["unit_code"], cell["unit_code"]),
            "tahun": content.quarter.year,
            "triwulan": content.quarter.quarter,
            "karakteristik": cell["characteristic"],
            "kelompok": cell["group"],
            "n": "" if cell["suppressed"] else cell["respondents"],
            "nilai": "" if cell["suppressed"] else number_text(cell["ikm"]),
            "kategori": SUPPRESSED if cell["suppressed"] else cell["grade"],
        }
        for cell in content.profile
    ]


def csv_rows(data: bytes) -> list[dict]:
    """A release CSV read back (the previous version for the changelog, the figures for the e-mail)."""
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def csv_bytes(rows: list[dict], columns: tuple[str, ...]) -> bytes:
    sink = io.StringIO()
    writer = csv.DictWriter(sink, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: safe_cell(value) for key, value in row.items()})
    return sink.getvalue().encode("utf-8")


_ARROW_TYPES = {"integer": pa.int64(), "number": pa.float64(), "string": pa.string()}


def parquet_bytes(rows: list[dict], table: DataTable) -> bytes:
    """The same rows typed for analysts (numbers as numbers, empty as null); text is not neutralised,
    as no spreadsheet opens Parquet."""
    schema = pa.schema([(name, _ARROW_TYPES[table.field_types.get(name, "string")]) for name in table.columns])
    typed = [{name: (None if row[name] == "" else row[name]) for name in table.columns} for row in rows]
    for row in typed:
        for name in table.columns:
            if row[name] is not None and table.field_types.get(name) == "number":
                row[name] = float(row[name])
    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pylist(typed, schema=schema), sink, compression="zstd")
    return sink.getvalue().to_pybytes()
