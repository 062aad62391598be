import subprocess
import sys
from pathlib import Path

import pendulum
import pytest

from pipelines.periods import Quarter, reporting_quarter

DAG_FOLDER = Path(__file__).resolve().parent.parent / "dags"
DAG_FILES = sorted(DAG_FOLDER.glob("*.py"))
HEAVY_MODULES = ("pandas", "pyarrow", "great_expectations", "duckdb", "numpy")


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAG_FOLDER))


def test_dag_folder_loads_without_import_errors(dagbag):
    assert dagbag.import_errors == {}
    assert set(dagbag.dags) == {"monev_ingest", "monev_indicators", "monev_publish"}


@pytest.mark.parametrize("dag_id", ["monev_ingest", "monev_indicators", "monev_publish"])
def test_every_dag_has_owner_tags_retries_and_docs(dagbag, dag_id):
    dag = dagbag.dags[dag_id]
    assert dag.owner == "monev-data-team"
    assert "monev" in dag.tags
    assert dag.doc_md and len(dag.doc_md) > 100
    assert dag.default_args["retries"] >= 1
    # Only the summary that fails a run on purpose (after reporting) has no reason to retry.
    assert all(task.retries >= 1 for task in dag.tasks if task.task_id != "log_summary")


@pytest.mark.parametrize("dag_file", DAG_FILES, ids=lambda path: path.name)
def test_dag_file_imports_no_heavy_module_at_top_level(dag_file):
    probe = (
        "import runpy, sys\n"
        f"runpy.run_path({str(dag_file)!r})\n"
        f"print(','.join(m for m in {HEAVY_MODULES!r} if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120)
    assert result.stdout.strip().splitlines()[-1:] in ([], [""]), result.stdout


def test_publish_schedule_runs_on_the_10th_after_quarter_end_and_reports_that_quarter(dagbag):
    from airflow.timetables.base import TimeRestriction
    from airflow.timetables.trigger import CronTriggerTimetable

    definition = dagbag.dags["monev_publish"].timetable.timetable
    timetable = CronTriggerTimetable(definition.expression, timezone=definition.timezone)
    after_q2_release = TimeRestriction(
        earliest=pendulum.datetime(2026, 7, 11, tz="Asia/Jakarta"), latest=None, catchup=True
    )
    run = timetable.next_dagrun_info(last_automated_data_interval=None, restriction=after_q2_release)
    assert run.logical_date == pendulum.datetime(2026, 10, 10, 7, 0, tz="Asia/Jakarta")
    assert reporting_quarter(None, run.logical_date) == Quarter(2026, 3)


def test_indicators_run_once_an_ingest_run_announces_its_fact_changes(dagbag):
    from airflow.sdk import AssetAll, AssetAny

    from pipelines.orchestration.asset_events import FACT_TABLES, asset_uri

    condition = dagbag.dags["monev_indicators"].timetable.asset_condition
    assert isinstance(condition, AssetAll)
    any_fact, facts_loaded = condition.objects
    assert isinstance(any_fact, AssetAny)
    assert sorted(asset.uri for asset in any_fact.objects) == sorted(asset_uri(table) for table in FACT_TABLES)
    assert facts_loaded.uri == asset_uri("facts_loaded")


def test_ingest_emits_fact_events_through_an_alias_then_facts_loaded_once(dagbag):
    from airflow.sdk import AssetAlias

    tasks = dagbag.dags["monev_ingest"].task_dict
    assert tasks["load"].outlets == []
    assert [type(outlet) for outlet in tasks["announce_changes"].outlets] == [AssetAlias]
    assert tasks["announce_changes"].trigger_rule == "all_done"
    assert "load" in tasks["announce_changes"].upstream_task_ids
    assert [outlet.uri for outlet in tasks["announce_facts_loaded"].outlets] == ["monev://warehouse/facts_loaded"]
    assert tasks["announce_facts_loaded"].upstream_task_ids == {"announce_changes"}


def test_publish_runs_on_its_schedule_and_on_rebuilt_indicators(dagbag):
    schedule = dagbag.dags["monev_publish"].timetable
    assert schedule.asset_condition.uri == "monev://warehouse/unit_quarter_indicators"
    assert schedule.timetable.expression == "0 7 10 1,4,7,10 *"
    tasks = dagbag.dags["monev_publish"].task_dict
    for sensor in ("release_quarter.wait_for_figures", "release_quarter.wait_for_release_slot"):
        assert tasks[sensor].mode == "reschedule"
    assert "release_quarter.completeness_gate" in tasks["release_quarter.wait_for_release_slot"].upstream_task_ids


def test_ingest_pulls_and_loads_units_in_batches(dagbag):
    from pipelines.ingest.run import unit_batches

    tasks = dagbag.dags["monev_ingest"].task_dict
    for mapped in ("pull", "load"):
        assert tasks[mapped].upstream_task_ids >= {"unit_batches"} and tasks[mapped].is_mapped
    codes = [f"U-{number:02d}" for number in range(23)]
    assert unit_batches(codes, 10) == [codes[:10], codes[10:20], codes[20:]]
