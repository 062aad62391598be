"""Working days for service time limits: weekends, national holidays and collective leave excluded."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import yaml

from pipelines.settings import get_settings


@cache
def _extra_days(path: Path) -> tuple[np.datetime64, ...]:
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return tuple(np.datetime64(day, "D") for day in document.get("extra_non_working_days") or [])


@cache
def _library_days(years: tuple[int, ...]) -> tuple[np.datetime64, ...]:
    import holidays

    calendar = holidays.country_holidays("ID", years=years, categories=("public", "government"))
    return tuple(np.datetime64(day, "D") for day in calendar)


def holiday_calendar(*years: int) -> np.ndarray:
    """Non-working weekdays of the given years (plus the next, for services crossing New Year)."""
    span = tuple(sorted({year for first in years for year in (first - 1, first, first + 1)}))
    extra = _extra_days(get_settings().config_dir / "calendar.yaml")
    return np.array(sorted({*_library_days(span), *extra}), dtype="datetime64[D]")


def working_days_between(start: np.ndarray, end: np.ndarray, holidays: np.ndarray) -> np.ndarray:
    """Working days after `start` up to and including `end`: same-day service takes 0 days.

    Inputs are datetime64[D] arrays; pairs with a missing date give -1 (callers mask them).
    """
    missing = np.isnat(start) | np.isnat(end)
    safe_start = np.where(missing, np.datetime64("2000-01-01"), start)
    safe_end = np.where(missing, np.datetime64("2000-01-01"), end)
    counted = np.busday_count(safe_start + 1, safe_end + 1, holidays=holidays)
    return np.where(missing, -1, counted)
