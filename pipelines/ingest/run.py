"""Ingest = pull every source of a unit into the raw zone and catalog, then load the warehouse.

The DAG runs the two halves as separate tasks (one per unit and source, then one per unit);
the CLI and tests call `ingest_unit` for both at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import asdict

from pipelines.ingest.load import LoadReport, load_unit
from pipelines.ingest.receive import receive
from pipelines.periods import Quarter
from pipelines.registry import Unit, registry
from pipelines.runstate import received_files
from pipelines.runstate.locks import one_run_at_a_time
from pipelines.sources import Delivery
from pipelines.sources.files import pull_files
from pipelines.sources.http import pull_http
from pipelines.sources.sql import pull_sql
from pipelines.storage import DataRoot, data_root

log = logging.getLogger(__name__)

Puller = Callable[[Unit, object, DataRoot], Iterator[Delivery]]
PULLERS: dict[str, Puller] = {"files": pull_files, "sql": pull_sql, "http": pull_http}


@one_run_at_a_time("pull {unit_code}/{source_name}")
def pull_source(unit_code: str, source_name: str, root: DataRoot | None = None) -> list[dict]:
    """Receive whatever the source has that is new; returns the catalog entries made."""
    root = root or data_root()
    reg = registry()
    unit = reg.unit(unit_code)
    source = unit.source(source_name)
    received = []
    for delivery in PULLERS[source.kind](unit, source, root):
        if received_files.known_delivery(unit.code, source.name, delivery.file_name, delivery.sha256):
            continue  # this very file (name and bytes) was received before
        received.append(asdict(receive(unit, source.name, delivery, root, reg)))
    log.info("%s/%s: %d new deliveries", unit_code, source_name, len(received))
    return received


def ingest_unit(unit_code: str, quarter: Quarter | None = None, root: DataRoot | None = None) -> LoadReport:
    """Pull all of the unit's sources, then load; `quarter` is rebuilt even when nothing new arrived."""
    root = root or data_root()
    for source in registry().unit(unit_code).sources:
        pull_source(unit_code, source.name, root)
    return load_unit(unit_code, [quarter] if quarter else [], root)


class UnitsFailed(RuntimeError):
    """Some units' ingest tasks failed; their own task logs say why."""


def log_reports(
    reports: list[dict], expected_units: list[str], pulls: list[dict] = (), expected_pulls: list[dict] = ()
) -> None:
    """One line per file looked at, for the data team reading the Airflow log; fail if a pull or load failed."""
    from pipelines.cli.text_table import format_table

    files = [file for report in reports for file in report["files"]]
    columns = ["unit_code", "file_name", "dataset", "status", "rows_read", "rows_accepted", "rows_quarantined"]
    log.info("ingest summary:\n%s", format_table(files, columns))
    for file in files:
        if file["message"]:
            log.warning("%s", file["message"])
    failed = [f"pull {pull['unit_code']}/{pull['source']}" for pull in expected_pulls if not _done(pull, pulls)]
    failed += [f"load {unit}" for unit in expected_units if unit not in {report["unit_code"] for report in reports}]
    if failed:
        raise UnitsFailed(f"failed: {', '.join(failed)}; the other units and sources were loaded (see their task logs)")


def _done(pull: dict, pulls: list[dict]) -> bool:
    return any(done["unit_code"] == pull["unit_code"] and done["source"] == pull["source"] for done in pulls)
