"""Benchmark: Great Expectations validation of service-log rows (printed figures, not a test).

    .venv/bin/python benchmarks/validate.py --rows 1000000 10000000

For each size it builds a canonical service-log frame from sample exports (not timed), then
times the validation the pipeline runs on it (every row, no sampling) and reports rows/s and
the memory the validation added (peak RSS above what the frame itself took).
"""

from __future__ import annotations

import argparse
import ctypes
import datetime as dt
import gc
import os
import threading
import time

import pandas as pd
import psutil
import pyarrow as pa

from pipelines.parse.canonical import to_canonical
from pipelines.parse.headers import header_config
from pipelines.parse.read import RawTable
from pipelines.periods import Quarter
from pipelines.quality.batch import suite_parameters
from pipelines.quality.chunks import validate_in_chunks
from pipelines.quality.gx_runner import validate_frame
from pipelines.registry import Unit, registry
from pipelines.samples.generate import _service_log
from pipelines.samples.profiles import export_profile

QUARTER = Quarter(2026, 3)


def _pss(pid: int) -> int:
    """Proportional set size: pages a forked worker shares copy-on-write with its parent count once."""
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
        for line in rollup:
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    return 0


def _memory_in_use(process: psutil.Process) -> int:
    """Memory of the process and its validation workers together."""
    total = 0
    for pid in (process.pid, *(child.pid for child in process.children(recursive=True))):
        try:
            total += _pss(pid)
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


class PeakMemory:
    """Samples the memory of the process and its workers while the block runs.

    Every 250 ms: reading a large process's page tables is not free, and sampling faster slowed the run.
    """

    def __enter__(self) -> PeakMemory:
        self.process, self.peak, self.running = psutil.Process(), 0, True
        self.start = _memory_in_use(self.process)
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()
        return self

    def _watch(self) -> None:
        while self.running:
            self.peak = max(self.peak, _memory_in_use(self.process))
            time.sleep(0.25)

    def __exit__(self, *exc) -> None:
        self.running = False
        self.thread.join()

    @property
    def added_mb(self) -> float:
        return (self.peak - self.start) / 2**20


def _return_free_memory() -> None:
    """Hand memory freed while building the frame back to the OS, so it cannot hide what validation adds."""
    gc.collect()
    pa.default_memory_pool().release_unused()
    ctypes.CDLL("libc.so.6").malloc_trim(0)


def busiest_unit() -> tuple[int, Unit]:
    """(registry position, unit) of the unit with the most services."""
    units = registry().units
    position = max(range(len(units)), key=lambda index: len(units[index].services))
    return position, units[position]


def canonical_frame(rows: int) -> pd.DataFrame:
    position, unit = busiest_unit()
    table = _service_log(unit, QUARTER, rows, export_profile(position))
    raw = RawTable(
        headers=table.column_names,
        cells=table.rename_columns([f"c{i}" for i in range(table.num_columns)]),
        row_numbers=pa.array(range(2, table.num_rows + 2)),
    )
    frame = to_canonical("service_log", raw, unit, header_config(), "0" * 64).frame
    return frame.assign(source_file="0" * 64)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000])
    args = parser.parse_args()
    parameters = suite_parameters(busiest_unit()[1], QUARTER, QUARTER.last_day + dt.timedelta(days=5))
    # Warm up once, as a long-running worker would be: GX in this process and in the pool's workers.
    validate_frame("service_log", canonical_frame(1_000), parameters)
    chunk_rows = os.environ.get("MONEV_VALIDATION_CHUNK_ROWS")
    os.environ["MONEV_VALIDATION_CHUNK_ROWS"] = "500"
    validate_in_chunks("service_log", canonical_frame(4_000), parameters)
    os.environ.pop("MONEV_VALIDATION_CHUNK_ROWS")
    if chunk_rows:
        os.environ["MONEV_VALIDATION_CHUNK_ROWS"] = chunk_rows
    print(f"{'rows':>12}  {'seconds':>8}  {'rows/s':>12}  {'added MB':>9}  unexpected")
    for rows in args.rows:
        frame = canonical_frame(rows)
        _return_free_memory()
        with PeakMemory() as memory:
            started = time.perf_counter()
            outcomes = validate_in_chunks("service_log", frame, parameters)
            seconds = time.perf_counter() - started
        unexpected = sum(len(outcome.unexpected_positions) for outcome in outcomes)
        print(f"{rows:>12,}  {seconds:>8.2f}  {rows / seconds:>12,.0f}  {memory.added_mb:>9.0f}  {unexpected:,}")
        del frame, outcomes
        gc.collect()


if __name__ == "__main__":
    main()
