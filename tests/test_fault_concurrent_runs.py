"""Two runs of the same work at once end as one run: named locks in the catalog, idempotent writers."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, text

from pipelines.runstate.locks import LockTimeout, exclusive
from pipelines.runstate.store import engine, run_lock
from pipelines.samples.generate import write_samples
from pipelines.storage import DataRoot
from pipelines.warehouse.schemas import FACT_TABLES
from tests.support.airflow_cli import REPO, airflow_env, finished, migrate, start_dags_test
from tests.support.few_units import few_units
from tests.support.outcome import catalog, tables
from tests.support.smtp_server import smtp_server
from tests.support.warm_process import WarmInterpreter, warm_interpreter

HOLD_THEN_RELEASE = """
import sys, time
from pipelines.runstate.locks import exclusive
with exclusive("release 2026Q3"):
    print("held", flush=True)
    time.sleep(float(sys.argv[1]))
print("released", flush=True)
"""


def lock_row(holder: str, age: timedelta) -> None:
    with engine().begin() as connection:
        connection.execute(
            insert(run_lock).values(name="release 2026Q3", holder=holder, acquired_at=datetime.now(UTC) - age)
        )


def locks_held() -> list[tuple]:
    with engine().connect() as connection:
        return connection.execute(text("SELECT name, holder FROM run_lock")).fetchall()


def test_a_second_run_waits_until_the_first_releases(data_root):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_THEN_RELEASE, "2"], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline() == "held\n"
    started = time.monotonic()
    with exclusive("release 2026Q3"):
        waited = time.monotonic() - started
        assert holder.stdout.readline() == "released\n", "the lock was granted while the other run held it"
    holder.wait(timeout=30)
    assert waited > 1
    assert locks_held() == []


def test_a_lock_left_by_a_dead_process_on_this_host_is_taken_over(data_root, caplog):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    lock_row(f"{socket.gethostname()}:{gone.pid}", timedelta(seconds=5))
    started = time.monotonic()
    with caplog.at_level(logging.WARNING), exclusive("release 2026Q3"):
        assert time.monotonic() - started < 5  # taken at once: no wait for the lock (MONEV_LOCK_WAIT_SECONDS)
    assert f"taking over from {socket.gethostname()}:{gone.pid}" in caplog.text


def test_a_fresh_lock_held_on_another_host_makes_the_run_wait_then_stop_clearly(data_root, monkeypatch):
    monkeypatch.setenv("MONEV_LOCK_WAIT_SECONDS", "1.5")
    lock_row("airflow-worker-2:4242", timedelta(minutes=5))
    refusal = r"release 2026Q3: another run \(airflow-worker-2:4242, since .*wrote nothing"
    with pytest.raises(LockTimeout, match=refusal):
        exclusive("release 2026Q3").__enter__()
    assert locks_held() == [("release 2026Q3", "airflow-worker-2:4242")]


def test_a_lock_held_on_another_host_beyond_the_stale_age_is_taken_over(data_root):
    lock_row("airflow-worker-2:4242", timedelta(hours=4))
    with exclusive("release 2026Q3"):
        assert locks_held() == [("release 2026Q3", f"{socket.gethostname()}:{os.getpid()}")]


def test_processes_opening_a_new_catalog_together_all_get_its_tables(tmp_path):
    env = {**os.environ, "MONEV_DATA_ROOT": str(tmp_path / "data")}
    opening = (
        "from pipelines.runstate.received_files import ingest_log; from pipelines.runstate.store import engine; "
        "engine(); ingest_log()"
    )
    starts = [
        subprocess.Popen([sys.executable, "-c", opening], cwd=REPO, env=env, stderr=subprocess.PIPE, text=True)
        for _ in range(8)
    ]
    failures = [error for start in starts if (error := start.communicate(timeout=120)[1]) and start.returncode]
    assert not failures, failures[0][-2000:]


# --- the whole chain twice at once ---------------------------------------------------------------


@pytest.fixture(scope="module")
def interpreter(tmp_path_factory) -> Iterator[WarmInterpreter]:
    modules = ("great_expectations", "pipelines.cli.main", "pipelines.ingest.run", "pipelines.publish.delivery")
    with warm_interpreter(tmp_path_factory.mktemp("runs"), *modules) as warm:
        yield warm


CLI_RUN = "import sys; from pipelines.cli.main import main; sys.exit(main(['run', '--quarter', '2026Q3']))"


def run_chain(interpreter: WarmInterpreter, root: Path, smtp_port: int, copies: int) -> None:
    """`copies` CLI runs of the quarter's chain, each a process of its own, started together on one data root."""
    env = {
        **os.environ,
        "MONEV_DATA_ROOT": str(root),
        "MONEV_VALIDATION_WORKERS": "1",
        "AIRFLOW_CONN_MONEV_SMTP": f"smtp://127.0.0.1:{smtp_port}?disable_tls=true",
        "MONEV_REPORT_RECIPIENTS": "biro.organisasi@reformasi.example.go.id",
    }
    runs = [interpreter.start(CLI_RUN, env) for _ in range(copies)]
    for pid, log in runs:
        status, output = interpreter.wait(pid), log.read_text(errors="replace")
        first_error = output.find("Traceback") if "Traceback" in output else output.find("ERROR")
        assert status == 0, output[max(first_error, 0) :][:6000]


def chain_outcome(interpreter: WarmInterpreter, root: Path, copies: int, quarter) -> dict:
    write_samples(quarter, rows=700, root=DataRoot(str(root)))
    with smtp_server() as (inbox, port):
        run_chain(interpreter, root, port, copies)
    outcome = {"warehouse": tables(root), "catalog": catalog(root), "e-mails": len(inbox.messages)}
    return outcome | {"releases": sorted(path.name for path in (root / "releases" / "2026-Q3").iterdir())}


@pytest.mark.e2e
def test_two_runs_of_the_same_quarter_at_once_end_as_one_run(interpreter, tmp_path, quarter):
    outcomes = {}
    with few_units(tmp_path / "config"):
        for copies in (1, 2):
            outcomes[copies] = chain_outcome(interpreter, tmp_path / f"{copies}-runs", copies, quarter)
    one, two = outcomes[1], outcomes[2]
    assert two["e-mails"] == one["e-mails"] == 1
    assert two["releases"] == one["releases"] == ["v1"]
    assert two["catalog"] == one["catalog"]
    assert two["catalog"]["locks"] == []
    assert two["warehouse"].keys() == one["warehouse"].keys()
    differing = [path for path in one["warehouse"] if one["warehouse"][path] != two["warehouse"][path]]
    assert not differing, differing


INGEST_TABLES = (*FACT_TABLES, "dq_results", "quarantine")
INGEST_EVERY_UNIT = (
    "from pipelines.ingest.run import ingest_unit; from pipelines.periods import Quarter; "
    "from pipelines.registry import registry\n"
    "for unit in registry().unit_codes: ingest_unit(unit, Quarter(2026, 3))"
)


def ingested(root: Path) -> dict:
    loaded = {path: rows for path, rows in tables(root).items() if path.split("/")[1] in INGEST_TABLES}
    return {"tables": loaded, "received": catalog(root)["received"], "loads": catalog(root)["loads"]}


@pytest.mark.e2e
def test_two_ingest_dag_runs_for_the_same_quarter_at_once_load_as_one(interpreter, tmp_path, quarter):
    """Two Airflow deployments (or a manual run beside the scheduler's) run monev_ingest on one data root."""
    with few_units(tmp_path / "config"):
        two_ingest_dag_runs(interpreter, tmp_path, quarter)


def two_ingest_dag_runs(interpreter: WarmInterpreter, tmp_path: Path, quarter) -> None:
    reference, shared = tmp_path / "reference", tmp_path / "shared"
    for root in (reference, shared):
        write_samples(quarter, rows=700, root=DataRoot(str(root)))
    env = {**os.environ, "MONEV_DATA_ROOT": str(reference), "MONEV_VALIDATION_WORKERS": "1"}
    status, log = interpreter.run(INGEST_EVERY_UNIT, env)
    assert status == 0, log[-3000:]
    envs = [{**airflow_env(tmp_path / f"airflow-{n}", shared), "MONEV_VALIDATION_WORKERS": "1"} for n in (1, 2)]
    for env in envs:
        migrate(env)
    runs = [start_dags_test(env, "monev_ingest", "2026-10-10T07:00:00+07:00", {"quarter": "2026Q3"}) for env in envs]
    for run in runs:
        finished(run, "monev_ingest")
    expected, got = ingested(reference), ingested(shared)
    assert got["received"] == expected["received"] and got["loads"] == expected["loads"]
    assert got["tables"].keys() == expected["tables"].keys() and len(expected["tables"]) > 20
    differing = [path for path in expected["tables"] if got["tables"][path] != expected["tables"][path]]
    assert not differing, differing
    assert catalog(shared)["locks"] == []
