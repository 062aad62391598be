"""Planning a batch across files: a record sent again in a later file replaces the earlier one."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from pipelines.ingest.parse_file import QuarterRows
from pipelines.quality.batch import _superseded


def _rows(*keys: str | None) -> QuarterRows:
    return QuarterRows(pa.array(keys, type=pa.string()), pd.DataFrame())


def _positions(found: list[np.ndarray]) -> list[list[int]]:
    return [list(map(int, positions)) for positions in found]


def test_a_later_file_supersedes_only_the_keys_it_sends_again() -> None:
    files = [_rows("a", "b", None, "c", "a"), _rows("b", "d", None), _rows("c", "e")]
    # "a" twice in the first file is a repeat inside one file (the suite's uniqueness rule), not superseded.
    assert _positions(_superseded(files)) == [[1, 3], [], []]


def test_keys_sent_in_three_files_survive_in_the_last() -> None:
    assert _positions(_superseded([_rows("x", "y"), _rows("x"), _rows("x", "y")])) == [[0, 1], [0], []]


def test_rows_without_keys_are_never_superseded() -> None:
    assert _positions(_superseded([_rows(None, None), _rows(None)])) == [[], []]
    assert _positions(_superseded([_rows("k")])) == [[]]
    assert _positions(_superseded([_rows(), _rows("k")])) == [[], []]
