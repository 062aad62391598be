"""Named locks in the run-state database, so that two runs of the same work never interleave.

Airflow runs one DAG run at a time (max_active_runs=1), but a manual trigger, a retry of a task
that is still running elsewhere, or the CLI beside the scheduler can start the same work twice.
Every writer takes the lock named for what it writes ("load UPT-K3", "release 2026Q3"); the
second run waits, then finds the work done, because every writer is idempotent. The lock lives in
the catalog database, the one place every worker and the CLI share.

A lock whose holder died is taken over: at once when the holder was a process on this host that
no longer exists, otherwise once it is older than MONEV_LOCK_STALE_MINUTES.
"""

from __future__ import annotations

import functools
import inspect
import logging
import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import ParamSpec, TypeVar

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from pipelines.runstate.store import engine, run_lock
from pipelines.settings import get_settings

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0
P = ParamSpec("P")
R = TypeVar("R")


class LockTimeout(RuntimeError):
    """Another run kept the lock longer than this run would wait."""


def _holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _is_stale(holder: str, acquired_at: datetime, stale_after: timedelta) -> bool:
    host, _, pid = holder.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass  # alive, under another user
    moment = acquired_at if acquired_at.tzinfo else acquired_at.replace(tzinfo=UTC)
    return datetime.now(UTC) - moment > stale_after


def _try_acquire(name: str, holder: str, stale_after: timedelta) -> tuple[str, datetime] | None:
    """None when acquired; else who holds the lock and since when."""
    with engine().begin() as connection:
        try:
            with connection.begin_nested():
                connection.execute(insert(run_lock).values(name=name, holder=holder, acquired_at=datetime.now(UTC)))
            return None
        except IntegrityError:
            current = connection.execute(select(run_lock).where(run_lock.c.name == name)).first()
        if current is not None and not _is_stale(current.holder, current.acquired_at, stale_after):
            return current.holder, current.acquired_at
        if current is not None:
            log.warning(
                "lock %r: taking over from %s (since %s), which is gone", name, current.holder, current.acquired_at
            )
            connection.execute(delete(run_lock).where(run_lock.c.name == name, run_lock.c.holder == current.holder))
    return _try_acquire(name, holder, stale_after)  # released in between, or taken over: try again at once


@contextmanager
def exclusive(name: str) -> Iterator[None]:
    """Hold the lock `name` for the block; wait (up to MONEV_LOCK_WAIT_SECONDS) while another run holds it."""
    settings = get_settings()
    stale_after = timedelta(minutes=settings.lock_stale_minutes)
    holder, deadline, waiting = _holder(), time.monotonic() + settings.lock_wait_seconds, False
    while (held := _try_acquire(name, holder, stale_after)) is not None:
        if time.monotonic() > deadline:
            raise LockTimeout(
                f"{name}: another run ({held[0]}, since {held[1]:%Y-%m-%d %H:%M} UTC) still holds the lock after "
                f"{settings.lock_wait_seconds:.0f} s; this run wrote nothing. Rerun it once that run has finished."
            )
        if not waiting:
            log.info("%s: waiting for another run (%s, since %s) to finish", name, *held)
            waiting = True
        time.sleep(POLL_SECONDS)
    try:
        yield
    finally:
        with engine().begin() as connection:
            connection.execute(delete(run_lock).where(run_lock.c.name == name, run_lock.c.holder == holder))


def one_run_at_a_time(name: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Run the function under the lock `name`, formatted with its arguments: "load {unit_code}"."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        signature = inspect.signature(function)

        @functools.wraps(function)
        def locked(*args: P.args, **kwargs: P.kwargs) -> R:
            arguments = signature.bind(*args, **kwargs)
            arguments.apply_defaults()
            with exclusive(name.format(**arguments.arguments)):
                return function(*args, **kwargs)

        return locked

    return decorate
