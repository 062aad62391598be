"""A large batch is validated in key-hashed chunks on both cores, with the same outcome as in one piece."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.quality.chunks import chunk_of_rows, validate_in_chunks
from pipelines.quality.gx_runner import validate_frame
from tests.unit.test_suites import PARAMETERS, service_log


def many_service_rows() -> pd.DataFrame:
    """60 rows with defects spread over them, and one ticket number used three times far apart."""
    frame = pd.concat([service_log()] * 20, ignore_index=True)
    frame["ticket_id"] = [f"T-{index}" for index in range(len(frame))]
    frame.loc[[5, 33, 58], "ticket_id"] = "T-SAME"
    frame.loc[[7, 41], "status"] = "batal"
    frame.loc[12, "received_date"] = pd.Timestamp("2027-01-05")
    frame.loc[50, "fee_paid"] = -5
    return frame


def test_equal_keys_fall_in_one_chunk():
    keys = pd.Series(["A", "B", "A", "C", None, "A"], dtype="str")
    chunks = chunk_of_rows(keys, 4)
    assert chunks[0] == chunks[2] == chunks[5]
    assert set(chunks) <= {0, 1, 2, 3}


def test_chunked_validation_on_two_workers_equals_one_piece(monkeypatch):
    monkeypatch.setenv("MONEV_VALIDATION_CHUNK_ROWS", "10")
    monkeypatch.setenv("MONEV_VALIDATION_WORKERS", "2")
    frame = many_service_rows()
    whole = validate_frame("service_log", frame, PARAMETERS)
    chunked = validate_in_chunks("service_log", frame, PARAMETERS)
    assert [(o.expectation, o.columns, o.success, o.element_count) for o in chunked] == [
        (o.expectation, o.columns, o.success, o.element_count) for o in whole
    ]
    for piece, one in zip(chunked, whole, strict=True):
        assert np.array_equal(piece.unexpected_positions, one.unexpected_positions), one.expectation
    failed = {o.expectation: o.unexpected_positions.tolist() for o in chunked if not o.success}
    assert failed["expect_compound_columns_to_be_unique"] == [5, 33, 58]
    assert failed["expect_column_values_to_be_in_set"] == [7, 41]
