"""Parse one received file, in a worker: its canonical rows wait in a scratch folder for validation.

The process that loads the unit keeps only what it needs to plan the quarters' rebuilds: which
quarters the file's rows fall in, and each quarter's record keys (a later file's record
replaces an earlier one) and keyless rows (exact repeats across files). So memory holds one
file at a time, however many files a quarter has.
"""

from __future__ import annotations

import pickle
import uuid
from dataclasses import dataclass, field

import numpy as np
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
from pipelines.registry import Unit, registry
from pipelines.runstate.received_files import ReceivedFile
from pipelines.storage import DataRoot

PARSE_ERRORS = (UnreadableFile, MissingColumns, HeaderError, PeriodError, TallyError)
NO_ROWS = "the file has its column titles but no data rows; send the export with its rows"
NO_DATE = (
    f"no row has a plausible date (from {EARLIEST_PLAUSIBLE_DATE:%d/%m/%Y} to the day the file arrived); "
    "check the date column"
)
CONTENT_EXCLUDED = ("source_row", "source_file")
"""Lineage columns: two rows are exact repeats when everything else is equal."""


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


def quarter_masks(export: ParsedExport, file: ReceivedFile) -> dict[Quarter, np.ndarray]:
    """The rows of each quarter the file's rows fall in (rows without a plausible date: the file's main quarter)."""
    years, quarters = row_quarters(export, file.dataset, file.delivered_on)
    codes = (years * 4 + quarters - 1).to_numpy(dtype=np.int64, na_value=-1)
    return {Quarter(int(code) // 4, int(code) % 4 + 1): codes == code for code in np.unique(codes[codes >= 0])}


@dataclass(frozen=True)
class QuarterRows:
    """What planning a quarter's rebuild needs of one file's rows in that quarter."""

    keys: pa.Array
    """The record key of each row, as text (null where the row has none)."""
    keyless: pd.DataFrame
    """Content of the rows without a key, with their position among the quarter's rows."""


@dataclass(frozen=True)
class ParsedFile:
    file: ReceivedFile
    scratch_path: str | None = None
    """Where the parsed rows wait (a pickled ParsedExport and its rows per quarter); None when the file was
    rejected."""
    quarters: dict[Quarter, QuarterRows] = field(default_factory=dict)
    error: str | None = None
    """Why the whole file is rejected (the unit and file named), if it is."""


@dataclass(frozen=True)
class ParseJob:
    file: ReceivedFile
    root: DataRoot
    scratch: str
    """Local folder of the load's scratch files."""


def _quarter_rows(export: ParsedExport, dataset: str, mask: np.ndarray) -> QuarterRows:
    frame = export.frame.loc[mask].reset_index(drop=True)
    key = DATASETS[dataset].key
    keys = pa.array(frame[key], type=pa.string(), from_pandas=True)
    keyless = frame.loc[frame[key].isna()].drop(columns=[c for c in CONTENT_EXCLUDED if c in frame])
    return QuarterRows(keys, keyless.rename_axis("position").reset_index())


def parse_job(job: ParseJob) -> ParsedFile:
    """Parse the file into the scratch folder; a file that cannot be loaded at all comes back with its reason."""
    file = job.file
    place = f"{file.unit_code}/{file.file_name}"
    if file.dataset is None:  # receiving it already found it unreadable
        return ParsedFile(file, error=file.message)
    try:
        export = parse_received(file, registry().unit(file.unit_code), job.root)
    except PARSE_ERRORS as error:
        return ParsedFile(file, error=f"{place}: {error}")
    if export.frame.empty:
        return ParsedFile(file, error=f"{place}: {NO_ROWS}")
    masks = quarter_masks(export, file)
    if not masks:
        return ParsedFile(file, error=f"{place}: {NO_DATE}")
    path = f"{job.scratch}/{uuid.uuid4().hex}.pickle"
    with open(path, "wb") as sink:
        pickle.dump((export, masks), sink, protocol=pickle.HIGHEST_PROTOCOL)
    rows = {quarter: _quarter_rows(export, file.dataset, mask) for quarter, mask in masks.items()}
    return ParsedFile(file, path, rows)


def read_parsed(parsed: ParsedFile, quarter: Quarter) -> ParsedExport:
    """The file's parsed rows of one quarter."""
    with open(parsed.scratch_path, "rb") as source:
        export, masks = pickle.load(source)
    in_quarter = masks.get(quarter)
    return export.subset(in_quarter if in_quarter is not None else np.zeros(len(export.frame), dtype=bool))
