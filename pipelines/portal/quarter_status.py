"""The quarter units are reporting now, and where each unit stands in it: what the data team's admin view shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from pipelines.periods import Quarter, last_complete_quarter
from pipelines.publish.gate import publish_deadline, shortfalls
from pipelines.publish.quality_annex import quality_annex_rows
from pipelines.registry import Registry
from pipelines.runstate import release_log
from pipelines.runstate.received_files import files_loaded_into
from pipelines.settings import TIMEZONE, get_settings
from pipelines.storage import DataRoot


def open_quarter(now: datetime | None = None) -> Quarter:
    """The quarter units report on now: the last one that ended (its exports are made after it ends)."""
    return last_complete_quarter(now or datetime.now(ZoneInfo(TIMEZONE)))


@dataclass(frozen=True)
class UnitStatus:
    unit_code: str
    unit_name: str
    files: int
    """Live files that loaded rows into the quarter."""
    datasets: dict[str, str]
    """Dataset label → sesuai | ada masalah | belum lapor."""
    shortfall: str | None
    """Why the unit would be published as "belum lapor" if the deadline were now; None when it is complete."""


@dataclass(frozen=True)
class QuarterStatus:
    quarter: Quarter
    deadline: datetime
    released_version: int | None
    units: list[UnitStatus]

    @property
    def missing(self) -> list[UnitStatus]:
        return [unit for unit in self.units if unit.shortfall]


def quarter_status(reg: Registry, quarter: Quarter, root: DataRoot) -> QuarterStatus:
    settings = get_settings()
    annex = quality_annex_rows(reg, quarter, root)
    short = {item.unit_code: item.reason for item in shortfalls(annex, settings.max_quarantine_share)}
    files = files_loaded_into(quarter.year, quarter.quarter)
    units = []
    for unit in reg.units:
        datasets = {row["data"]: row["status"] for row in annex if row["kode_unit"] == unit.code}
        units.append(UnitStatus(unit.code, unit.name, files.get(unit.code, 0), datasets, short.get(unit.code)))
    latest = release_log.latest_release(str(quarter))
    deadline = publish_deadline(quarter, settings.publish_deadline_days)
    return QuarterStatus(quarter, deadline, latest[0] if latest else None, units)
