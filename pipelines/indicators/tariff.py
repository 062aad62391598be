"""Tariff integrity: what applicants paid against the official tariff valid on the day.

A fee taken for a service whose official tariff is Rp0 is the clearest sign of an illegal
levy (pungli); rows without a recorded fee are not judged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _judged(service_log: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Fee paid and official tariff of the rows where both are known (arrays, not a copy of the rows)."""
    known = (service_log["fee_paid"].notna() & service_log["official_tariff"].notna()).to_numpy()
    paid = service_log["fee_paid"].to_numpy(dtype="float64", na_value=np.nan)[known]
    return paid, service_log["official_tariff"].to_numpy(dtype="float64", na_value=np.nan)[known]


def tariff_compliance_rate(service_log: pd.DataFrame) -> tuple[float | None, int]:
    """Percent of services charged exactly the official tariff."""
    paid, tariff = _judged(service_log)
    if not len(paid):
        return None, 0
    return float((paid == tariff).mean() * 100), len(paid)


def overcharged_count(service_log: pd.DataFrame) -> tuple[int, int]:
    """Services charged more than the official tariff."""
    paid, tariff = _judged(service_log)
    return int((paid > tariff).sum()), len(paid)


def free_service_charged_count(service_log: pd.DataFrame) -> tuple[int, int]:
    """Services with an official tariff of Rp0 for which a fee was taken, and how many free services were judged."""
    paid, tariff = _judged(service_log)
    free = tariff == 0
    return int((paid[free] > 0).sum()), int(free.sum())
