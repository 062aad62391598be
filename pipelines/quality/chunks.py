"""Validate a large frame in chunks, with every row still checked.

Rows go to chunks by a hash of the dataset's key, so all copies of a key meet in one chunk
and the suite's uniqueness rules stay exact. Chunks bound the memory GX needs; with workers
(pipelines.workers) they use every core. Each worker gets its chunk pickled and sends back only
the failing positions.
"""

from __future__ import annotations

import logging
import math
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from pipelines.datasets import DATASETS
from pipelines.quality.gx_runner import ExpectationOutcome, suite_columns, validate_frame
from pipelines.settings import get_settings
from pipelines.workers import each

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


def _validate_chunk(chunk: Chunk) -> list[ExpectationOutcome]:
    dataset, frame, parameters = chunk
    return validate_frame(dataset, frame, parameters)


def merge_outcomes(positions: list[np.ndarray], parts: list[list[ExpectationOutcome]]) -> list[ExpectationOutcome]:
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


def validate_in_chunks(
    dataset: str, frame: pd.DataFrame, parameters: dict[str, Any], workers: int | None = None
) -> list[ExpectationOutcome]:
    """Same outcomes as `validate_frame`; chunks bound the memory, `workers` (default: the setting) share them."""
    settings = get_settings()
    chunks = max(1, round(len(frame) / settings.validation_chunk_rows))
    if chunks == 1:
        return validate_frame(dataset, frame, parameters)
    workers = min(settings.validation_workers if workers is None else workers, chunks)
    chunks = math.ceil(chunks / workers) * workers  # no worker left idle in the last round
    log.info("validating %s rows of %s in %d chunks on %d workers", f"{len(frame):,}", dataset, chunks, workers)
    chunk_ids = chunk_of_rows(frame[DATASETS[dataset].key], chunks)
    positions = [np.flatnonzero(chunk_ids == chunk) for chunk in range(chunks)]
    columns = [name for name in frame.columns if name in suite_columns(dataset)]
    pieces = ((dataset, frame[columns].take(rows).reset_index(drop=True), parameters) for rows in positions)
    return merge_outcomes(positions, list(each(_validate_chunk, pieces, workers)))
