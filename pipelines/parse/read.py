"""Read an export (CSV or XLSX bytes) into a grid of strings under its real header row.

Exports often carry a title block above the header ("LAPORAN PELAYANAN TRIWULAN III ..."),
so the header row is the one that maps the most canonical columns, not the first line.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

import pyarrow as pa
import pyarrow.csv as pacsv

HEADER_SEARCH_ROWS = 30
HeaderScore = Callable[[list[str]], int]


class UnreadableFile(ValueError):
    """The file cannot be read as a table at all; it is rejected whole."""


@dataclass(frozen=True)
class RawTable:
    headers: list[str]
    cells: pa.Table
    """One string column per header position, named c0, c1, …"""
    row_numbers: pa.Array
    """Row of each record as a person sees it: the spreadsheet row, or the CSV line."""
    location: str = ""
    """Where in the file the table was found, e.g. "sheet 'Data'"."""

    @property
    def num_rows(self) -> int:
        return self.cells.num_rows


def _encoding_of(data: bytes) -> str:
    """UTF-8 when the bytes are valid UTF-8, else Windows-1252 (what Excel on Windows saves)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view, chunk = memoryview(data), 16 << 20
    try:
        for start in range(0, len(data), chunk):
            decoder.decode(view[start : start + chunk], final=start + chunk >= len(data))
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _best_header_row(rows: list[list[str]], score: HeaderScore) -> int:
    scores = [score(row) for row in rows[:HEADER_SEARCH_ROWS]]
    if not scores or max(scores) == 0:
        raise UnreadableFile(
            f"no header row with known column names in the first {HEADER_SEARCH_ROWS} rows; "
            "check that the export has its column titles (see config/headers.yaml)"
        )
    return scores.index(max(scores))


def read_csv(data: bytes, score: HeaderScore) -> RawTable:
    data = data.removeprefix(b"\xef\xbb\xbf")
    if data.strip() == b"":
        raise UnreadableFile("the file is empty")
    encoding = _encoding_of(data)
    sample = data[:64_000].decode(encoding, errors="ignore")
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    head_rows = list(csv.reader(io.StringIO(sample), delimiter=delimiter))[:HEADER_SEARCH_ROWS]
    header_index = _best_header_row(head_rows, score)
    headers = [cell.strip() for cell in head_rows[header_index]]
    names = [f"c{i}" for i in range(len(headers))]
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(
                skip_rows=header_index + 1, column_names=names, block_size=64 << 20, encoding=encoding
            ),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in names}, strings_can_be_null=False
            ),
        )
    except pa.ArrowInvalid as error:
        raise UnreadableFile(f"not a consistent table after the header row: {error}") from None
    first_data_line = header_index + 2
    row_numbers = pa.array(range(first_data_line, first_data_line + table.num_rows), pa.int64())
    return RawTable(headers=headers, cells=table, row_numbers=row_numbers)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S") if value.time() != time(0) else value.strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_xlsx(data: bytes, score: HeaderScore) -> RawTable:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as error:
        raise UnreadableFile(f"not a readable Excel workbook: {error}") from None
    best: tuple[int, str, list[list[str]], int] | None = None
    for sheet_name in workbook.sheet_names:
        rows = [
            [_cell_text(cell) for cell in row]
            for row in workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        ]
        head_scores = [score(row) for row in rows[:HEADER_SEARCH_ROWS]]
        if head_scores and (best is None or max(head_scores) > best[0]):
            best = (max(head_scores), sheet_name, rows, head_scores.index(max(head_scores)))
    if best is None or best[0] == 0:
        raise UnreadableFile(
            f"no sheet has a header row with known column names in its first {HEADER_SEARCH_ROWS} rows"
        )
    _, sheet_name, rows, header_index = best
    headers = rows[header_index]
    body = [row for row in rows[header_index + 1 :]]
    numbers = [header_index + 2 + offset for offset, row in enumerate(body) if any(row)]
    body = [row for row in body if any(row)]
    columns = {
        f"c{i}": pa.array([row[i] if i < len(row) else "" for row in body], pa.string()) for i in range(len(headers))
    }
    return RawTable(
        headers=headers,
        cells=pa.table(columns) if columns else pa.table({}),
        row_numbers=pa.array(numbers, pa.int64()),
        location=f"sheet '{sheet_name}'",
    )


def read_json(data: bytes, score: HeaderScore) -> RawTable:
    """Records from an API or a JSON export: a list of objects, or one under "records" or "data"."""
    try:
        document = json.loads(data)
    except ValueError as error:
        raise UnreadableFile(f"not valid JSON: {error}") from None
    records = document.get("records", document.get("data")) if isinstance(document, dict) else document
    if not isinstance(records, list) or not all(isinstance(record, dict) for record in records):
        raise UnreadableFile('expected a list of records (or one under "records" or "data")')
    headers = list(dict.fromkeys(key for record in records for key in record))
    if not records or score(headers) == 0:
        raise UnreadableFile("no records with known field names (see config/headers.yaml)")
    columns = {
        f"c{i}": pa.array([_cell_text(record.get(key)) for record in records], pa.string())
        for i, key in enumerate(headers)
    }
    return RawTable(
        headers=headers,
        cells=pa.table(columns),
        row_numbers=pa.array(range(1, len(records) + 1), pa.int64()),
        location="records",
    )


def read_table(file_name: str, data: bytes, score: HeaderScore) -> RawTable:
    suffix = file_name.lower().rsplit(".", 1)[-1] if "." in file_name else ""
    if suffix in ("xlsx", "xlsm"):
        return read_xlsx(data, score)
    if suffix == "json":
        return read_json(data, score)
    if suffix in ("csv", "txt", "tsv"):
        return read_csv(data, score)
    raise UnreadableFile(f"unsupported file type '.{suffix}'; send CSV, XLSX or JSON")
