"""Completeness gate: a quarter is published complete, or after the deadline with its gaps marked.

Before the deadline a missing or mostly-quarantined unit stops the run with the list, so the data
team chases the unit and the run retries; after it, those units are published as "belum lapor"
(never as zeros) and the rest of the province is not held hostage by one late unit.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pipelines.periods import Quarter
from pipelines.publish.cells import decimal_comma
from pipelines.publish.quality_annex import quality_annex_rows
from pipelines.registry import Registry
from pipelines.settings import TIMEZONE, get_settings
from pipelines.storage import DataRoot

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Shortfall:
    unit_code: str
    unit_name: str
    reason: str


class IncompleteQuarter(RuntimeError):
    """Raised before the deadline while units are missing; the message is the list the data team acts on."""


def _percent(share: float) -> str:
    return decimal_comma(100 * share, 1)


def shortfalls(quality: Iterable[dict], max_quarantine_share: float) -> list[Shortfall]:
    """Units with no accepted rows, or with more than the allowed share of their rows quarantined.

    `quality` is the data-quality annex: one row per unit and dataset with rows checked, accepted and
    quarantined for the quarter.
    """
    names: dict[str, str] = {}
    checked: Counter[str] = Counter()
    accepted: Counter[str] = Counter()
    quarantined: Counter[str] = Counter()
    for row in quality:
        unit = row["kode_unit"]
        names[unit] = row["nama_unit"]
        checked[unit] += row["baris_diperiksa"]
        accepted[unit] += row["baris_diterima"]
        quarantined[unit] += row["baris_dikarantina"]
    found = []
    for code, name in names.items():
        share = quarantined[code] / checked[code] if checked[code] else 0.0
        if accepted[code] == 0:
            found.append(Shortfall(code, name, "tidak ada data yang diterima untuk triwulan ini"))
        elif share > max_quarantine_share:
            reason = f"{_percent(share)}% baris dikarantina, di atas ambang {_percent(max_quarantine_share)}%"
            found.append(Shortfall(code, name, reason))
    return found


def publish_deadline(quarter: Quarter, days_after_quarter: int) -> datetime:
    """End of the deadline day, Jakarta time: units have until then to send or correct their data."""
    last_day: date = quarter.last_day + timedelta(days=days_after_quarter)
    return datetime.combine(last_day, time(23, 59, 59), tzinfo=ZoneInfo(TIMEZONE))


def withheld_units(quarter: Quarter, found: list[Shortfall], now: datetime, deadline: datetime) -> dict[str, str]:
    """Units to publish as "belum lapor" with why; raises IncompleteQuarter while the deadline is ahead."""
    if found and now <= deadline:
        listing = "\n".join(f"  - {item.unit_code} {item.unit_name}: {item.reason}" for item in found)
        raise IncompleteQuarter(
            f"{quarter} is not complete; publishing waits until {deadline:%Y-%m-%d %H:%M %Z} "
            f"for {len(found)} unit(s):\n{listing}\n"
            "Ask these units to send or correct their exports; the run retries. After the deadline it "
            "publishes with them marked 'belum lapor'."
        )
    return {item.unit_code: item.reason for item in found}


@dataclass(frozen=True)
class Completeness:
    quality: list[dict]
    """The data-quality annex rows of the quarter."""
    withheld: dict[str, str]
    """Unit code → why it is published as "belum lapor"."""


def completeness(quarter: Quarter, reg: Registry, root: DataRoot, now: datetime | None = None) -> Completeness:
    """The quarter's quality annex and the units to mark "belum lapor"; raises IncompleteQuarter before the deadline."""
    settings = get_settings()
    quality = quality_annex_rows(reg, quarter, root)
    withheld = withheld_units(
        quarter,
        shortfalls(quality, settings.max_quarantine_share),
        now or datetime.now(ZoneInfo(TIMEZONE)),
        publish_deadline(quarter, settings.publish_deadline_days),
    )
    for code, reason in withheld.items():
        log.warning("%s %s is published as 'belum lapor': %s", quarter, code, reason)
    return Completeness(quality, withheld)
