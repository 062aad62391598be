"""Publish the quarterly monev release for the reform office, and deliver it."""

from __future__ import annotations

from airflow.sdk import CronTriggerTimetable, dag, task

from pipelines.dag_support import DEFAULT_ARGS, GATE_RECHECK, QUARTER_PARAMS, START_DATE, reporting_period
from pipelines.settings import TIMEZONE

DOC = """
### Monev publish

At 07:00 (Asia/Jakarta) on the 10th day after each quarter ends (10 January, April, July,
October) it publishes the quarter that just ended: a run on 2026-10-10 publishes 2026Q3.
A manual run can name any past quarter with the `quarter` parameter.

1. **completeness_gate** lists units with no data and units with too many rows quarantined
   (`MONEV_MAX_QUARANTINE_SHARE`). Until the deadline (`MONEV_PUBLISH_DEADLINE_DAYS` after the
   quarter ends) it fails with that list and re-checks daily; after it, those units are
   published as *belum lapor*.
2. **publish** writes `releases/<YYYY>-Q<q>/v<n>/` (CSV, Parquet, XLSX, HTML and PDF report,
   `datapackage.json` validated with frictionless, `SHA256SUMS`, `CHANGELOG.md` from v2). A release
   folder is never modified: unchanged figures publish nothing new.
3. **copy_to_publish_location** copies it to `MONEV_PUBLISH_LOCATION` (folder or object storage).
4. **email_release** sends it once through the `monev_smtp` connection to `MONEV_REPORT_RECIPIENTS`;
   the catalog records every delivery, so retries never send twice.
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
    @task(**GATE_RECHECK)
    def completeness_gate(quarter: str) -> dict[str, str]:
        from pipelines.periods import Quarter
        from pipelines.publish.release import completeness
        from pipelines.registry import registry
        from pipelines.storage import data_root

        return completeness(Quarter.parse(quarter), registry(), data_root())[1]

    @task
    def publish(quarter: str) -> dict:
        from dataclasses import asdict

        from pipelines.periods import Quarter
        from pipelines.publish.release import publish_release

        return asdict(publish_release(Quarter.parse(quarter)))

    @task
    def copy_to_publish_location(release: dict) -> str | None:
        from pipelines.periods import Quarter
        from pipelines.publish.delivery import copy_release, release_targets

        location = release_targets().publish_location
        if not location:
            return None
        return copy_release(Quarter.parse(release["quarter"]), release["version"], location)

    @task
    def email_release(release: dict, copy: str | None) -> str:
        from pipelines.periods import Quarter
        from pipelines.publish.delivery import email_release

        return email_release(Quarter.parse(release["quarter"]), release["version"])

    quarter = reporting_period()
    release = publish(quarter)
    completeness_gate(quarter) >> release
    email_release(release, copy_to_publish_location(release))


monev_publish()
