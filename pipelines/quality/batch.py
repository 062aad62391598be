"""Validate one unit's rows of one dataset and quarter (a batch), gathered from every file that holds them.

A batch is checked file by file, so memory holds one file's rows at a time and files can be
checked side by side in workers: a record sent again in a later file replaces the earlier one
(so keys never repeat across files), and rows without a key that repeat a row of an earlier file
are found up front from those rows alone. Each file gives its rows fit for the warehouse, its
quarantine records and its suite outcomes; the batch then merges the outcomes and gives each file
its verdict: accepted, partial, or rejected whole (a batch-level failure, or too many bad rows).
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections import Counter
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.ingest.parse_file import CONTENT_EXCLUDED, ParsedFile, QuarterRows, read_parsed
from pipelines.parse.canonical import ParsedExport
from pipelines.periods import Quarter
from pipelines.quality import row_issues
from pipelines.quality.chunks import merge_outcomes, validate_in_chunks
from pipelines.quality.gx_runner import ExpectationOutcome
from pipelines.quality.issue_records import issue_records, rejected_record
from pipelines.quality.validation_doc import validation_document
from pipelines.registry import Unit, registry
from pipelines.runstate.received_files import ReceivedFile
from pipelines.settings import get_settings
from pipelines.warehouse.schemas import FACT_TABLES, QUARANTINE


def suite_parameters(unit: Unit, quarter: Quarter, delivered_on: dt.date) -> dict[str, object]:
    """Values for the suites' $PARAMETER placeholders when validating one unit's quarter."""
    return {
        "period_start": pd.Timestamp(quarter.first_day),
        "period_end": pd.Timestamp(quarter.last_day),
        "late_date_limit": pd.Timestamp(quarter.last_day + dt.timedelta(days=get_settings().date_tolerance_days)),
        "delivered_on": pd.Timestamp(delivered_on),
        "service_codes": [service.code for service in unit.services],
        "unit_codes": registry().unit_codes,
    }


@dataclass(frozen=True)
class FileJob:
    """One file's share of a batch, as planned by `plan_batch`."""

    dataset: str
    unit_code: str
    quarter: Quarter
    parsed: ParsedFile
    superseded: np.ndarray
    """Positions among the file's rows of the quarter whose record a later file sends again."""
    repeats: np.ndarray
    """Positions among those rows of keyless rows that repeat a row of an earlier file exactly."""
    parameters: dict[str, Any]
    chunk_workers: int
    """Workers validating chunks of this one file (1 when the file is itself checked in a worker)."""
    handed_over: str | None = None
    """Local folder where a worker leaves the good rows for the loading process (None: returned in the outcome)."""
    check_empty: bool = False
    """Run the suite even on no rows: the batch has none left at all, and its suite still reports."""


def _superseded(rows: list[QuarterRows]) -> list[np.ndarray]:
    """Per file, its rows whose key a later file has too: the later record wins."""
    if len(rows) < 2:
        return [np.array([], dtype=np.int64) for _ in rows]
    sizes = [len(quarter_rows.keys) for quarter_rows in rows]
    encoded = pc.dictionary_encode(pa.concat_arrays([quarter_rows.keys for quarter_rows in rows]))
    codes = pc.fill_null(encoded.indices, -1).to_numpy().astype(np.int64)
    has_key = codes >= 0
    file_of_row = np.repeat(np.arange(len(rows)), sizes)
    last_file = np.full(len(encoded.dictionary) + 1, -1)  # the extra last slot: rows without a key (code -1)
    np.maximum.at(last_file, codes[has_key], file_of_row[has_key])
    superseded = has_key & (last_file[codes] > file_of_row)
    offsets = np.cumsum([0, *sizes])
    return [np.flatnonzero(superseded[start:stop]) for start, stop in pairwise(offsets)]


def _repeats(dataset: str, rows: list[QuarterRows]) -> list[np.ndarray]:
    """Per file, its keyless rows equal to a keyless row of an earlier file (rows with a key never are:
    the earlier record was replaced)."""
    frames = [quarter.keyless.assign(_file=index) for index, quarter in enumerate(rows) if len(quarter.keyless)]
    found = [np.array([], dtype=np.int64) for _ in rows]
    if len(frames) < 2:
        return found
    keyless = pd.concat(frames, ignore_index=True)
    for column in FACT_TABLES[dataset].names:
        if column not in keyless.columns and column not in CONTENT_EXCLUDED:
            keyless[column] = None
    content = [column for column in keyless.columns if column not in ("position", "_file")]
    repeated = keyless.duplicated(subset=content, keep="first").to_numpy()
    first_file = keyless.groupby(content, dropna=False, sort=False)["_file"].transform("first").to_numpy()
    earlier = keyless.loc[repeated & (first_file < keyless["_file"].to_numpy())]
    for index, positions in earlier.groupby("_file")["position"]:
        found[int(index)] = np.sort(positions.to_numpy(dtype=np.int64))
    return found


def plan_batch(
    dataset: str,
    unit: Unit,
    quarter: Quarter,
    parsed: list[ParsedFile],
    chunk_workers: int,
    handed_over: str | None = None,
) -> list[FileJob]:
    """The jobs checking each file of the batch, in delivery order."""
    rows = [file.quarters[quarter] for file in parsed]
    parameters = suite_parameters(unit, quarter, max(file.file.delivered_on for file in parsed))
    superseded = _superseded(rows)
    jobs = [
        FileJob(dataset, unit.code, quarter, file, replaced, repeats, parameters, chunk_workers, handed_over)
        for file, replaced, repeats in zip(parsed, superseded, _repeats(dataset, rows), strict=True)
    ]
    if all(len(quarter.keys) == len(replaced) for quarter, replaced in zip(rows, superseded, strict=True)):
        jobs[-1] = replace(jobs[-1], check_empty=True)
    return jobs


@dataclass
class FileOutcome:
    file: ReceivedFile
    rows: int
    """Rows of the quarter checked (those a later file replaced are not)."""
    validated: int
    """Rows the suite saw: all but exact repeats."""
    failed: int
    """Rows with at least one problem."""
    table: pa.Table | None
    """The rows without a problem, in the fact table's schema (unless handed over in `table_file`)."""
    records: pa.Table
    """A quarantine record per problem (QUARANTINE schema)."""
    outcomes: list[ExpectationOutcome] | None
    """The suite's outcomes on this file's rows; None when no row was left to check."""
    local_counts: Counter[tuple[str, str]]
    """(rule, column or "") → problems found while parsing or as exact repeats."""
    unmatched: dict[str, Counter[str]]
    """Context column → answers (as written) that matched no known value, with how often."""
    table_file: str | None = None
    """Arrow file holding `table`, when a worker wrote it for the loading process to map instead of receiving it
    through a pipe."""

    def take_good_rows(self) -> pa.Table | None:
        """The good rows, handed over once: the outcome keeps only its counts and records after."""
        table, self.table = self.table, None
        if self.table_file is not None:
            with pa.memory_map(self.table_file) as source:
                table = pa.ipc.open_file(source).read_all()
            os.remove(self.table_file)  # the mapping stays readable until the table is dropped
            self.table_file = None
        return table


def _hand_over(table: pa.Table, folder: str) -> str:
    path = os.path.join(folder, f"{uuid.uuid4().hex}.arrow")
    with pa.OSFile(path, "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    return path


def _kept(piece: ParsedExport, superseded: np.ndarray) -> ParsedExport:
    if not len(superseded):
        return piece
    keep = np.ones(len(piece.frame), dtype=bool)
    keep[superseded] = False
    return piece.subset(keep)


def unmatched_answers(piece: ParsedExport) -> dict[str, Counter[str]]:
    return {column: Counter(answers) for column, answers in piece.unmatched_answers().items()}


def validate_file(job: FileJob) -> FileOutcome:
    """Check one file's rows of the batch: parsing problems, exact repeats, then the GX suite on the rest."""
    file = job.parsed.file
    piece = _kept(read_parsed(job.parsed, job.quarter), job.superseded)
    frame = piece.frame.assign(source_file=file.sha256)
    for column in FACT_TABLES[job.dataset].names:
        if column not in frame.columns:
            frame[column] = None
    content_columns = [column for column in frame.columns if column not in CONTENT_EXCLUDED]
    # Positions of the earlier-file repeats, among the rows left once the superseded ones are dropped.
    repeats = job.repeats - np.searchsorted(job.superseded, job.repeats)
    duplicates = row_issues.duplicate_issues(frame, content_columns, also=repeats)
    # Exact repeats are set aside before the suite runs, so the first copy does not fail uniqueness.
    is_distinct = np.ones(len(frame), dtype=bool)
    is_distinct[duplicates["position"].to_numpy(dtype=np.int64)] = False
    distinct_positions = np.flatnonzero(is_distinct)
    outcomes = None
    expectation_issues = row_issues.expectation_issues([])
    if len(distinct_positions) or job.check_empty:
        distinct = frame.iloc[distinct_positions].reset_index(drop=True)
        outcomes = validate_in_chunks(job.dataset, distinct, job.parameters, workers=job.chunk_workers)
        expectation_issues = row_issues.expectation_issues(outcomes)
        expectation_issues["position"] = distinct_positions[expectation_issues["position"].to_numpy(dtype=np.int64)]
    issues = row_issues.combine(row_issues.parse_issues(piece.parse_issues, 0), duplicates, expectation_issues)
    bad = np.zeros(len(frame), dtype=bool)
    bad[issues["position"].to_numpy(dtype=np.int64)] = True
    good = frame.loc[~bad]
    schema = FACT_TABLES[job.dataset]
    local = issues[~issues["rule"].astype(str).str.startswith("expect_")]
    table = pa.Table.from_pandas(good[schema.names], schema=schema, preserve_index=False) if len(good) else None
    table_file = None
    if table is not None and job.handed_over is not None:
        table, table_file = None, _hand_over(table, job.handed_over)
    return FileOutcome(
        file=file,
        rows=len(frame),
        validated=len(distinct_positions),
        failed=int(bad.sum()),
        table=table,
        table_file=table_file,
        records=issue_records(issues, piece, file, job.unit_code),
        outcomes=outcomes,
        local_counts=Counter(zip(local["rule"], local["column"].fillna(""), strict=True)),
        unmatched=unmatched_answers(piece),
    )


@dataclass
class Verdict:
    status: str
    """accepted, partial or rejected."""
    quarantined: int
    message: str = ""


def _failed_share(outcome: FileOutcome) -> float:
    return outcome.failed / max(outcome.rows, 1)


def too_many_failed(outcome: FileOutcome) -> bool:
    """Whether the file is rejected for its share of bad rows alone (known before the rest of the batch)."""
    return _failed_share(outcome) > get_settings().max_failed_share


def file_verdicts(outcomes: list[FileOutcome], batch_errors: list[str], unit: Unit) -> list[Verdict]:
    """Accept, accept partly, or reject each file; a rejected file's rows all go to quarantine."""
    max_share = get_settings().max_failed_share
    verdicts = []
    for outcome in outcomes:
        reason = "; ".join(batch_errors) if batch_errors else None
        if reason is None and too_many_failed(outcome):
            reason = (
                f"{_failed_share(outcome):.0%} of rows break the rules (limit {max_share:.0%}); "
                "fix the export and send it again"
            )
        if reason:
            message = f"{unit.code}/{outcome.file.file_name}: file rejected: {reason}"
            verdicts.append(Verdict("rejected", outcome.rows, message))
        else:
            verdicts.append(Verdict("partial" if outcome.failed else "accepted", outcome.failed))
    return verdicts


UNMATCHED_RULE = "unmatched_answer"
"""dq_results rule counting context answers set to a catch-all group or emptied (never a failure)."""


def dq_rows(
    dataset: str,
    rows: int,
    local_counts: Counter[tuple[str, str]],
    outcomes: list[ExpectationOutcome],
    unmatched: dict[str, Counter[str]],
) -> list[dict]:
    """One row per rule checked on the batch: the suite's expectations, parsing and duplicate checks, then the
    context answers that matched no known value (a note, not a failure)."""
    results = [
        {"dataset": dataset, "rule": outcome.expectation, "column": ",".join(outcome.columns) or None,
         "batch_level": outcome.is_batch_level, "rows_evaluated": outcome.element_count,
         "unexpected_count": len(outcome.unexpected_positions), "success": outcome.success, "error": outcome.error}
        for outcome in outcomes
    ]  # fmt: skip
    for (rule, column), count in sorted(local_counts.items()):
        results.append(
            {"dataset": dataset, "rule": rule, "column": column or None, "batch_level": False,
             "rows_evaluated": rows, "unexpected_count": count, "success": False, "error": None}
        )  # fmt: skip
    for column, answers in sorted(unmatched.items()):
        results.append(
            {"dataset": dataset, "rule": UNMATCHED_RULE, "column": column, "batch_level": False,
             "rows_evaluated": rows, "unexpected_count": answers.total(), "success": True, "error": None}
        )  # fmt: skip
    return results


@dataclass
class BatchResult:
    verdicts: list[Verdict]
    quarantine: pa.Table
    dq_results: list[dict]
    validation: dict
    """The suite's outcome as a GX validation-result document, for Data Docs."""
    unmatched: dict[str, Counter[str]] = field(default_factory=dict)
    """Context column → the answers (as written) that matched no known value, with how often."""

    @property
    def rejected_whole(self) -> bool:
        return all(verdict.status == "rejected" for verdict in self.verdicts)


def _merged_outcomes(outcomes: list[FileOutcome]) -> list[ExpectationOutcome]:
    checked = [outcome for outcome in outcomes if outcome.outcomes is not None]
    offsets = np.cumsum([0] + [outcome.validated for outcome in checked])
    positions = [np.arange(offsets[index], offsets[index + 1]) for index in range(len(checked))]
    return merge_outcomes(positions, [outcome.outcomes for outcome in checked])


def finish_batch(
    dataset: str, unit: Unit, quarter: Quarter, outcomes: list[FileOutcome], validated_at: dt.datetime
) -> BatchResult:
    """The batch's verdicts, quarantine, dq_results and validation document, from its files' outcomes."""
    merged = _merged_outcomes(outcomes)
    verdicts = file_verdicts(outcomes, row_issues.batch_errors(merged), unit)
    rejected = [
        rejected_record(outcome.file, verdict.message)
        for outcome, verdict in zip(outcomes, verdicts, strict=True)
        if verdict.status == "rejected"
    ]
    records = [outcome.records for outcome in outcomes]
    if rejected:
        records.append(pa.Table.from_pylist(rejected, schema=QUARANTINE))
    unmatched: dict[str, Counter[str]] = {}
    for outcome in outcomes:
        for column, answers in outcome.unmatched.items():
            unmatched.setdefault(column, Counter()).update(answers)
    return BatchResult(
        verdicts=verdicts,
        quarantine=pa.concat_tables(records),
        dq_results=dq_rows(
            dataset,
            sum(outcome.rows for outcome in outcomes),
            sum((outcome.local_counts for outcome in outcomes), Counter()),
            merged,
            unmatched,
        ),
        validation=validation_document(dataset, unit.code, quarter, merged, validated_at),
        unmatched=unmatched,
    )
