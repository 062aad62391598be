"""Ingest stage for one unit and quarter: landing → raw zone → canonical → validated → warehouse.

Each run rebuilds the unit's partitions of the quarter from every export it has delivered
for that quarter, so a rerun changes nothing and a corrected file simply replaces its rows.
"""

from __future__ import annotations

import hashlib
import logging
import posixpath
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from pipelines.parse.canonical import MissingColumns, ParsedExport, majority_quarter, to_canonical
from pipelines.parse.headers import HeaderConfig, HeaderError, header_config
from pipelines.parse.read import HeaderScore, RawTable, UnreadableFile, read_table
from pipelines.periods import Quarter
from pipelines.quality import row_issues
from pipelines.quality.gx_runner import validate_frame
from pipelines.registry import Registry, Unit, registry
from pipelines.settings import get_settings
from pipelines.storage import DataRoot, data_root
from pipelines.warehouse.partitions import replace_partition
from pipelines.warehouse.schemas import FACT_TABLES, QUARANTINE

log = logging.getLogger(__name__)

QUARANTINE_TABLE = "rows"


@dataclass
class FileReport:
    file_name: str
    sha256: str
    dataset: str | None
    status: str
    rows_read: int = 0
    rows_accepted: int = 0
    rows_quarantined: int = 0
    message: str = ""


@dataclass
class IngestReport:
    unit_code: str
    quarter: str
    files: list[FileReport] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)

    @property
    def rows_accepted(self) -> int:
        return sum(self.tables.values())

    @property
    def rows_quarantined(self) -> int:
        return sum(report.rows_quarantined for report in self.files)

    def as_dict(self) -> dict:
        return {
            **asdict(self),
            "rows_accepted": self.rows_accepted,
            "rows_quarantined": self.rows_quarantined,
        }


@dataclass
class _Export:
    report: FileReport
    parsed: ParsedExport


def _extension(file_name: str) -> str:
    return posixpath.splitext(file_name)[1].lower()


def _detect_dataset(file_name: str, raw_headers: list[str], reg: Registry, config: HeaderConfig) -> str | None:
    by_name = reg.dataset_for_name(posixpath.basename(file_name))
    if by_name in config.columns:
        return by_name
    scores = {dataset: config.header_score(dataset, raw_headers) for dataset in config.datasets()}
    best = max(scores, key=scores.get)
    return best if scores[best] else None


def _best_score(config: HeaderConfig, dataset: str | None) -> HeaderScore:
    if dataset in config.columns:
        return lambda row: config.header_score(dataset, row)
    return lambda row: max(config.header_score(candidate, row) for candidate in config.datasets())


def _read_export(
    root: DataRoot, unit: Unit, file_name: str, reg: Registry, config: HeaderConfig
) -> tuple[FileReport, ParsedExport | None]:
    data = root.read_bytes("landing", unit.code, file_name)
    sha256 = hashlib.sha256(data).hexdigest()
    report = FileReport(
        file_name=file_name,
        sha256=sha256,
        dataset=reg.dataset_for_name(posixpath.basename(file_name)),
        status="accepted",
    )
    raw: RawTable | None = None
    parsed: ParsedExport | None = None
    try:
        raw = read_table(file_name, data, _best_score(config, report.dataset))
        report.dataset = _detect_dataset(file_name, raw.headers, reg, config)
        if report.dataset is None:
            raise UnreadableFile("no dataset recognised from the file name or its header")
        parsed = to_canonical(report.dataset, raw, unit, config, sha256)
    except (UnreadableFile, MissingColumns, HeaderError) as error:
        report.status = "rejected"
        where = f" ({raw.location})" if raw is not None and raw.location else ""
        report.message = f"{unit.code}/{file_name}{where}: {error}"
        log.warning("rejected %s", report.message)
    finally:  # the bytes are kept as received whatever happened while reading them
        raw_parts = ("raw", report.dataset or "unrecognised", f"unit={unit.code}", f"{sha256}{_extension(file_name)}")
        if not root.exists(*raw_parts):
            root.write_bytes(data, *raw_parts)
    if parsed is not None:
        report.rows_read = len(parsed.frame)
    return report, parsed


def _message(
    unit_code: str, export: _Export, position: int, column: str | None, problem: str
) -> tuple[int, str | None, str]:
    """(row number, original value, message) for one issue, quoting the cells as the unit wrote them."""
    row_number = int(export.parsed.frame["source_row"].iat[position])
    cells = []
    for name in (column or "").split(","):
        raw = export.parsed.raw_values.get(name)
        if raw is not None:
            value = raw[position].as_py()
            cells.append((export.parsed.headers[name], value))
    place = f"{unit_code}/{export.report.file_name} row {row_number}"
    if not cells:
        return row_number, None, f"{place}: {problem}"
    quoted = "; ".join(
        f'column "{header}" = {"(empty)" if value in (None, "") else repr(value)}' for header, value in cells
    )
    return row_number, cells[0][1], f"{place}, {quoted}: {problem}"


def _find_issues(
    dataset: str, frame: pd.DataFrame, exports: list[_Export], offsets: list[int], unit: Unit, quarter: Quarter
) -> tuple[pd.DataFrame, list[str]]:
    """Row issues of the unit's combined frame (positions into it), and batch-level errors."""
    content_columns = [column for column in frame.columns if column not in ("source_row", "source_file")]
    parameters = {
        "period_start": pd.Timestamp(quarter.first_day),
        "period_end": pd.Timestamp(quarter.last_day),
        "service_codes": [service.code for service in unit.services],
    }
    duplicates = row_issues.duplicate_issues(frame, content_columns)
    # Exact repeats are set aside before the suite runs, so the first copy does not fail uniqueness.
    distinct_positions = np.setdiff1d(np.arange(len(frame)), duplicates["position"].to_numpy())
    outcomes = validate_frame(dataset, frame.iloc[distinct_positions].reset_index(drop=True), parameters)
    expectation_issues = row_issues.expectation_issues(outcomes)
    expectation_issues["position"] = distinct_positions[expectation_issues["position"].to_numpy(dtype=np.int64)]
    issues = row_issues.combine(
        *(
            row_issues.parse_issues(export.parsed.parse_issues, offset)
            for export, offset in zip(exports, offsets, strict=True)
        ),
        duplicates,
        expectation_issues,
    )
    return issues, row_issues.batch_errors(outcomes)


def _issue_records(
    dataset: str, issues: pd.DataFrame, exports: list[_Export], offsets: list[int], unit: Unit
) -> list[dict]:
    owner = np.repeat(np.arange(len(exports)), [len(export.parsed.frame) for export in exports])
    records = []
    for issue in issues.itertuples(index=False):
        export, offset = exports[owner[issue.position]], offsets[owner[issue.position]]
        row_number, value, message = _message(unit.code, export, issue.position - offset, issue.column, issue.problem)
        records.append(
            {
                **_file_record(export.report, dataset),
                "source_row": row_number,
                "column": issue.column,
                "value": value,
                "rule": issue.rule,
                "message": message,
            }
        )
    return records


def _judge_files(
    exports: list[_Export], offsets: list[int], bad: np.ndarray, batch_errors: list[str], unit: Unit
) -> None:
    """Accept, accept partly, or reject each file; a rejected file's rows are all marked bad."""
    max_share = get_settings().max_failed_share
    for export, offset in zip(exports, offsets, strict=True):
        rows = slice(offset, offset + len(export.parsed.frame))
        failed = int(bad[rows].sum())
        share = failed / max(len(export.parsed.frame), 1)
        reason = "; ".join(batch_errors) if batch_errors else None
        if reason is None and share > max_share:
            reason = f"{share:.0%} of rows break the rules (limit {max_share:.0%}); fix the export and send it again"
        if reason:
            bad[rows] = True
            export.report.status = "rejected"
            export.report.message = f"{unit.code}/{export.report.file_name}: file rejected: {reason}"
            export.report.rows_quarantined = len(export.parsed.frame)
        else:
            export.report.rows_quarantined = failed
            export.report.rows_accepted = len(export.parsed.frame) - failed
            export.report.status = "partial" if failed else "accepted"


def _validate_dataset(
    dataset: str, exports: list[_Export], unit: Unit, quarter: Quarter
) -> tuple[pa.Table | None, list[dict]]:
    """Good rows as a warehouse table, and quarantine records for the rest."""
    sizes = [len(export.parsed.frame) for export in exports]
    offsets = [sum(sizes[:index]) for index in range(len(exports))]
    frame = pd.concat(
        [export.parsed.frame.assign(source_file=export.report.sha256) for export in exports], ignore_index=True
    )
    for column in FACT_TABLES[dataset].names:
        if column not in frame.columns:
            frame[column] = None
    issues, batch_errors = _find_issues(dataset, frame, exports, offsets, unit, quarter)
    records = _issue_records(dataset, issues, exports, offsets, unit)
    bad = np.zeros(len(frame), dtype=bool)
    bad[issues["position"].to_numpy(dtype=np.int64)] = True
    _judge_files(exports, offsets, bad, batch_errors, unit)
    records += [_rejected_record(export.report) for export in exports if export.report.status == "rejected"]
    good = frame.loc[~bad]
    schema = FACT_TABLES[dataset]
    table = pa.Table.from_pandas(good[schema.names], schema=schema, preserve_index=False) if len(good) else None
    return table, records


def _file_record(report: FileReport, dataset: str | None) -> dict:
    return {"dataset": dataset or "unrecognised", "file_name": report.file_name, "source_file": report.sha256}


def _rejected_record(report: FileReport) -> dict:
    return {
        **_file_record(report, report.dataset),
        "source_row": None,
        "column": None,
        "value": None,
        "rule": "file_rejected",
        "message": report.message,
    }


def ingest_unit(unit_code: str, quarter: Quarter, root: DataRoot | None = None) -> IngestReport:
    root = root or data_root()
    reg = registry()
    unit = reg.unit(unit_code)
    config = header_config()
    report = IngestReport(unit_code=unit_code, quarter=str(quarter))
    by_dataset: dict[str, list[_Export]] = {}
    quarantine: list[dict] = []
    for file_name in root.list_files("landing", unit_code, recursive=True):
        file_report, parsed = _read_export(root, unit, file_name, reg, config)
        if parsed is None:
            report.files.append(file_report)
            quarantine.append(_rejected_record(file_report))
            continue
        period = majority_quarter(parsed, file_report.dataset)
        if period != (quarter.year, quarter.quarter):
            log.info("%s/%s is for another period (%s), skipped", unit_code, file_name, period)
            continue
        report.files.append(file_report)
        by_dataset.setdefault(file_report.dataset, []).append(_Export(file_report, parsed))
    for dataset in FACT_TABLES:
        table, records = (None, [])
        if by_dataset.get(dataset):
            table, records = _validate_dataset(dataset, by_dataset[dataset], unit, quarter)
        quarantine.extend(records)
        replace_partition(root, "warehouse", dataset, quarter, unit_code, table)
        report.tables[dataset] = table.num_rows if table is not None else 0
    rows = pa.Table.from_pylist(quarantine, schema=QUARANTINE) if quarantine else None
    replace_partition(root, "quarantine", QUARANTINE_TABLE, quarter, unit_code, rows)
    log.info(
        "%s %s: %d files, %d rows accepted, %d quarantined",
        unit_code,
        quarter,
        len(report.files),
        report.rows_accepted,
        report.rows_quarantined,
    )
    return report


class UnitsFailed(RuntimeError):
    """Some units' ingest tasks failed; their own task logs say why."""


def log_reports(reports: list[dict], expected_units: list[str]) -> None:
    """One line per received file, for the data team reading the Airflow log; fail if units are missing."""
    from pipelines.text_table import format_table

    files = [{"unit": report["unit_code"], **file} for report in reports for file in report["files"]]
    columns = ["unit", "file_name", "dataset", "status", "rows_read", "rows_accepted", "rows_quarantined"]
    log.info("ingest summary:\n%s", format_table(files, columns))
    for file in files:
        if file["message"]:
            log.warning("%s", file["message"])
    missing = sorted(set(expected_units) - {report["unit_code"] for report in reports})
    if missing:
        raise UnitsFailed(f"ingest failed for {', '.join(missing)}; open their ingest_unit task logs for the cause")
