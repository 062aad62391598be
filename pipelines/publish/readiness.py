"""When an automatic release may go ahead.

A publish run started by its schedule or by rebuilt indicators waits until
- no ingest or indicators run is queued or running, so it never reads figures half-way through an update;
- the quarter's indicators were computed after its facts were last loaded;
- a new version would not follow the previous one within MONEV_REPUBLISH_INTERVAL_HOURS: corrections
  arriving sooner wait and go out together, so the reform office gets at most one new version a day.
A person publishing from the command line is not held.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from pipelines.periods import Quarter
from pipelines.settings import TIMEZONE, get_settings

CHAIN_DAGS = ("monev_ingest", "monev_indicators")
"""The DAGs whose runs change what a release would say."""


def _local(moment: datetime) -> str:
    return f"{moment.astimezone(ZoneInfo(TIMEZONE)):%Y-%m-%d %H:%M} WIB"


def hold_reason(
    quarter: Quarter,
    *,
    busy: Mapping[str, int],
    facts_at: datetime | None,
    indicators_at: datetime | None,
    last_release: tuple[int, datetime] | None,
    now: datetime,
    interval: timedelta,
    changed: Callable[[], bool],
) -> str | None:
    """Why the quarter's release must wait, or None when it may go ahead.

    `busy` counts the queued or running runs of each chain DAG; `last_release` is the latest (version,
    sealed at); `changed` says whether publishing now would make a new version (asked only when it matters).
    """
    running = [f"{dag_id} ({count} run{'s' if count > 1 else ''})" for dag_id, count in busy.items() if count]
    if running:
        return f"{quarter}: waiting for {', '.join(running)} to finish"
    if facts_at is not None and (indicators_at is None or indicators_at < facts_at):
        computed = f"computed from facts read at {_local(indicators_at)}" if indicators_at else "never computed"
        return (
            f"{quarter}: its facts were loaded at {_local(facts_at)} and its indicators were {computed}; "
            "waiting for monev_indicators to rebuild them"
        )
    if last_release is not None:
        version, sealed_at = last_release
        opens = sealed_at + interval
        if now < opens and changed():
            return (
                f"{quarter}: v{version} was published at {_local(sealed_at)}; the changed figures become "
                f"v{version + 1} at {_local(opens)} at the earliest (MONEV_REPUBLISH_INTERVAL_HOURS)"
            )
    return None


def release_hold(
    quarter: Quarter, busy: Mapping[str, int], *, slot: bool = True, now: datetime | None = None
) -> str | None:
    """`hold_reason` for the quarter as the catalog and the data root stand now; `slot=False` skips the interval."""
    from pipelines.publish.release import figures_changed
    from pipelines.runstate import quarter_refresh, release_log

    return hold_reason(
        quarter,
        busy=busy,
        facts_at=quarter_refresh.refreshed_at("facts", quarter.year, quarter.quarter),
        indicators_at=quarter_refresh.refreshed_at("indicators", quarter.year, quarter.quarter),
        last_release=release_log.latest_release(str(quarter)) if slot else None,
        now=now or datetime.now(UTC),
        interval=timedelta(hours=get_settings().republish_interval_hours),
        changed=lambda: figures_changed(quarter),
    )
