"""Publish the quarterly monev release for the reform office, and deliver it."""

from __future__ import annotations

from airflow.sdk import AssetOrTimeSchedule, CronTriggerTimetable, PokeReturnValue, dag, task, task_group

from pipelines.orchestration.dag_args import (
    DEFAULT_ARGS,
    GATE_RECHECK,
    INDICATORS_ASSET,
    PUBLISH_WAIT,
    QUARTER_PARAMS,
    START_DATE,
    event_extras,
    run_moments,
)
from pipelines.settings import TIMEZONE

DOC = """
### Monev publish

Two triggers:
- **its schedule**, 07:00 (Asia/Jakarta) on the 10th day after each quarter ends (10 January,
  April, July, October): the quarter that just ended (a run on 2026-10-10 publishes 2026Q3);
- **rebuilt indicators** (the `unit_quarter_indicators` asset): every quarter they name that
  already has a release, so a late or corrected file after the release becomes its next version.

A manual run can name any past quarter with the `quarter` parameter. For each quarter:

1. **wait_for_figures** waits (rescheduling itself every `MONEV_PUBLISH_POKE_SECONDS`) while an
   ingest or indicators run is in progress or the quarter's indicators are older than its facts.
2. **completeness_gate** lists units with no data and units with too many rows quarantined
   (`MONEV_MAX_QUARANTINE_SHARE`). Until the deadline (`MONEV_PUBLISH_DEADLINE_DAYS` after the
   quarter ends) it fails with that list and re-checks daily; after it, those units are
   published as *belum lapor*.
3. **wait_for_release_slot** checks the chain again (the gate may have waited a day), and holds
   changed figures until `MONEV_REPUBLISH_INTERVAL_HOURS` (24) after the previous version: at most
   one new version per quarter a day.
4. **publish** writes `releases/<YYYY>-Q<q>/v<n>/` (CSV, Parquet, XLSX, HTML and PDF report,
   `datapackage.json` validated with frictionless, `SHA256SUMS`, `CHANGELOG.md` from v2). A release
   folder is never modified: unchanged figures publish nothing new.
5. **copy_to_publish_location** copies it to `MONEV_PUBLISH_LOCATION` (folder or object storage).
6. **email_release** sends it once through the `monev_smtp` connection to `MONEV_REPORT_RECIPIENTS`;
   the catalog records every delivery, so retries and reruns never send a version twice.
"""


@dag(
    dag_id="monev_publish",
    schedule=AssetOrTimeSchedule(
        timetable=CronTriggerTimetable("0 7 10 1,4,7,10 *", timezone=TIMEZONE), assets=INDICATORS_ASSET
    ),
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
    def quarters_to_publish(**context) -> list[str]:
        from pipelines.orchestration.asset_events import release_quarters
        from pipelines.runstate import release_log

        released = {row["quarter"] for row in release_log.releases()}
        return release_quarters(
            event_extras(context), context["params"].get("quarter"), *run_moments(context), released
        )

    def figures_ready(quarter: str, slot: bool, context) -> PokeReturnValue:
        import logging

        from pipelines.periods import Quarter
        from pipelines.publish.readiness import CHAIN_DAGS, release_hold

        ti = context["ti"]
        busy = {dag_id: ti.get_dr_count(dag_id=dag_id, states=["queued", "running"]) for dag_id in CHAIN_DAGS}
        hold = release_hold(Quarter.parse(quarter), busy, slot=slot)
        if hold:
            logging.getLogger("monev.publish").info("%s", hold)
        return PokeReturnValue(is_done=hold is None)

    @task.sensor(**PUBLISH_WAIT)
    def wait_for_figures(quarter: str, **context) -> PokeReturnValue:
        """Before the gate judges completeness: no ingest or indicators run going, indicators newer than facts."""
        return figures_ready(quarter, False, context)

    @task.sensor(**PUBLISH_WAIT)
    def wait_for_release_slot(quarter: str, **context) -> PokeReturnValue:
        """After the gate: the same, again, and a changed release not sooner than its interval after the last."""
        return figures_ready(quarter, True, context)

    @task(**GATE_RECHECK)
    def completeness_gate(quarter: str) -> dict[str, str]:
        from pipelines.periods import Quarter
        from pipelines.publish.gate import completeness
        from pipelines.registry import registry
        from pipelines.storage import data_root

        return completeness(Quarter.parse(quarter), registry(), data_root()).withheld

    @task
    def publish(quarter: str) -> dict:
        from dataclasses import asdict

        from pipelines.periods import Quarter
        from pipelines.publish.release import publish_release

        return asdict(publish_release(Quarter.parse(quarter)))

    @task
    def copy_to_publish_location(release: dict) -> str | None:
        from pipelines.periods import Quarter
        from pipelines.publish.delivery import copy_release
        from pipelines.settings import release_targets

        location = release_targets().publish_location
        if not location:
            return None
        return copy_release(Quarter.parse(release["quarter"]), release["version"], location)

    @task
    def email_release(release: dict, copy: str | None) -> str:
        from pipelines.periods import Quarter
        from pipelines.publish.delivery import email_release

        return email_release(Quarter.parse(release["quarter"]), release["version"])

    @task_group
    def release_quarter(quarter: str) -> None:
        release = publish(quarter)
        wait_for_figures(quarter) >> completeness_gate(quarter) >> wait_for_release_slot(quarter) >> release
        email_release(release, copy_to_publish_location(release))

    release_quarter.expand(quarter=quarters_to_publish())


monev_publish()
