"""Quarterly release: `releases/<YYYY>-Q<q>/v<n>/`, sealed once written, never modified.

Publishing a quarter whose figures have not changed returns the existing version; changed
figures become the next version, with a changelog against the previous one.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from pipelines.notify.mail import XLSX_TYPE
from pipelines.periods import Quarter
from pipelines.publish.changelog import Version, changelog
from pipelines.publish.content import ReleaseContent, release_content
from pipelines.publish.data_dictionary import RELEASE_NOTE, data_dictionary
from pipelines.publish.datapackage import LICENSE, Resource, descriptor, validate_package
from pipelines.publish.gate import completeness
from pipelines.publish.ms_ind import MS_IND_COLUMNS, ms_ind_rows
from pipelines.publish.quality_annex import ANNEX_COLUMNS, ANNEX_FIELD_TYPES
from pipelines.publish.tables import (
    FIELD_TYPES,
    INDICATOR_COLUMNS,
    PROFILE_COLUMNS,
    ROLLUP_COLUMNS,
    DataTable,
    csv_bytes,
    csv_rows,
    indicator_rows,
    parquet_bytes,
    profile_rows,
    rollup_rows,
)
from pipelines.registry import Registry, registry, unconfirmed_standards
from pipelines.runstate import received_files, release_log
from pipelines.runstate.locks import one_run_at_a_time
from pipelines.settings import get_settings
from pipelines.storage import DataRoot, data_root
from pipelines.warehouse.partitions import read_quarter_table
from pipelines.warehouse.schemas import ROLLUP_QUARTER_INDICATORS

log = logging.getLogger(__name__)

INDICATOR_TABLE = DataTable(
    "indikator-monev", "Indikator monev per unit", INDICATOR_COLUMNS, FIELD_TYPES, ("kode_unit", "kode_indikator")
)
ROLLUP_TABLE = DataTable(
    "indikator-agregat",
    "Indikator monev per instansi dan provinsi (dari gabungan data unit)",
    ROLLUP_COLUMNS,
    FIELD_TYPES,
    ("tingkat", "kode_wilayah", "kode_indikator"),
)
QUALITY_TABLE = DataTable(
    "kualitas-data",
    "Lampiran kualitas data: hasil validasi per unit",
    ANNEX_COLUMNS,
    ANNEX_FIELD_TYPES,
    ("kode_unit", "data"),
)
PROFILE_TABLE = DataTable(
    "ikm-profil-responden",
    "IKM menurut profil responden (kelompok kecil disembunyikan)",
    PROFILE_COLUMNS,
    {"tahun": "integer", "triwulan": "integer", "n": "integer", "nilai": "number"},
    ("kode_unit", "karakteristik", "kelompok"),
)
MS_IND_TABLE = DataTable("kamus-data", "Metadata indikator (MS-Ind BPS)", MS_IND_COLUMNS, {}, ("kode_indikator",))
FINGERPRINTED = (INDICATOR_TABLE, ROLLUP_TABLE, PROFILE_TABLE, QUALITY_TABLE)
"""What the release says; the dictionary's wording, the workbook and the report only present it."""

DICTIONARY_FILE = "kamus_data.md"
CHANGELOG_FILE = "CHANGELOG.md"
SEAL_FILE = "FINGERPRINT"
"""Written last: a release folder holding it is complete."""


@dataclass(frozen=True)
class Release:
    quarter: str
    version: int
    location: str
    created: bool
    """False when the figures were unchanged and the existing version was returned."""
    withheld: dict[str, str]
    """Units published as "belum lapor", with why."""


def workbook_name(quarter: Quarter) -> str:
    return f"monev_zi_{quarter.label}.xlsx"


def report_name(quarter: Quarter, extension: str) -> str:
    return f"laporan_monev_zi_{quarter.label}.{extension}"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def release_dir(quarter: Quarter, version: int) -> tuple[str, str, str]:
    return ("releases", quarter.label, f"v{version}")


def latest_version(root: DataRoot, quarter: Quarter) -> int:
    """The newest sealed version: a folder without its FINGERPRINT (the last file written) is
    an interrupted copy on object storage, and the next build takes its number and replaces it."""
    versions = [
        int(name[1:])
        for name in root.list_dirs("releases", quarter.label)
        if name[:1] == "v" and name[1:].isdigit() and root.exists("releases", quarter.label, name, SEAL_FILE)
    ]
    return max(versions, default=0)


def _fingerprint_of(root: DataRoot, quarter: Quarter, version: int) -> str | None:
    parts = (*release_dir(quarter, version), SEAL_FILE)
    return root.read_bytes(*parts).decode().strip() if root.exists(*parts) else None


def _input_files(reg: Registry, quarter: Quarter) -> list[dict[str, str]]:
    """The files this quarter's figures come from, per unit: the changelog's "why"."""
    return [
        {"unit_code": unit.code, "dataset": item.dataset or "", "file_name": item.file_name, "sha256": item.sha256,
         "received_on": item.delivered_on.isoformat()}
        for unit in reg.units
        for item in received_files.live_files(unit.code, quarter.year, quarter.quarter)
    ]  # fmt: skip


def _previous_version(root: DataRoot, quarter: Quarter, version: int) -> Version:
    folder = release_dir(quarter, version)
    tables = {}
    for table in FINGERPRINTED:
        parts = (*folder, table.file_name(quarter))
        rows = csv_rows(root.read_bytes(*parts)) if root.exists(*parts) else []
        tables[table.title] = rows
    monev = json.loads(root.read_bytes(*folder, "datapackage.json")).get("monev", {})
    return Version(version, tables, monev.get("inputs", []), monev.get("settings", {}))


def _metadata(content: ReleaseContent, version: int, settings_used: dict) -> dict[str, str]:
    quarter = content.quarter
    withheld = "; ".join(f"{code} ({reason})" for code, reason in content.withheld.items()) or "tidak ada"
    return {
        "Judul": f"Monev Zona Integritas Triwulan {quarter.quarter} Tahun {quarter.year}",
        "Wilayah": f"{content.province_code} {content.province_name}",
        "Periode": f"{quarter.first_day:%d-%m-%Y} s.d. {quarter.last_day:%d-%m-%Y}",
        "Versi": str(version),
        "Tanggal terbit": f"{datetime.now(UTC):%Y-%m-%d}",
        "Sumber data": f"{len(content.units)} unit kerja: log layanan, log pengaduan, survei SKM, survei persepsi "
        "ZI dan LKE",
        "Unit belum lapor": withheld,
        "Pengaturan": ", ".join(f"{name} = {value}" for name, value in settings_used.items()),
        "Standar pelayanan belum terkonfirmasi": ", ".join(unconfirmed_standards(content.units)) or "tidak ada",
        "Lisensi": f"{LICENSE['title']} ({LICENSE['name']})",
        "Catatan": "Sel kosong berarti tidak ada data; 'belum lapor' berarti unit belum mengirim data yang dapat "
        "dipakai. Angka gabungan instansi dan provinsi dihitung dari semua baris yang lolos validasi. Tidak memuat "
        "data pribadi; kelompok responden di bawah 5 orang tidak ditampilkan.",
    }


def _resources(quarter: Quarter, version: int) -> list[Resource]:
    csv_type = "text/csv"
    resources = [
        Resource(INDICATOR_TABLE.name, INDICATOR_TABLE.title, INDICATOR_TABLE.file_name(quarter), csv_type,
                 INDICATOR_TABLE.columns, INDICATOR_TABLE.field_types),
        # Parquet carries its own typed schema; frictionless reads it through pandas, where an empty
        # integer becomes NaN and fails the check, so it is described (and verified) as a file.
        Resource(f"{INDICATOR_TABLE.name}-parquet", f"{INDICATOR_TABLE.title} (Parquet, kolom sama dengan CSV)",
                 INDICATOR_TABLE.file_name(quarter, "parquet"), "application/vnd.apache.parquet"),
        *(Resource(table.name, table.title, table.file_name(quarter), csv_type, table.columns, table.field_types)
          for table in (ROLLUP_TABLE, PROFILE_TABLE, QUALITY_TABLE, MS_IND_TABLE)),
        Resource("kamus-data-lengkap", "Kamus data lengkap: tabel, kolom dan indikator", DICTIONARY_FILE,
                 "text/markdown"),
        Resource("buku-kerja", "Buku kerja untuk pimpinan (XLSX)", workbook_name(quarter), XLSX_TYPE),
        Resource("laporan", "Laporan monev (halaman HTML, dapat dibuka tanpa internet)", report_name(quarter, "html"),
                 "text/html"),
        Resource("laporan-pdf", "Laporan monev (PDF)", report_name(quarter, "pdf"), "application/pdf"),
    ]  # fmt: skip
    if version > 1:
        resources.append(Resource("catatan-perubahan", "Catatan perubahan dari versi sebelumnya", CHANGELOG_FILE,
                                  "text/markdown"))  # fmt: skip
    return resources


def _presentations(content: ReleaseContent) -> dict[str, bytes]:
    from pipelines.publish.report import report_html, report_pdf
    from pipelines.publish.summary_workbook import workbook_bytes

    html = report_html(content)
    return {
        workbook_name(content.quarter): workbook_bytes(content),
        report_name(content.quarter, "html"): html.encode("utf-8"),
        report_name(content.quarter, "pdf"): report_pdf(html),
    }


@dataclass(frozen=True)
class Figures:
    """What a release of the quarter would say now, and its fingerprint."""

    content: ReleaseContent
    rows: dict[DataTable, list[dict]]
    files: dict[str, bytes]
    settings_used: dict
    fingerprint: str


def release_figures(quarter: Quarter, root: DataRoot, reg: Registry, now: datetime | None = None) -> Figures:
    settings = get_settings()
    found = completeness(quarter, reg, root, now)
    quality, withheld = found.quality, found.withheld
    content = release_content(root, reg, quarter, withheld, quality, settings.ikm_weight_mode)
    rollups = read_quarter_table(root, "rollup_quarter_indicators", quarter, ROLLUP_QUARTER_INDICATORS)
    rows = {
        INDICATOR_TABLE: indicator_rows(content),
        ROLLUP_TABLE: rollup_rows(reg, quarter, rollups),
        PROFILE_TABLE: profile_rows(content),
        QUALITY_TABLE: quality,
    }
    files = {table.file_name(quarter): csv_bytes(table_rows, table.columns) for table, table_rows in rows.items()}
    settings_used = {
        "ikm_weight_mode": settings.ikm_weight_mode,
        "zi_scale_conversion": settings.zi_scale_conversion,
        "count_receipt_day": settings.count_receipt_day,
        "date_tolerance_days": settings.date_tolerance_days,
        "max_quarantine_share": settings.max_quarantine_share,
    }
    fingerprint = _sha256(b"".join(files.values()) + json.dumps(settings_used, sort_keys=True).encode())
    return Figures(content, rows, files, settings_used, fingerprint)


def figures_changed(quarter: Quarter, root: DataRoot | None = None) -> bool:
    """Whether publishing now would make a new version (there is none yet, or the figures differ from the latest)."""
    root = root or data_root()
    latest = latest_version(root, quarter)
    return (
        not latest or _fingerprint_of(root, quarter, latest) != release_figures(quarter, root, registry()).fingerprint
    )


@one_run_at_a_time("release {quarter}")
def publish_release(quarter: Quarter, root: DataRoot | None = None, now: datetime | None = None) -> Release:
    """Gate, build, validate and seal the quarter's release (or confirm the latest one is current)."""
    root = root or data_root()
    reg = registry()
    figures = release_figures(quarter, root, reg, now)
    content, rows, files, settings_used = figures.content, figures.rows, dict(figures.files), figures.settings_used
    withheld, fingerprint = dict(content.withheld), figures.fingerprint

    latest = latest_version(root, quarter)
    if latest and _fingerprint_of(root, quarter, latest) == fingerprint:
        location = root.uri_of(*release_dir(quarter, latest))
        log.info("%s unchanged since v%d; nothing new published (%s)", quarter, latest, location)
        # A run killed after sealing never told the catalog; noting it again changes nothing otherwise.
        sums = root.read_bytes(*release_dir(quarter, latest), "SHA256SUMS").decode()
        release_log.record_release(str(quarter), latest, location, fingerprint, sums)
        return Release(str(quarter), latest, location, created=False, withheld=withheld)

    version = latest + 1
    log.info("building %s v%d", quarter, version)
    content = replace(content, metadata=_metadata(content, version, settings_used))
    inputs = _input_files(reg, quarter)
    files[INDICATOR_TABLE.file_name(quarter, "parquet")] = parquet_bytes(rows[INDICATOR_TABLE], INDICATOR_TABLE)
    files[MS_IND_TABLE.file_name(quarter)] = csv_bytes(ms_ind_rows(), MS_IND_COLUMNS)
    files[DICTIONARY_FILE] = data_dictionary(strict=False, note=RELEASE_NOTE).encode()
    files |= _presentations(content)
    if latest:
        tables = {table.title: table_rows for table, table_rows in rows.items()}
        current = Version(version, tables, inputs, settings_used)
        keys = {table.title: table.key for table in FINGERPRINTED}
        files[CHANGELOG_FILE] = changelog(quarter, _previous_version(root, quarter, latest), current, keys).encode()
    package = descriptor(
        name=f"monev-zi-{reg.province.name.lower().replace(' ', '-')}-{quarter.label.lower()}",
        title=content.metadata["Judul"] + f" ({reg.province.name.title()})",
        quarter=quarter,
        version=version,
        sources=[f"{unit.code} {unit.name}" for unit in reg.units],
        resources=_resources(quarter, version),
        files=files,
        extra={
            "quarter": str(quarter),
            "settings": settings_used,
            "withheld": withheld,
            "inputs": inputs,
            "unconfirmed_standards": unconfirmed_standards(content.units),
        },
    )
    validate_package(package, files)
    files["datapackage.json"] = (json.dumps(package, indent=2, ensure_ascii=False) + "\n").encode()
    files["SHA256SUMS"] = "".join(f"{_sha256(data)}  {name}\n" for name, data in sorted(files.items())).encode()
    files[SEAL_FILE] = f"{fingerprint}\n".encode()
    with root.replacing_dir(*release_dir(quarter, version), seal=SEAL_FILE) as staging:
        for name, data in files.items():
            root.write_staged(staging, name, data)
    location = root.uri_of(*release_dir(quarter, version))
    release_log.record_release(str(quarter), version, location, fingerprint, files["SHA256SUMS"].decode())
    log.info("published %s v%d at %s (%d files)", quarter, version, location, len(files))
    return Release(str(quarter), version, location, created=True, withheld=withheld)
