"""A file still being copied into a landing folder is never half-loaded.

A copy in progress is left for a later pull when its name is a temporary one, or when it changed
within the quiet period (MONEV_LANDING_QUIET_SECONDS) or while it was read. A copy that stalled
mid-row fails parsing and is rejected whole; the complete file, arriving under the same name,
replaces it.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from pipelines.ingest.pull import pull_source
from pipelines.ingest.run import ingest_unit
from pipelines.runstate.received_files import ingest_log
from tests.support.airflow_cli import REPO
from tests.test_ingest import HEADER, drop, warehouse_rows

UNIT = "BID-PPKK"


def rows(count: int) -> list[str]:
    return [f"U-{n:06d};Sri Rahayu;3578011203{n:06d};LPTKS;13/07/2026;13/07/2026;Selesai;Loket;0" for n in range(count)]


def files_source() -> str:
    from pipelines.registry import registry

    return next(source.name for source in registry().unit(UNIT).sources if source.kind == "files")


SLOW_COPY = textwrap.dedent(
    """
    import sys, time
    path, header, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(path, "w", encoding="utf-8") as copy:
        copy.write(header)
        copy.flush()
        print("started", flush=True)
        for n in range(count):
            copy.write(f"U-{n:06d};Sri Rahayu;3578011203{n:06d};LPTKS;13/07/2026;13/07/2026;Selesai;Loket;0\\n")
            copy.flush()
            time.sleep(0.0015)
    """
)


def test_a_file_growing_while_it_is_pulled_is_left_for_the_next_pull(data_root, quarter, monkeypatch):
    # Quiet for longer than a busy test machine may stall the copying process; the copy takes about 10 s.
    monkeypatch.setenv("MONEV_LANDING_QUIET_SECONDS", "3")
    landing = data_root.path("landing", UNIT)
    data_root.fs.create_dir(landing, recursive=True)
    count = 6_000
    copy = subprocess.Popen(
        [sys.executable, "-c", SLOW_COPY, f"{landing}/layanan_2026Q3.csv", HEADER, str(count)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert copy.stdout.readline() == "started\n"
    pulls_during_copy = 0
    while copy.poll() is None:
        assert pull_source(UNIT, files_source()) == [], "a file still being written was received"
        pulls_during_copy += 1
    assert copy.returncode == 0 and pulls_during_copy >= 2
    report = ingest_unit(UNIT, quarter)
    [received] = report.files
    assert (received["status"], received["rows_read"], received["rows_accepted"]) == ("accepted", count, count)


def test_a_copy_under_a_temporary_name_waits_for_its_final_name(data_root, quarter):
    text = HEADER + "\n".join(rows(30)) + "\n"
    drop(data_root, UNIT, "layanan_2026Q3.csv.part", text)
    drop(data_root, UNIT, "~$layanan_2026Q3.xlsx", "lock file of an open workbook")
    assert pull_source(UNIT, files_source()) == []
    data_root.fs.move(data_root.path("landing", UNIT, "layanan_2026Q3.csv.part"),
                      data_root.path("landing", UNIT, "layanan_2026Q3.csv"))  # fmt: skip
    ingest_unit(UNIT, quarter)
    assert len(warehouse_rows(data_root, "service_log", quarter, UNIT)) == 30
    assert [entry["file_name"] for entry in ingest_log()] == ["layanan_2026Q3.csv"]


def test_a_copy_stalled_mid_row_is_rejected_whole_then_replaced_by_the_complete_file(data_root, quarter):
    complete = HEADER + "\n".join(rows(40)) + "\n"
    stalled = complete[: complete.index("U-000030") + 30]  # 30 rows and a third of the next
    drop(data_root, UNIT, "layanan_2026Q3.csv", stalled)
    [first] = ingest_unit(UNIT, quarter).files
    assert first["status"] == "rejected" and "columns" in first["message"], first
    assert not data_root.exists("warehouse", "service_log", "year=2026", "quarter=3", f"unit_code={UNIT}")
    drop(data_root, UNIT, "layanan_2026Q3.csv", complete)
    [second] = ingest_unit(UNIT, quarter).files
    assert (second["status"], second["rows_accepted"]) == ("accepted", 40)
    assert len(warehouse_rows(data_root, "service_log", quarter, UNIT)) == 40
    assert [entry["replaced_by"] for entry in ingest_log() if entry["status"] == "rejected"] == [second["file_id"]]
