"""Working days for service time limits: weekends, national holidays and collective leave excluded."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, partial
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


def _running_at(running: np.ndarray, low: np.datetime64, lacking: np.ndarray, dates: np.ndarray) -> np.ndarray:
    """Working days from `low` up to each date (rows lacking a date look up `low`, and are masked after)."""
    return running[(np.where(lacking, low, dates) - low).astype(np.int64)]


ROWS_PER_STEP = 1 << 20
"""Rows counted at a time: the temporaries of 10M rows would take more memory than the rows themselves."""


def working_days_between(
    start: np.ndarray, end: np.ndarray, holidays: np.ndarray, count_receipt_day: bool = False
) -> np.ndarray:
    """Working days up to and including `end`, counted from the day after `start` (same-day service takes 0
    days) or, with `count_receipt_day`, from `start` itself when it is a working day (same-day service takes 1).

    Inputs are datetime64[D] arrays; pairs with a missing date give -1 (callers mask them). Counted as
    numpy's busday_count counts (an end before the start gives minus the working days after the end up
    to the start), from a running count of working days over the span the dates cover: a few array
    lookups per date, however many millions of rows.
    """
    missing = np.isnat(start) | np.isnat(end)
    if missing.all():
        return np.full(len(start), -1, dtype=np.int64)
    day = np.timedelta64(1, "D")
    shift = np.timedelta64(0 if count_receipt_day else 1, "D")
    known_start, known_end = start[~missing], end[~missing]
    low = min(known_start.min() + shift, known_end.min()) - day
    high = max(known_start.max() + shift, known_end.max())
    del known_start, known_end
    days = np.arange(low, high + 2 * day)
    running = np.cumsum(np.is_busday(days, holidays=holidays), dtype=np.int64)  # working days from `low` to each day
    counted = np.empty(len(start), dtype=np.int64)
    for begin in range(0, len(start), ROWS_PER_STEP):
        step = slice(begin, begin + ROWS_PER_STEP)
        lacking, first, last = missing[step], start[step] + shift, end[step]
        upto = partial(_running_at, running, low, lacking)
        forward = upto(last) - upto(first - day)
        backward = upto(last + day) - upto(first)
        counted[step] = np.where(lacking, -1, np.where(last >= first, forward, backward))
    return counted


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
