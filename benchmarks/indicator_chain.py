"""Benchmark: service-log CSVs → indicator table, stage by stage, beside two references (printed figures, not a test).

    .venv/bin/python -m benchmarks.indicator_chain --rows 10000000 --files 40

The goal: the whole chain, validation included, within 6x pyarrow's plain CSV read of the
same files (the parse floor) and under 2 GB peak; DuckDB computing the service indicators straight
from the CSVs is the second yardstick. All three are measured in the same run, on the same files.

Files: the registry's own units (a copy of the config folder, so edits made during a run change
nothing) with their real export profiles from `pipelines.samples` (delimiters, cp1252, header
spellings, date formats, service names or codes, personal columns, a few percent of dirt that must
end in quarantine). `--rows` are shared by the units' sample volumes and `--files` by their rows,
several files per unit (`layanan_2026Q3_bagianNN.csv`), as `write_samples` splits exports at
benchmark scale (10M rows → 40 files of ~250k). Not 40 one-file units: the load stage validates a
unit's quarter as one batch gathered from all its files, so the real registry puts ~2.9M rows in
UPT-P2TK's batch at 10M rows, the memory case that matters.

Each measured part runs in a fresh interpreter (spawn), so each peak is its own: the references do
not carry the chain's pandas and GX, the chain does not carry the generator's leftovers. Memory is
the PSS of that process and its children (the validation workers), sampled from outside with
`benchmarks.validate`'s helper and charged to the stage the process reports. As in validate.py,
the chain first warms up GX and (when a batch is large enough to be chunked) the validation worker
pool, as a long-running worker would be; the warm-up is shown but not counted. Between stages
freed memory is handed back (malloc_trim), as separate Airflow task processes would start clean.

Chain stages, calling the pipeline's own functions: receive = `ingest.pull_source` for every unit
(landing → raw zone + catalog); parse = time spent in `load.parse_received` (read + canonical frame)
while `load.load_unit` runs; validate + write = the rest of `load_unit` (GX suite, quarantine and
feedback workbook, partition writes); indicators = `build_indicators` for 2026Q3.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import math
import multiprocessing
import os
import shutil
import sys
import tempfile
import threading
import time
import traceback
import warnings
import zlib
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import psutil

if __package__ in (None, ""):  # run as a file: make `benchmarks.validate` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipelines.periods import Quarter

QUARTER = Quarter(2026, 3)
FLOOR_TIMES, GOAL_BYTES = 6.0, 2 << 30
SAMPLE_SECONDS, LABEL_POLL_SECONDS = 0.25, 0.02
CHAIN_STAGES = ("receive", "parse", "validate+write", "indicators")
SHOWN = ("services_received", "services_completed", "on_time_rate")

# Only light imports at module level: every spawned process imports this module again, and a
# reference must not pay for the chain's libraries.


def say(message: str) -> None:
    print(message, flush=True)


class StageClock:
    """Times named stages in a measured process and tells the sampling parent which stage is running."""

    def __init__(self, label: Any) -> None:
        self.label, self.seconds = label, {}

    @contextlib.contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        previous = self.label.value
        self.label.value = name.encode()
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started
            self.label.value = previous


class StagePeaks(threading.Thread):
    """Peak memory (PSS) of a measured process and its children, per stage it reports.

    Memory is read every 250 ms (reading a large process's page tables is not free, see
    validate.py) and at every change of stage, when the sample counts for both stages.
    """

    def __init__(self, pid: int, label: Any) -> None:
        super().__init__(daemon=True)
        self.process, self.label, self.running = psutil.Process(pid), label, True
        self.peak: dict[str, int] = {}
        self.first: dict[str, int] = {}

    def run(self) -> None:
        from benchmarks.validate import _memory_in_use

        last_label, last_sample = "", 0.0
        while self.running:
            label = self.label.value.decode()
            if label != last_label or time.monotonic() - last_sample >= SAMPLE_SECONDS:
                try:
                    used = _memory_in_use(self.process)
                except psutil.Error:  # the process has ended
                    return
                self.first.setdefault(label, used)
                for name in {label, last_label} - {""}:
                    self.peak[name] = max(self.peak.get(name, 0), used)
                last_label, last_sample = label, time.monotonic()
            time.sleep(LABEL_POLL_SECONDS)

    def stop(self) -> None:
        self.running = False
        self.join()


def _child(target: Callable[..., dict], label: Any, sender: Connection, args: tuple) -> None:
    try:
        sender.send(("ok", target(StageClock(label), *args)))
    except BaseException:
        sender.send(("error", traceback.format_exc()))
    finally:
        sender.close()


def measure(target: Callable[..., dict], *args: Any) -> tuple[dict, StagePeaks]:
    """Run `target(clock, *args)` in a fresh interpreter, sampling its memory from here."""
    context = multiprocessing.get_context("spawn")
    label = context.Array("c", 32)
    label.value = b"outside"
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(target, label, sender, args))
    process.start()
    sender.close()
    peaks = StagePeaks(process.pid, label)
    peaks.start()
    try:
        status, payload = receiver.recv()
    except EOFError:
        status, payload = "error", "the process ended without a result"
    process.join()
    peaks.stop()
    if status != "ok":
        raise SystemExit(f"{target.__name__} failed (exit code {process.exitcode}):\n{payload}")
    return payload, peaks


def apportion(total: int, weights: list[float], minimum: int = 0) -> list[int]:
    """Split `total` by `weights` into whole numbers that add up exactly (largest remainder), each ≥ `minimum`."""
    spare = total - minimum * len(weights)
    shares = [spare * weight / sum(weights) for weight in weights]
    counts = [math.floor(share) for share in shares]
    by_remainder = sorted(range(len(weights)), key=lambda i: counts[i] - shares[i])
    for index in by_remainder[: spare - sum(counts)]:
        counts[index] += 1
    return [count + minimum for count in counts]


# --- setup (not timed) ---------------------------------------------------------------------------


def generate(clock: StageClock, rows: int, files: int) -> dict:
    """Write the units' service-log files into landing/<unit>/; returns what the references need to read them."""
    from dataclasses import replace

    import numpy as np

    from pipelines.indicators.workdays import holiday_calendar
    from pipelines.registry import registry
    from pipelines.samples.generate import _csv_bytes, _service_log
    from pipelines.samples.profiles import SERVICE_HEADERS, export_profile
    from pipelines.storage import data_root

    root, units = data_root(), registry().units
    profiles = [replace(export_profile(position), file_format="csv") for position in range(len(units))]
    unit_rows = apportion(rows, [profile.volume for profile in profiles], minimum=1)
    unit_files = apportion(files, [float(count) for count in unit_rows], minimum=1)
    plan = []
    with clock("generate"):
        for unit, profile, count, file_count in zip(units, profiles, unit_rows, unit_files, strict=True):
            # One table per unit, then sliced: generating per file would repeat the unit's rows and tickets.
            table = _service_log(unit, QUARTER, count, profile)  # ~1% exact duplicates added on top
            keep = np.sort(np.random.default_rng(zlib.crc32(unit.code.encode())).choice(table.num_rows, count, False))
            table = table.take(keep)
            written, offset = [], 0
            for index, size in enumerate(apportion(count, [1.0] * file_count)):
                name = f"layanan_{QUARTER}_bagian{index + 1:02d}.csv"
                data = _csv_bytes(table.slice(offset, size), profile)
                root.write_bytes(data, "landing", unit.code, name)
                written.append({"path": root.path("landing", unit.code, name), "rows": size, "bytes": len(data)})
                offset += size
            plan.append(
                {
                    "unit_code": unit.code,
                    "rows": count,
                    "files": written,
                    "delimiter": profile.delimiter,
                    "headers": SERVICE_HEADERS[profile.headers],
                    "date_format": profile.date_format,
                    "services": [
                        (label, service.standard_on(QUARTER.first_day).sla_days)
                        for service in unit.services
                        for label in {service.code, service.name, *service.aliases}
                    ],
                }
            )
            say(
                f"  {unit.code:<12} {count:>11,} rows in {file_count:>2} files "
                f"(delimiter {profile.delimiter!r}, {profile.encoding})"
            )
    holidays = [str(day) for day in holiday_calendar(QUARTER.year)]
    return {"units": plan, "holidays": holidays, "seconds": clock.seconds["generate"]}


# --- references ----------------------------------------------------------------------------------


def parse_floor(clock: StageClock, plan: dict) -> dict:
    """pyarrow's plain CSV read of every file (defaults, the file's delimiter); each table dropped after reading."""
    import pyarrow.csv as pacsv

    rows = 0
    with clock("floor"):
        for unit in plan["units"]:
            options = pacsv.ParseOptions(delimiter=unit["delimiter"])
            for file in unit["files"]:
                rows += pacsv.read_csv(file["path"], parse_options=options).num_rows
    return {"rows": rows, "seconds": clock.seconds["floor"]}


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _sql_name(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


DUCKDB_UNIT_SQL = """
WITH rows AS (
    SELECT try_strptime({received}, {date_format})::DATE AS received,
           try_strptime({completed}, {date_format})::DATE AS completed,
           lower(trim({status})) = 'selesai' AS done,
           lower(trim({service})) AS label
    FROM read_csv([{files}], delim = {delimiter}, header = true, all_varchar = true)
)
SELECT count(*) AS received,
       count(*) FILTER (WHERE done AND completed IS NOT NULL) AS completed,
       100 * avg((finished.n - started.n <= services.sla_days)::INTEGER)
           FILTER (WHERE done AND completed IS NOT NULL) AS on_time_rate
FROM rows
LEFT JOIN services ON services.unit_code = {unit_code} AND services.label = rows.label
LEFT JOIN calendar AS started ON started.day = rows.received
LEFT JOIN calendar AS finished ON finished.day = rows.completed
WHERE rows.received BETWEEN {first_day} AND {last_day}
"""


def duckdb_reference(clock: StageClock, plan: dict) -> dict:
    """Received, completed and on-time rate per unit, straight from the CSVs.

    DuckDB is told each unit's delimiter, headers and date format (it detects nothing) and
    validates nothing: duplicates, unknown services and bad rows are counted as they come; rows
    outside the quarter are skipped. The working days are the pipeline's (weekends and the same
    holiday calendar), through a running count of working days per calendar day.
    """
    import duckdb

    results = {}
    with clock("duckdb"):
        connection = duckdb.connect()
        connection.execute(
            "CREATE TABLE calendar AS SELECT day::DATE AS day, "
            "sum((isodow(day) <= 5 AND NOT list_contains(?::DATE[], day::DATE))::INTEGER) OVER (ORDER BY day) AS n "
            "FROM generate_series(?::DATE - INTERVAL 1 YEAR, ?::DATE + INTERVAL 1 YEAR, INTERVAL 1 DAY) AS t(day)",
            [plan["holidays"], str(QUARTER.first_day), str(QUARTER.last_day)],
        )
        services = [
            (unit["unit_code"], label.lower(), sla) for unit in plan["units"] for label, sla in unit["services"]
        ]
        connection.execute(
            "CREATE TABLE services AS SELECT unnest(?::VARCHAR[]) AS unit_code, unnest(?::VARCHAR[]) AS label, "
            "unnest(?::INTEGER[]) AS sla_days",
            [list(column) for column in zip(*services, strict=True)],
        )
        for unit in plan["units"]:
            headers = unit["headers"]
            sql = DUCKDB_UNIT_SQL.format(
                received=_sql_name(headers["received_date"]),
                completed=_sql_name(headers["completed_date"]),
                status=_sql_name(headers["status"]),
                service=_sql_name(headers["service"]),
                date_format=_sql_text(unit["date_format"]),
                files=", ".join(_sql_text(file["path"]) for file in unit["files"]),
                delimiter=_sql_text(unit["delimiter"]),
                unit_code=_sql_text(unit["unit_code"]),
                first_day=f"DATE {_sql_text(str(QUARTER.first_day))}",
                last_day=f"DATE {_sql_text(str(QUARTER.last_day))}",
            )
            received, completed, on_time = connection.execute(sql).fetchone()
            results[unit["unit_code"]] = {
                "services_received": received,
                "services_completed": completed,
                "on_time_rate": on_time,
            }
        connection.close()
    return {"units": results, "seconds": clock.seconds["duckdb"]}


# --- the chain -----------------------------------------------------------------------------------


@contextlib.contextmanager
def _environment(name: str, value: str) -> Iterator[None]:
    saved = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(name)
        else:
            os.environ[name] = saved


def _quiet() -> None:
    """Warnings and errors only, as a data team would read them; GX's import chatter silenced at its source."""
    from pipelines.quality.gx_runner import import_quiet_great_expectations

    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)-7s %(name)s: %(message)s", datefmt="%H:%M:%S"
    )
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)
    import_quiet_great_expectations()


def _warm_up(with_pool: bool) -> None:
    """GX and the suite in this process and, when batches will be chunked, in the pool's workers (as validate.py)."""
    from benchmarks.validate import canonical_frame
    from pipelines.quality.batch import suite_parameters
    from pipelines.quality.chunks import validate_in_chunks
    from pipelines.quality.gx_runner import validate_frame
    from pipelines.registry import registry

    parameters = suite_parameters(registry().unit("UPT-P2TK"), QUARTER, QUARTER.last_day)
    validate_frame("service_log", canonical_frame(1_000), parameters)
    if with_pool:
        with _environment("MONEV_VALIDATION_CHUNK_ROWS", "500"):
            validate_in_chunks("service_log", canonical_frame(4_000), parameters)


def chain(clock: StageClock, plan: dict) -> dict:
    """Receive, load (parse, validate, write) and build the indicators, with the pipeline's own functions."""
    from benchmarks.validate import _return_free_memory
    from pipelines import load
    from pipelines.indicators.build import build_indicators
    from pipelines.ingest.pull import pull_source
    from pipelines.registry import registry
    from pipelines.settings import get_settings
    from pipelines.storage import data_root
    from pipelines.warehouse.partitions import read_quarter
    from pipelines.warehouse.schemas import UNIT_QUARTER_INDICATORS

    root, units, settings = data_root(), registry().units, get_settings()
    rows_of = {unit["unit_code"]: unit["rows"] for unit in plan["units"]}
    files_of = {unit["unit_code"]: len(unit["files"]) for unit in plan["units"]}
    with_pool = settings.validation_workers > 1 and any(
        round(rows / settings.validation_chunk_rows) >= 2 for rows in rows_of.values()
    )
    with clock("warm-up"):
        _quiet()
        _warm_up(with_pool)
    say(f"  warm-up {clock.seconds['warm-up']:.1f} s (GX{' and the worker pool' if with_pool else ''}; not counted)")
    _return_free_memory()

    with clock("receive"):
        for unit in units:
            for source in unit.sources:
                pull_source(unit.code, source.name, root)
    say(f"  receive {clock.seconds['receive']:.1f} s")
    _return_free_memory()

    parse_received = load.parse_received

    def timed_parse(*args: Any) -> Any:
        with clock("parse"):
            return parse_received(*args)

    load.parse_received = timed_parse  # looked up at call time by load_unit; behaviour unchanged
    files: list[dict] = []
    try:
        with clock("validate+write"):
            for unit in units:
                started = time.perf_counter()
                files += load.load_unit(unit.code, [QUARTER], root).files
                say(
                    f"  load {unit.code:<12} {rows_of.get(unit.code, 0):>11,} rows, "
                    f"{files_of.get(unit.code, 0):>2} files: {time.perf_counter() - started:6.1f} s"
                )
    finally:
        load.parse_received = parse_received
    _return_free_memory()

    with clock("indicators"):
        build_indicators(QUARTER, root)
    say(f"  indicators {clock.seconds['indicators']:.1f} s")

    seconds = dict(clock.seconds)
    seconds["validate+write"] -= seconds.get("parse", 0.0)
    indicators = read_quarter(root, "warehouse", "unit_quarter_indicators", QUARTER, UNIT_QUARTER_INDICATORS)
    values: dict[str, dict[str, float | None]] = {}
    for row in indicators.to_pylist():
        if row["indicator_code"] in SHOWN:
            values.setdefault(row["unit_code"], {})[row["indicator_code"]] = row["value"]
    statuses: dict[str, int] = {}
    for file in files:
        statuses[file["status"]] = statuses.get(file["status"], 0) + 1
    return {
        "seconds": seconds,
        "with_pool": with_pool,
        "units": values,
        "indicator_rows": indicators.num_rows,
        "statuses": statuses,
        **{name: sum(file[name] for file in files) for name in ("rows_read", "rows_accepted", "rows_quarantined")},
    }


# --- report --------------------------------------------------------------------------------------


def _mb(value: int) -> str:
    return f"{value / 2**20:,.0f}"


def _figure(value: float | None, digits: int = 0) -> str:
    return "" if value is None else f"{value:,.{digits}f}"


def report(floor: tuple[dict, StagePeaks], duck: tuple[dict, StagePeaks], run: tuple[dict, StagePeaks]) -> None:
    from pipelines.cli.text_table import format_table

    (floor_result, floor_peaks), (duck_result, duck_peaks), (chain_result, chain_peaks) = floor, duck, run
    seconds = chain_result["seconds"]
    total = sum(seconds.get(stage, 0.0) for stage in CHAIN_STAGES)
    peak = max(chain_peaks.peak.get(stage, 0) for stage in CHAIN_STAGES)
    rows = [
        {"stage": "parse floor: pyarrow read_csv", "seconds": f"{floor_result['seconds']:.2f}",
         "peak MB": _mb(floor_peaks.peak["floor"]), "at start MB": _mb(floor_peaks.first["floor"])},
        {"stage": "DuckDB: indicators from CSV", "seconds": f"{duck_result['seconds']:.2f}",
         "peak MB": _mb(duck_peaks.peak["duckdb"]), "at start MB": _mb(duck_peaks.first["duckdb"])},
        {"stage": "chain warm-up (not counted)", "seconds": f"{seconds['warm-up']:.2f}",
         "peak MB": _mb(chain_peaks.peak["warm-up"]), "at start MB": _mb(chain_peaks.first["warm-up"])},
        *(
            {"stage": f"chain: {stage}", "seconds": f"{seconds.get(stage, 0.0):.2f}",
             "peak MB": _mb(chain_peaks.peak.get(stage, 0)), "at start MB": _mb(chain_peaks.first.get(stage, 0))}
            for stage in CHAIN_STAGES
        ),
        {"stage": "chain total", "seconds": f"{total:.2f}", "peak MB": _mb(peak), "at start MB": ""},
    ]  # fmt: skip
    say("")
    say(format_table(rows, ["stage", "seconds", "peak MB", "at start MB"]))
    say("(peak = PSS of the measuring process and its workers; 'at start' = first sample of the stage)")

    floor_ratio = total / floor_result["seconds"]
    time_ok, memory_ok = floor_ratio <= FLOOR_TIMES, peak < GOAL_BYTES
    say("")
    say(f"chain / parse floor: {floor_ratio:.2f}x  (goal ≤ {FLOOR_TIMES:.0f}x: {'met' if time_ok else 'NOT met'})")
    say(f"chain peak:          {_mb(peak)} MB  (goal < {_mb(GOAL_BYTES)} MB: {'met' if memory_ok else 'NOT met'})")
    say(
        f"chain / DuckDB:      {total / duck_result['seconds']:.2f}x time, "
        f"{peak / duck_peaks.peak['duckdb']:.2f}x peak memory"
    )
    say(f"goal {'met' if time_ok and memory_ok else 'NOT met'}")

    statuses = ", ".join(f"{count} {status}" for status, count in sorted(chain_result["statuses"].items()))
    read = max(chain_result["rows_read"], 1)
    say("")
    say(
        f"chain rows: {chain_result['rows_read']:,} read, {chain_result['rows_accepted']:,} accepted, "
        f"{chain_result['rows_quarantined']:,} quarantined ({chain_result['rows_quarantined'] / read:.1%}); "
        f"files: {statuses}; {chain_result['indicator_rows']} indicator rows"
    )
    say("per unit, chain (validated rows) vs DuckDB (rows as sent, no validation):")
    units = [
        {
            "unit_code": code,
            "received": _figure(chain_result["units"].get(code, {}).get("services_received")),
            "duckdb received": _figure(duck["services_received"]),
            "completed": _figure(chain_result["units"].get(code, {}).get("services_completed")),
            "duckdb completed": _figure(duck["services_completed"]),
            "on-time %": _figure(chain_result["units"].get(code, {}).get("on_time_rate"), 2),
            "duckdb on-time %": _figure(duck["on_time_rate"], 2),
        }
        for code, duck in duck_result["units"].items()
    ]
    say(format_table(units, list(units[0])))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000, help="service-log rows in all files")
    parser.add_argument("--files", type=int, default=40, help="CSV files, spread over the registry's units")
    parser.add_argument(
        "--workdir", type=Path, help="new or empty folder for data, config and catalog (default: a temp folder)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder afterwards (else it is removed)")
    args = parser.parse_args()

    from pipelines.registry import registry
    from pipelines.settings import get_settings

    settings, units = get_settings(), len(registry().units)
    if not units <= args.files <= args.rows:
        parser.error(f"--files must be at least {units} (one per unit of the registry) and at most --rows")
    if args.workdir is None:
        workdir = Path(tempfile.mkdtemp(prefix="monev-bench-"))
    else:
        workdir = args.workdir.resolve()
        if workdir.exists() and any(workdir.iterdir()):
            parser.error(f"--workdir {workdir} is not empty; the benchmark needs a fresh data root and catalog")
        workdir.mkdir(parents=True, exist_ok=True)
    shutil.copytree(settings.config_dir, workdir / "config")
    # Set before any process starts, so every measured process sees this data root, registry and catalog.
    os.environ["MONEV_DATA_ROOT"] = str(workdir / "data")
    os.environ["MONEV_CONFIG_DIR"] = str(workdir / "config")
    os.environ["MONEV_CATALOG_URL"] = f"sqlite:///{workdir / 'catalog.sqlite'}"

    say(f"indicator chain benchmark: {args.rows:,} service-log rows in {args.files} files, quarter {QUARTER}")
    say(
        f"work folder {workdir}; {os.cpu_count()} cores; validation chunks of {settings.validation_chunk_rows:,} rows "
        f"on {settings.validation_workers} workers; pseudonym key {'set' if settings.pseudonym_key else 'not set'}"
    )
    try:
        say("setup (not timed): writing the units' service-log files")
        plan, _ = measure(generate, args.rows, args.files)
        size = sum(file["bytes"] for unit in plan["units"] for file in unit["files"])
        say(f"  {size / 2**20:,.0f} MB of CSV in {plan['seconds']:.1f} s")
        say("reference: pyarrow plain CSV read (parse floor)")
        floor = measure(parse_floor, plan)
        say(f"  {floor[0]['rows']:,} rows in {floor[0]['seconds']:.2f} s")
        say("reference: DuckDB service indicators straight from the CSVs")
        duck = measure(duckdb_reference, plan)
        say(f"  {duck[0]['seconds']:.2f} s")
        say("chain: receive → parse → validate + write → indicators")
        run = measure(chain, plan)
        report(floor, duck, run)
    finally:
        if args.keep:
            say(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
