"""Typed values from the strings units export: dates, rupiah amounts, small integers, percentages.

Exports repeat the same few hundred date and amount strings millions of times, so each
parser works on the distinct strings (Arrow dictionary encoding) and maps back.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc

from pipelines.settings import TIMEZONE

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d-%m-%y", "%d/%m/%y", "%Y/%m/%d")
_CLOCK = r"\d{1,2}[:.]\d{2}([:.]\d{2})?(\.\d+)?"
_TIME_OF_DAY = rf"[ T]+{_CLOCK}\s*([AaPp][Mm])?\s*([A-Za-z]{{3,4}}([+-]\d{{1,2}})?)?$"
_WITH_OFFSET = rf"[ T]{_CLOCK}\s*(Z|[+-]\d{{2}}:?\d{{2}})$"
_EXCEL_EPOCH = date(1899, 12, 30)
_RUPIAH = re.compile(
    r"^(?P<sign>-)?\s*(?:rp\.?\s*)?(?P<sign2>-)?\s*"
    r"(?P<number>\d{1,3}(?:\.\d{3})+|\d{1,3}(?:,\d{3})+|\d+)(?:,(?:0{1,2}|-)|\.0{1,2})?\s*$",
    re.IGNORECASE,
)


def _on_distinct(values: pa.Array, parse: Callable[[pa.Array], pa.Array]) -> pa.Array:
    """Apply `parse` to each distinct non-blank string once and expand the result to every row."""
    trimmed = pc.utf8_trim_whitespace(values.cast(pa.string()))
    blank_as_null = pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)
    encoded = pc.dictionary_encode(blank_as_null)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    parsed_dictionary = parse(encoded.dictionary)
    return pc.take(parsed_dictionary, encoded.indices)


def date_of(text: str) -> date | None:
    """One date string → its calendar date in Jakarta, or None; strict (31/02 is no date)."""
    if re.search(_WITH_OFFSET, text):  # an instant: the date is the one in Jakarta
        try:
            return datetime.fromisoformat(text.replace(" ", "T", 1)).astimezone(ZoneInfo(TIMEZONE)).date()
        except ValueError:
            return None
    for date_format in DATE_FORMATS:
        try:
            return datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    if re.fullmatch(r"\d{5}(\.\d+)?", text) and 20_000 <= float(text) <= 80_000:  # an Excel serial day
        return _EXCEL_EPOCH + timedelta(days=int(float(text)))
    if re.search(r"[A-Za-z]", text) and re.search(r"\d{4}", text):  # "27 Agustus 2026": the slow parser
        import dateparser

        found = dateparser.parse(
            text,
            languages=["id", "en"],
            settings={"DATE_ORDER": "DMY", "REQUIRE_PARTS": ["day", "month", "year"], "PARSERS": ["absolute-time"]},
        )
        return found.date() if found else None
    return None


def _parse_dates(strings: pa.Array) -> pa.Array:
    # Runs once per distinct string, so the careful Python parsers cost little.
    return pa.array([date_of(text) if text else None for text in strings.to_pylist()], pa.date32())


def _dates_of_distinct(strings: pa.Array) -> pa.Array:
    """A local time of day is dropped first (service standards count days), so equal days parse once; a timestamp
    with a UTC offset is moved to Jakarta time."""
    instant = pc.fill_null(pc.match_substring_regex(strings, _WITH_OFFSET), False)
    local_day = pc.replace_substring_regex(strings, _TIME_OF_DAY, "")
    return _on_distinct(pc.if_else(instant, strings, local_day), _parse_dates)


def parse_dates(values: pa.Array) -> pa.Array:
    """Calendar dates (date32); a non-blank string that is no date in any known form becomes null."""
    return _on_distinct(values, _dates_of_distinct)


def _rupiah(text: str) -> int | None:
    match = _RUPIAH.match(text)
    if not match:
        return None
    digits = re.sub(r"[.,]", "", match.group("number"))
    if len(digits) > 15:
        return None
    return -int(digits) if (match.group("sign") or match.group("sign2")) else int(digits)


def _parse_rupiah(strings: pa.Array) -> pa.Array:
    return pa.array([_rupiah(text) if text else None for text in strings.to_pylist()], pa.int64())


def parse_rupiah(values: pa.Array) -> pa.Array:
    """Whole rupiah (int64) from `55000`, `55.000`, `Rp 55.000,00`, `Rp55.000`, `Rp 55.000,-`; else null."""
    return _on_distinct(values, _parse_rupiah)


def _parse_integers(strings: pa.Array) -> pa.Array:
    text = pc.replace_substring_regex(strings, r"\.0+$", "")
    is_number = pc.match_substring_regex(text, r"^-?\d{1,9}$")
    return pc.if_else(is_number, text, pa.scalar(None, pa.string())).cast(pa.int64())


def parse_integers(values: pa.Array) -> pa.Array:
    """Small whole numbers such as survey answers; "4" and "4.0" (Excel) alike."""
    return _on_distinct(values, _parse_integers)


def _parse_decimals(strings: pa.Array) -> pa.Array:
    text = pc.replace_substring(strings, ",", ".")
    is_number = pc.match_substring_regex(text, r"^-?\d{1,6}(\.\d+)?$")
    return pc.if_else(is_number, text, pa.scalar(None, pa.string())).cast(pa.float64())


def parse_decimals(values: pa.Array) -> pa.Array:
    """Scores such as "3,50" (Indonesian decimal comma) or "3.5"; a thousands separator is not expected."""
    return _on_distinct(values, _parse_decimals)


def parse_percent(values: pa.Array) -> pa.Array:
    """Percentages 0-100 from "75", "75%" or "75,5 %". A column of plain fractions of one, at least one of them
    not whole, is Excel's percent format (0.75 shown as 75%): it is scaled to percent."""
    text = pc.utf8_trim_whitespace(values.cast(pa.string()))
    marked = pc.fill_null(pc.match_substring(text, "%"), False)
    numbers = parse_decimals(pc.utf8_trim_whitespace(pc.replace_substring(text, "%", "")))
    plain = pc.filter(numbers, pc.and_(pc.invert(marked), pc.is_valid(numbers)))
    fractions = (
        not pc.any(marked).as_py()
        and len(plain) > 0
        and pc.max(plain).as_py() <= 1
        and pc.any(pc.not_equal(plain, pc.floor(plain))).as_py()
    )
    return pc.multiply(numbers, 100.0) if fractions else numbers


def map_labels(values: pa.Array, lookup: Callable[[str], str | None]) -> pa.Array:
    """Canonical labels (e.g. status "Dalam Proses" → "proses"); unknown spellings become null."""

    def _lookup(strings: pa.Array) -> pa.Array:
        return pa.array([lookup(text) if text is not None else None for text in strings.to_pylist()], pa.string())

    return _on_distinct(values, _lookup)


def failed(raw: pa.Array, parsed: pa.Array) -> pa.Array:
    """Rows that had a value but could not be parsed (blank cells are not failures)."""
    trimmed = pc.utf8_trim_whitespace(raw.cast(pa.string()))
    present = pc.and_(pc.is_valid(trimmed), pc.not_equal(trimmed, ""))
    return pc.and_(pc.fill_null(present, False), pc.is_null(parsed))
