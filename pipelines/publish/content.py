"""What one quarter's release says, read once from the warehouse and shared by every output.

The CSV, the workbook and the report are views of this one object, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pyarrow as pa

from pipelines.datasets.skm_response import SKM_ELEMENTS
from pipelines.indicators import zi_readiness
from pipelines.indicators.early_warning import EarlyWarning, early_warnings, load_rules, readings_of
from pipelines.indicators.skm_profile import CHARACTERISTICS, ProfileCell, ikm_by_profile
from pipelines.periods import Quarter
from pipelines.publish.followup import PLAN_COLUMNS, FollowUp, followups, realisation_by_area
from pipelines.registry import Registry, Unit
from pipelines.settings import get_settings
from pipelines.storage import DataRoot
from pipelines.warehouse.partitions import read_quarter
from pipelines.warehouse.schemas import FACT_TABLES, UNIT_QUARTER_INDICATORS

NOT_REPORTED = "belum lapor"
TREND_QUARTERS = 4


@dataclass(frozen=True)
class Value:
    value: float | None
    category: str | None
    n: int | None


UnitValues = Mapping[str, Mapping[str, Value]]
"""unit code → indicator code → value."""


@dataclass(frozen=True)
class ReleaseContent:
    quarter: Quarter
    province_code: str
    province_name: str
    units: tuple[Unit, ...]
    """Every registered unit, in registry order; units without figures are in `withheld`."""
    agency_names: Mapping[str, str]
    values: UnitValues
    """This quarter's published figures; a withheld unit has none."""
    withheld: Mapping[str, str]
    """unit code → why it is published as "belum lapor" (no data, or too much of it quarantined)."""
    history: Mapping[Quarter, UnitValues]
    """Up to four quarters ending with this one, for trends (earlier quarters as the warehouse holds them now)."""
    readiness: Mapping[str, Mapping[str, list[zi_readiness.Criterion]]]
    """unit code → "WBK"/"WBBM" → every criterion with its number and threshold (units with an LKE only)."""
    quality: list[dict]
    """The data-quality annex rows (see quality_annex.py)."""
    profile: list[ProfileCell] = field(default_factory=list)
    """IKM by respondent profile, small cells already suppressed (indicators/skm_profile.py)."""
    metadata: Mapping[str, str] = field(default_factory=dict)
    """Indonesian label → text, for the workbook's and report's metadata (version, date, settings…)."""
    warnings: tuple[EarlyWarning, ...] = ()
    """The quarter's early warnings against the previous quarter (indicators/early_warning.py)."""
    followups: tuple[FollowUp, ...] = ()
    """Each weak SKM element with the actions linked to it (publish/followup.py)."""
    plan_by_area: tuple[tuple[str, int, float], ...] = ()
    """(area, actions, mean realisation %) of the reporting units' pooled action plans."""

    def value(self, unit_code: str, indicator_code: str) -> Value | None:
        return self.values.get(unit_code, {}).get(indicator_code)


def _values_by_unit(rows: pa.Table) -> dict[str, dict[str, Value]]:
    values: dict[str, dict[str, Value]] = {}
    for row in rows.select(["unit_code", "indicator_code", "value", "category", "n"]).to_pylist():
        values.setdefault(row["unit_code"], {})[row["indicator_code"]] = Value(row["value"], row["category"], row["n"])
    return values


def _quarter_values(root: DataRoot, quarter: Quarter) -> dict[str, dict[str, Value]]:
    return _values_by_unit(read_quarter(root, "warehouse", "unit_quarter_indicators", quarter, UNIT_QUARTER_INDICATORS))


def _readiness(
    root: DataRoot, quarter: Quarter, values: UnitValues
) -> dict[str, dict[str, list[zi_readiness.Criterion]]]:
    worksheets = read_quarter(root, "warehouse", "zi_lke", quarter, FACT_TABLES["zi_lke"]).to_pylist()
    by_unit: dict[str, dict[str, tuple[float | None, float | None]]] = {}
    for row in worksheets:
        by_unit.setdefault(row["unit_code"], {})[row["area"]] = (row["pemenuhan"], row["reform"])
    readiness = {}
    for unit_code, worksheet in by_unit.items():
        ipak, ipkp = (values.get(unit_code, {}).get(code) for code in ("ipak", "ipkp"))
        if ipak is None or ipkp is None or ipak.value is None or ipkp.value is None:
            continue
        respondents = min(ipak.n or 0, ipkp.n or 0)
        scores = zi_readiness.worksheet_scores(worksheet, ipak.value, ipkp.value, respondents)
        if scores is not None:
            readiness[unit_code] = {target: zi_readiness.criteria(scores, target) for target in zi_readiness.THRESHOLDS}
    return readiness


def _profile(root: DataRoot, quarter: Quarter, withheld: Mapping[str, str], weight_mode: str) -> list[ProfileCell]:
    columns = [*CHARACTERISTICS, *SKM_ELEMENTS]
    responses = read_quarter(root, "warehouse", "skm_response", quarter, FACT_TABLES["skm_response"], columns)
    frame = responses.to_pandas()
    frame = frame[~frame["unit_code"].isin(list(withheld))]
    return ikm_by_profile(frame, weight_mode) if len(frame) else []


def release_content(
    root: DataRoot,
    reg: Registry,
    quarter: Quarter,
    withheld: Mapping[str, str],
    quality: list[dict],
    weight_mode: str,
    metadata: Mapping[str, str] | None = None,
) -> ReleaseContent:
    history: dict[Quarter, dict[str, dict[str, Value]]] = {}
    period = quarter
    for _ in range(TREND_QUARTERS):
        history[period] = _quarter_values(root, period)
        period = period.previous()
    current = {code: unit for code, unit in history[quarter].items() if code not in withheld}
    history[quarter] = current
    previous, now = (
        {unit: readings_of({code: value.value for code, value in values.items()}) for unit, values in period.items()}
        for period in (history[quarter.previous()], current)
    )
    warnings = early_warnings(load_rules(get_settings().config_dir / "warnings.yaml"), previous, now)
    plan = [row for row in read_quarter(root, "warehouse", "action_plan", quarter, FACT_TABLES["action_plan"],
                                        PLAN_COLUMNS).to_pylist() if row["unit_code"] in current]  # fmt: skip
    return ReleaseContent(
        quarter=quarter,
        province_code=reg.province.code,
        province_name=reg.province.name,
        units=reg.units,
        agency_names={agency.code: agency.name for agency in reg.agencies},
        values=current,
        withheld=dict(withheld),
        history=dict(sorted(history.items())),
        readiness=_readiness(root, quarter, current),
        quality=quality,
        profile=_profile(root, quarter, withheld, weight_mode),
        metadata=dict(metadata or {}),
        warnings=tuple(warnings),
        followups=tuple(followups(plan, history, quarter, reg.unit_codes)),
        plan_by_area=tuple(realisation_by_area(plan)),
    )
