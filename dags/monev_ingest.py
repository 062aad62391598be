"""Pull every unit's exports for a quarter, validate them and load the warehouse facts."""

from __future__ import annotations

from airflow.sdk import CronTriggerTimetable, dag, task

from pipelines.dag_support import DEFAULT_ARGS, FACT_ASSETS, QUARTER_PARAMS, START_DATE, reporting_period
from pipelines.settings import TIMEZONE

DOC = """
### Monev ingest

Daily at 05:00 (Asia/Jakarta). For the **reporting quarter** (the `quarter` parameter, or the
last complete quarter before the run's logical date) each unit is its own mapped task:
its exports in `landing/<unit>/` are copied byte-exact to `raw/`, parsed to canonical columns,
validated with the Great Expectations suites in `expectations/`, and its partitions of
`warehouse/service_log` and `warehouse/skm_response` are replaced. Rejected rows land in
`quarantine/rows` with the rule they broke. One unit's failure does not stop the others.

Updates the assets that trigger `monev_indicators`.
"""


@dag(
    dag_id="monev_ingest",
    schedule=CronTriggerTimetable("0 5 * * *", timezone=TIMEZONE),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    params=QUARTER_PARAMS,
    tags=["monev", "ingest"],
    doc_md=DOC,
)
def monev_ingest():
    @task
    def unit_codes() -> list[str]:
        from pipelines.registry import registry

        return registry().unit_codes

    @task(outlets=list(FACT_ASSETS), map_index_template="{{ task.op_kwargs['unit_code'] }}")
    def ingest_unit(unit_code: str, quarter: str, **context) -> dict:
        from pipelines.ingest import ingest_unit as ingest
        from pipelines.periods import Quarter

        report = ingest(unit_code, Quarter.parse(quarter))
        for asset in FACT_ASSETS:
            context["outlet_events"][asset].extra = {"quarter": quarter, "unit_code": unit_code}
        return report.as_dict()

    @task(trigger_rule="all_done")
    def log_summary(reports: list[dict], expected: list[str]) -> None:
        """Runs even when some units failed, so the run both shows what landed and ends failed."""
        from pipelines.ingest import log_reports

        log_reports(list(reports), expected)

    quarter = reporting_period()
    units = unit_codes()
    log_summary(ingest_unit.partial(quarter=quarter).expand(unit_code=units), units)


monev_ingest()
