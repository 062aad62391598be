"""Reporting quarters ("triwulan"), always reckoned in Asia/Jakarta time.

Kept free of heavy imports: DAG files use it at parse time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from pipelines.settings import TIMEZONE

_QUARTER_PATTERN = re.compile(r"^\s*(\d{4})\s*-?\s*Q([1-4])\s*$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    quarter: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        match = _QUARTER_PATTERN.match(text)
        if not match:
            raise ValueError(f"{text!r} is not a quarter; write it as YYYYQn, for example 2026Q3")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def containing(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.quarter - 2, 1)

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)

    def next(self) -> Quarter:
        return Quarter(self.year + self.quarter // 4, self.quarter % 4 + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - (self.quarter == 1), (self.quarter - 2) % 4 + 1)

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter}"

    @property
    def label(self) -> str:
        """Folder-style label used for releases: 2026-Q3."""
        return f"{self.year}-Q{self.quarter}"


def last_complete_quarter(moment: datetime) -> Quarter:
    """The quarter a run at `moment` reports on: the last one that ended before it, in Jakarta time."""
    if moment.tzinfo is None:
        raise ValueError("a run's logical date must be timezone-aware")
    local_day = moment.astimezone(ZoneInfo(TIMEZONE)).date()
    return Quarter.containing(local_day).previous()


def reporting_quarter(requested: str | None, logical_date: datetime | None) -> Quarter:
    """An explicit quarter (a DAG Param or CLI flag) wins; otherwise derive it from the run's logical date."""
    if requested:
        return Quarter.parse(requested)
    if logical_date is None:
        raise ValueError("this run has no logical date and no 'quarter' parameter; trigger it with one")
    return last_complete_quarter(logical_date)
