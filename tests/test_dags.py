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

    definition = dagbag.dags["monev_publish"].timetable
    timetable = CronTriggerTimetable(definition.expression, timezone=definition.timezone)
    after_q2_release = TimeRestriction(
        earliest=pendulum.datetime(2026, 7, 11, tz="Asia/Jakarta"), latest=None, catchup=True
    )
    run = timetable.next_dagrun_info(last_automated_data_interval=None, restriction=after_q2_release)
    assert run.logical_date == pendulum.datetime(2026, 10, 10, 7, 0, tz="Asia/Jakarta")
    assert reporting_quarter(None, run.logical_date) == Quarter(2026, 3)
