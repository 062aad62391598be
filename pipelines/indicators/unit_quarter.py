"""All indicators of one unit and quarter, in the long format analysts and releases share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipelines.indicators import service, skm, tariff
from pipelines.warehouse.schemas import SKM_ELEMENTS


@dataclass(frozen=True)
class IndicatorValue:
    indicator_code: str
    value: float | None
    category: str | None
    n: int | None


def _service_values(service_log: pd.DataFrame, quarter_end: dt.date, holidays: np.ndarray) -> list[IndicatorValue]:
    done = int(service.completed(service_log).sum())
    measured = [
        ("services_received", (float(len(service_log)), len(service_log))),
        ("services_completed", (float(done), len(service_log))),
        ("on_time_rate", service.on_time_rate(service_log, holidays)),
        ("processing_days_p50", service.processing_days_percentile(service_log, holidays, 50)),
        ("processing_days_p90", service.processing_days_percentile(service_log, holidays, 90)),
        ("backlog_overdue", service.backlog_overdue(service_log, quarter_end, holidays)),
        ("online_share", service.online_share(service_log)),
        ("tariff_compliance_rate", tariff.tariff_compliance_rate(service_log)),
        ("overcharged_count", tariff.overcharged_count(service_log)),
        ("free_service_charged_count", tariff.free_service_charged_count(service_log)),
    ]
    return [IndicatorValue(code, None if value is None else float(value), None, n) for code, (value, n) in measured]


def unit_indicators(
    service_log: pd.DataFrame,
    skm_response: pd.DataFrame,
    quarter_end: dt.date,
    holidays: np.ndarray,
    weight_mode: str,
) -> list[IndicatorValue]:
    """Indicators from one unit's validated rows; an empty dataset yields no value, never a zero."""
    values: list[IndicatorValue] = []
    if len(service_log):
        values += _service_values(service_log, quarter_end, holidays)
    if len(skm_response):
        respondents = len(skm_response)
        totals = [int(skm_response[element].sum()) for element in SKM_ELEMENTS]
        result = skm.ikm(totals, respondents, weight_mode)
        values.append(IndicatorValue("skm_respondents", float(respondents), None, respondents))
        values.append(IndicatorValue("ikm", result.converted, result.grade, respondents))
    return values
