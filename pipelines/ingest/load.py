"""Load stage for one unit: newly received files → the unit's warehouse partitions they touch.

A partition (table, year, quarter, unit) is rebuilt whole from every live file that holds
rows of that quarter, so a rerun changes nothing, a corrected file (same name, new bytes)
replaces its predecessor's rows, and a record sent again in a later file updates the old one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd
import pyarrow as pa

from pipelines.datasets import DATASETS
from pipelines.parse.canonical import (
    EARLIEST_PLAUSIBLE_DATE,
    MissingColumns,
    ParsedExport,
    row_quarters,
    to_canonical,
)
from pipelines.parse.headers import HeaderError, header_config
from pipelines.parse.read import UnreadableFile, read_table
from pipelines.parse.survey_period import PeriodError
from pipelines.parse.tally import TallyError, is_tally, tally_to_canonical
from pipelines.periods import Quarter
from pipelines.quality.batch import BatchResult, FileSlice, validate_batch
from pipelines.quality.data_docs import save_validation
from pipelines.quality.feedback import write_feedback
from pipelines.registry import Unit, registry
from pipelines.runstate import quarter_refresh, received_files
from pipelines.runstate.locks import one_run_at_a_time
from pipelines.runstate.received_files import ReceivedFile
from pipelines.storage import DataRoot, data_root
from pipelines.warehouse.partitions import replace_partition
from pipelines.warehouse.schemas import DQ_RESULTS, FACT_TABLES, QUARANTINE, QUARANTINE_TABLE

log = logging.getLogger(__name__)

PARSE_ERRORS = (UnreadableFile, MissingColumns, HeaderError, PeriodError, TallyError)
UNMATCHED_LISTED = 20
"""Distinct unmatched answers named in the log line; the rest are counted."""
NO_ROWS = "the file has its column titles but no data rows; send the export with its rows"
NO_DATE = (
    f"no row has a plausible date (from {EARLIEST_PLAUSIBLE_DATE:%d/%m/%Y} to the day the file arrived); "
    "check the date column"
)


@dataclass
class LoadReport:
    unit_code: str
    changed: dict[str, list[str]] = field(default_factory=dict)
    """Quarter → fact tables this load rewrote (the asset events it announces)."""
    rows: dict[str, dict[str, int]] = field(default_factory=dict)
    """Quarter → table → rows now in the unit's partition."""
    files: list[dict] = field(default_factory=list)
    """Catalog entries (ingest_log rows) of the files this run received or loaded."""

    @property
    def quarters(self) -> list[str]:
        return sorted(self.changed)


def parse_received(file: ReceivedFile, unit: Unit, root: DataRoot) -> ParsedExport:
    config = header_config()
    data = root.read_bytes(file.raw_path)
    raw = read_table(file.file_name, data, lambda row: config.header_score(file.dataset, row))
    try:
        if file.dataset == "skm_response" and is_tally(raw.headers, config):
            return tally_to_canonical(raw, unit, config, file.sha256, file.file_name)
        return to_canonical(file.dataset, raw, unit, config, file.sha256, file.file_name)
    except PARSE_ERRORS as error:
        where = f" ({raw.location})" if raw.location else ""
        raise type(error)(f"{where.strip()} {error}".strip()) from None


class _ParsedFiles:
    """Parses each received file at most once per run."""

    def __init__(self, unit: Unit, root: DataRoot) -> None:
        self.unit, self.root, self.cache = unit, root, {}
        self.seen: set[int] = set()

    def get(self, file: ReceivedFile) -> ParsedExport:
        self.seen.add(file.id)
        if file.id not in self.cache:
            self.cache[file.id] = parse_received(file, self.unit, self.root)
        return self.cache[file.id]


def _register_new_files(unit: Unit, parsed: _ParsedFiles) -> dict[Quarter, set[str]]:
    """Parse files received since the last load; record the quarters each touches.

    Returns the tables each quarter's rebuild will change: those of the new files, and of the files they replace.
    """
    touched: dict[Quarter, set[str]] = {}
    new_ids = []
    for file in received_files.files_to_load(unit.code):
        parsed.seen.add(file.id)
        if file.dataset is None:  # receiving it already found it unreadable
            received_files.set_status(file.id, "rejected", file.message)
            log.warning("rejected %s", file.message)
            continue
        try:
            export = parsed.get(file)
        except PARSE_ERRORS as error:
            received_files.set_status(file.id, "rejected", f"{unit.code}/{file.file_name}: {error}")
            log.warning("rejected %s/%s: %s", unit.code, file.file_name, error)
            continue
        if export.frame.empty:
            received_files.set_status(file.id, "rejected", f"{unit.code}/{file.file_name}: {NO_ROWS}")
            continue
        years, quarters = row_quarters(export, file.dataset, file.delivered_on)
        file_quarters = {Quarter(int(y), int(q)) for y, q in zip(years, quarters, strict=True) if not pd.isna(y)}
        if not file_quarters:
            received_files.set_status(file.id, "rejected", f"{unit.code}/{file.file_name}: {NO_DATE}")
            continue
        received_files.set_file_quarters(file.id, [(q.year, q.quarter) for q in file_quarters])
        for file_quarter in file_quarters:
            touched.setdefault(file_quarter, set()).add(file.dataset)
        new_ids.append(file.id)
    for year, quarter, dataset in received_files.quarters_of_replaced(new_ids):
        touched.setdefault(Quarter(year, quarter), set()).add(dataset)
    return touched


def _slice(file: ReceivedFile, export: ParsedExport, quarter: Quarter) -> FileSlice:
    years, quarters = row_quarters(export, file.dataset, file.delivered_on)
    mask = ((years == quarter.year) & (quarters == quarter.quarter)).to_numpy(dtype=bool, na_value=False)
    return FileSlice(file=file, parsed=export.subset(mask))


def _log_unmatched(unit: Unit, quarter: Quarter, dataset: str, batch: BatchResult) -> None:
    """Name the answers no synonym matched, so the data team can add the real ones to config/headers.yaml."""
    for column, answers in batch.unmatched.items():
        catch_all = DATASETS[dataset].column(column).catch_all
        became = f"counted as '{catch_all}'" if catch_all else "left empty"
        listed = ", ".join(f"{answer!r} ({count})" for answer, count in answers.most_common(UNMATCHED_LISTED))
        more = f" and {len(answers) - UNMATCHED_LISTED} other answers" if len(answers) > UNMATCHED_LISTED else ""
        log.info(
            "%s %s %s: %d %s answers match no value in config/headers.yaml and were %s: %s%s",
            unit.code, quarter, dataset, answers.total(), column, became, listed, more,
        )  # fmt: skip


def rebuild_quarter(unit: Unit, quarter: Quarter, parsed: _ParsedFiles, root: DataRoot) -> dict[str, int]:
    """Rebuild the unit's fact and quarantine partitions of one quarter from its live files."""
    by_dataset: dict[str, list[FileSlice]] = {}
    for file in received_files.live_files(unit.code, quarter.year, quarter.quarter):
        by_dataset.setdefault(file.dataset, []).append(_slice(file, parsed.get(file), quarter))
    quarantine: list[dict] = []
    results: list[dict] = []
    rows: dict[str, int] = {}
    for dataset in FACT_TABLES:
        table: pa.Table | None = None
        validation: dict | None = None
        if by_dataset.get(dataset):
            batch = validate_batch(dataset, by_dataset[dataset], unit, quarter)
            table, validation = batch.table, batch.validation
            quarantine += batch.quarantine
            results += batch.dq_results
            _log_unmatched(unit, quarter, dataset, batch)
        replace_partition(root, "warehouse", dataset, quarter, unit.code, table)
        save_validation(root, dataset, quarter, unit.code, validation)
        rows[dataset] = table.num_rows if table is not None else 0
    quarantined = pa.Table.from_pylist(quarantine, schema=QUARANTINE) if quarantine else None
    replace_partition(root, "quarantine", QUARANTINE_TABLE, quarter, unit.code, quarantined)
    dq = pa.Table.from_pylist(results, schema=DQ_RESULTS) if results else None
    replace_partition(root, "warehouse", "dq_results", quarter, unit.code, dq)
    write_feedback(root, unit, quarter, quarantine)
    for piece in (piece for pieces in by_dataset.values() for piece in pieces):
        received_files.record_load(
            piece.file.id, quarter.year, quarter.quarter, piece.rows_read, piece.rows_accepted, piece.rows_quarantined
        )
        if piece.status == "rejected" or piece.file.status == "received":
            received_files.set_status(piece.file.id, piece.status, piece.message)
    log.info("%s %s: %s", unit.code, quarter, ", ".join(f"{name} {count} rows" for name, count in rows.items()))
    return rows


@one_run_at_a_time("load {unit_code}")
def load_unit(unit_code: str, quarters: Iterable[Quarter] = (), root: DataRoot | None = None) -> LoadReport:
    """Load what the unit delivered since the last run, and rebuild any `quarters` asked for explicitly."""
    root = root or data_root()
    unit = registry().unit(unit_code)
    parsed = _ParsedFiles(unit, root)
    touched = _register_new_files(unit, parsed)
    for quarter in quarters:  # a rebuild asked for by name may change any table (a changed standard, say)
        touched[quarter] = set(FACT_TABLES)
    report = LoadReport(unit_code=unit_code)
    for quarter in sorted(touched):
        report.rows[str(quarter)] = rebuild_quarter(unit, quarter, parsed, root)
        report.changed[str(quarter)] = sorted(touched[quarter])
        quarter_refresh.mark_refreshed("facts", quarter.year, quarter.quarter, datetime.now(UTC))
    report.files = received_files.ingest_log(parsed.seen)
    return report
