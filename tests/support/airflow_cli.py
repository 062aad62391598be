"""Run the real Airflow CLI against a throw-away Airflow home, for the DAG tests."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
AIRFLOW = str(Path(sys.executable).with_name("airflow"))


def airflow_env(home: Path, data_root: Path) -> dict[str, str]:
    return {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home}/airflow.db",
        "MONEV_DATA_ROOT": str(data_root),
        "GX_ANALYTICS_ENABLED": "False",
    }


def migrate(env: dict[str, str]) -> None:
    """A migrated metadata database for `env`. On SQLite, a copy of one database migrated once per Airflow version
    on this machine, shared by every test and test worker: migrating takes many seconds, copying a file none."""
    url = env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    if not url.startswith("sqlite:///"):
        _migrate(env)
        return
    target = Path(url.removeprefix("sqlite:///"))
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_migrated_template(), target)


def _migrate(env: dict[str, str]) -> None:
    result = subprocess.run([AIRFLOW, "db", "migrate"], env=env, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise AssertionError(f"airflow db migrate failed (exit {result.returncode}):\n{result.stderr[-4000:]}")


def _migrated_template() -> Path:
    """The shared migrated SQLite database, made by whichever test worker needs it first (the others wait)."""
    folder = Path(tempfile.gettempdir()) / f"monev-test-airflow-{os.getuid()}"
    folder.mkdir(exist_ok=True)
    key = hashlib.sha256(f"{sys.prefix}|{version('apache-airflow')}".encode()).hexdigest()[:16]
    template = folder / f"airflow-{key}.db"
    with open(folder / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not template.exists():
            home = Path(tempfile.mkdtemp(dir=folder))
            _migrate(airflow_env(home, home / "data"))
            (home / "airflow.db").rename(template)
            shutil.rmtree(home)
    return template


def start_dags_test(env: dict[str, str], dag_id: str, logical_date: str, conf: dict | None = None) -> subprocess.Popen:
    """Start `airflow dags test` in the background; `finished` waits for it."""
    command = [AIRFLOW, "dags", "test", dag_id, logical_date]
    if conf is not None:
        command += ["--conf", json.dumps(conf)]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finished(run: subprocess.Popen, dag_id: str) -> str:
    """The run's log, failing unless it succeeded.

    `airflow dags test` exits 0 even when tasks failed, so the run's final state is read from the log.
    """
    log, _ = run.communicate(timeout=600)
    ended = [line for line in log.splitlines() if "DagRun Finished" in line]
    if run.returncode != 0 or not ended or " state=success," not in ended[-1]:
        raise AssertionError(f"{dag_id} did not succeed (exit {run.returncode}):\n{log[-6000:]}")
    return log


def dags_test(env: dict[str, str], dag_id: str, logical_date: str, conf: dict | None = None) -> str:
    """Run one DAG in-process with `airflow dags test`; return its log, failing unless the run succeeded."""
    return finished(start_dags_test(env, dag_id, logical_date, conf), dag_id)
