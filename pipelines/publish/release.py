"""Quarterly release: `releases/<YYYY>-Q<q>/v<n>/`, sealed once written, never modified.

Publishing a quarter whose figures have not changed returns the existing version; changed
figures become the next version.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import posixpath
from dataclasses import dataclass
from datetime import UTC, datetime

import pyarrow as pa

from pipelines.indicators.catalog import INDICATORS
from pipelines.periods import Quarter
from pipelines.publish.data_dictionary import KAMUS_DATA_COLUMNS, data_dictionary, kamus_data_rows
from pipelines.publish.quality_annex import ANNEX_COLUMNS, ANNEX_FIELD_TYPES, quality_annex_rows
from pipelines.registry import Registry, registry
from pipelines.settings import get_settings
from pipelines.storage import DataRoot, data_root
from pipelines.warehouse.partitions import read_quarter
from pipelines.warehouse.schemas import UNIT_QUARTER_INDICATORS

log = logging.getLogger(__name__)

LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}
NOT_REPORTED = "belum lapor"
CSV_COLUMNS = (
    "kode_provinsi",
    "nama_provinsi",
    "kode_unit",
    "nama_unit",
    "tahun",
    "triwulan",
    "kode_indikator",
    "nama_indikator",
    "nilai",
    "satuan",
    "n",
    "kategori",
)
CSV_FIELD_TYPES = {"tahun": "integer", "triwulan": "integer", "nilai": "number", "n": "integer"}
DICTIONARY_FILE = "kamus_data.md"


@dataclass(frozen=True)
class Release:
    quarter: str
    version: int
    location: str
    created: bool
    """False when the figures were unchanged and the existing version was returned."""


def indicator_rows(reg: Registry, quarter: Quarter, indicators: pa.Table) -> list[dict]:
    """Every unit × indicator; a unit without a value is "belum lapor" with an empty value, never 0."""
    found = {(row["unit_code"], row["indicator_code"]): row for row in indicators.to_pylist()}
    rows = []
    for unit in reg.units:
        for indicator in INDICATORS:
            value = found.get((unit.code, indicator.code))
            number = value["value"] if value else None
            rows.append(
                {
                    "kode_provinsi": reg.province.code,
                    "nama_provinsi": reg.province.name,
                    "kode_unit": unit.code,
                    "nama_unit": unit.name,
                    "tahun": quarter.year,
                    "triwulan": quarter.quarter,
                    "kode_indikator": indicator.code,
                    "nama_indikator": indicator.name,
                    "nilai": _number_text(number),
                    "satuan": indicator.unit,
                    "n": "" if not value or value["n"] is None else value["n"],
                    "kategori": (value["category"] or "") if value else NOT_REPORTED,
                }
            )
    return rows


def _number_text(number: float | None) -> str:
    if number is None:
        return ""
    return str(int(number)) if float(number).is_integer() else f"{number:.2f}"


def _safe_cell(value: object) -> object:
    """Neutralise text a spreadsheet would run as a formula (=, +, -, @)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def csv_bytes(rows: list[dict], columns: tuple[str, ...] = CSV_COLUMNS) -> bytes:
    sink = io.StringIO()
    writer = csv.DictWriter(sink, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _safe_cell(value) for key, value in row.items()})
    return sink.getvalue().encode("utf-8")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Table:
    """One CSV resource of the release."""

    name: str
    title: str
    columns: tuple[str, ...]
    field_types: dict[str, str]

    def file_name(self, quarter: Quarter) -> str:
        return f"{self.name.replace('-', '_')}_{quarter.label}.csv"


TABLES = (
    Table("indikator-monev", "Indikator monev per unit", CSV_COLUMNS, CSV_FIELD_TYPES),
    Table("kualitas-data", "Lampiran kualitas data: hasil validasi per unit", ANNEX_COLUMNS, ANNEX_FIELD_TYPES),
    Table("kamus-data", "Kamus data: katalog indikator", KAMUS_DATA_COLUMNS, {}),
)


def datapackage(reg: Registry, quarter: Quarter, version: int, files: dict[str, bytes], settings_used: dict) -> dict:
    """Frictionless Data Package (v2) descriptor: schemas, sizes and hashes of every resource."""
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": f"monev-zi-{reg.province.name.lower().replace(' ', '-')}-{quarter.label.lower()}",
        "title": f"Monev Zona Integritas {reg.province.name.title()} Triwulan {quarter.quarter} Tahun {quarter.year}",
        "version": f"{version}.0.0",
        "created": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "licenses": [LICENSE],
        "sources": [{"title": f"{unit.code} {unit.name}"} for unit in reg.units],
        "monev": {"quarter": str(quarter), "settings": settings_used},
        "resources": [
            {
                "name": table.name,
                "title": table.title,
                "path": table.file_name(quarter),
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": len(files[table.file_name(quarter)]),
                "hash": f"sha256:{_sha256(files[table.file_name(quarter)])}",
                "schema": {
                    "fields": [{"name": name, "type": table.field_types.get(name, "string")} for name in table.columns],
                    "missingValues": [""],
                },
            }
            for table in TABLES
        ]
        + [
            {
                "name": "kamus-data-lengkap",
                "title": "Kamus data lengkap: tabel, kolom dan indikator",
                "path": DICTIONARY_FILE,
                "format": "md",
                "mediatype": "text/markdown",
                "encoding": "utf-8",
                "bytes": len(files[DICTIONARY_FILE]),
                "hash": f"sha256:{_sha256(files[DICTIONARY_FILE])}",
            }
        ],
    }


def _latest_version(root: DataRoot, quarter: Quarter) -> int:
    versions = [
        int(name[1:]) for name in root.list_dirs("releases", quarter.label) if name[:1] == "v" and name[1:].isdigit()
    ]
    return max(versions, default=0)


def _fingerprint_of(root: DataRoot, quarter: Quarter, version: int) -> str | None:
    parts = ("releases", quarter.label, f"v{version}", "FINGERPRINT")
    return root.read_bytes(*parts).decode().strip() if root.exists(*parts) else None


def publish_release(quarter: Quarter, root: DataRoot | None = None) -> Release:
    root = root or data_root()
    reg = registry()
    settings = get_settings()
    indicators = read_quarter(root, "warehouse", "unit_quarter_indicators", quarter, UNIT_QUARTER_INDICATORS)
    indicator_table, annex_table, dictionary_table = TABLES
    files = {
        indicator_table.file_name(quarter): csv_bytes(indicator_rows(reg, quarter, indicators)),
        annex_table.file_name(quarter): csv_bytes(quality_annex_rows(reg, quarter, root), ANNEX_COLUMNS),
    }
    settings_used = {
        "ikm_weight_mode": settings.ikm_weight_mode,
        "zi_scale_conversion": settings.zi_scale_conversion,
        "date_tolerance_days": settings.date_tolerance_days,
    }
    fingerprint = _sha256(b"".join(files.values()) + json.dumps(settings_used, sort_keys=True).encode())

    latest = _latest_version(root, quarter)
    if latest and _fingerprint_of(root, quarter, latest) == fingerprint:
        location = root.uri_of("releases", quarter.label, f"v{latest}")
        log.info("%s unchanged since v%d; nothing new published (%s)", quarter, latest, location)
        return Release(str(quarter), latest, location, created=False)

    version = latest + 1
    # After the fingerprint: reworded definitions alone make no new version; a new indicator does (in the CSV).
    files[dictionary_table.file_name(quarter)] = csv_bytes(kamus_data_rows(), KAMUS_DATA_COLUMNS)
    files[DICTIONARY_FILE] = data_dictionary(strict=False).encode()
    files["datapackage.json"] = (
        json.dumps(datapackage(reg, quarter, version, files, settings_used), indent=2, ensure_ascii=False) + "\n"
    ).encode()
    files["SHA256SUMS"] = "".join(f"{_sha256(data)}  {name}\n" for name, data in sorted(files.items())).encode()
    files["FINGERPRINT"] = f"{fingerprint}\n".encode()
    with root.replacing_dir("releases", quarter.label, f"v{version}") as staging:
        for name, data in files.items():
            with root.fs.open_output_stream(posixpath.join(staging, name)) as stream:
                stream.write(data)
    location = root.uri_of("releases", quarter.label, f"v{version}")
    log.info("published %s v%d at %s", quarter, version, location)
    return Release(str(quarter), version, location, created=True)
