"""Publish the quarterly monev release for the reform office."""

from __future__ import annotations

from airflow.sdk import CronTriggerTimetable, dag, task

from pipelines.dag_support import DEFAULT_ARGS, QUARTER_PARAMS, START_DATE, reporting_period
from pipelines.settings import TIMEZONE

DOC = """
### Monev publish

At 07:00 (Asia/Jakarta) on the 10th day after each quarter ends (10 January, April, July,
October) it publishes the quarter that just ended: a run on 2026-10-10 publishes 2026Q3.
A manual run can name any past quarter with the `quarter` parameter.

Writes `releases/<YYYY>-Q<q>/v<n>/` (indicator CSV in the regional open-data convention,
`datapackage.json`, `SHA256SUMS`). A release folder is never modified: unchanged figures
publish nothing new, changed figures become the next version.
"""


@dag(
    dag_id="monev_publish",
    schedule=CronTriggerTimetable("0 7 10 1,4,7,10 *", timezone=TIMEZONE),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    params=QUARTER_PARAMS,
    tags=["monev", "publish"],
    doc_md=DOC,
)
def monev_publish():
    @task
    def publish(quarter: str) -> dict:
        from dataclasses import asdict

        from pipelines.periods import Quarter
        from pipelines.publish.release import publish_release

        return asdict(publish_release(Quarter.parse(quarter)))

    publish(reporting_period())


monev_publish()
