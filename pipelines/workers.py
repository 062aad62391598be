"""Worker processes for the heavy per-file and per-chunk work (parse, validate), on every core.

Workers come from a forkserver: a clean single-threaded process, so they never inherit the threads
and locks of the process that asked (forking an Airflow task process directly deadlocked). The
forkserver itself imports nothing heavy (its memory would count beside every worker's); each worker
imports pandas, pyarrow, the parsers and GX as it starts, side by side. The pool lives as long as
the process, so workers load GX and the suites once. Each job carries the asking process's MONEV_*
settings and AWS_* credentials, so a worker reads the config, suites and data root the asker reads
now, not those of the moment the pool started.
"""

from __future__ import annotations

import atexit
import gc
import importlib
import multiprocessing
import multiprocessing.pool
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import pyarrow as pa

from pipelines.memory import release_free_memory
from pipelines.quality.gx_runner import import_quiet_great_expectations

Job = TypeVar("Job")
Result = TypeVar("Result")

PRELOAD = ["pipelines.quality.gx_runner", "pipelines.ingest.parse_file", "pipelines.quality.batch"]
"""What every worker imports as it starts, before any job."""
CARRIED = ("MONEV_", "AWS_")
"""Environment a job takes from the process that asked: the platform's settings, and the object store's
credentials for a data root on S3 (the forkserver keeps the environment of the moment it started)."""
IN_FLIGHT_PER_WORKER = 2
"""Jobs queued per worker: enough to keep it busy, few enough that finished results never pile up in memory."""


_pools: dict[int, multiprocessing.pool.Pool] = {}


def _pool(count: int) -> multiprocessing.pool.Pool:
    if count not in _pools:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([])  # not even the asking program's __main__
        _pools[count] = context.Pool(count, initializer=_settle)
    return _pools[count]


def _settle() -> None:
    """Import what the jobs need, then set those objects (modules, GX's classes) aside from the cycle collector's
    rounds: what a job leaves behind can then be collected after each job for a fraction of the cost."""
    pa.set_cpu_count(1)  # a worker per core already: Arrow's own threads would only compete with the others
    for module in PRELOAD:
        importlib.import_module(module)
    import_quiet_great_expectations()
    gc.collect()
    gc.freeze()


@atexit.register
def close_workers() -> None:
    """End the workers now (a later `each` starts new ones): idle, they would keep the memory of their last job."""
    while _pools:
        _pools.popitem()[1].terminate()


def _settings() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if name.startswith(CARRIED)}


def _call(job: tuple[Callable[[Any], Any], dict[str, str], Any]) -> Any:
    function, settings, argument = job
    for name in [name for name in os.environ if name.startswith(CARRIED) and name not in settings]:
        del os.environ[name]
    os.environ.update(settings)
    try:
        return function(argument)
    finally:
        release_free_memory(collect_cycles=True)


def each(function: Callable[[Job], Result], jobs: Iterable[Job], workers: int) -> Iterator[Result]:
    """`function(job)` for every job, results in the jobs' order; in this process when `workers` is 1.

    `function` must be importable by name (a module-level function), as must the jobs' types.
    """
    if workers <= 1:
        yield from map(function, jobs)
        return
    pool, settings = _pool(workers), _settings()
    pending: deque[multiprocessing.pool.AsyncResult] = deque()
    for job in jobs:
        pending.append(pool.apply_async(_call, ((function, settings, job),)))
        if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()
