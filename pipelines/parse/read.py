"""Read an export (CSV or XLSX bytes) into a grid of strings under its real header row.

Exports often carry a title block above the header ("LAPORAN PELAYANAN TRIWULAN III ..."),
so the header row is the one that maps the most canonical columns, not the first line. Worksheets
often have a two-row header ("NO. RES" merged down beside "NILAI UNSUR PELAYANAN" merged across
U1…U9): the lower row's titles, filled in from the row above where a merged cell left them empty.
The title block is kept, since it may hold what the rows do not (the period).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

import pyarrow as pa
import pyarrow.csv as pacsv

from pipelines.settings import get_settings

HEADER_SEARCH_ROWS = 30
SAMPLE_BYTES = 64_000
"""How much of a CSV is looked at to find its delimiter and header row."""
DELIMITERS = ",;\t|"
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
    preamble: tuple[str, ...] = ()
    """The lines above the header (a title block), each as its non-empty cells joined by spaces."""

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


@dataclass(frozen=True)
class Header:
    index: int
    """Position of the (lower) header row; the data starts below it."""
    top: int
    """Position of the header's first row: the title block ends above it."""
    titles: list[str]
    score: int


def _merged(upper: list[str], lower: list[str]) -> list[str]:
    """A two-row header's titles: the lower row's, and the upper row's where a merged cell left the lower empty."""
    width = max(len(upper), len(lower))
    upper, lower = upper + [""] * (width - len(upper)), lower + [""] * (width - len(lower))
    return [below.strip() or above.strip() for above, below in zip(upper, lower, strict=True)]


def _best_header(rows: list[list[str]], score: HeaderScore) -> Header:
    """The row (alone, or completed by the row above) whose titles map the most canonical columns; ties go
    to the higher row, and to a single row over a merged pair."""
    best = Header(0, 0, [], 0)
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        candidates = [(index, row), (index - 1, _merged(rows[index - 1], row))] if index else [(index, row)]
        for top, titles in candidates:
            found = score(titles)
            if found > best.score:
                best = Header(index, top, [title.strip() for title in titles], found)
    if best.score == 0:
        raise UnreadableFile(
            f"no header row with known column names in the first {HEADER_SEARCH_ROWS} rows; "
            "check that the export has its column titles (see config/headers.yaml)"
        )
    return best


def _preamble(rows: list[list[str]]) -> tuple[str, ...]:
    lines = (" ".join(cell.strip() for cell in row if cell and cell.strip()) for row in rows)
    return tuple(line for line in lines if line)


def _short(error: Exception, limit: int = 300) -> str:
    """An error text fit for a message: parsers quote whole rows, and a row can be megabytes long."""
    text = str(error)
    return text if len(text) <= limit else text[:limit] + " …"


def _head_rows(sample: str, delimiter: str, truncated: bool) -> list[list[str]]:
    try:
        rows = list(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise UnreadableFile(f"not a readable CSV: {_short(error)}") from None
    return rows[:-1] if truncated else rows  # the sample cuts its last row short


def _dialect(sample: str, truncated: bool, score: HeaderScore) -> tuple[str, list[list[str]], Header]:
    """(delimiter, first rows, header): the delimiter under which a header row maps best.

    The stdlib sniffer guesses from character counts and is misled by an odd line (a title, a
    very long row); the header's own column names decide, the sniffer's guess only breaks ties.
    """
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = ","
    best: tuple[int, str, list[list[str]]] | None = None
    for delimiter in dict.fromkeys(sniffed + DELIMITERS):
        rows = _head_rows(sample, delimiter, truncated)[:HEADER_SEARCH_ROWS]
        top = max((score(row) for row in rows), default=0)
        if best is None or top > best[0]:
            best = (top, delimiter, rows)
    _, delimiter, rows = best
    if not rows:
        raise UnreadableFile(f"the first line is longer than {SAMPLE_BYTES:,} bytes; that is no table export")
    return delimiter, rows, _best_header(rows, score)


def read_csv(data: bytes, score: HeaderScore) -> RawTable:
    data = data.removeprefix(b"\xef\xbb\xbf")
    if data.strip() == b"":
        raise UnreadableFile("the file is empty")
    if b"\x00" in data[:SAMPLE_BYTES]:
        raise UnreadableFile(
            "the file holds binary data (NUL bytes), not CSV text: a workbook or another file renamed, "
            "or text saved as UTF-16 ('Unicode Text'); save it as 'CSV UTF-8' or send the XLSX"
        )
    encoding = _encoding_of(data)
    truncated = len(data) > SAMPLE_BYTES
    sample = data[:SAMPLE_BYTES].decode(encoding, errors="ignore")
    delimiter, head_rows, header = _dialect(sample, truncated, score)
    header_index, headers = header.index, header.titles
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
        raise UnreadableFile(f"not a consistent table after the header row: {_short(error)}") from None
    except UnicodeDecodeError as error:
        byte = error.object[error.start]
        line = data[: data.index(bytes([byte]))].count(b"\n") + 1
        raise UnreadableFile(
            f"line {line} holds byte 0x{byte:02x}, which is neither UTF-8 nor Windows-1252 text; "
            "save the file as 'CSV UTF-8'"
        ) from None
    first_data_line = header_index + 2
    row_numbers = pa.array(range(first_data_line, first_data_line + table.num_rows), pa.int64())
    return RawTable(headers=headers, cells=table, row_numbers=row_numbers, preamble=_preamble(head_rows[: header.top]))


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


def check_unpacked_size(data: bytes, limit: int) -> None:
    """Refuse a workbook whose parts unpack past `limit` bytes, before any reader expands them.

    An XLSX is a zip archive: a few kilobytes can declare gigabytes of sheet XML (a zip bomb).
    The declared sizes are checked first; every part is then inflated in bounded chunks, which
    also catches sizes declared falsely (zipfile stops at the declared size and checks the CRC).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            declared = sum(part.file_size for part in parts)
            if declared > limit:
                raise UnreadableFile(
                    f"the workbook unpacks to {declared:,} bytes from {len(data):,} "
                    f"({declared / max(len(data), 1):,.0f} times its size), more than the limit of {limit:,} "
                    "(MONEV_MAX_XLSX_UNPACKED_BYTES); split it by month or send it as CSV"
                )
            for part in parts:
                with archive.open(part) as stream:
                    while stream.read(1 << 20):
                        pass
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError) as error:
        raise UnreadableFile(f"not a readable Excel workbook: {_short(error)}") from None


def read_xlsx(data: bytes, score: HeaderScore) -> RawTable:
    from python_calamine import CalamineWorkbook

    check_unpacked_size(data, get_settings().max_xlsx_unpacked_bytes)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as error:
        raise UnreadableFile(f"not a readable Excel workbook: {error}") from None
    best: tuple[str, list[list[str]], Header] | None = None
    for sheet_name in workbook.sheet_names:
        rows = [
            [_cell_text(cell) for cell in row]
            for row in workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        ]
        try:
            header = _best_header(rows, score)
        except UnreadableFile:
            continue
        if best is None or header.score > best[2].score:
            best = (sheet_name, rows, header)
    if best is None:
        raise UnreadableFile(
            f"no sheet has a header row with known column names in its first {HEADER_SEARCH_ROWS} rows"
        )
    sheet_name, rows, header = best
    header_index, headers = header.index, header.titles
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
        preamble=_preamble(rows[: header.top]),
    )


def read_json(data: bytes, score: HeaderScore) -> RawTable:
    """Records from an API or a JSON export: a list of objects, or one under "records" or "data"."""
    try:
        document = json.loads(data)
    except RecursionError:
        raise UnreadableFile("the JSON is nested too deeply to be a list of records") from None
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
