"""Recorded results of the whole load on a fixed corpus: the samples and the hostile files of tests/hostile.

The load may be rebuilt for speed (where it parses, how it validates, how it writes), but never
change a figure, a quarantined row or a message on its way. `tests/test_same_results.py` runs the
chain on the corpus and compares every table with the recording, row for row. Record again only
when a change of results is intended, and say so in the commit:

    .venv/bin/python -m tests.support.recorded_results --record
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import os
import sys
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from pipelines.periods import Quarter
from pipelines.storage import DataRoot

RECORDED = Path(__file__).resolve().parent.parent / "recorded"
QUARTER = Quarter(2026, 3)
SAMPLE_ROWS = 3_000
HOSTILE_UNIT = "BID-PPKK"
MAX_HOSTILE_BYTES = 1 << 20
"""The corpus's small files only: the large ones prove limits, which end in a rejection before any row is read."""
TABLES = (
    ("warehouse", "service_log"),
    ("warehouse", "skm_response"),
    ("warehouse", "complaint_log"),
    ("warehouse", "zi_perception"),
    ("warehouse", "zi_lke"),
    ("warehouse", "action_plan"),
    ("warehouse", "dq_results"),
    ("warehouse", "unit_quarter_indicators"),
    ("warehouse", "rollup_quarter_indicators"),
    ("quarantine", "rows"),
)
CATALOG_COLUMNS = (
    "unit_code", "source", "dataset", "file_name", "sha256", "size_bytes",
    "rows_read", "rows_accepted", "rows_quarantined", "status", "message",
)  # fmt: skip
"""The catalog's verdict on each file; ids and times differ from run to run."""
NAMES = (*(f"{zone}.{table}" for zone, table in TABLES), "catalog.ingest_log")


def hostile_files() -> dict[str, bytes]:
    """File name → bytes of each hostile case a unit drops into its landing folder."""
    from tests.test_hostile_input import CASES

    files = {case.file_name: case.make() for case in CASES if case.via == "landing" and not case.env}
    return {name: data for name, data in files.items() if len(data) <= MAX_HOSTILE_BYTES}


def write_corpus(root: DataRoot) -> None:
    from pipelines.samples.generate import write_samples

    write_samples(QUARTER, rows=SAMPLE_ROWS, root=root)
    for name, data in hostile_files().items():
        root.write_bytes(data, "landing", HOSTILE_UNIT, name)


def run_chain(root: DataRoot) -> None:
    """Every unit's ingest of the quarter, one after another, then the indicators."""
    from pipelines.indicators.build import build_indicators
    from pipelines.ingest.run import ingest_unit
    from pipelines.registry import registry

    for unit_code in registry().unit_codes:
        ingest_unit(unit_code, QUARTER, root)
    build_indicators(QUARTER, root)


def _read(root: DataRoot, zone: str, table: str) -> pa.Table:
    import pyarrow.dataset as pads

    if not root.exists(zone, table):
        return pa.table({})
    found = pads.dataset(root.path(zone, table), filesystem=root.fs, format="parquet", partitioning="hive")
    return found.to_table()


def as_text(table: pa.Table) -> list[list[str]]:
    """Header and rows as text, rows sorted: the order of rows in a partition is no result."""
    columns = sorted(table.column_names)
    cells = [
        pc.fill_null(pc.cast(table.column(name), pa.string()), "<null>").to_pylist()
        if not pa.types.is_floating(table.schema.field(name).type)
        else ["<null>" if value is None else repr(round(value, 9)) for value in table.column(name).to_pylist()]
        for name in columns
    ]
    return [columns, *map(list, sorted(zip(*cells, strict=True)))] if columns else []


def results(root: DataRoot) -> dict[str, list[list[str]]]:
    from pipelines.runstate.received_files import ingest_log

    found = {f"{zone}.{table}": as_text(_read(root, zone, table)) for zone, table in TABLES}
    log = ingest_log()
    text = {name: [None if entry[name] is None else str(entry[name]) for entry in log] for name in CATALOG_COLUMNS}
    found["catalog.ingest_log"] = as_text(pa.table(text))
    return found


def recorded_file(name: str) -> Path:
    return RECORDED / f"{name}.csv.gz"


def read_recorded(name: str) -> list[list[str]]:
    with gzip.open(recorded_file(name), "rt", encoding="utf-8", newline="") as text:
        return [list(row) for row in csv.reader(text)]


def _write_recorded(name: str, rows: list[list[str]]) -> None:
    sink = io.StringIO()
    csv.writer(sink, lineterminator="\n").writerows(rows)
    # mtime=0: the same results give the same bytes, so recording again changes no file that did not change.
    recorded_file(name).write_bytes(gzip.compress(sink.getvalue().encode(), mtime=0))


def record() -> None:
    with tempfile.TemporaryDirectory(prefix="monev-recorded-") as folder:
        os.environ.update(MONEV_DATA_ROOT=folder, MONEV_LANDING_QUIET_SECONDS="0", GX_ANALYTICS_ENABLED="False")
        os.environ.pop("MONEV_CATALOG_URL", None)
        root = DataRoot(folder)
        write_corpus(root)
        run_chain(root)
        RECORDED.mkdir(exist_ok=True)
        for name, rows in results(root).items():
            _write_recorded(name, rows)
            print(f"{recorded_file(name).relative_to(RECORDED.parent.parent)}: {max(len(rows) - 1, 0):,} rows")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--record", action="store_true", help="run the chain and overwrite the recording")
    if not parser.parse_args().record:
        parser.print_help()
        sys.exit(2)
    record()


if __name__ == "__main__":
    main()
