"""Quarantine records: one per problem, quoting the cells as the unit wrote them.

A message reads `UNIT/file row N, column "Header" = 'value': what is wrong`. Records are built
column by column with Arrow (a file can have hundreds of thousands of bad rows); Python only
quotes each distinct value once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.parse.canonical import ParsedExport
from pipelines.runstate.received_files import ReceivedFile
from pipelines.warehouse.schemas import QUARANTINE

REJECTED_FIX = "Perbaiki berkas sesuai keterangan, lalu kirim ulang dengan nama berkas yang sama."
EMPTY = "(empty)"


def file_record(file: ReceivedFile) -> dict:
    return {"dataset": file.dataset or "unrecognised", "file_name": file.file_name, "source_file": file.sha256}


def rejected_record(file: ReceivedFile, message: str) -> dict:
    return {
        **file_record(file), "source_row": None, "column": None, "header": None, "value": None,
        "rule": "file_rejected", "message": message, "fix": REJECTED_FIX,
    }  # fmt: skip


def _quoted(values: pa.Array) -> pa.Array:
    """Each value as a message quotes it: Python's repr of the text, or (empty)."""
    encoded = pc.dictionary_encode(values)
    quoted = [EMPTY if text in (None, "") else repr(text) for text in encoded.dictionary.to_pylist()]
    return pc.fill_null(pc.take(pa.array(quoted, pa.string()), encoded.indices), EMPTY)


def _join(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _records_of_column(
    issues: pd.DataFrame, column: str | None, piece: ParsedExport, place: pa.Array
) -> dict[str, pa.Array]:
    """Header, value and message of the problems found in one column (or several joined by commas, or none)."""
    positions = pa.array(issues["position"].to_numpy(dtype=np.int64))
    problems = pa.array(issues["problem"].astype(str).to_numpy(), pa.string())
    cells = [
        (piece.headers[name], piece.raw_values[name].take(positions))
        for name in (column or "").split(",")
        if name in piece.raw_values
    ]
    if not cells:
        empty = pa.nulls(len(issues), pa.string())
        return {"header": empty, "value": empty, "message": _join(place, ": ", problems)}
    quoted = [_join(f'column "{header}" = ', _quoted(values)) for header, values in cells]
    joined = quoted[0] if len(quoted) == 1 else pc.binary_join_element_wise(*quoted, "; ")
    header, value = cells[0]
    return {
        "header": pa.array([header] * len(issues), pa.string()),
        "value": value.cast(pa.string()),
        "message": _join(place, ", ", joined, ": ", problems),
    }


def issue_records(issues: pd.DataFrame, piece: ParsedExport, file: ReceivedFile, unit_code: str) -> pa.Table:
    """A quarantine record per problem found in one file's rows (positions into `piece`), in the same order."""
    if issues.empty:
        return QUARANTINE.empty_table()
    source_rows = piece.frame["source_row"].to_numpy(dtype=np.int64)[issues["position"].to_numpy(dtype=np.int64)]
    issues = issues.assign(source_row=source_rows, order=np.arange(len(issues)))
    parts = []
    for column, group in issues.groupby(issues["column"].fillna(""), sort=False):
        place = _join(f"{unit_code}/{file.file_name} row ", pa.array(group["source_row"].astype(str), pa.string()))
        found = _records_of_column(group, column or None, piece, place)
        parts.append(
            pa.table(
                {
                    "order": pa.array(group["order"].to_numpy()),
                    "source_row": pa.array(group["source_row"].to_numpy(), pa.int64()),
                    "column": pa.array([column or None] * len(group), pa.string()),
                    **found,
                    "rule": pa.array(group["rule"].astype(str).to_numpy(), pa.string()),
                    "fix": pa.array(group["fix"].to_numpy(), pa.string(), from_pandas=True),
                }
            )
        )
    records = pa.concat_tables(parts).sort_by("order")
    fixed = file_record(file)
    columns = {name: pa.array([fixed[name]] * len(records), pa.string()) for name in fixed}
    columns |= {name: records.column(name) for name in QUARANTINE.names if name not in fixed}
    return pa.table(columns, schema=QUARANTINE)
