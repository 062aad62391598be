"""Ingest = pull every source of a unit into the raw zone and catalog, then load the warehouse.

The DAG runs the two halves as separate tasks, each over a batch of units (`unit_batches`), so a
task process pays its start-up and imports once for several units; the CLI and tests call
`ingest_unit` for both halves of one unit at once.
"""

from __future__ import annotations

import logging
from dataclasses import asdict

from pipelines.ingest.load import LoadReport, load_unit
from pipelines.ingest.pull import pull_source
from pipelines.periods import Quarter
from pipelines.registry import registry
from pipelines.storage import DataRoot, data_root

log = logging.getLogger(__name__)


def selected_units(requested: list[str]) -> list[str]:
    """The registry's units, in its order; only those `requested` when any are."""
    known = registry().unit_codes
    unknown = sorted(set(requested) - set(known))
    if unknown:
        raise ValueError(f"units not in the registry: {', '.join(unknown)}; known units: {', '.join(known)}")
    return [code for code in known if code in requested] if requested else known


def unit_batches(unit_codes: list[str], size: int) -> list[list[str]]:
    """The units in registry order, `size` at a time: one pull task and one load task per batch."""
    return [unit_codes[start : start + size] for start in range(0, len(unit_codes), size)]


def load_units(unit_codes: list[str], quarters: list[Quarter] = (), root: DataRoot | None = None) -> list[dict]:
    """Load each unit in turn; reports of the units loaded.

    A unit whose load fails is logged with its traceback and left out, and the others still load:
    its files stay received and load with the next run, and `log_reports` names it, failing the run.
    """
    root = root or data_root()
    reports = []
    for position, unit_code in enumerate(unit_codes, start=1):
        log.info("[%d/%d] loading %s", position, len(unit_codes), unit_code)
        try:
            reports.append(asdict(load_unit(unit_code, quarters, root)))
        except Exception:
            log.exception("load of %s failed; its files stay received for the next run", unit_code)
    return reports


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
    failed = [f"pull {pull['unit_code']}/{pull['source']}" for pull in expected_pulls if not _pulled(pull, pulls)]
    failed += [f"load {unit}" for unit in expected_units if unit not in {report["unit_code"] for report in reports}]
    if failed:
        raise UnitsFailed(f"failed: {', '.join(failed)}; the other units and sources were loaded (see their task logs)")


def _pulled(pull: dict, pulls: list[dict]) -> bool:
    return any(
        "error" not in done and (done["unit_code"], done["source"]) == (pull["unit_code"], pull["source"])
        for done in pulls
    )
