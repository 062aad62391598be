"""The production executor under Airflow's real scheduler, through the completeness gate.

CeleryExecutor with a Redis broker and a Celery worker, PostgreSQL for Airflow and the catalog. Before the
deadline one unit has not reported, so the gate fails and Airflow retries it; the unit's files arrive, and
the next try publishes. Every task of the chain ran on the Celery worker.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.support.airflow_services import LiveAirflow
from tests.support.live_chain import CHAIN, Chain, running_chain, scheduled_publish_quarter, write_live_samples
from tests.support.postgres_server import create_databases
from tests.support.redis_server import redis_server

pytestmark = pytest.mark.live

LATE_UNIT = "UPT-BLK-MDN"
GATE = "release_quarter.completeness_gate"


@pytest.fixture(scope="module")
def late_unit_files(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("held_back")


@pytest.fixture(scope="module")
def celery_chain(tmp_path_factory, postgres_address, late_unit_files) -> Iterator[Chain]:
    """The production executor: CeleryExecutor, Redis, PostgreSQL; the deadline far off, one unit held back."""
    home, data = tmp_path_factory.mktemp("celery_home"), tmp_path_factory.mktemp("celery_data")
    config = tmp_path_factory.mktemp("celery_config")
    root = write_live_samples(scheduled_publish_quarter(), 600, data, config)
    for name in root.list_files("landing", LATE_UNIT):
        (late_unit_files / name).write_bytes(root.read_bytes("landing", LATE_UNIT, name))
        root.fs.delete_file(root.path("landing", LATE_UNIT, name))
    create_databases(postgres_address, "airflow_live", "monev_catalog_live")
    metadata = f"postgresql+psycopg://postgres@{postgres_address}/airflow_live"
    with redis_server() as broker:
        settings = {
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC": metadata,
            "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
            "AIRFLOW__CELERY__BROKER_URL": broker,
            "AIRFLOW__CELERY__RESULT_BACKEND": f"db+{metadata}",
            "AIRFLOW__CELERY__WORKER_CONCURRENCY": "2",
            "MONEV_CATALOG_URL": f"postgresql+psycopg://postgres@{postgres_address}/monev_catalog_live",
            "MONEV_PUBLISH_DEADLINE_DAYS": "36500",
            "MONEV_GATE_RECHECK_HOURS": str(20 / 3600),
            "MONEV_GATE_RETRIES": "40",
        }
        worker = {"celery-worker": ["celery", "worker", "--concurrency", "2"]}
        with running_chain(home, data, config, settings, worker, metadata) as chain:
            yield chain


def gate_tries(airflow: LiveAirflow) -> list[dict]:
    """The gate's tries in the scheduled publish run; none before the run has expanded its quarter."""
    runs = [run for run in airflow.runs("monev_publish") if run["run_type"] == "scheduled"]
    try:
        return airflow.tries("monev_publish", runs[0]["dag_run_id"], GATE, map_index=0) if runs else []
    except requests.HTTPError:
        return []


class TestCeleryExecutor:
    """The production executor: CeleryExecutor, Redis, PostgreSQL, and the completeness gate."""

    def test_before_the_deadline_the_gate_fails_naming_the_missing_unit_and_is_retried(self, celery_chain):
        airflow = celery_chain.airflow
        failed = airflow.wait_for(
            "a failed completeness gate",
            lambda: [t for t in gate_tries(airflow) if t["state"] == "failed"],
            timeout=600,
        )
        [run] = [run for run in airflow.runs("monev_publish") if run["run_type"] == "scheduled"]
        assert LATE_UNIT in airflow.task_log("monev_publish", run["dag_run_id"], GATE, failed[0]["try_number"], 0)
        assert not celery_chain.root.exists("releases", celery_chain.quarter.label) and not celery_chain.mails

    def test_the_missing_units_files_arrive_and_the_next_gate_try_publishes(self, celery_chain, late_unit_files):
        airflow, root, quarter = celery_chain.airflow, celery_chain.root, celery_chain.quarter
        airflow.wait_for("a failed completeness gate", lambda: any(t["state"] == "failed" for t in gate_tries(airflow)))
        for path in late_unit_files.iterdir():
            root.write_bytes(path.read_bytes(), "landing", LATE_UNIT, path.name)
        airflow.wait_for("v1 e-mailed", lambda: celery_chain.mails, timeout=900)
        run = airflow.finished_run("monev_publish", "scheduled")
        tries = gate_tries(airflow)
        assert tries[-1]["state"] == "success" and len(tries) >= 2
        assert airflow.xcom("monev_publish", run["dag_run_id"], GATE, 0) == {}  # nobody published as "belum lapor"
        published = root.read_bytes("releases", quarter.label, "v1", f"indikator_monev_{quarter.label}.csv").decode()
        late = [row for row in csv.DictReader(io.StringIO(published)) if row["kode_unit"] == LATE_UNIT]
        assert late and all(row["nilai"] or row["kategori"] == "tidak ada unsur SKM di bawah mutu B" for row in late)
        assert len(celery_chain.mails) == 1

    def test_every_task_of_the_chain_ran_on_the_celery_worker(self, celery_chain):
        airflow = celery_chain.airflow
        airflow.wait_for("v1 e-mailed", lambda: celery_chain.mails, timeout=900)
        worker_log = (airflow.home / "celery-worker.log").read_text(errors="replace")
        ran = [
            ti
            for dag_id in CHAIN
            for run in airflow.runs(dag_id)
            if run["state"] == "success"
            for ti in airflow.task_instances(dag_id, run["dag_run_id"])
            if ti["state"] == "success"
        ]
        assert {ti["dag_id"] for ti in ran} == set(CHAIN)
        assert all(ti["id"] in worker_log for ti in ran), [ti["task_id"] for ti in ran if ti["id"] not in worker_log]
