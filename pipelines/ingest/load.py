"""Load stage for one unit: newly received files → the unit's warehouse partitions they touch.

A partition (table, year, quarter, unit) is rebuilt whole from every live file that holds
rows of that quarter, so a rerun changes nothing, a corrected file (same name, new bytes)
replaces its predecessor's rows, and a record sent again in a later file updates the old one.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice

import pyarrow as pa

from pipelines.datasets import DATASETS
from pipelines.ingest.parse_file import ParsedFile, ParseJob, parse_job
from pipelines.memory import release_free_memory
from pipelines.periods import Quarter
from pipelines.quality.batch import (
    BatchResult,
    FileJob,
    FileOutcome,
    finish_batch,
    plan_batch,
    too_many_failed,
    validate_file,
)
from pipelines.quality.data_docs import save_validation
from pipelines.quality.feedback import write_feedback
from pipelines.registry import Unit, registry
from pipelines.runstate import quarter_refresh, received_files
from pipelines.runstate.locks import one_run_at_a_time
from pipelines.runstate.received_files import ReceivedFile
from pipelines.settings import get_settings
from pipelines.storage import DataRoot, data_root
from pipelines.warehouse.partitions import PartitionWriter, replace_partition
from pipelines.warehouse.schemas import DQ_RESULTS, FACT_TABLES, QUARANTINE, QUARANTINE_TABLE
from pipelines.workers import each

log = logging.getLogger(__name__)

UNMATCHED_LISTED = 20
"""Distinct unmatched answers named in the log line; the rest are counted."""
BYTES_PER_ROW = 100
"""About what an exported row takes; only to judge whether files are worth sending to workers."""


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


def _workers_for(rows: int) -> int:
    """Workers for files holding `rows` rows in all: this process alone unless they are worth the hand-over."""
    settings = get_settings()
    return settings.validation_workers if rows > settings.validation_chunk_rows else 1


class _ParsedFiles:
    """Each file the run needs, parsed at most once (in workers when they are large) into a scratch folder."""

    def __init__(self, root: DataRoot, scratch: str) -> None:
        self.root, self.scratch = root, scratch
        self.parsed: dict[int, ParsedFile] = {}

    def parse(self, files: list[ReceivedFile]) -> None:
        todo = [file for file in files if file.id not in self.parsed]
        workers = 1
        if len(todo) > 1:
            size = sum(self.root.stat(file.raw_path)[0] or 0 for file in todo if file.dataset is not None)
            workers = _workers_for(size // BYTES_PER_ROW)
        if workers > 1:
            log.info("parsing %d files (%s bytes) on %d workers", len(todo), f"{size:,}", workers)
        jobs = (ParseJob(file, self.root, self.scratch) for file in todo)
        for parsed in each(parse_job, jobs, workers):
            self.parsed[parsed.file.id] = parsed

    def get(self, file: ReceivedFile) -> ParsedFile:
        self.parse([file])
        parsed = self.parsed[file.id]
        if parsed.error:  # a file loaded before that no longer parses: the config it relied on changed
            raise RuntimeError(f"{parsed.error} (the file was loaded before; check config/headers.yaml)")
        return parsed


@contextmanager
def _scratch() -> Iterator[str]:
    folder = tempfile.mkdtemp(prefix="monev-load-")
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _register_new_files(unit: Unit, parsed: _ParsedFiles) -> dict[Quarter, set[str]]:
    """Parse files received since the last load; record the quarters each touches.

    Returns the tables each quarter's rebuild will change: those of the new files, and of the files they replace.
    """
    touched: dict[Quarter, set[str]] = {}
    new_ids = []
    files = received_files.files_to_load(unit.code)
    parsed.parse(files)
    for file in files:
        found = parsed.parsed[file.id]
        if found.error:
            received_files.set_status(file.id, "rejected", found.error)
            log.warning("rejected %s", found.error)
            continue
        received_files.set_file_quarters(file.id, [(q.year, q.quarter) for q in found.quarters])
        for file_quarter in found.quarters:
            touched.setdefault(file_quarter, set()).add(file.dataset)
        new_ids.append(file.id)
    for year, quarter, dataset in received_files.quarters_of_replaced(new_ids):
        touched.setdefault(Quarter(year, quarter), set()).add(dataset)
    return touched


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


def _write_dataset(
    dataset: str, unit: Unit, quarter: Quarter, jobs: list[FileJob], outcomes: Iterator[FileOutcome], root: DataRoot
) -> tuple[BatchResult, int]:
    """Write the batch's good rows file by file as its outcomes come; (the batch, rows written)."""
    validated_at = datetime.now(UTC)
    checked = []
    with PartitionWriter(root, "warehouse", dataset, quarter, unit.code, FACT_TABLES[dataset]) as writer:
        for outcome in islice(outcomes, len(jobs)):
            good_rows = outcome.take_good_rows()
            if good_rows is not None and not too_many_failed(outcome):
                writer.write(good_rows)
            del good_rows
            checked.append(outcome)
            release_free_memory()
        batch = finish_batch(dataset, unit, quarter, checked, validated_at)
        if batch.rejected_whole:  # a batch-level failure rejects files whose rows were already written
            writer.discard()
    written = writer.rows
    for outcome, verdict in zip(checked, batch.verdicts, strict=True):
        received_files.record_load(
            outcome.file.id, quarter.year, quarter.quarter, outcome.rows, outcome.rows - verdict.quarantined,
            verdict.quarantined,
        )  # fmt: skip
        if verdict.status == "rejected" or outcome.file.status == "received":
            received_files.set_status(outcome.file.id, verdict.status, verdict.message)
    _log_unmatched(unit, quarter, dataset, batch)
    return batch, written


def _plan_checks(unit: Unit, quarter: Quarter, files: dict[str, list[ParsedFile]], scratch: str) -> tuple[
    dict[str, list[FileJob]], int
]:  # fmt: skip
    """Each dataset's file checks, and the workers sharing them: all the quarter's files go to the workers
    together, so small datasets are checked beside the large ones, not after them."""
    checks = sum(len(dataset_files) for dataset_files in files.values())
    rows = sum(len(file.quarters[quarter].keys) for dataset_files in files.values() for file in dataset_files)
    workers = _workers_for(rows) if checks > 1 else 1
    # One file alone is cut into chunks for the workers; several are shared out whole.
    chunk_workers = get_settings().validation_workers if workers == 1 else 1
    handed_over = scratch if workers > 1 else None
    jobs = {
        dataset: plan_batch(dataset, unit, quarter, dataset_files, chunk_workers, handed_over)
        for dataset, dataset_files in files.items()
    }
    if workers > 1:
        log.info(
            "validating %s rows of %s from %d files on %d workers",
            f"{rows:,}", ", ".join(files), checks, workers,
        )  # fmt: skip
    return jobs, workers


def rebuild_quarter(unit: Unit, quarter: Quarter, parsed: _ParsedFiles, root: DataRoot) -> dict[str, int]:
    """Rebuild the unit's fact and quarantine partitions of one quarter from its live files."""
    by_dataset: dict[str, list[ReceivedFile]] = {}
    for file in received_files.live_files(unit.code, quarter.year, quarter.quarter):
        by_dataset.setdefault(file.dataset, []).append(file)
    parsed.parse([file for files in by_dataset.values() for file in files])
    files = {
        dataset: [parsed.get(file) for file in by_dataset[dataset]] for dataset in FACT_TABLES if dataset in by_dataset
    }
    jobs, workers = _plan_checks(unit, quarter, files, parsed.scratch)
    outcomes = each(validate_file, (job for dataset_jobs in jobs.values() for job in dataset_jobs), workers)
    quarantine: list[pa.Table] = []
    results: list[dict] = []
    rows: dict[str, int] = {}
    for dataset in FACT_TABLES:
        validation: dict | None = None
        rows[dataset] = 0
        if dataset in jobs:
            batch, rows[dataset] = _write_dataset(dataset, unit, quarter, jobs[dataset], outcomes, root)
            validation = batch.validation
            quarantine.append(batch.quarantine)
            results += batch.dq_results
        else:
            replace_partition(root, "warehouse", dataset, quarter, unit.code, None)
        save_validation(root, dataset, quarter, unit.code, validation)
    quarantined = pa.concat_tables(quarantine) if quarantine else QUARANTINE.empty_table()
    replace_partition(root, "quarantine", QUARANTINE_TABLE, quarter, unit.code, quarantined)
    dq = pa.Table.from_pylist(results, schema=DQ_RESULTS) if results else None
    replace_partition(root, "warehouse", "dq_results", quarter, unit.code, dq)
    write_feedback(root, unit, quarter, quarantined)
    log.info("%s %s: %s", unit.code, quarter, ", ".join(f"{name} {count} rows" for name, count in rows.items()))
    return rows


@one_run_at_a_time("load {unit_code}")
def load_unit(unit_code: str, quarters: Iterable[Quarter] = (), root: DataRoot | None = None) -> LoadReport:
    """Load what the unit delivered since the last run, and rebuild any `quarters` asked for explicitly."""
    root = root or data_root()
    unit = registry().unit(unit_code)
    with _scratch() as scratch:
        parsed = _ParsedFiles(root, scratch)
        touched = _register_new_files(unit, parsed)
        for quarter in quarters:  # a rebuild asked for by name may change any table (a changed standard, say)
            touched[quarter] = set(FACT_TABLES)
        report = LoadReport(unit_code=unit_code)
        for quarter in sorted(touched):
            report.rows[str(quarter)] = rebuild_quarter(unit, quarter, parsed, root)
            report.changed[str(quarter)] = sorted(touched[quarter])
            quarter_refresh.mark_refreshed("facts", quarter.year, quarter.quarter, datetime.now(UTC))
    report.files = received_files.ingest_log(parsed.parsed)
    return report
