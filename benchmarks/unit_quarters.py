"""Benchmark: unit-quarters one worker processes per minute (printed figures, not a test).

    .venv/bin/python -m benchmarks.unit_quarters --units 40 --rows-per-unit 2000 [--units-per-task 10] [--production]

What a worker does for a quarter, as the DAGs split it: per batch of `--units-per-task` units
(MONEV_UNITS_PER_TASK), one `pull` task (every source of the batch's units) and one `load` task
(parse, validate, quarantine and feedback, partition writes, unit after unit); then one
`build_indicators` task and one publish task for the whole quarter. Each task runs in a fresh
interpreter, one after another, as on a Celery worker slot: the figures include the imports every
task process pays (pandas, GX), and validation uses one process (MONEV_VALIDATION_WORKERS=1), so
"one worker" means one core. A unit-quarter's ingest time is its batch's pull and load time
divided by the batch's units.

Units: the registry's seven, then copies of them (`UPT-K3-02`, …) up to `--units`, each with
`--rows-per-unit` service-log rows plus its SKM, complaint, perception and LKE exports from
`pipelines.samples`. `--production` puts the data root on an S3 server (moto, 127.0.0.1) and the
catalog on a PostgreSQL server, the production stack's storage; the default is a local folder and
SQLite. The per-unit ingest time is what scales with workers; indicators and publish are one task
each per quarter and grow with the number of units, so the projection for 40, 400 and 4,000 units
scales them linearly from what this run measured.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path

import yaml

if __package__ in (None, ""):  # run as a file: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipelines.periods import Quarter
from pipelines.settings import REPO_ROOT

QUARTER = Quarter(2026, 3)
PROJECTED_UNITS = (40, 400, 4_000)
PROJECTED_WORKERS = (1, 4, 16)


def say(message: str) -> None:
    print(message, flush=True)


def write_registry(config_dir: Path, units: int) -> list[str]:
    """A copy of config/ whose registry holds `units` units: the real ones, then numbered copies."""
    for source in (REPO_ROOT / "config").iterdir():
        (config_dir / source.name).write_bytes(source.read_bytes())
    document = yaml.safe_load((config_dir / "units.yaml").read_text(encoding="utf-8"))
    originals = document["units"]
    document["units"] = [
        original
        if index < len(originals)
        else {
            **original,
            "code": f"{original['code']}-{index // len(originals) + 1:02d}",
            "name": f"{original['name']} {index // len(originals) + 1}",
        }
        for index in range(units)
        for original in [originals[index % len(originals)]]
    ]
    (config_dir / "units.yaml").write_text(
        yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return [unit["code"] for unit in document["units"]]


@contextlib.contextmanager
def storage(production: bool, scratch: Path) -> Iterator[dict[str, str]]:
    """Environment for the data root and the catalog: local folder + SQLite, or S3 + PostgreSQL."""
    if not production:
        yield {"MONEV_DATA_ROOT": str(scratch / "data"), "MONEV_CATALOG_URL": f"sqlite:///{scratch}/catalog.sqlite"}
        return
    from tests.support.postgres_server import create_databases, postgres_server
    from tests.support.s3_server import create_bucket, s3_server

    with postgres_server() as address, s3_server() as endpoint:
        create_databases(address, "monev_catalog")
        create_bucket(endpoint, "monev")
        yield {
            "MONEV_DATA_ROOT": f"s3://monev/data?endpoint_override={endpoint}&scheme=http",
            "MONEV_CATALOG_URL": f"postgresql+psycopg://postgres@{address}/monev_catalog",
        }


def _pull(*unit_codes: str) -> None:
    from pipelines.ingest.pull import pull_units, raise_for_failed_pulls

    raise_for_failed_pulls(pull_units(list(unit_codes)))


def _load(*unit_codes: str) -> None:
    from pipelines.ingest.run import load_units

    if len(load_units(list(unit_codes), [QUARTER])) != len(unit_codes):
        raise RuntimeError("a unit's load failed; see the log above")


def _indicators() -> None:
    from pipelines.indicators.build import build_indicators

    build_indicators(QUARTER)


def _publish() -> None:
    from pipelines.publish.delivery import publish_and_deliver

    publish_and_deliver(QUARTER)


def _imports() -> None:
    """What every task process loads before its work: the platform, pandas and GX."""
    import great_expectations  # noqa: F401

    import pipelines.ingest.run
    import pipelines.quality.gx_runner  # noqa: F401


def _measured(target: Callable[..., None], args: tuple[str, ...], peak_mib: Synchronized) -> None:
    target(*args)
    peak_mib.value = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Task:
    seconds: float
    peak_mib: float


def as_a_task(target: Callable[..., None], *args: str) -> Task:
    """Run `target` in a fresh interpreter: seconds with start-up and imports, and its peak memory."""
    context = multiprocessing.get_context("spawn")
    peak_mib = context.Value("d", 0.0)
    started = time.perf_counter()
    process = context.Process(target=_measured, args=(target, args, peak_mib))
    process.start()
    process.join()
    if process.exitcode != 0:
        raise SystemExit(f"{target.__name__}{args} failed (exit {process.exitcode})")
    return Task(time.perf_counter() - started, peak_mib.value)


@dataclass
class Batch:
    units: int
    pull: Task
    load: Task

    @property
    def seconds_per_unit(self) -> float:
        return (self.pull.seconds + self.load.seconds) / self.units


@dataclass
class Run:
    units: int
    ingest: list[Batch]
    indicators: Task
    publish: Task


def run_quarter(units: int, rows_per_unit: int, units_per_task: int, production: bool) -> Run:
    """Samples for `units` units, then every task of the quarter, one after another, in fresh interpreters."""
    with tempfile.TemporaryDirectory(prefix="monev-bench-") as folder, storage(production, Path(folder)) as env:
        config_dir = Path(folder, "config")
        config_dir.mkdir()
        codes = write_registry(config_dir, units)
        os.environ.update(env, MONEV_CONFIG_DIR=str(config_dir), MONEV_VALIDATION_WORKERS="1")
        os.environ.update(GX_ANALYTICS_ENABLED="False", MONEV_REPORT_RECIPIENTS="bench@example.go.id")
        from pipelines.samples.generate import write_samples

        say(f"{units} units, {rows_per_unit:,} service rows each, data root {env['MONEV_DATA_ROOT']}")
        write_samples(QUARTER, rows=units * rows_per_unit)
        from pipelines.ingest.run import unit_batches

        ingest = []
        batches = unit_batches(codes, units_per_task)
        for number, batch in enumerate(batches, 1):
            ingest.append(Batch(len(batch), as_a_task(_pull, *batch), as_a_task(_load, *batch)))
            say(f"  batch {number}/{len(batches)} ({len(batch)} units): pull {ingest[-1].pull.seconds:.1f} s, "
                f"load {ingest[-1].load.seconds:.1f} s")  # fmt: skip
        indicators = as_a_task(_indicators)
        say(f"  indicators: {indicators.seconds:.1f} s")
        publish = as_a_task(_publish)
        say(f"  publish: {publish.seconds:.1f} s")
    return Run(units, ingest, indicators, publish)


def fixed_and_per_unit(runs: list[Run], seconds: Callable[[Run], float]) -> tuple[float, float]:
    """A quarter task's time as fixed + per-unit seconds, fitted over the runs' sizes (through 0 for one size)."""
    if len({run.units for run in runs}) < 2:
        return 0.0, seconds(runs[0]) / runs[0].units
    slope, intercept = statistics.linear_regression([run.units for run in runs], [seconds(run) for run in runs])
    return intercept, slope


def projection(ingest_seconds: float, quarter_tasks: list[tuple[float, float]]) -> list[str]:
    """Minutes for a quarter: ingest shared by the workers, then indicators and publish, one task each."""
    lines = [f"{'units':>6}  " + "  ".join(f"{f'{workers} worker(s)':>13}" for workers in PROJECTED_WORKERS)]
    for units in PROJECTED_UNITS:
        serial = sum(fixed + per_unit * units for fixed, per_unit in quarter_tasks)
        minutes = [(units * ingest_seconds / workers + serial) / 60 for workers in PROJECTED_WORKERS]
        lines.append(f"{units:>6}  " + "  ".join(f"{value:>9.1f} min" for value in minutes))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--units", type=int, nargs="+", default=[10, 40], help="registry sizes to run, one quarter each"
    )
    parser.add_argument("--rows-per-unit", type=int, default=2_000)
    parser.add_argument("--units-per-task", type=int, default=10, help="units per pull and per load task")
    parser.add_argument("--production", action="store_true", help="S3 data root and PostgreSQL catalog")
    options = parser.parse_args()
    startup = as_a_task(_imports)
    runs = [
        run_quarter(units, options.rows_per_unit, options.units_per_task, options.production) for units in options.units
    ]

    ingest = [batch for run in runs for batch in run.ingest]
    per_unit = sum(batch.pull.seconds + batch.load.seconds for batch in ingest) / sum(batch.units for batch in ingest)
    indicators = fixed_and_per_unit(runs, lambda run: run.indicators.seconds)
    publish = fixed_and_per_unit(runs, lambda run: run.publish.seconds)
    say("")
    median = statistics.median(batch.seconds_per_unit for batch in ingest)
    say(f"ingest per unit-quarter ({len(ingest)} batches of up to {options.units_per_task} units, a pull and a load "
        f"task each): mean {per_unit:.2f} s, median over batches {median:.2f} s; a task's fresh interpreter + "
        f"imports (platform, pandas, GX) take {startup.seconds:.1f} s")  # fmt: skip
    say(f"one worker, ingest only: {60 / per_unit:.1f} unit-quarters per minute")
    for run in runs:
        ingest_seconds = sum(batch.pull.seconds + batch.load.seconds for batch in run.ingest)
        total = ingest_seconds + run.indicators.seconds + run.publish.seconds
        say(f"{run.units} units on one worker, whole chain: {total / 60:.1f} min, "
            f"{60 * run.units / total:.1f} unit-quarters per minute (indicators {run.indicators.seconds:.1f} s, "
            f"publish {run.publish.seconds:.1f} s)")  # fmt: skip
    say(f"indicators task: {indicators[0]:.1f} s + {indicators[1]:.3f} s per unit; "
        f"publish task: {publish[0]:.1f} s + {publish[1]:.3f} s per unit")  # fmt: skip
    largest = runs[-1]
    say(f"peak memory per task process ({largest.units} units): pull {max(b.pull.peak_mib for b in ingest):.0f} MiB, "
        f"load {max(b.load.peak_mib for b in ingest):.0f} MiB, "
        f"indicators {largest.indicators.peak_mib:.0f} MiB, publish {largest.publish.peak_mib:.0f} MiB")  # fmt: skip
    say("")
    say("projected minutes per quarter (ingest spread over the workers; indicators and publish one task each):")
    for line in projection(per_unit, [indicators, publish]):
        say(line)


if __name__ == "__main__":
    main()
