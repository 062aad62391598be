"""What the DAG files share: owner, retries, the quarter parameter and the assets that link them.

DAG files are parsed often, so this module imports only `airflow.sdk` and `pendulum`.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pendulum
from airflow.sdk import Asset, Param, task

from pipelines.settings import TIMEZONE

START_DATE = pendulum.datetime(2026, 1, 1, tz=TIMEZONE)

DEFAULT_ARGS = {
    "owner": "monev-data-team",
    "retries": 2,
    # A unit's server that is briefly down gets a second and third try, minutes apart.
    "retry_delay": timedelta(seconds=float(os.environ.get("MONEV_RETRY_DELAY_SECONDS", "120"))),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=30),
}

GATE_RECHECK = {
    # Before the publish deadline the completeness gate fails with the missing units; it re-checks
    # daily until the deadline has passed, so a late unit delays the release by a day, not a quarter.
    "retries": int(os.environ.get("MONEV_GATE_RETRIES", "25")),
    "retry_delay": timedelta(hours=float(os.environ.get("MONEV_GATE_RECHECK_HOURS", "24"))),
    "retry_exponential_backoff": False,
}

QUARTER_PARAMS = {
    "quarter": Param(
        None,
        type=["null", "string"],
        pattern=r"^\d{4}Q[1-4]$",
        title="Quarter",
        description="Quarter to process, e.g. 2026Q3. Empty: the last complete quarter before the run's logical date.",
    )
}

SERVICE_LOG_FACTS = Asset("monev://warehouse/service_log")
SKM_RESPONSE_FACTS = Asset("monev://warehouse/skm_response")
UNIT_QUARTER_INDICATORS = Asset("monev://warehouse/unit_quarter_indicators")
FACT_ASSETS = (SERVICE_LOG_FACTS, SKM_RESPONSE_FACTS)


@task
def reporting_period(**context) -> str:
    """The quarter this run reports on: the `quarter` Param, or the last complete one before the logical date."""
    from pipelines.periods import reporting_quarter

    return str(reporting_quarter(context["params"].get("quarter"), context["logical_date"]))
