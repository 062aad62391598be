"""All indicators of one unit and quarter, in the long format analysts and releases share."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipelines.indicators import service, skm
from pipelines.warehouse.schemas import SKM_ELEMENTS


@dataclass(frozen=True)
class IndicatorValue:
    indicator_code: str
    value: float | None
    category: str | None
    n: int | None


def unit_indicators(
    service_log: pd.DataFrame, skm_response: pd.DataFrame, holidays: np.ndarray, weight_mode: str
) -> list[IndicatorValue]:
    """Indicators from one unit's validated rows; an empty dataset yields no value, never a zero."""
    values: list[IndicatorValue] = []
    if len(service_log):
        done = int(service.completed(service_log).sum())
        values.append(IndicatorValue("services_completed", float(done), None, len(service_log)))
        rate, judged = service.on_time_rate(service_log, holidays)
        values.append(IndicatorValue("on_time_rate", rate, None, judged))
    if len(skm_response):
        respondents = len(skm_response)
        totals = [int(skm_response[element].sum()) for element in SKM_ELEMENTS]
        result = skm.ikm(totals, respondents, weight_mode)
        values.append(IndicatorValue("skm_respondents", float(respondents), None, respondents))
        values.append(IndicatorValue("ikm", result.converted, result.grade, respondents))
    return values
