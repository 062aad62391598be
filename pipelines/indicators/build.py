"""Indicator stage: validated warehouse facts of a quarter → `unit_quarter_indicators` partitions."""

from __future__ import annotations

import logging

import pandas as pd
import pyarrow as pa

from pipelines.indicators.unit_quarter import unit_indicators
from pipelines.indicators.workdays import holiday_calendar
from pipelines.periods import Quarter
from pipelines.registry import registry
from pipelines.settings import get_settings
from pipelines.storage import DataRoot, data_root
from pipelines.warehouse.dimensions import write_dimensions
from pipelines.warehouse.partitions import read_quarter, replace_partition
from pipelines.warehouse.schemas import SERVICE_LOG, SKM_RESPONSE, UNIT_QUARTER_INDICATORS

log = logging.getLogger(__name__)


def build_indicators(quarter: Quarter, root: DataRoot | None = None) -> dict[str, int]:
    """Recompute every unit's indicators for `quarter`; returns how many values each unit got."""
    root = root or data_root()
    settings = get_settings()
    service_log = read_quarter(root, "warehouse", "service_log", quarter, SERVICE_LOG).to_pandas(date_as_object=False)
    skm_response = read_quarter(root, "warehouse", "skm_response", quarter, SKM_RESPONSE).to_pandas()
    holidays = holiday_calendar(quarter.year)
    write_dimensions(root, registry())
    counts: dict[str, int] = {}
    for unit_code in registry().unit_codes:
        values = unit_indicators(
            service_log[service_log["unit_code"] == unit_code],
            skm_response[skm_response["unit_code"] == unit_code],
            quarter.last_day,
            holidays,
            settings.ikm_weight_mode,
        )
        rows = pa.Table.from_pandas(
            pd.DataFrame([vars(value) for value in values], columns=UNIT_QUARTER_INDICATORS.names),
            schema=UNIT_QUARTER_INDICATORS,
            preserve_index=False,
        )
        replace_partition(root, "warehouse", "unit_quarter_indicators", quarter, unit_code, rows)
        counts[unit_code] = rows.num_rows
        if not values:
            log.warning("%s %s: no validated data, reported as not reported", unit_code, quarter)
    return counts
