"""Cell text for people: numbers as Indonesian readers write them, and text spreadsheets will not run."""

from __future__ import annotations

from pipelines.indicators.skm import round_half_up

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def safe_cell(value: object) -> object:
    """Prefix an apostrophe to text a spreadsheet would run as a formula (=, +, -, @); numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _is_number(value):
        return "'" + value
    return value


def decimal_comma(value: float, places: int = 2) -> str:
    """Number as Indonesian readers write it (1.234,56), rounded half up like the official figures."""
    text = f"{round_half_up(value, places):,.{places}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")
