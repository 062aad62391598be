"""Complaint handling (PermenPANRB 62/2018) against the unit's response and resolution limits.

A complaint counts toward an on-time rate once it is settled either way: handled (on time or
late), or still unhandled when its limit had already passed at quarter end. One still within
its limit at quarter end is not judged yet: calling it late, or on time, would be a guess.
A resolution is also a response, and a complaint closed as rejected (`ditolak`) is handled, not late.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from pipelines.indicators.workdays import WorkCalendar


def _days(start: pd.Series, end: pd.Series | np.ndarray, calendar: WorkCalendar) -> np.ndarray:
    return calendar.days_between(start.to_numpy(dtype="datetime64[D]"), np.asarray(end, dtype="datetime64[D]"))


REJECTED = "ditolak"


def response_dates(complaint_log: pd.DataFrame) -> pd.Series:
    """When each complaint was first answered: a resolution is also a response, so the earlier of the two."""
    responded, resolved = complaint_log["responded_date"], complaint_log["resolved_date"]
    return responded.where(resolved.isna() | (responded <= resolved), resolved)


def handled_within_limit_rate(
    complaint_log: pd.DataFrame,
    done: pd.Series,
    limit_days: np.ndarray | int,
    quarter_end: dt.date,
    calendar: WorkCalendar,
) -> tuple[float | None, int]:
    """Percent of judged complaints handled (`done` dated) within `limit_days` working days.

    A complaint closed as rejected without a date is handled, not late. Limits may differ per row:
    a pooled agency roll-up judges each complaint by its own unit's standard.
    """
    received = complaint_log["received_date"]
    dated = done.notna().to_numpy()
    rejected_undated = (complaint_log["status"] == REJECTED).to_numpy() & ~dated
    taken = _days(received, done, calendar)
    elapsed = _days(received, np.full(len(received), np.datetime64(quarter_end, "D")), calendar)
    judged = dated | rejected_undated | (elapsed > limit_days)
    if not judged.any():
        return None, 0
    on_time = (dated & (taken <= limit_days)) | rejected_undated
    return float(on_time[judged].mean() * 100), int(judged.sum())


def complaints_per_1000_services(complaints: int, services_received: int | None) -> tuple[float | None, int]:
    """Complaints per 1,000 services received: comparable between a busy LTSA and a quiet BLK."""
    if not services_received:
        return None, 0
    return complaints * 1000 / services_received, services_received


def resolution_days_median(complaint_log: pd.DataFrame, calendar: WorkCalendar) -> tuple[float | None, int]:
    """Median working days from receipt to resolution, over resolved complaints."""
    resolved = complaint_log.loc[complaint_log["resolved_date"].notna()]
    if not len(resolved):
        return None, 0
    return float(np.median(_days(resolved["received_date"], resolved["resolved_date"], calendar))), len(resolved)
