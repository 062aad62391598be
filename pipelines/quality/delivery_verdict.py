"""What became of one delivered file, as its unit reads it: the verdict, the row counts and the file's problems.

The unit portal shows it and the unit's e-mail tells it; both read the catalog (`ingest_log`) and the quarantine
the load wrote, so they can never disagree with the warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from pipelines.periods import Quarter
from pipelines.quality.feedback import HEADERS, feedback_name, feedback_table
from pipelines.registry import Unit
from pipelines.runstate import received_files
from pipelines.storage import DataRoot
from pipelines.warehouse.partitions import partition_parts, read_partition
from pipelines.warehouse.schemas import QUARANTINE, QUARANTINE_TABLE

JUDGED = ("accepted", "partial", "rejected")
"""A file's statuses once its load has judged it."""
VERDICT_LABELS = {
    "received": "sedang diproses",
    "accepted": "diterima",
    "partial": "sebagian",
    "rejected": "ditolak",
    "duplicate": "sama dengan kiriman sebelumnya",
}
"""How a unit reads a file's status."""


@dataclass(frozen=True)
class DeliveryVerdict:
    entry: dict
    """The file's ingest_log row."""
    quarters: tuple[Quarter, ...]
    """The quarters its rows were loaded into."""
    problems: pa.Table
    """Its problems as the feedback workbook lists them (feedback.HEADERS, then `rule`), in row order."""

    @property
    def status(self) -> str:
        return self.entry["status"]

    @property
    def label(self) -> str:
        return VERDICT_LABELS.get(self.status, self.status)


def file_problems(root: DataRoot, unit_code: str, sha256: str, quarters: tuple[Quarter, ...]) -> pa.Table:
    """The problems of the file with these bytes, from the unit's quarantine of each quarter it touched."""
    found = [
        read_partition(
            root, "quarantine", QUARANTINE_TABLE, quarter, unit_code, QUARANTINE, pc.field("source_file") == sha256
        )
        for quarter in quarters
    ]
    return feedback_table(pa.concat_tables(found) if found else QUARANTINE.empty_table())


def delivery_verdict(root: DataRoot, entry: dict) -> DeliveryVerdict:
    """The verdict of the file with this ingest_log entry, with its problems from the quarantine."""
    quarters = tuple(Quarter(year, quarter) for year, quarter in received_files.file_quarters(entry["file_id"]))
    return DeliveryVerdict(entry, quarters, file_problems(root, entry["unit_code"], entry["sha256"], quarters))


def _row_problems(verdict: DeliveryVerdict) -> pa.Table:
    return verdict.problems.filter(pc.not_equal(verdict.problems.column("rule"), "file_rejected"))


def rejection_reason(verdict: DeliveryVerdict) -> str | None:
    """Why a rejected file was rejected, in Indonesian; the platform's own wording follows as the technical detail."""
    if verdict.status != "rejected":
        return None
    bad_rows = pc.count_distinct(_row_problems(verdict).column(HEADERS[2])).as_py()
    if bad_rows:
        return (
            f"Berkas ditolak seluruhnya: {bad_rows} dari {verdict.entry['rows_read']} barisnya bermasalah, melebihi "
            "batas yang diizinkan. Perbaiki baris-baris tersebut, lalu kirim ulang."
        )
    return (
        "Berkas tidak dapat dipakai. Pastikan berkas adalah ekspor tabel data (CSV, XLSX atau JSON) dengan baris "
        f"judul kolom dan berisi data triwulan yang dilaporkan, lalu kirim ulang. Keterangan teknis: "
        f"{verdict.entry['message'] or '-'}"
    )


def problem_lines(verdict: DeliveryVerdict, limit: int) -> list[str]:
    """The first `limit` problems as sentences, a rejected file's reason first."""
    reason = rejection_reason(verdict)
    lines = [reason] if reason else []
    for row in _row_problems(verdict).slice(0, max(0, limit - len(lines))).to_pylist():
        _, _, line, column, value, problem, fix = (row[name] for name in HEADERS)
        place = "berkas" if line == "-" else f"baris {line}" + ("" if column == "-" else f', kolom "{column}"')
        written = f" = {value!r}" if value else ""
        lines.append(f"{place}{written}: {problem}." + (f" {fix}" if fix else ""))
    return lines


def feedback_workbooks(
    root: DataRoot, unit: Unit, quarters: tuple[Quarter, ...]
) -> list[tuple[Quarter, tuple[str, ...]]]:
    """(quarter, address parts) of the unit's feedback workbook of each quarter, where one was written."""
    found = []
    for quarter in quarters:
        parts = (*partition_parts("quarantine", "feedback", quarter, unit.code), feedback_name(unit, quarter))
        if root.exists(*parts):
            found.append((quarter, parts))
    return found
