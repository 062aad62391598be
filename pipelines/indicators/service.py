"""Service-time indicators against the published service standard."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from pipelines.indicators.workdays import WorkCalendar


def completed(service_log: pd.DataFrame) -> pd.Series:
    """Services finished in the period: status "selesai" with a completion date."""
    return (service_log["status"] == "selesai") & service_log["completed_date"].notna()


DAYS_COLUMN = "processing_days"
"""Where a caller holding many rows has counted each row's working days once, for all the groups they pool into."""


def processing_days(service_log: pd.DataFrame, calendar: WorkCalendar) -> np.ndarray:
    """Working days from receipt to completion (same-day service = 0; -1 where not completed)."""
    if DAYS_COLUMN in service_log:
        return service_log[DAYS_COLUMN].to_numpy()
    received = service_log["received_date"].to_numpy(dtype="datetime64[D]")
    finished = service_log["completed_date"].to_numpy(dtype="datetime64[D]")
    return calendar.days_between(received, finished)


def on_time_rate(service_log: pd.DataFrame, calendar: WorkCalendar) -> tuple[float | None, int]:
    """Percent of completed services finished within the standard's working days, and how many were judged."""
    done = completed(service_log).to_numpy()
    judged = int(done.sum())
    if judged == 0:
        return None, 0
    days = processing_days(service_log, calendar)[done]  # masks, not row copies: 10M rows at province level
    within = days <= service_log["sla_days"].to_numpy(dtype="int64")[done]
    return float(within.mean() * 100), judged


def services_open_at(service_log: pd.DataFrame, day: dt.date) -> pd.Series:
    """Still in progress at the end of `day`: status "proses", or completed only after it."""
    after = service_log["completed_date"] > pd.Timestamp(day)
    return (service_log["status"] == "proses") | ((service_log["status"] == "selesai") & after.fillna(False))


def backlog_overdue(service_log: pd.DataFrame, quarter_end: dt.date, calendar: WorkCalendar) -> tuple[int, int]:
    """Services open at quarter end that had already used more working days than their limit, and how many were open."""
    open_rows = service_log.loc[services_open_at(service_log, quarter_end).to_numpy()]
    if not len(open_rows):
        return 0, 0
    received = open_rows["received_date"].to_numpy(dtype="datetime64[D]")
    elapsed = calendar.days_between(received, np.full(len(received), np.datetime64(quarter_end, "D")))
    return int((elapsed > open_rows["sla_days"].to_numpy(dtype="int64")).sum()), len(open_rows)


def processing_days_percentile(
    service_log: pd.DataFrame, calendar: WorkCalendar, percent: float
) -> tuple[float | None, int]:
    """Percentile (linear interpolation between ranks) of working days taken by completed services."""
    done = completed(service_log).to_numpy()
    if not done.any():
        return None, 0
    return float(np.percentile(processing_days(service_log, calendar)[done], percent)), int(done.sum())


def online_share(service_log: pd.DataFrame) -> tuple[float | None, int]:
    """Percent of services requested online, among those whose channel is known."""
    known = service_log["channel"].dropna()
    if not len(known):
        return None, 0
    return float((known == "online").mean() * 100), len(known)
