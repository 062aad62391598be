"""Validate a large frame in chunks, on every core, with every row still checked.

Rows go to chunks by a hash of the dataset's key, so all copies of a key meet in one chunk
and the suite's uniqueness rules stay exact. Workers are forked: they inherit the frame and
the warmed-up GX context instead of pickling or re-importing them, and send back only the
row positions that broke a rule.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import math
import multiprocessing
from collections.abc import Iterator
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from pipelines.parse.canonical import KEY_COLUMNS
from pipelines.quality.gx_runner import ExpectationOutcome, suite_columns, validate_frame
from pipelines.settings import get_settings

_job: tuple[str, pd.DataFrame, dict[str, Any], np.ndarray] | None = None
"""What the forked workers validate: set just before they start, read in `_validate_chunk`."""


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


def _validate_chunk(chunk: int) -> tuple[np.ndarray, list[ExpectationOutcome]]:
    assert _job is not None
    dataset, frame, parameters, chunk_ids = _job
    positions = np.flatnonzero(chunk_ids == chunk)
    columns = [name for name in frame.columns if name in suite_columns(dataset)]
    outcomes = validate_frame(dataset, frame[columns].take(positions).reset_index(drop=True), parameters)
    _release_free_memory()
    return positions, outcomes


def _merge(parts: list[tuple[np.ndarray, list[ExpectationOutcome]]]) -> list[ExpectationOutcome]:
    """One outcome per expectation, as if the whole frame had been validated at once."""
    merged = []
    for per_chunk in zip(*(outcomes for _, outcomes in parts), strict=True):
        first = per_chunk[0]
        unexpected = np.sort(
            np.concatenate(
                [positions[o.unexpected_positions] for (positions, _), o in zip(parts, per_chunk, strict=True)]
            )
        )
        merged.append(
            ExpectationOutcome(
                expectation=first.expectation,
                columns=first.columns,
                success=all(o.success for o in per_chunk),
                unexpected_positions=unexpected,
                meta=first.meta,
                element_count=sum(o.element_count for o in per_chunk),
                missing_count=sum(o.missing_count for o in per_chunk),
                kwargs=first.kwargs,
                error=next((o.error for o in per_chunk if o.error), None),
            )
        )
    return merged


def _run_chunks(chunks: int, workers: int) -> Iterator[tuple[np.ndarray, list[ExpectationOutcome]]]:
    if workers == 1:
        yield from map(_validate_chunk, range(chunks))
        return
    gc.freeze()  # the workers' collector then leaves the parent's objects, and their pages, alone
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield from pool.imap(_validate_chunk, range(chunks))
    finally:
        gc.unfreeze()


def validate_in_chunks(dataset: str, frame: pd.DataFrame, parameters: dict[str, Any]) -> list[ExpectationOutcome]:
    """Same outcomes as `validate_frame`; chunks bound the memory, forked workers use both cores."""
    global _job
    settings = get_settings()
    chunks = max(1, round(len(frame) / settings.validation_chunk_rows))
    if chunks == 1:
        return validate_frame(dataset, frame, parameters)
    workers = min(settings.validation_workers, chunks)
    chunks = math.ceil(chunks / workers) * workers  # no worker left idle in the last round
    _job = (dataset, frame, parameters, chunk_of_rows(frame[KEY_COLUMNS[dataset]], chunks))
    try:
        return _merge(list(_run_chunks(chunks, workers)))
    finally:
        _job = None
