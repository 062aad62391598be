"""Recompute the monev indicators of every quarter whose warehouse facts changed."""

from __future__ import annotations

from airflow.sdk import dag, task

from pipelines.dag_support import (
    DEFAULT_ARGS,
    QUARTER_PARAMS,
    SERVICE_LOG_FACTS,
    SKM_RESPONSE_FACTS,
    START_DATE,
    UNIT_QUARTER_INDICATORS,
)

DOC = """
### Monev indicators

Runs when `monev_ingest` updates the warehouse facts (assets `service_log` or `skm_response`),
for each quarter the triggering asset events say changed; a manual run takes the `quarter`
parameter or the last complete quarter before its logical date. Writes
`warehouse/unit_quarter_indicators` (one partition per unit and quarter; a unit without
validated data gets no values: it is reported as *belum lapor*, never as zero).
"""


@dag(
    dag_id="monev_indicators",
    schedule=SERVICE_LOG_FACTS | SKM_RESPONSE_FACTS,
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    params=QUARTER_PARAMS,
    tags=["monev", "indicators"],
    doc_md=DOC,
)
def monev_indicators():
    @task
    def changed_quarters(**context) -> list[str]:
        from pipelines.periods import reporting_quarter

        events = context.get("triggering_asset_events") or {}
        quarters = {
            event.extra["quarter"]
            for asset_events in events.values()
            for event in asset_events
            if event.extra.get("quarter")
        }
        if context["params"].get("quarter") or not quarters:
            quarters = {str(reporting_quarter(context["params"].get("quarter"), context["logical_date"]))}
        return sorted(quarters)

    @task(outlets=[UNIT_QUARTER_INDICATORS], map_index_template="{{ task.op_kwargs['quarter'] }}")
    def compute_indicators(quarter: str, **context) -> dict[str, int]:
        from pipelines.indicators.build import build_indicators
        from pipelines.periods import Quarter

        context["outlet_events"][UNIT_QUARTER_INDICATORS].extra = {"quarter": quarter}
        return build_indicators(Quarter.parse(quarter))

    compute_indicators.expand(quarter=changed_quarters())


monev_indicators()
