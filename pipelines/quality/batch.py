"""Validate one unit's rows of one dataset and quarter, gathered from every file that holds them.

Returns the rows fit for the warehouse, quarantine records for the rest, and a verdict per
file: accepted, partial, or rejected whole (a batch-level failure, or too many bad rows).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.datasets import DATASETS
from pipelines.parse.canonical import ParsedExport
from pipelines.periods import Quarter
from pipelines.quality import row_issues
from pipelines.quality.chunks import validate_in_chunks
from pipelines.quality.gx_runner import ExpectationOutcome
from pipelines.quality.validation_doc import validation_document
from pipelines.registry import Unit, registry
from pipelines.runstate.received_files import ReceivedFile
from pipelines.settings import get_settings
from pipelines.warehouse.schemas import FACT_TABLES


@dataclass
class FileSlice:
    """The rows of one received file that fall in the quarter being built, and how they fared."""

    file: ReceivedFile
    parsed: ParsedExport
    rows_read: int = 0
    rows_accepted: int = 0
    rows_quarantined: int = 0
    status: str = "accepted"
    message: str = ""


def keep_latest_by_key(dataset: str, slices: list[FileSlice]) -> None:
    """A record delivered again in a later file (an update from an incremental pull) replaces the earlier one."""
    key = DATASETS[dataset].key
    later_keys = pa.array([], type=pa.string())
    for piece in reversed(slices):
        keys = pa.array(piece.parsed.frame[key], type=pa.string(), from_pandas=True)
        superseded = pc.and_(pc.is_in(keys, value_set=later_keys), pc.is_valid(keys))
        later_keys = pa.concat_arrays([later_keys, keys.drop_null()])
        if pc.any(superseded).as_py():
            piece.parsed = piece.parsed.subset(~superseded.to_numpy(zero_copy_only=False))


def _message(
    unit_code: str, piece: FileSlice, position: int, row_number: int, column: str | None, problem: str
) -> tuple[str | None, str | None, str]:
    """(header, original value, message) for one issue, quoting the cells as the unit wrote them."""
    cells = []
    for name in (column or "").split(","):
        raw = piece.parsed.raw_values.get(name)
        if raw is not None:
            cells.append((piece.parsed.headers[name], raw[position].as_py()))
    place = f"{unit_code}/{piece.file.file_name} row {row_number}"
    if not cells:
        return None, None, f"{place}: {problem}"
    quoted = "; ".join(
        f'column "{header}" = {"(empty)" if value in (None, "") else repr(value)}' for header, value in cells
    )
    return cells[0][0], cells[0][1], f"{place}, {quoted}: {problem}"


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


def _find_issues(
    dataset: str, frame: pd.DataFrame, slices: list[FileSlice], offsets: list[int], unit: Unit, quarter: Quarter
) -> tuple[pd.DataFrame, list[ExpectationOutcome]]:
    """Row issues of the combined frame (positions into it), and the suite's outcomes."""
    content_columns = [column for column in frame.columns if column not in ("source_row", "source_file")]
    parameters = suite_parameters(unit, quarter, max(piece.file.delivered_on for piece in slices))
    duplicates = row_issues.duplicate_issues(frame, content_columns)
    # Exact repeats are set aside before the suite runs, so the first copy does not fail uniqueness.
    distinct_positions = np.setdiff1d(np.arange(len(frame)), duplicates["position"].to_numpy())
    outcomes = validate_in_chunks(dataset, frame.iloc[distinct_positions].reset_index(drop=True), parameters)
    expectation_issues = row_issues.expectation_issues(outcomes)
    expectation_issues["position"] = distinct_positions[expectation_issues["position"].to_numpy(dtype=np.int64)]
    issues = row_issues.combine(
        *(
            row_issues.parse_issues(piece.parsed.parse_issues, offset)
            for piece, offset in zip(slices, offsets, strict=True)
        ),
        duplicates,
        expectation_issues,
    )
    return issues, outcomes


def file_record(file: ReceivedFile) -> dict:
    return {"dataset": file.dataset or "unrecognised", "file_name": file.file_name, "source_file": file.sha256}


REJECTED_FIX = "Perbaiki berkas sesuai keterangan, lalu kirim ulang dengan nama berkas yang sama."


def rejected_record(file: ReceivedFile, message: str) -> dict:
    return {
        **file_record(file), "source_row": None, "column": None, "header": None, "value": None,
        "rule": "file_rejected", "message": message, "fix": REJECTED_FIX,
    }  # fmt: skip


def _issue_records(issues: pd.DataFrame, slices: list[FileSlice], offsets: list[int], unit: Unit) -> list[dict]:
    owner = np.repeat(np.arange(len(slices)), [len(piece.parsed.frame) for piece in slices])
    source_rows = [piece.parsed.frame["source_row"].to_numpy() for piece in slices]
    records = []
    for issue in issues.itertuples(index=False):
        which = owner[issue.position]
        position = issue.position - offsets[which]
        row_number = int(source_rows[which][position])
        piece = slices[which]
        header, value, message = _message(unit.code, piece, position, row_number, issue.column, issue.problem)
        records.append(
            {**file_record(piece.file), "source_row": row_number, "column": issue.column, "header": header,
             "value": value, "rule": issue.rule, "message": message, "fix": issue.fix}
        )  # fmt: skip
    return records


def _judge_files(
    slices: list[FileSlice], offsets: list[int], bad: np.ndarray, batch_errors: list[str], unit: Unit
) -> None:
    """Accept, accept partly, or reject each file; a rejected file's rows are all marked bad."""
    max_share = get_settings().max_failed_share
    for piece, offset in zip(slices, offsets, strict=True):
        size = len(piece.parsed.frame)
        rows = slice(offset, offset + size)
        failed = int(bad[rows].sum())
        share = failed / max(size, 1)
        reason = "; ".join(batch_errors) if batch_errors else None
        if reason is None and share > max_share:
            reason = f"{share:.0%} of rows break the rules (limit {max_share:.0%}); fix the export and send it again"
        piece.rows_read = size
        if reason:
            bad[rows] = True
            piece.status, piece.rows_quarantined, piece.rows_accepted = "rejected", size, 0
            piece.message = f"{unit.code}/{piece.file.file_name}: file rejected: {reason}"
        else:
            piece.rows_quarantined, piece.rows_accepted = failed, size - failed
            piece.status = "partial" if failed else "accepted"


UNMATCHED_RULE = "unmatched_answer"
"""dq_results rule counting context answers set to a catch-all group or emptied (never a failure)."""


def unmatched_answers(slices: list[FileSlice]) -> dict[str, Counter[str]]:
    """Context column → how often each answer that matched no known value was written, over the batch."""
    found: dict[str, Counter[str]] = {}
    for piece in slices:
        for column, answers in piece.parsed.unmatched_answers().items():
            found.setdefault(column, Counter()).update(answers)
    return found


def dq_rows(
    dataset: str,
    rows: int,
    issues: pd.DataFrame,
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
    local = issues[~issues["rule"].astype(str).str.startswith("expect_")]
    for (rule, column), found in local.groupby(["rule", local["column"].fillna("")], sort=True):
        results.append(
            {"dataset": dataset, "rule": rule, "column": column or None, "batch_level": False,
             "rows_evaluated": rows, "unexpected_count": len(found), "success": False, "error": None}
        )  # fmt: skip
    for column, answers in sorted(unmatched.items()):
        results.append(
            {"dataset": dataset, "rule": UNMATCHED_RULE, "column": column, "batch_level": False,
             "rows_evaluated": rows, "unexpected_count": answers.total(), "success": True, "error": None}
        )  # fmt: skip
    return results


@dataclass
class BatchResult:
    table: pa.Table | None
    """The rows fit for the warehouse."""
    quarantine: list[dict]
    dq_results: list[dict]
    validation: dict
    """The suite's outcome as a GX validation-result document, for Data Docs."""
    unmatched: dict[str, Counter[str]]
    """Context column → the answers (as written) that matched no known value, with how often."""


def validate_batch(dataset: str, slices: list[FileSlice], unit: Unit, quarter: Quarter) -> BatchResult:
    """Split the batch into warehouse rows and quarantine records; each slice gets its verdict."""
    keep_latest_by_key(dataset, slices)
    sizes = [len(piece.parsed.frame) for piece in slices]
    offsets = [sum(sizes[:index]) for index in range(len(slices))]
    frame = pd.concat([piece.parsed.frame.assign(source_file=piece.file.sha256) for piece in slices], ignore_index=True)
    for column in FACT_TABLES[dataset].names:
        if column not in frame.columns:
            frame[column] = None
    validated_at = dt.datetime.now(dt.UTC)
    issues, outcomes = _find_issues(dataset, frame, slices, offsets, unit, quarter)
    batch_errors = row_issues.batch_errors(outcomes)
    records = _issue_records(issues, slices, offsets, unit)
    bad = np.zeros(len(frame), dtype=bool)
    bad[issues["position"].to_numpy(dtype=np.int64)] = True
    _judge_files(slices, offsets, bad, batch_errors, unit)
    records += [rejected_record(piece.file, piece.message) for piece in slices if piece.status == "rejected"]
    good = frame.loc[~bad]
    schema = FACT_TABLES[dataset]
    unmatched = unmatched_answers(slices)
    return BatchResult(
        table=pa.Table.from_pandas(good[schema.names], schema=schema, preserve_index=False) if len(good) else None,
        quarantine=records,
        dq_results=dq_rows(dataset, len(frame), issues, outcomes, unmatched),
        validation=validation_document(dataset, unit.code, quarter, outcomes, validated_at),
        unmatched=unmatched,
    )
