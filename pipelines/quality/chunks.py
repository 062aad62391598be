"""Validate a large frame in chunks, on every core, with every row still checked.

Rows go to chunks by a hash of the dataset's key, so all copies of a key meet in one chunk
and the suite's uniqueness rules stay exact. Workers come from a forkserver: a clean
single-threaded process that has imported GX once, so they start fast and never inherit the
threads and locks of the process that asked (forking an Airflow task process directly
deadlocked). The pool lives as long as the process, so workers load GX and the suites once
(from the expectations folder set when they started). Each worker gets its chunk pickled and
sends back only the failing positions.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import logging
import math
import multiprocessing
import multiprocessing.pool
from collections.abc import Iterator
from functools import cache
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from pipelines.datasets import DATASETS
from pipelines.quality.gx_runner import ExpectationOutcome, suite_columns, validate_frame
from pipelines.settings import get_settings

log = logging.getLogger(__name__)

Chunk = tuple[str, pd.DataFrame, dict[str, Any]]


def chunk_of_rows(keys: pd.Series, chunks: int) -> np.ndarray:
    """Chunk number per row, equal for equal keys (DuckDB hashes 10M keys in a fraction of a second)."""
    connection = duckdb.connect()
    try:
        connection.register("row_keys", pa.table({"key": pa.array(keys, type=pa.string(), from_pandas=True)}))
        hashed = connection.sql(f"SELECT (hash(key) % {chunks})::INTEGER AS chunk FROM row_keys").to_arrow_table()
    finally:
        connection.close()
    return hashed.column("chunk").to_numpy()


def _release_free_memory() -> None:
    """A worker validates chunk after chunk; glibc would keep each chunk's peak for reuse, so give it back."""
    with contextlib.suppress(OSError):  # not glibc: nothing to trim
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _validate_chunk(chunk: Chunk) -> list[ExpectationOutcome]:
    dataset, frame, parameters = chunk
    outcomes = validate_frame(dataset, frame, parameters)
    _release_free_memory()
    return outcomes


def _merge(positions: list[np.ndarray], parts: list[list[ExpectationOutcome]]) -> list[ExpectationOutcome]:
    """One outcome per expectation, as if the whole frame had been validated at once."""
    merged = []
    for per_chunk in zip(*parts, strict=True):
        first = per_chunk[0]
        unexpected = [rows[o.unexpected_positions] for rows, o in zip(positions, per_chunk, strict=True)]
        merged.append(
            ExpectationOutcome(
                expectation=first.expectation,
                columns=first.columns,
                success=all(o.success for o in per_chunk),
                unexpected_positions=np.sort(np.concatenate(unexpected)),
                meta=first.meta,
                element_count=sum(o.element_count for o in per_chunk),
                missing_count=sum(o.missing_count for o in per_chunk),
                kwargs=first.kwargs,
                error=next((o.error for o in per_chunk if o.error), None),
            )
        )
    return merged


@cache
def _workers(count: int) -> multiprocessing.pool.Pool:
    """A pool kept for the life of the process, so its workers load GX and the suites once."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["pipelines.quality.gx_runner"])
    pool = context.Pool(count)
    atexit.register(pool.terminate)
    return pool


def _run_chunks(chunks: Iterator[Chunk], workers: int) -> list[list[ExpectationOutcome]]:
    if workers == 1:
        return [_validate_chunk(chunk) for chunk in chunks]
    return list(_workers(workers).imap(_validate_chunk, chunks))


def validate_in_chunks(dataset: str, frame: pd.DataFrame, parameters: dict[str, Any]) -> list[ExpectationOutcome]:
    """Same outcomes as `validate_frame`; chunks bound the memory, the workers use every core."""
    settings = get_settings()
    chunks = max(1, round(len(frame) / settings.validation_chunk_rows))
    if chunks == 1:
        return validate_frame(dataset, frame, parameters)
    workers = min(settings.validation_workers, chunks)
    chunks = math.ceil(chunks / workers) * workers  # no worker left idle in the last round
    log.info("validating %s rows of %s in %d chunks on %d workers", f"{len(frame):,}", dataset, chunks, workers)
    chunk_ids = chunk_of_rows(frame[DATASETS[dataset].key], chunks)
    positions = [np.flatnonzero(chunk_ids == chunk) for chunk in range(chunks)]
    columns = [name for name in frame.columns if name in suite_columns(dataset)]
    pieces = ((dataset, frame[columns].take(rows).reset_index(drop=True), parameters) for rows in positions)
    return _merge(positions, _run_chunks(pieces, workers))
