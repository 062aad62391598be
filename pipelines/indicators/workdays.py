"""Working days for service time limits: weekends, national holidays and collective leave excluded."""

from __future__ import annotations

from dataclasses import dataclass
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


def working_days_between(
    start: np.ndarray, end: np.ndarray, holidays: np.ndarray, count_receipt_day: bool = False
) -> np.ndarray:
    """Working days up to and including `end`, counted from the day after `start` (same-day service takes 0
    days) or, with `count_receipt_day`, from `start` itself when it is a working day (same-day service takes 1).

    Inputs are datetime64[D] arrays; pairs with a missing date give -1 (callers mask them).
    """
    missing = np.isnat(start) | np.isnat(end)
    safe_start = np.where(missing, np.datetime64("2000-01-01"), start)
    safe_end = np.where(missing, np.datetime64("2000-01-01"), end)
    first = safe_start if count_receipt_day else safe_start + 1
    counted = np.busday_count(first, safe_end + 1, holidays=holidays)
    return np.where(missing, -1, counted)


@dataclass(frozen=True)
class WorkCalendar:
    """The days that count toward a time limit: service standards differ on whether the day of receipt does."""

    holidays: np.ndarray
    count_receipt_day: bool = False

    def days_between(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        return working_days_between(start, end, self.holidays, self.count_receipt_day)


def work_calendar(year: int) -> WorkCalendar:
    """The calendar of a quarter's year as configured (MONEV_COUNT_RECEIPT_DAY)."""
    return WorkCalendar(holiday_calendar(year), get_settings().count_receipt_day)
