"""Pull: whatever a unit's sources have that is new goes into the raw zone and the catalog.

Kept apart from loading, so a pull task imports no parser or GX.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import asdict

from pipelines.ingest.receive import receive
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


class PullsFailed(RuntimeError):
    """Some sources of a batch could not be pulled; the batch's other sources were."""

    def __init__(self, failures: list[dict]) -> None:
        super().__init__(failures)
        self.failures = failures

    def __str__(self) -> str:
        return "; ".join(f"{failure['unit_code']}/{failure['source']}: {failure['error']}" for failure in self.failures)


def pull_units(unit_codes: list[str], root: DataRoot | None = None) -> list[dict]:
    """Pull every source of each unit; a failing source does not stop the others.

    One entry per source: how many deliveries it brought, or the error that stopped it.
    """
    root = root or data_root()
    results = []
    for unit_code in unit_codes:
        for source in registry().unit(unit_code).sources:
            entry = {"unit_code": unit_code, "source": source.name}
            try:
                entry["received"] = len(pull_source(unit_code, source.name, root))
            except Exception as error:
                log.exception("pull of %s/%s failed", unit_code, source.name)
                entry["error"] = f"{type(error).__name__}: {error}"
            results.append(entry)
    return results


def raise_for_failed_pulls(results: list[dict]) -> None:
    failures = [entry for entry in results if "error" in entry]
    if failures:
        raise PullsFailed(failures)
