"""Benchmark: the whole `run` of a quarter at scale beside the parse floor (printed figures, not a test).

    .venv/bin/python -m benchmarks.whole_run --rows 10000000 [--keep /tmp/monev-big]

1. `python -m pipelines samples --rows N` writes every unit's exports into a scratch data root
   (not timed): service logs split into files of at most 250,000 rows, as at benchmark scale.
2. The parse floor: pyarrow's plain `read_csv` of every landing CSV, each told its delimiter,
   encoding and the line its header is on (found beforehand, not timed); tables dropped as read.
3. `python -m pipelines run --quarter` in a fresh process: receive, parse, validate (every row,
   GX suites), quarantine, feedback, warehouse, indicators, release and delivery, as an operator
   runs it. Its memory is the summed RSS of the process and all its children (validation
   workers), sampled every 0.2 s.

Goals: the run within 6x the floor measured here, and at most 2 GiB together.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

if __package__ in (None, ""):  # run as a file: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipelines.settings import REPO_ROOT

QUARTER = "2026Q3"
FLOOR_TIMES, GOAL_BYTES = 6.0, 2 << 30
SAMPLE_SECONDS = 0.2


def say(message: str) -> None:
    print(message, flush=True)


class TreeMemory(threading.Thread):
    """Peak of the summed RSS of a process and its descendants."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.process, self.peak, self.running = psutil.Process(pid), 0, True

    def run(self) -> None:
        while self.running:
            try:
                tree = [self.process, *self.process.children(recursive=True)]
            except psutil.Error:
                return
            total = 0
            for member in tree:
                try:
                    total += member.memory_info().rss
                except psutil.Error:
                    continue
            self.peak = max(self.peak, total)
            time.sleep(SAMPLE_SECONDS)

    def stop(self) -> None:
        self.running = False
        self.join()


def parse_floor(landing: Path) -> tuple[float, int]:
    """Seconds and rows of pyarrow's plain read of every landing CSV."""
    import pyarrow.csv as pacsv

    from pipelines.parse.headers import header_config
    from pipelines.parse.read import SAMPLE_BYTES, _dialect, _encoding_of

    config = header_config()
    datasets = config.datasets()
    plans = []
    for path in sorted(landing.rglob("*.csv")):
        head = path.open("rb").read(SAMPLE_BYTES).removeprefix(b"\xef\xbb\xbf")
        encoding = _encoding_of(head)
        text = head.decode(encoding, errors="ignore")
        delimiter, _, header = _dialect(text, True, lambda row: max(config.header_score(d, row) for d in datasets))
        plans.append((path, delimiter, header.index, encoding))
    rows, started = 0, time.perf_counter()
    for path, delimiter, skip, encoding in plans:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(skip_rows=skip, encoding=encoding),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
        )
        rows += table.num_rows
        del table
    return time.perf_counter() - started, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000, help="service-log rows over all units")
    parser.add_argument("--keep", type=Path, help="use (and keep) this folder instead of a temporary one")
    options = parser.parse_args()
    folder = options.keep or Path(tempfile.mkdtemp(prefix="monev-whole-run-"))
    folder.mkdir(parents=True, exist_ok=True)
    env = os.environ | {"MONEV_DATA_ROOT": str(folder / "data"), "GX_ANALYTICS_ENABLED": "False"}
    env.pop("MONEV_CATALOG_URL", None)
    env.setdefault("MONEV_REPORT_RECIPIENTS", "monev@example.go.id")  # without a monev_smtp connection: outbox/
    python = [sys.executable, "-m", "pipelines"]
    try:
        if not (folder / "data" / "landing").exists():
            say(f"writing samples: {options.rows:,} service-log rows into {folder}")
            subprocess.run([*python, "samples", "--quarter", QUARTER, "--rows", str(options.rows)], env=env,
                           cwd=REPO_ROOT, check=True)  # fmt: skip
        landing = folder / "data" / "landing"
        size = sum(path.stat().st_size for path in landing.rglob("*") if path.is_file())
        os.environ["MONEV_DATA_ROOT"] = env["MONEV_DATA_ROOT"]
        floor, floor_rows = parse_floor(landing)
        say(f"parse floor: {floor:.2f} s for {floor_rows:,} rows of CSV ({size / 2**20:,.0f} MiB landed in all)")

        started = time.perf_counter()
        process = subprocess.Popen([*python, "run", "--quarter", QUARTER], env=env, cwd=REPO_ROOT)
        memory = TreeMemory(process.pid)
        memory.start()
        code = process.wait()
        seconds = time.perf_counter() - started
        memory.stop()
        if code != 0:
            raise SystemExit(f"the run failed with exit code {code}")
        say("")
        say(f"whole run: {seconds:.1f} s = {seconds / floor:.1f}x the parse floor (goal: at most {FLOOR_TIMES:.0f}x)")
        say(f"peak memory, the run and its workers together: {memory.peak / 2**30:.2f} GiB "
            f"(goal: at most {GOAL_BYTES / 2**30:.0f} GiB)")  # fmt: skip
    finally:
        if options.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
