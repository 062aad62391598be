"""The embedded default under Airflow's real scheduler: LocalExecutor on SQLite, and only unpausing the DAGs.

The scheduled ingest run loads the samples, its asset events start one indicators run, the scheduled
publish run releases v1 and e-mails it once; a corrected file then lands and v2, with its changelog,
follows by itself with one more e-mail, no sooner than its republish interval after v1.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from pipelines.orchestration.asset_events import FACT_TABLES
from pipelines.periods import Quarter
from pipelines.storage import DataRoot
from tests.support.few_units import FEW_UNITS
from tests.support.live_chain import (
    RECIPIENTS,
    Chain,
    running_chain,
    scheduled_publish_quarter,
    write_live_samples,
)

pytestmark = pytest.mark.live

CORRECTED_UNIT = "UPT-K3"
REPUBLISH_INTERVAL_SECONDS = 120
UNITS = list(FEW_UNITS)


def catalog_rows(root: DataRoot, table: str) -> list[dict]:
    with sqlite3.connect(root.path("catalog.sqlite")) as connection:
        connection.row_factory = sqlite3.Row
        rows = [dict(row) for row in connection.execute(f"SELECT * FROM {table}")]
    for row in rows:
        for column, value in row.items():
            if column.endswith("_at") and value:
                row[column] = datetime.fromisoformat(value).replace(tzinfo=UTC)
    return rows


def correct_complaints(root: DataRoot, quarter: Quarter) -> str:
    """The unit sends its complaint register again with its last complaint withdrawn: same name, new bytes."""
    name = next(name for name in root.list_files("landing", CORRECTED_UNIT) if name.startswith(f"pengaduan_{quarter}"))
    lines = root.read_bytes("landing", CORRECTED_UNIT, name).decode().splitlines(keepends=True)
    root.write_bytes("".join(lines[:-1]).encode(), "landing", CORRECTED_UNIT, name)
    return name


def sealed_version(airflow, run: dict) -> int | None:
    """The version the publish run sealed; None when it created none (unchanged figures, or not that far)."""
    release = airflow.xcom_or_none("monev_publish", run["dag_run_id"], "release_quarter.publish", 0)
    return release["version"] if release and release["created"] else None


@pytest.fixture(scope="module")
def local_chain(tmp_path_factory) -> Iterator[Chain]:
    """The embedded default: LocalExecutor on SQLite, the samples in landing/, the deadline passed."""
    home, data = tmp_path_factory.mktemp("live_home"), tmp_path_factory.mktemp("live_data")
    config = tmp_path_factory.mktemp("live_config")
    write_live_samples(scheduled_publish_quarter(), 600, data, config)
    settings = {
        "MONEV_PUBLISH_LOCATION": str(tmp_path_factory.mktemp("publikasi")),
        "MONEV_PUBLISH_DEADLINE_DAYS": "0",
        "MONEV_REPUBLISH_INTERVAL_HOURS": str(REPUBLISH_INTERVAL_SECONDS / 3600),
    }
    with running_chain(home, data, config, settings) as chain:
        yield chain


@pytest.fixture(scope="module")
def first_release(local_chain) -> dict:
    local_chain.airflow.wait_for("v1 e-mailed", lambda: local_chain.mails, timeout=900)
    return local_chain.airflow.finished_run("monev_publish", "scheduled")


class TestLocalExecutor:
    """The embedded default: LocalExecutor on SQLite."""

    def test_the_scheduled_ingest_run_loads_the_samples_of_every_unit(self, local_chain, first_release):
        airflow = local_chain.airflow
        [run, *_] = [run for run in airflow.runs("monev_ingest") if run["run_type"] == "scheduled"]
        assert run["state"] == "success"
        loads = [ti for ti in airflow.task_instances("monev_ingest", run["dag_run_id"]) if ti["task_id"] == "load"]
        assert len(loads) == 2 and all(ti["state"] == "success" for ti in loads)
        assert sorted(unit for ti in loads for unit in ti["rendered_map_index"].split(", ")) == sorted(UNITS)
        announced = airflow.xcom("monev_ingest", run["dag_run_id"], "announce_changes")
        assert announced == {"units": sorted(UNITS), "quarters": [str(local_chain.quarter)]}

    def test_one_asset_triggered_indicators_run_computes_the_quarter(self, local_chain, first_release):
        airflow = local_chain.airflow
        runs = airflow.runs("monev_indicators")
        first = runs[0]
        assert (first["run_type"], first["state"], first["logical_date"]) == ("asset_triggered", "success", None)
        assert airflow.xcom("monev_indicators", first["dag_run_id"], "changed_quarters") == [str(local_chain.quarter)]
        events = airflow.get(f"/dags/monev_indicators/dagRuns/{first['dag_run_id']}/upstreamAssetEvents")[
            "asset_events"
        ]
        assert {event["name"] for event in events} == {"facts_loaded", *FACT_TABLES}
        assert {event["extra"]["unit_code"] for event in events if event["name"] != "facts_loaded"} == set(UNITS)
        # The first ingest run made exactly one indicators run (the correction may have made a second by now).
        assert len([run for run in runs if run["run_after"] <= first_release["end_date"]]) == 1

    def test_the_scheduled_publish_run_releases_v1_and_mails_it_once(self, local_chain, first_release):
        quarter = local_chain.quarter
        assert first_release["run_type"] == "scheduled"
        published = local_chain.airflow.xcom("monev_publish", first_release["dag_run_id"], "quarters_to_publish")
        assert published == [str(quarter)]
        assert local_chain.root.exists("releases", quarter.label, "v1", "SHA256SUMS")
        message = local_chain.mails[0]
        assert message["To"] == RECIPIENTS
        assert "(versi 1)" in message["Subject"]

    def test_a_corrected_file_becomes_v2_by_itself_with_one_more_email(self, local_chain, first_release):
        airflow, root, quarter = local_chain.airflow, local_chain.root, local_chain.quarter
        corrected_at = datetime.now(UTC)
        corrected = correct_complaints(root, quarter)
        airflow.wait_for("v2 e-mailed", lambda: len(local_chain.mails) >= 2, timeout=900)
        assert "(versi 2)" in local_chain.mails[1]["Subject"]
        changelog = root.read_bytes("releases", quarter.label, "v2", "CHANGELOG.md").decode()
        assert corrected in changelog and "complaints" in changelog
        # The run that sealed v2: one the correction started, or one started earlier whose slot sensor saw it land.
        airflow.wait_for("publish runs ended", lambda: not airflow.runs_in_progress("monev_publish"))
        v2_run = next(run for run in airflow.runs("monev_publish") if sealed_version(airflow, run) == 2)
        sealed = {row["version"]: row["sealed_at"] for row in catalog_rows(root, "release")}
        slot = sealed[1] + timedelta(seconds=REPUBLISH_INTERVAL_SECONDS)
        assert sealed[2] >= slot
        slot_task = "release_quarter.wait_for_release_slot"
        events = airflow.task_log_events("monev_publish", v2_run["dag_run_id"], slot_task, 1, 0)
        looked = [datetime.fromisoformat(event["timestamp"]) for event in events if "timestamp" in event]
        if min((moment for moment in looked if moment >= corrected_at), default=slot) < slot:  # so it said it waited
            assert any("the changed figures become v2 at" in str(event.get("event")) for event in events)
        # Every publish run has ended; none sent a version twice, and both versions were copied.
        assert len(local_chain.mails) == 2
        portal = DataRoot(airflow.env["MONEV_PUBLISH_LOCATION"])
        for version in ("v1", "v2"):
            sums = root.read_bytes("releases", quarter.label, version, "SHA256SUMS")
            assert portal.read_bytes(quarter.label, version, "SHA256SUMS") == sums
