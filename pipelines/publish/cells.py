"""Cell text for people: numbers as Indonesian readers write them, and text spreadsheets will not run."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from pipelines.indicators.skm import round_half_up
from pipelines.settings import TIMEZONE

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


MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")  # fmt: skip


def indonesian_time(moment: datetime) -> str:
    """A moment as Indonesian readers write it, in Jakarta time: 7 Desember 2026 08.15 WIB."""
    local = moment.astimezone(ZoneInfo(TIMEZONE))
    return f"{local.day} {MONTHS[local.month - 1]} {local.year} {local:%H.%M} WIB"


def indonesian_size(size: int) -> str:
    """A file size in kB or MB, with a decimal comma."""
    return f"{decimal_comma(size / 1000, 1)} kB" if size < 1_000_000 else f"{decimal_comma(size / 1e6, 1)} MB"
