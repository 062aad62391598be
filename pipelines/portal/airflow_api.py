"""Starting the ingest DAG for one unit through Airflow's REST API, as the portal's service account.

The account needs Airflow's `user` role (trigger DAG runs), no more. A run asked for while another is running
queues behind it (the DAG runs one at a time); when Airflow cannot be reached the file waits in the landing folder
for the next scheduled run, and the portal says so.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import requests

from pipelines.settings import PortalSettings

INGEST_DAG = "monev_ingest"
TIMEOUT_SECONDS = 10
ATTEMPTS = 3


class TriggerFailed(RuntimeError):
    """Airflow did not start the run; the message names the step and Airflow's answer."""


def _token(settings: PortalSettings, session: requests.Session) -> str:
    response = session.post(
        f"{settings.airflow_url}/auth/token",
        json={"username": settings.airflow_user, "password": settings.airflow_password},
        timeout=TIMEOUT_SECONDS,
    )
    if response.status_code not in (200, 201):
        raise TriggerFailed(f"Airflow refused the portal's service account {settings.airflow_user!r}: "
                            f"HTTP {response.status_code} {response.text[:200]}")  # fmt: skip
    return response.json()["access_token"]


def _start_run(settings: PortalSettings, run_id: str, unit_code: str) -> requests.Response:
    with requests.Session() as session:
        return session.post(
            f"{settings.airflow_url}/api/v2/dags/{INGEST_DAG}/dagRuns",
            json={"dag_run_id": run_id, "logical_date": None, "conf": {"units": [unit_code]}},
            headers={"Authorization": f"Bearer {_token(settings, session)}"},
            timeout=TIMEOUT_SECONDS,
        )


def trigger_ingest(unit_code: str, upload_id: int, settings: PortalSettings) -> str:
    """The id of the ingest run started for the unit's upload.

    A busy or restarting Airflow (an error 5xx, no answer) is asked again a few times; the run id is fixed, so an
    attempt that did start the run before its answer was lost is found as already there (409), not started twice.
    """
    if not settings.airflow_password:
        raise TriggerFailed("MONEV_PORTAL_AIRFLOW_PASSWORD is not set: uploads wait for the scheduled ingest run")
    run_id = f"portal__{unit_code}__{upload_id}__{datetime.now(UTC):%Y%m%dT%H%M%S}"
    problem = ""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            response = _start_run(settings, run_id, unit_code)
        except requests.RequestException as error:
            problem = f"Airflow at {settings.airflow_url} could not be reached: {error}"
        else:
            if response.status_code == 200 or (response.status_code == 409 and attempt > 1):
                return run_id
            problem = f"Airflow did not start {INGEST_DAG}: HTTP {response.status_code} {response.text[:300]}"
            if response.status_code < 500:
                break
        time.sleep(attempt)
    raise TriggerFailed(problem)
