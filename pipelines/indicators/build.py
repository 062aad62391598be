"""Indicator stage: validated warehouse facts of a quarter → unit indicators and agency/province roll-ups.

The previous quarter's values give each indicator its change; the next quarter, when already
built, gets its change refreshed, so rebuilding an old quarter never leaves a stale difference behind.
"""

from __future__ import annotations

import logging
from dataclasses import fields
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pyarrow as pa

from pipelines.datasets import DATASETS
from pipelines.datasets.spec import LINEAGE_DESCRIPTIONS
from pipelines.indicators import service
from pipelines.indicators.change import with_change
from pipelines.indicators.unit_quarter import Facts, IndicatorValue, Method, unit_indicators
from pipelines.indicators.workdays import WorkCalendar, work_calendar
from pipelines.memory import release_free_memory
from pipelines.periods import Quarter
from pipelines.registry import Registry, registry
from pipelines.runstate import quarter_refresh
from pipelines.runstate.locks import one_run_at_a_time
from pipelines.settings import get_settings
from pipelines.storage import DataRoot, data_root
from pipelines.warehouse.dimensions import write_dimensions
from pipelines.warehouse.partitions import (
    read_quarter,
    read_quarter_by_unit,
    read_quarter_table,
    replace_partition,
    replace_quarter_table,
    with_unit_code,
)
from pipelines.warehouse.schemas import FACT_TABLES, ROLLUP_QUARTER_INDICATORS, UNIT_QUARTER_INDICATORS

log = logging.getLogger(__name__)


UNUSED_COLUMNS = frozenset(
    {*LINEAGE_DESCRIPTIONS, *(column for spec in DATASETS.values() for column in spec.restricted)}
)
"""Identifiers and lineage: no indicator reads them, and at province scale they are most of the memory."""


class FactFrames:
    """One quarter's validated rows of every dataset an indicator reads, ordered by agency and unit.

    Every unit, every agency and the province is then a contiguous run of rows, handed out as a
    slice: 10M service rows are held once, never split or pooled into copies. They are read unit by
    unit in that order, so nothing is sorted; each service's working days are counted once, here.
    """

    def __init__(self, root: DataRoot, quarter: Quarter, reg: Registry, calendar: WorkCalendar) -> None:
        order = [code for _, codes in _agency_units(reg) for code in codes]
        self.frames: dict[str, pd.DataFrame] = {}
        self.bounds: dict[str, dict[str, tuple[int, int]]] = {}
        for dataset in (field.name for field in fields(Facts)):
            schema = FACT_TABLES[dataset]
            columns = [name for name in schema.names if name not in UNUSED_COLUMNS]
            by_unit = read_quarter_by_unit(root, "warehouse", dataset, quarter, schema, columns)
            pieces, bounds, start = [], {}, 0
            for code in order:
                piece = by_unit.pop(code, None)
                if piece is not None and piece.num_rows:
                    pieces.append(piece.append_column("unit_code", _repeated(code, piece.num_rows)))
                    bounds[code] = (start, start + piece.num_rows)
                    start += piece.num_rows
            table = pa.concat_tables(pieces) if pieces else with_unit_code(schema, columns).empty_table()
            del pieces, by_unit  # rows of units no longer in the registry are left out
            # Column by column, each Arrow column freed once converted: the quarter is never held twice.
            frame = table.to_pandas(
                date_as_object=False, strings_to_categorical=True, split_blocks=True, self_destruct=True
            )
            del table
            if dataset == "complaint_log":
                frame = _with_complaint_limits(frame, reg)
            if dataset == "service_log":
                frame[service.DAYS_COLUMN] = service.processing_days(frame, calendar)
            self.frames[dataset] = frame
            self.bounds[dataset] = bounds
            release_free_memory()

    def facts(self, unit_codes: list[str], with_worksheet: bool) -> Facts:
        def pooled(dataset: str) -> pd.DataFrame:
            runs = [self.bounds[dataset][code] for code in unit_codes if code in self.bounds[dataset]]
            if not runs:
                return self.frames[dataset].iloc[0:0]
            start, stop = min(run[0] for run in runs), max(run[1] for run in runs)
            if stop - start != sum(run[1] - run[0] for run in runs):
                raise ValueError(f"units {unit_codes} are not adjacent in the registry's agency order")
            return self.frames[dataset].iloc[start:stop]

        return Facts(
            service_log=pooled("service_log"),
            skm_response=pooled("skm_response"),
            complaint_log=pooled("complaint_log"),
            zi_perception=pooled("zi_perception"),
            zi_lke=pooled("zi_lke") if with_worksheet else None,
            action_plan=pooled("action_plan"),
        )


def _agency_units(reg: Registry) -> list[tuple[str, list[str]]]:
    """Each agency's code with its units' codes, in registry order: the order facts are held in."""
    return [(agency.code, [unit.code for unit in reg.units if unit.agency == agency.code]) for agency in reg.agencies]


def _repeated(unit_code: str, rows: int) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(np.zeros(rows, dtype=np.int32)), pa.array([unit_code]))


def _with_complaint_limits(complaint_log: pd.DataFrame, reg: Registry) -> pd.DataFrame:
    """Each complaint is judged by its own unit's limits, also when pooled into a roll-up."""
    units = complaint_log["unit_code"].astype(str)
    respond = {unit.code: unit.complaints.respond_days for unit in reg.units}
    resolve = {unit.code: unit.complaints.resolve_days for unit in reg.units}
    return complaint_log.assign(respond_days=units.map(respond), resolve_days=units.map(resolve))


def _frame(values: list[IndicatorValue], **keys: str) -> pd.DataFrame:
    frame = pd.DataFrame([vars(value) for value in values], columns=["indicator_code", "value", "category", "n"])
    return frame.assign(**keys)


def _unit_values(frames: FactFrames, reg: Registry, method: Method) -> pd.DataFrame:
    parts = []
    for unit in reg.units:
        values = unit_indicators(frames.facts([unit.code], with_worksheet=True), method)
        if not values:
            log.warning("%s: no validated data, reported as not reported", unit.code)
        parts.append(_frame(values, unit_code=unit.code))
    return pd.concat(parts, ignore_index=True)


def _rollup_values(frames: FactFrames, reg: Registry, method: Method) -> pd.DataFrame:
    """Agency and province figures from the pooled rows of their units."""
    groups = [("agency", agency, codes) for agency, codes in _agency_units(reg)]
    groups.append(("province", reg.province.code, reg.unit_codes))
    parts = [
        _frame(unit_indicators(frames.facts(codes, with_worksheet=False), method), level=level, area_code=code)
        for level, code, codes in groups
    ]
    return pd.concat(parts, ignore_index=True)


def _write_units(root: DataRoot, quarter: Quarter, reg: Registry, values: pd.DataFrame) -> dict[str, int]:
    counts = {}
    for unit_code in reg.unit_codes:
        rows = values.loc[values["unit_code"] == unit_code, UNIT_QUARTER_INDICATORS.names]
        table = pa.Table.from_pandas(rows, schema=UNIT_QUARTER_INDICATORS, preserve_index=False)
        replace_partition(root, "warehouse", "unit_quarter_indicators", quarter, unit_code, table)
        counts[unit_code] = table.num_rows
    return counts


def _previous_units(root: DataRoot, quarter: Quarter) -> pd.DataFrame:
    return read_quarter(root, "warehouse", "unit_quarter_indicators", quarter, UNIT_QUARTER_INDICATORS).to_pandas()


def _previous_rollups(root: DataRoot, quarter: Quarter) -> pd.DataFrame:
    return read_quarter_table(root, "rollup_quarter_indicators", quarter, ROLLUP_QUARTER_INDICATORS).to_pandas()


def _write_rollups(root: DataRoot, quarter: Quarter, values: pd.DataFrame) -> None:
    table = pa.Table.from_pandas(values[ROLLUP_QUARTER_INDICATORS.names], schema=ROLLUP_QUARTER_INDICATORS,
                                 preserve_index=False)  # fmt: skip
    replace_quarter_table(root, "rollup_quarter_indicators", quarter, table)


ROLLUP_KEY = ("level", "area_code", "indicator_code")


def _refresh_next_quarter(
    root: DataRoot, quarter: Quarter, reg: Registry, units: pd.DataFrame, rollups: pd.DataFrame
) -> None:
    following = quarter.next()
    later_units = _previous_units(root, following)
    if len(later_units):
        _write_units(root, following, reg, with_change(later_units, units))
    later_rollups = _previous_rollups(root, following)
    if len(later_rollups):
        _write_rollups(root, following, with_change(later_rollups, rollups, ROLLUP_KEY))


@one_run_at_a_time("indicators {quarter}")
def build_indicators(quarter: Quarter, root: DataRoot | None = None) -> dict[str, int]:
    """Recompute every unit's indicators and the roll-ups for `quarter`; returns how many values each unit got."""
    started = datetime.now(UTC)
    root = root or data_root()
    settings = get_settings()
    reg = registry()
    method = Method(
        quarter_end=quarter.last_day,
        calendar=work_calendar(quarter.year),
        ikm_weight_mode=settings.ikm_weight_mode,
        zi_scale_conversion=settings.zi_scale_conversion,
    )
    frames = FactFrames(root, quarter, reg, method.calendar)
    write_dimensions(root, reg)
    units = with_change(_unit_values(frames, reg, method), _previous_units(root, quarter.previous()))
    rollups = with_change(_rollup_values(frames, reg, method), _previous_rollups(root, quarter.previous()), ROLLUP_KEY)
    counts = _write_units(root, quarter, reg, units)
    _write_rollups(root, quarter, rollups)
    _refresh_next_quarter(root, quarter, reg, units, rollups)
    # As of when the facts were read: a load finishing meanwhile leaves the quarter stale, and publishing waits.
    quarter_refresh.mark_refreshed("indicators", quarter.year, quarter.quarter, started)
    return counts
