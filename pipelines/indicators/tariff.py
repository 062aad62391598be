"""Tariff integrity: what applicants paid against the official tariff valid on the day.

A fee taken for a service whose official tariff is Rp0 is the clearest sign of an illegal
levy (pungli); rows without a recorded fee are not judged.
"""

from __future__ import annotations

import pandas as pd


def _judged(service_log: pd.DataFrame) -> pd.DataFrame:
    return service_log.loc[service_log["fee_paid"].notna() & service_log["official_tariff"].notna()]


def tariff_compliance_rate(service_log: pd.DataFrame) -> tuple[float | None, int]:
    """Percent of services charged exactly the official tariff."""
    judged = _judged(service_log)
    if not len(judged):
        return None, 0
    return float((judged["fee_paid"] == judged["official_tariff"]).mean() * 100), len(judged)


def overcharged_count(service_log: pd.DataFrame) -> tuple[int, int]:
    """Services charged more than the official tariff."""
    judged = _judged(service_log)
    return int((judged["fee_paid"] > judged["official_tariff"]).sum()), len(judged)


def free_service_charged_count(service_log: pd.DataFrame) -> tuple[int, int]:
    """Services with an official tariff of Rp0 for which a fee was taken, and how many free services were judged."""
    free = _judged(service_log).pipe(lambda rows: rows.loc[rows["official_tariff"] == 0])
    return int((free["fee_paid"] > 0).sum()), len(free)
