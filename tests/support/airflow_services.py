"""A live Airflow started by a test: api-server, scheduler, dag-processor (and a Celery worker).

Every component is the real `airflow` command on loopback with a throw-away home; the test talks to
it through the REST API a browser's UI uses, and stops every process when it ends.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import requests

from tests.support.airflow_cli import AIRFLOW, REPO, migrate

T = TypeVar("T")
# No task of the chain defers (its sensors reschedule), so nothing needs a triggerer.
COMPONENTS = ("api-server", "scheduler", "dag-processor")


def live_env(home: Path, data_root: Path, port: int, metadata_url: str | None = None) -> dict[str, str]:
    """Environment of every component: one home, one metadata DB, fast loops, the DAGs paused until unpaused."""
    return {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__CORE__PARALLELISM": "4",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata_url or f"sqlite:///{home}/airflow.db",
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__API__WORKERS": "1",
        "AIRFLOW__API_AUTH__JWT_SECRET": "live-test-secret-" + os.urandom(8).hex(),
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
        "AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL": "600",  # the DAG files do not change during a test
        "AIRFLOW__DAG_PROCESSOR__PARSING_PROCESSES": "1",
        "MONEV_DATA_ROOT": str(data_root),
        "MONEV_LANDING_QUIET_SECONDS": "0",
        "GX_ANALYTICS_ENABLED": "False",
    }


@dataclass
class LiveAirflow:
    env: dict[str, str]
    home: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    login: tuple[str, str] | None = None
    """An admin's name and password when the API server checks who calls it; None: everybody is admin."""
    _token: str | None = None

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.env['AIRFLOW__API__PORT']}/api/v2"

    @property
    def headers(self) -> dict[str, str]:
        if self.login is None:
            return {}
        if self._token is None:
            username, password = self.login
            response = requests.post(f"{self.api.removesuffix('/api/v2')}/auth/token",
                                     json={"username": username, "password": password}, timeout=30)  # fmt: skip
            response.raise_for_status()
            self._token = response.json()["access_token"]
        return {"Authorization": f"Bearer {self._token}"}

    def get(self, path: str, **params) -> dict:
        response = requests.get(f"{self.api}{path}", params=params, headers=self.headers, timeout=30)
        response.raise_for_status()
        return response.json()

    def unpause(self, *dag_ids: str) -> None:
        for dag_id in dag_ids:
            response = requests.patch(f"{self.api}/dags/{dag_id}", json={"is_paused": False}, headers=self.headers,
                                      timeout=30)  # fmt: skip
            response.raise_for_status()

    def runs(self, dag_id: str) -> list[dict]:
        return self.get(f"/dags/{dag_id}/dagRuns", order_by="run_after", limit=100)["dag_runs"]

    def runs_in_progress(self, dag_id: str) -> list[dict]:
        return [run for run in self.runs(dag_id) if run["state"] in ("queued", "running")]

    def task_instances(self, dag_id: str, run_id: str) -> list[dict]:
        return self.get(f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances", limit=500)["task_instances"]

    def tries(self, dag_id: str, run_id: str, task_id: str, map_index: int = -1) -> list[dict]:
        path = f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}/{map_index}/tries"
        return self.get(path)["task_instances"]

    def xcom(self, dag_id: str, run_id: str, task_id: str, map_index: int = -1):
        path = f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}/xcomEntries/return_value"
        return self.get(path, map_index=map_index)["value"]

    def xcom_or_none(self, dag_id: str, run_id: str, task_id: str, map_index: int = -1):
        """The task's return value, or None while it has none (not run yet, or skipped)."""
        try:
            return self.xcom(dag_id, run_id, task_id, map_index)
        except requests.HTTPError as error:
            if error.response is not None and error.response.status_code == 404:
                return None
            raise

    def task_log(self, dag_id: str, run_id: str, task_id: str, attempt: int = 1, map_index: int = -1) -> str:
        return str(self.task_log_events(dag_id, run_id, task_id, attempt, map_index))

    def task_log_events(
        self, dag_id: str, run_id: str, task_id: str, attempt: int = 1, map_index: int = -1
    ) -> list[dict]:
        """The try's structured log lines: each a dict with "event" (the message) and, for lines a task wrote,
        "timestamp"."""
        path = f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}/logs/{attempt}"
        return self.get(path, map_index=map_index, full_content="true")["content"]

    def wait_for(self, what: str, found: Callable[[], T | None], timeout: float = 600, every: float = 2.0) -> T:
        """Poll until `found()` returns something; fail naming `what`, with the components' log tails."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            result = found()
            if result:
                return result
            time.sleep(every)
        raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}\n{self.log_tails()}")

    def finished_run(self, dag_id: str, run_type: str, after: int = 0, timeout: float = 600) -> dict:
        """The first run of that type past the `after` first ones to end; fails if it did not succeed."""

        def ended() -> dict | None:
            runs = [run for run in self.runs(dag_id) if run["run_type"] == run_type][after:]
            return runs[0] if runs and runs[0]["state"] in ("success", "failed") else None

        run = self.wait_for(f"a {run_type} run of {dag_id}", ended, timeout)
        if run["state"] != "success":
            failed = [ti for ti in self.task_instances(dag_id, run["dag_run_id"]) if ti["state"] != "success"]
            raise AssertionError(f"{dag_id} {run['dag_run_id']} ended {run['state']}: {failed}\n{self.log_tails()}")
        return run

    def check_alive(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise AssertionError(f"airflow {name} exited with {process.returncode}\n{self.log_tails()}")

    def write_run_summary(self) -> None:
        """`runs.txt` in the home: every DAG run with its type, state and times, for reading a failed run."""
        lines = []
        for dag in self.get("/dags")["dags"]:
            for run in self.runs(dag["dag_id"]):
                lines.append(
                    f"{run['dag_id']}  {run['dag_run_id']}  {run['run_type']}  {run['state']}  "
                    f"{run['start_date']} .. {run['end_date']}"
                )
        (self.home / "runs.txt").write_text("\n".join(lines) + "\n")

    def log_tails(self, lines: int = 25) -> str:
        tails = []
        for name in self.processes:
            text = (self.home / f"{name}.log").read_text(errors="replace").splitlines()[-lines:]
            tails.append(f"--- airflow {name} ---\n" + "\n".join(text))
        return "\n".join(tails)


def _stop(processes: dict[str, subprocess.Popen]) -> None:
    for process in processes.values():
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 10  # the test is over: a component still busy is killed
    for process in processes.values():
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@contextmanager
def live_airflow(
    env: dict[str, str], extra: dict[str, list[str]] | None = None, login: tuple[str, str] | None = None
) -> Iterator[LiveAirflow]:
    """Migrate the metadata DB, start the components (plus `extra`: name → airflow arguments), stop them after.
    `login`: the admin the test calls the API as, when the environment turns the simple auth manager's checks on."""
    home = Path(env["AIRFLOW_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    migrate(env)
    airflow = LiveAirflow(env, home, login=login)
    commands = {name: [name] for name in COMPONENTS} | (extra or {})
    try:
        for name, arguments in commands.items():
            with open(home / f"{name}.log", "wb") as log:
                airflow.processes[name] = subprocess.Popen(
                    [AIRFLOW, *arguments], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
                )
        airflow.wait_for("the API server", lambda: _healthy(airflow), timeout=120, every=1)
        yield airflow
        airflow.write_run_summary()
    finally:
        _stop(airflow.processes)


def _healthy(airflow: LiveAirflow) -> bool:
    try:
        return requests.get(f"{airflow.api}/monitor/health", timeout=5).ok
    except requests.ConnectionError:
        return False
