"""Service-time indicators against the published service standard."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.indicators.workdays import working_days_between


def completed(service_log: pd.DataFrame) -> pd.Series:
    """Services finished in the period: status "selesai" with a completion date."""
    return (service_log["status"] == "selesai") & service_log["completed_date"].notna()


def processing_days(service_log: pd.DataFrame, holidays: np.ndarray) -> np.ndarray:
    """Working days from receipt to completion (same-day service = 0; -1 where not completed)."""
    received = service_log["received_date"].to_numpy(dtype="datetime64[D]")
    finished = service_log["completed_date"].to_numpy(dtype="datetime64[D]")
    return working_days_between(received, finished, holidays)


def on_time_rate(service_log: pd.DataFrame, holidays: np.ndarray) -> tuple[float | None, int]:
    """Percent of completed services finished within the standard's working days, and how many were judged."""
    done = completed(service_log).to_numpy()
    judged = int(done.sum())
    if judged == 0:
        return None, 0
    days = processing_days(service_log.loc[done], holidays)
    within = days <= service_log.loc[done, "sla_days"].to_numpy(dtype="int64")
    return float(within.mean() * 100), judged
