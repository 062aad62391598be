"""A partition written as rows come: swapped in whole, or removed when nothing (or nothing kept) was written."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.periods import Quarter
from pipelines.storage import DataRoot
from pipelines.warehouse.partitions import PartitionWriter, partition_parts

SCHEMA = pa.schema([("ticket_id", pa.string())])
QUARTER = Quarter(2026, 3)


def rows(*tickets: str) -> pa.Table:
    return pa.table({"ticket_id": list(tickets)}, schema=SCHEMA)


def writer(root: DataRoot) -> PartitionWriter:
    return PartitionWriter(root, "warehouse", "service_log", QUARTER, "UPT-K3", SCHEMA)


def stored(root: DataRoot) -> list[str] | None:
    parts = partition_parts("warehouse", "service_log", QUARTER, "UPT-K3")
    if not root.exists(*parts):
        return None
    return pq.read_table(root.path(*parts), filesystem=root.fs).column("ticket_id").to_pylist()


def test_rows_written_file_after_file_replace_the_partition_whole(tmp_path):
    root = DataRoot(str(tmp_path))
    with writer(root) as first:
        first.write(rows("T-1", "T-2"))
    with writer(root) as second:
        second.write(rows("T-3"))
        second.write(rows("T-4"))
        assert stored(root) == ["T-1", "T-2"], "readers see the old partition until the new one is complete"
    assert stored(root) == ["T-3", "T-4"] and second.rows == 2


@pytest.mark.parametrize("ending", ["nothing written", "discarded"])
def test_a_partition_without_rows_to_keep_is_removed(tmp_path, ending):
    root = DataRoot(str(tmp_path))
    with writer(root) as first:
        first.write(rows("T-1"))
    with writer(root) as second:
        if ending == "discarded":
            second.write(rows("T-2"))
            second.discard()
    assert stored(root) is None and second.rows == 0
    assert root.list_dirs(".staging") == []


def test_a_failure_while_writing_leaves_the_old_partition(tmp_path):
    root = DataRoot(str(tmp_path))
    with writer(root) as first:
        first.write(rows("T-1"))
    with pytest.raises(RuntimeError), writer(root) as second:
        second.write(rows("T-2"))
        raise RuntimeError("the worker died")
    assert stored(root) == ["T-1"]
