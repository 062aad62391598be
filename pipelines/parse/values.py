"""Typed values from the strings units export: dates, rupiah amounts, small integers.

Exports repeat the same few hundred date and amount strings millions of times, so each
parser works on the distinct strings (Arrow dictionary encoding) and maps back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pyarrow as pa
import pyarrow.compute as pc

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d-%m-%y", "%d/%m/%y", "%Y/%m/%d")
_TIME_OF_DAY = r"[ T]+\d{1,2}[:.]\d{2}([:.]\d{2})?(\.\d+)?\s*([AaPp][Mm])?\s*([A-Za-z]{3,4}|[+-]\d{2}:?\d{2})?$"


def _on_distinct(values: pa.Array, parse: Callable[[pa.Array], pa.Array]) -> pa.Array:
    """Apply `parse` to each distinct non-blank string once and expand the result to every row."""
    trimmed = pc.utf8_trim_whitespace(values.cast(pa.string()))
    blank_as_null = pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)
    encoded = pc.dictionary_encode(blank_as_null)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    parsed_dictionary = parse(encoded.dictionary)
    return pc.take(parsed_dictionary, encoded.indices)


def _strict_date(text: str) -> date | None:
    for date_format in DATE_FORMATS:
        try:
            return datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    return None


def _parse_dates(strings: pa.Array) -> pa.Array:
    # Python's strptime is strict (31/02 is no date; arrow's would roll it over to 3 March);
    # it runs once per distinct string, so its speed does not matter.
    return pa.array([_strict_date(text) if text else None for text in strings.to_pylist()], pa.date32())


def parse_dates(values: pa.Array) -> pa.Array:
    """Calendar dates (date32); a non-blank string that is no date in any known format becomes null.

    The time of day is dropped first: service standards count days, and it keeps the number
    of distinct strings small.
    """
    without_time = pc.replace_substring_regex(values.cast(pa.string()), _TIME_OF_DAY, "")
    return _on_distinct(without_time, _parse_dates)


def _parse_rupiah(strings: pa.Array) -> pa.Array:
    # "Rp 55.000,00" → "55000": drop the currency, thousands dots and a ",00" cents tail.
    text = pc.utf8_lower(strings)
    text = pc.replace_substring_regex(text, r"^\s*rp\.?\s*", "")
    text = pc.replace_substring_regex(text, r",0{1,2}\s*$", "")
    text = pc.replace_substring_regex(text, r"(\d)\.(\d{3})", r"\1\2")
    text = pc.replace_substring_regex(text, r"(\d)\.(\d{3})", r"\1\2")
    text = pc.utf8_trim_whitespace(text)
    is_number = pc.match_substring_regex(text, r"^-?\d{1,15}$")
    return pc.if_else(is_number, text, pa.scalar(None, pa.string())).cast(pa.int64())


def parse_rupiah(values: pa.Array) -> pa.Array:
    """Whole rupiah (int64) from `55000`, `55.000`, `Rp 55.000,00`, `Rp55.000`; anything else null."""
    return _on_distinct(values, _parse_rupiah)


def _parse_integers(strings: pa.Array) -> pa.Array:
    text = pc.replace_substring_regex(strings, r"\.0+$", "")
    is_number = pc.match_substring_regex(text, r"^-?\d{1,9}$")
    return pc.if_else(is_number, text, pa.scalar(None, pa.string())).cast(pa.int64())


def parse_integers(values: pa.Array) -> pa.Array:
    """Small whole numbers such as survey answers; "4" and "4.0" (Excel) alike."""
    return _on_distinct(values, _parse_integers)


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
