"""Pull every unit's sources into the raw zone, then validate and load the warehouse facts."""

from __future__ import annotations

from airflow.sdk import CronTriggerTimetable, dag, task

from pipelines.notify.alerts import on_pull_failure
from pipelines.orchestration.dag_args import (
    DEFAULT_ARGS,
    FACT_ASSETS,
    FACT_CHANGES,
    FACTS_LOADED_ASSET,
    INGEST_PARAMS,
    INGEST_SCHEDULE,
    START_DATE,
)
from pipelines.settings import TIMEZONE

BATCH_LABEL = "{{ task.op_kwargs['unit_codes'] | join(', ') | truncate(200) }}"

DOC = """
### Monev ingest

Daily at 05:00 (Asia/Jakarta), or as `MONEV_INGEST_SCHEDULE` says.

Units go in batches of `MONEV_UNITS_PER_TASK` (default 10), in the order of `config/units.yaml`:
one `pull` and one `load` task per batch, so a task process starts and imports once for
several units. Each task's label lists its units.

1. **pull** — every source of the batch's units: file drops, unit databases (incremental by
   watermark) and HTTP APIs. Each delivery is stored byte-exact in `raw/` under its sha256 and
   recorded in the catalog (`ingest_log` view). The same bytes delivered again are recorded as
   `duplicate` and never loaded twice. A source that fails does not stop the others; the task
   then fails naming it, and its retries pull again (what already arrived is not received twice).
   After the last retry each failed source is e-mailed to `MONEV_ALERT_RECIPIENTS` through the
   `monev_smtp` Connection.
2. **load** — each unit of the batch in turn: new files are parsed, validated with the Great
   Expectations suites in `expectations/`, and each quarter they touch is rebuilt in
   `warehouse/<table>/year=/quarter=/unit_code=` (rejected rows in `quarantine/rows`).
   A unit whose load fails is logged with its traceback and the others still load; its files
   stay received for the next run, and **log_summary** fails the run naming it.
   The `quarter` parameter rebuilds that quarter even when nothing new arrived.
3. **announce_changes** — once per run, after every load: an event on each fact asset a unit's
   load changed (one asset per dataset in `pipelines/datasets/`; extra: the unit and its quarters),
   then **announce_facts_loaded**: the `facts_loaded` asset (extra: the units and quarters changed),
   which starts one `monev_indicators` run for the whole ingest run.
   Nothing changed: both are skipped and nothing starts.
4. **data_docs** — once per run, after every load: the Great Expectations Data Docs site
   (`quality/data_docs/index.html`) with the latest validation of every unit's batches.
5. **notify_units** — once per run, after every load: each judged file's verdict e-mailed to its
   unit's `contacts` (config/units.yaml), `MONEV_ALERT_RECIPIENTS` in copy, through `monev_smtp`:
   the first problems and the feedback workbook when rows were rejected, a short receipt for a
   clean file the unit sent itself. Once per file and verdict, however many runs look at it.

The `units` parameter limits a run to those units (the unit portal triggers one per upload).
"""


@dag(
    dag_id="monev_ingest",
    schedule=CronTriggerTimetable(INGEST_SCHEDULE, timezone=TIMEZONE),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    params=INGEST_PARAMS,
    tags=["monev", "ingest"],
    doc_md=DOC,
)
def monev_ingest():
    @task
    def unit_sources(**context) -> list[dict[str, str]]:
        from pipelines.ingest.run import selected_units
        from pipelines.registry import registry

        units = [registry().unit(code) for code in selected_units(context["params"]["units"])]
        return [{"unit_code": unit.code, "source": source.name} for unit in units for source in unit.sources]

    @task
    def unit_batches(**context) -> list[list[str]]:
        from pipelines.ingest.run import selected_units, unit_batches
        from pipelines.settings import get_settings

        return unit_batches(selected_units(context["params"]["units"]), get_settings().units_per_task)

    @task(map_index_template=BATCH_LABEL, on_failure_callback=on_pull_failure)
    def pull(unit_codes: list[str], **context) -> None:
        """Every source of the batch's units; fails (and is retried) when any failed, after pulling the others."""
        from pipelines.ingest.pull import pull_units, raise_for_failed_pulls

        results = pull_units(unit_codes)
        context["ti"].xcom_push(key="pulled", value=results)  # kept when the task fails: the summary reads it
        raise_for_failed_pulls(results)

    @task(map_index_template=BATCH_LABEL, trigger_rule="all_done")
    def load(unit_codes: list[str], **context) -> list[dict]:
        """Runs after the pulls even when some failed: what did arrive is loaded."""
        from pipelines.ingest.run import load_units
        from pipelines.periods import Quarter

        requested = context["params"].get("quarter")
        return load_units(unit_codes, [Quarter.parse(requested)] if requested else [])

    @task(outlets=[FACT_CHANGES], trigger_rule="all_done")
    def announce_changes(batches: list[list[dict]], **context) -> dict:
        """After every load, even failed ones: an event per unit and fact table that changed.

        One task emits them all: loads emitting through the alias at the same moment race in Airflow 3.3
        to record the alias's first link to an asset, and the loser's success is turned into a failure.
        """
        from airflow.sdk.exceptions import AirflowSkipException

        from pipelines.orchestration.asset_events import fact_events, facts_loaded_event

        changes = {report["unit_code"]: report["changed"] for reports in batches for report in reports}
        for unit_code, changed in changes.items():
            for table, extra in fact_events(unit_code, changed).items():
                context["outlet_events"][FACT_CHANGES].add(FACT_ASSETS[table], extra=extra)
        summary = facts_loaded_event(changes)
        if summary is None:
            raise AirflowSkipException("no fact table changed: nothing to announce")
        return summary

    @task(outlets=[FACTS_LOADED_ASSET])
    def announce_facts_loaded(summary: dict, **context) -> dict:
        """Strictly after the fact events, so the indicators run that it completes sees all of them."""
        context["outlet_events"][FACTS_LOADED_ASSET].extra = summary
        return summary

    @task(trigger_rule="all_done")
    def data_docs() -> str:
        """One build per run, after all loads: GX's file-based site builder is not safe to run concurrently."""
        from pipelines.quality.data_docs import build_data_docs
        from pipelines.storage import data_root

        return build_data_docs(data_root())

    @task(trigger_rule="all_done")
    def notify_units(batches: list[list[dict]]) -> list[str]:
        """After every load: each file's verdict to its unit's contacts, once per file and verdict."""
        from pipelines.notify.unit_notices import send_delivery_notices

        return send_delivery_notices(
            file["file_id"] for reports in batches for report in reports for file in report["files"]
        )

    @task(trigger_rule="all_done", retries=0)
    def log_summary(expected_pulls: list[dict], batches: list[list[dict]], units: list[list[str]], **context) -> None:
        """Runs even when pulls or loads failed, so the run both shows what landed and ends failed."""
        from pipelines.ingest.run import log_reports

        pulled = context["ti"].xcom_pull(task_ids="pull", key="pulled", map_indexes=list(range(len(units))))
        log_reports(
            [report for reports in batches for report in reports],
            [unit for batch in units for unit in batch],
            [entry for results in pulled for entry in results or []],
            expected_pulls,
        )

    batches = unit_batches()
    sources = unit_sources()
    pulled = pull.expand(unit_codes=batches)
    loaded = load.expand(unit_codes=batches)
    pulled >> loaded >> data_docs()
    notify_units(loaded)
    announce_facts_loaded(announce_changes(loaded))
    pulled >> log_summary(sources, loaded, batches)


monev_ingest()
