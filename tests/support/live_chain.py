"""The monev chain on a live Airflow: its own SMTP server, the three DAGs parsed and unpaused, nothing else.

Shared by the live scheduler tests (LocalExecutor and CeleryExecutor).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pendulum

from pipelines.periods import Quarter, last_complete_quarter
from pipelines.settings import TIMEZONE
from pipelines.storage import DataRoot
from tests.support.airflow_services import LiveAirflow, live_airflow, live_env
from tests.support.few_units import few_units
from tests.support.postgres_server import free_port
from tests.support.smtp_server import Inbox, smtp_server

CHAIN = ("monev_ingest", "monev_indicators", "monev_publish")

RECIPIENTS = "biro.organisasi@reformasi.example.go.id"


def scheduled_publish_quarter() -> Quarter:
    """The quarter the publish schedule's latest run reports on (catchup off: the run unpausing starts)."""
    from airflow.timetables.base import TimeRestriction
    from airflow.timetables.trigger import CronTriggerTimetable

    timetable = CronTriggerTimetable("0 7 10 1,4,7,10 *", timezone=TIMEZONE)
    restriction = TimeRestriction(earliest=pendulum.datetime(2026, 1, 1, tz=TIMEZONE), latest=None, catchup=False)
    run = timetable.next_dagrun_info(last_automated_data_interval=None, restriction=restriction)
    return last_complete_quarter(run.logical_date)


@dataclass
class Chain:
    airflow: LiveAirflow
    root: DataRoot
    quarter: Quarter
    inbox: Inbox

    @property
    def mails(self) -> list:
        """The release e-mails (the units' delivery notices are in `inbox.unit_notices`)."""
        return self.inbox.releases


def write_live_samples(quarter: Quarter, rows: int, data: Path, config: Path) -> DataRoot:
    """A copy of config/ holding only FEW_UNITS, and their sample exports in `data`."""
    from pipelines.samples.generate import write_samples

    root = DataRoot(str(data))
    with few_units(config):
        write_samples(quarter, rows=rows, root=root)
    return root


@contextmanager
def running_chain(
    home: Path, data: Path, config: Path, settings: dict[str, str], extra=None, metadata_url=None
) -> Iterator[Chain]:
    """A live Airflow over the data root and the config folder (write_live_samples), its own SMTP server, the three
    DAGs parsed, then unpaused."""
    with smtp_server() as (inbox, smtp_port):
        env = live_env(home, data, free_port(), metadata_url) | {
            "MONEV_CONFIG_DIR": str(config),
            "AIRFLOW_CONN_MONEV_SMTP": f"smtp://127.0.0.1:{smtp_port}?disable_tls=true",
            "MONEV_REPORT_RECIPIENTS": RECIPIENTS,
            # Every two minutes: a file landed meanwhile is taken soon, and the runs leave gaps in which
            # publishing finds the chain idle.
            "MONEV_INGEST_SCHEDULE": "*/2 * * * *",
            # Airflow 3.3 can take a finished poke's executor event for the next poke's when they are seconds
            # apart, and fail the sensor; production looks every 300 s.
            "MONEV_PUBLISH_POKE_SECONDS": "15",
            "MONEV_RETRY_DELAY_SECONDS": "5",
            # Three units in two batches: the mapped pull and load tasks run side by side, as with many units.
            "MONEV_UNITS_PER_TASK": "2",
            **settings,
        }
        with live_airflow(env, extra) as airflow:
            airflow.wait_for("the three DAGs parsed", lambda: {dag["dag_id"] for dag in airflow.get("/dags")["dags"]}
                             >= set(CHAIN), timeout=180)  # fmt: skip
            airflow.unpause(*CHAIN)
            yield Chain(airflow, DataRoot(str(data)), scheduled_publish_quarter(), inbox)
