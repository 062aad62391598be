"""A process killed (SIGKILL) while it writes a warehouse partition leaves the previous one readable.

A writer process keeps replacing one partition with two alternating versions; it is killed at a
different moment each round, and each time the partition must be exactly one of the two versions,
whole. Then a rerun completes, and readers of the warehouse see only the partition's one file.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import textwrap
import time

import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipelines.periods import Quarter
from pipelines.storage import DataRoot
from pipelines.warehouse.partitions import PART_FILE, partition_parts, replace_partition
from tests.support.airflow_cli import REPO

ROWS = 400_000
Q3 = Quarter(2026, 3)
PARTS = partition_parts("warehouse", "service_log", Q3, "UPT-K3")
WRITER = textwrap.dedent(
    f"""
    import itertools, sys
    import pyarrow as pa
    from pipelines.periods import Quarter
    from pipelines.storage import DataRoot
    from pipelines.warehouse.partitions import replace_partition

    root = DataRoot(sys.argv[1])
    versions = [pa.table({{"n": pa.array(range(start, start + {ROWS}))}}) for start in (0, {ROWS})]
    for count in itertools.count():
        replace_partition(root, "warehouse", "service_log", Quarter(2026, 3), "UPT-K3", versions[count % 2])
        print(count, flush=True)
    """
)
VERSION_SUMS = {sum(range(start, start + ROWS)) for start in (0, ROWS)}


def version(root: DataRoot) -> int:
    table = pq.read_table(root.path(*PARTS, PART_FILE), filesystem=root.fs)
    assert table.num_rows == ROWS
    total = pc.sum(table.column("n")).as_py()
    assert total in VERSION_SUMS, "the partition is neither the old nor the new version"
    return total


def test_a_writer_killed_at_any_moment_leaves_a_whole_partition(data_root):
    randomness = random.Random(8)
    seen = set()
    for _ in range(12):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, data_root.path()], cwd=REPO, stdout=subprocess.PIPE, text=True
        )
        assert writer.stdout.readline(), "the writer never finished a first write"
        time.sleep(randomness.uniform(0, 0.4))
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
        seen.add(version(data_root))
        assert data_root.list_files(*PARTS) == [PART_FILE]
    assert seen == VERSION_SUMS, "the kills should have landed after both versions"


def test_the_rerun_completes_and_readers_see_only_the_new_file(data_root):
    import pyarrow as pa

    from pipelines.warehouse.query import connect

    writer = subprocess.Popen([sys.executable, "-c", WRITER, data_root.path()], cwd=REPO, stdout=subprocess.PIPE)
    writer.stdout.readline()
    time.sleep(0.2)
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    rows = pa.table({"n": pa.array(range(7))})
    replace_partition(data_root, "warehouse", "service_log", Q3, "UPT-K3", rows)
    assert data_root.list_files("warehouse", recursive=True) == ["service_log/" + "/".join(PARTS[2:]) + "/" + PART_FILE]
    assert pq.read_table(data_root.path(*PARTS, PART_FILE)).column("n").to_pylist() == list(range(7))
    assert connect().execute("SELECT count(*) FROM service_log").fetchone() == (7,)
