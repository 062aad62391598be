"""What the DAG files share: owner, retries, the quarter parameter and the assets that link them.

DAG files are parsed often, so this module imports only `airflow.sdk` and light modules.
The asset contract itself (what each event's extra says) lives in `pipelines.orchestration.asset_events`.
"""

from __future__ import annotations

import warnings
from datetime import timedelta

import pendulum
from airflow.sdk import Asset, AssetAlias, AssetAny, Param

from pipelines.orchestration.asset_events import FACT_TABLES, FACTS_LOADED, INDICATORS, asset_uri
from pipelines.registry import UNIT_CODE_PATTERN
from pipelines.settings import TIMEZONE, get_settings

# `@task.sensor` loads the standard provider's sensor module, which imports a helper Airflow 3.3 deprecated:
# a warning in every DAG parse and task log that nobody here can act on.
warnings.filterwarnings("ignore", message=r"The `airflow\.utils\.operator_helpers\.determine_kwargs` attribute")

START_DATE = pendulum.datetime(2026, 1, 1, tz=TIMEZONE)
_SETTINGS = get_settings()

DEFAULT_ARGS = {
    "owner": "monev-data-team",
    "retries": 2,
    # A unit's server that is briefly down gets a second and third try, minutes apart.
    "retry_delay": timedelta(seconds=_SETTINGS.retry_delay_seconds),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=30),
}

GATE_RECHECK = {
    # Before the publish deadline the completeness gate fails with the missing units; it re-checks
    # daily until the deadline has passed, so a late unit delays the release by a day, not a quarter.
    "retries": _SETTINGS.gate_retries,
    "retry_delay": timedelta(hours=_SETTINGS.gate_recheck_hours),
    "retry_exponential_backoff": False,
}

PUBLISH_WAIT = {
    "mode": "reschedule",  # the worker slot is free between looks
    "poke_interval": _SETTINGS.publish_poke_seconds,
    # Long enough for a release slot a day away, and for a slow ingest; then the run fails, naming the wait.
    "timeout": (_SETTINGS.republish_interval_hours + 12) * 3600,
}

INGEST_SCHEDULE = _SETTINGS.ingest_schedule

QUARTER_PARAMS = {
    "quarter": Param(
        None,
        type=["null", "string"],
        pattern=r"^\d{4}Q[1-4]$",
        title="Quarter",
        description="Quarter to process, e.g. 2026Q3. Empty: the last complete quarter before the run's logical date.",
    )
}

INGEST_PARAMS = {
    **QUARTER_PARAMS,
    "units": Param(
        [],
        type="array",
        items={"type": "string", "pattern": UNIT_CODE_PATTERN},
        title="Units",
        description="Only these units (the unit portal triggers a run for the unit that uploaded). Empty: every unit.",
    ),
}

FACT_ASSETS = {table: Asset(name=table, uri=asset_uri(table), group="warehouse") for table in FACT_TABLES}
FACT_CHANGES = AssetAlias("fact_changes")
"""The ingest run emits, through this alias, an event for each unit and fact table that changed, none for the rest."""
FACTS_LOADED_ASSET = Asset(name=FACTS_LOADED, uri=asset_uri(FACTS_LOADED), group="warehouse")
INDICATORS_ASSET = Asset(name=INDICATORS, uri=asset_uri(INDICATORS), group="warehouse")
FACTS_CHANGED_BY_A_RUN = AssetAny(*FACT_ASSETS.values()) & FACTS_LOADED_ASSET
"""The indicators schedule: fact events are batched until their ingest run announces it is done."""


def event_extras(context) -> list[dict]:
    """The extra of every asset event that triggered this run (none for a scheduled or manual run)."""
    events = context.get("triggering_asset_events") or {}
    return [dict(event.extra or {}) for key in events if isinstance(key, Asset) for event in events[key]]


def run_moments(context) -> tuple[pendulum.DateTime | None, pendulum.DateTime]:
    """(logical date, run after): an asset-triggered or date-less manual run has only the second."""
    return context.get("logical_date"), context["dag_run"].run_after
