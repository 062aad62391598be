"""Recompute the monev indicators of every quarter whose warehouse facts changed."""

from __future__ import annotations

from airflow.sdk import dag, task

from pipelines.orchestration.dag_args import (
    DEFAULT_ARGS,
    FACTS_CHANGED_BY_A_RUN,
    INDICATORS_ASSET,
    QUARTER_PARAMS,
    START_DATE,
    event_extras,
    run_moments,
)

DOC = """
### Monev indicators

Runs once per `monev_ingest` run that changed the warehouse: its loads' events on the fact
assets (`service_log`, `skm_response`, `complaint_log`, `zi_perception`, `zi_lke`) are held until
the run's `facts_loaded` event, so seven units loading make one indicators run, not seven.

1. **changed_quarters** — every quarter the triggering events name (several units, several
   quarters, a late file for an old quarter); a manual run takes the `quarter` parameter, or the
   last complete quarter before its logical date (or before it was triggered, when it has none).
2. **compute_indicators** — one mapped task per quarter: `warehouse/unit_quarter_indicators`
   (one partition per unit and quarter; a unit without validated data gets no values: it is
   reported as *belum lapor*, never as zero) and the agency and province roll-ups.
3. **announce_indicators** — the `unit_quarter_indicators` asset, extra `{"quarters": [...]}`:
   `monev_publish` republishes those of them that already have a release.
4. **early_warnings** — after the rebuild: a unit's indicator that moved the wrong way against the
   previous quarter beyond its limit in `config/warnings.yaml` (the IKM's fall also significant at
   95%) is e-mailed to `MONEV_ALERT_RECIPIENTS`, once per unit, indicator and quarter.
"""


@dag(
    dag_id="monev_indicators",
    schedule=FACTS_CHANGED_BY_A_RUN,
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
        from pipelines.orchestration.asset_events import indicator_quarters

        return indicator_quarters(event_extras(context), context["params"].get("quarter"), *run_moments(context))

    @task(map_index_template="{{ task.op_kwargs['quarter'] }}")
    def compute_indicators(quarter: str) -> str:
        from pipelines.indicators.build import build_indicators
        from pipelines.periods import Quarter

        build_indicators(Quarter.parse(quarter))
        return quarter

    @task(outlets=[INDICATORS_ASSET])
    def announce_indicators(quarters: list[str], **context) -> list[str]:
        rebuilt = sorted(quarters)
        context["outlet_events"][INDICATORS_ASSET].extra = {"quarters": rebuilt}
        return rebuilt

    @task
    def early_warnings(quarters: list[str]) -> list[str]:
        """After the rebuild: each new early warning e-mailed to the data team, once per unit, indicator and quarter."""
        from pipelines.notify.early_warnings import send_early_warnings
        from pipelines.periods import Quarter

        return [line for quarter in sorted(quarters) for line in send_early_warnings(Quarter.parse(quarter))]

    rebuilt = compute_indicators.expand(quarter=changed_quarters())
    announce_indicators(rebuilt)
    early_warnings(rebuilt)


monev_indicators()
