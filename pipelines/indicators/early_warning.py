"""Early warnings: a unit's indicator that moved the wrong way against the previous quarter, beyond its limit.

Limits live in config/warnings.yaml. For the IKM, which comes from a sample of respondents, a fall must also be
significant at 95%: the two quarters' intervals give each estimate's standard error ((high − low) / (2 × 1.96)),
and the difference must exceed 1.96 standard errors of the difference. Where an interval is missing the limit alone
decides.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from pipelines.indicators.definitions import BY_CODE
from pipelines.publish.cells import decimal_comma

Z_95 = 1.959964
IntervalBounds = tuple[float | None, float | None]


class WarningRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    drop: float | None = Field(default=None, gt=0)
    rise_percent: float | None = Field(default=None, gt=0)
    significant: bool = False


@dataclass(frozen=True)
class Reading:
    """One unit's value of an indicator in a quarter, with its 95% interval where it has one."""

    value: float | None
    interval: IntervalBounds = (None, None)


@dataclass(frozen=True)
class EarlyWarning:
    unit_code: str
    indicator_code: str
    previous: float
    current: float
    reason: str
    """What happened, in Indonesian, for the data team's e-mail and the release."""


def load_rules(path: Path) -> dict[str, WarningRule]:
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    unknown = sorted(set(document) - set(BY_CODE))
    if unknown:
        raise ValueError(f"{path}: not indicator codes: {', '.join(unknown)}")
    return {code: WarningRule.model_validate(rule) for code, rule in document.items()}


def _standard_error(interval: IntervalBounds) -> float | None:
    low, high = interval
    return None if low is None or high is None else (high - low) / (2 * Z_95)


def significant_change(previous: Reading, current: Reading) -> bool | None:
    """Whether the two values differ at 95%; None when an interval is missing."""
    errors = [_standard_error(previous.interval), _standard_error(current.interval)]
    if None in errors:
        return None
    spread = math.hypot(*errors)
    return abs(current.value - previous.value) > Z_95 * spread if spread else current.value != previous.value


def warning_for(
    unit_code: str, code: str, rule: WarningRule, previous: Reading, current: Reading
) -> EarlyWarning | None:
    if previous.value is None or current.value is None:
        return None
    change = current.value - previous.value
    name = BY_CODE[code].name
    both = f"({decimal_comma(previous.value)} → {decimal_comma(current.value)})"
    reason = None
    if rule.drop is not None and -change >= rule.drop:
        reason = f"{name} turun {decimal_comma(-change)} poin {both}"
    elif rule.rise_percent is not None and previous.value > 0 and 100 * change / previous.value >= rule.rise_percent:
        reason = f"{name} naik {decimal_comma(100 * change / previous.value, 0)}% {both}"
    if reason is None:
        return None
    if rule.significant:
        significant = significant_change(previous, current)
        if significant is False:
            return None
        reason += ", bermakna pada taraf 95%" if significant else ", tanpa uji kemaknaan (selang tidak tersedia)"
    return EarlyWarning(unit_code, code, previous.value, current.value, reason)


def readings_of(values: dict[str, float | None]) -> dict[str, Reading]:
    """A unit's indicator values (code → value) as readings, each with its `<code>_ci95_low/high` interval."""
    return {
        code: Reading(value, (values.get(f"{code}_ci95_low"), values.get(f"{code}_ci95_high")))
        for code, value in values.items()
    }


def early_warnings(
    rules: dict[str, WarningRule],
    previous: dict[str, dict[str, Reading]],
    current: dict[str, dict[str, Reading]],
) -> list[EarlyWarning]:
    """Warnings of every unit (unit code → indicator code → reading), in unit and rule order."""
    found = []
    for unit_code, readings in current.items():
        for code, rule in rules.items():
            if code in readings and code in previous.get(unit_code, {}):
                warning = warning_for(unit_code, code, rule, previous[unit_code][code], readings[code])
                if warning:
                    found.append(warning)
    return found
