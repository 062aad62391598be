"""A unit's own indicators for a quarter as the warehouse holds them now: final only once a release has them."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow.compute as pc

from pipelines.indicators.definitions import INDICATORS
from pipelines.periods import Quarter
from pipelines.publish.cells import decimal_comma
from pipelines.runstate import release_log
from pipelines.storage import DataRoot
from pipelines.warehouse.partitions import read_partition
from pipelines.warehouse.schemas import UNIT_QUARTER_INDICATORS


@dataclass(frozen=True)
class Preview:
    quarter: Quarter
    rows: list[dict]
    """name, unit, value (as Indonesian readers write it), category, n, in catalogue order."""
    released_version: int | None
    """The quarter's newest release, if any: figures change until one is sealed, and may change in a new version."""


def _shown(value: float) -> str:
    """A count as a whole number, anything else with two decimals, as Indonesian readers write them."""
    return decimal_comma(value, 0 if float(value).is_integer() else 2)


def indicator_preview(root: DataRoot, unit_code: str, quarter: Quarter) -> Preview:
    table = read_partition(root, "warehouse", "unit_quarter_indicators", quarter, unit_code, UNIT_QUARTER_INDICATORS)
    found = {row["indicator_code"]: row for row in table.filter(pc.is_valid(table.column("value"))).to_pylist()}
    rows = [
        {
            "name": indicator.name,
            "unit": indicator.unit,
            "value": _shown(found[indicator.code]["value"]),
            "category": found[indicator.code]["category"] or "",
            "n": found[indicator.code]["n"],
        }
        for indicator in INDICATORS
        if indicator.code in found
    ]
    latest = release_log.latest_release(str(quarter))
    return Preview(quarter, rows, latest[0] if latest else None)
