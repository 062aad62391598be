"""The asset contract between the DAGs: which asset events a stage emits, and what a run reads from them.

- After its loads, an ingest run emits one event per unit and fact table that changed:
  `{"unit_code": …, "quarters": […]}`.
- Then, in a later task, one `facts_loaded` event naming every unit and quarter it changed; the
  indicators DAG runs on "any fact table and facts_loaded", so one ingest run makes one indicators
  run, whatever number of units and tables changed, and that run sees every fact event.
- The indicators run emits one `unit_quarter_indicators` event: `{"quarters": […]}` it rebuilt.

Plain data in, plain data out: no Airflow import, so DAG files use it at parse time and tests call it directly.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime

from pipelines.datasets import DATASETS
from pipelines.periods import Quarter, reporting_quarter

FACT_TABLES = tuple(DATASETS)
"""Warehouse fact tables (one per dataset), each an asset of its own."""
FACTS_LOADED = "facts_loaded"
"""One event per loading run that changed any fact table, after all its units loaded."""
INDICATORS = "unit_quarter_indicators"


def asset_uri(name: str) -> str:
    return f"monev://warehouse/{name}"


class BadAssetEvent(ValueError):
    """An asset event whose extra names a quarter that is not one (an event created by hand, say)."""


def fact_events(unit_code: str, changed: Mapping[str, Iterable[str]]) -> dict[str, dict]:
    """The extra of each fact table's event, from a load's `quarter → tables changed`."""
    quarters_by_table: dict[str, set[str]] = {}
    for quarter, tables in changed.items():
        for table in tables:
            quarters_by_table.setdefault(table, set()).add(quarter)
    return {
        table: {"unit_code": unit_code, "quarters": sorted(quarters_by_table[table])}
        for table in FACT_TABLES
        if table in quarters_by_table
    }


def facts_loaded_event(changes: Mapping[str, Mapping[str, Iterable[str]]]) -> dict | None:
    """The `facts_loaded` extra for a run's loads (unit → quarter → tables changed); None when nothing changed."""
    changed_units, quarters = set(), set()
    for unit_code, changed in changes.items():
        touched = {quarter for quarter, tables in changed.items() if list(tables)}
        if touched:
            changed_units.add(unit_code)
            quarters |= touched
    if not quarters:
        return None
    return {"units": sorted(changed_units), "quarters": sorted(quarters)}


def event_quarters(extras: Iterable[Mapping | None]) -> set[Quarter]:
    """Every quarter the events name, under `quarters` (a list) or `quarter` (one)."""
    found: set[Quarter] = set()
    for extra in extras:
        extra = extra or {}
        named = list(extra.get("quarters") or [])
        if extra.get("quarter"):
            named.append(extra["quarter"])
        for text in named:
            try:
                found.add(Quarter.parse(str(text)))
            except ValueError as error:
                raise BadAssetEvent(f"asset event extra {dict(extra)!r}: {error}") from None
    return found


def _fallback(logical_date: datetime | None, run_after: datetime) -> Quarter:
    """The last complete quarter before the run's logical date, or before it was due when it has none."""
    return reporting_quarter(None, logical_date or run_after)


def indicator_quarters(
    extras: Iterable[Mapping | None], requested: str | None, logical_date: datetime | None, run_after: datetime
) -> list[str]:
    """Quarters an indicators run rebuilds: the `quarter` Param, else those its events name, else the last one."""
    if requested:
        return [str(Quarter.parse(requested))]
    quarters = event_quarters(extras) or {_fallback(logical_date, run_after)}
    return [str(quarter) for quarter in sorted(quarters)]


def release_quarters(
    extras: Iterable[Mapping | None],
    requested: str | None,
    logical_date: datetime | None,
    run_after: datetime,
    released: Collection[str],
) -> list[str]:
    """Quarters a publish run releases.

    The `quarter` Param wins. A run triggered by rebuilt indicators republishes only quarters that
    already have a release (a first release waits for its schedule and completeness gate). A
    scheduled or plain manual run publishes the last complete quarter.
    """
    if requested:
        return [str(Quarter.parse(requested))]
    extras = list(extras)
    if extras:
        return [str(quarter) for quarter in sorted(event_quarters(extras)) if str(quarter) in released]
    return [str(_fallback(logical_date, run_after))]
