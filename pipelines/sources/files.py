"""File drops: every file under the unit's landing location (ones already received are skipped by the caller)."""

from __future__ import annotations

import logging
import posixpath
import time
from collections.abc import Iterator

from pipelines.registry import FilesSource, Unit
from pipelines.settings import get_settings
from pipelines.sources import Delivery
from pipelines.storage import DataRoot

log = logging.getLogger(__name__)

IN_PROGRESS_SUFFIXES = (".part", ".partial", ".tmp", ".crdownload", ".filepart", ".download")


def landing_root(unit: Unit, source: FilesSource, root: DataRoot) -> tuple[DataRoot, tuple[str, ...]]:
    """Where the unit drops files: its own URI, or landing/<unit> under the data root."""
    if source.location:
        return DataRoot(source.location), ()
    return root, ("landing", unit.code)


def in_progress_name(file_name: str) -> bool:
    """Names copy tools and Office give a file while it is being written (and an open workbook's lock file)."""
    base = posixpath.basename(file_name).lower()
    return base.startswith("~$") or base.endswith(IN_PROGRESS_SUFFIXES)


def settled(location: DataRoot, parts: tuple[str, ...], seen: tuple[int, int | None], quiet: float) -> bool:
    """Whether a file has been left unchanged for `quiet` seconds, waiting out the rest of that time once."""
    modified_ns = seen[1]
    if modified_ns is None:
        return True
    age = time.time() - modified_ns / 1e9
    if age >= quiet:
        return True
    time.sleep(min(quiet - age, quiet))
    return location.stat(*parts) == seen


def pull_files(unit: Unit, source: FilesSource, root: DataRoot) -> Iterator[Delivery]:
    """Every settled file: one still being copied is left for the next run, never taken half-written.

    A copy in progress is told by its temporary name, or by its size or modification time changing
    within MONEV_LANDING_QUIET_SECONDS or while it is read. (A copy that stalls longer mid-row fails
    parsing and is rejected; the complete file, arriving later under the same name, replaces it.)
    """
    location, parts = landing_root(unit, source, root)
    settings = get_settings()
    limit, quiet = settings.max_file_bytes, settings.landing_quiet_seconds
    for file_name in location.list_files(*parts, recursive=True):
        if not location.resolves_inside(*parts, file_name):
            log.warning("%s: %s is a link to somewhere outside the landing folder; not read", unit.code, file_name)
            continue
        if in_progress_name(file_name):
            log.info("%s: %s is a copy in progress (temporary name); left for a later run", unit.code, file_name)
            continue
        before = location.stat(*parts, file_name)
        if not settled(location, (*parts, file_name), before, quiet):
            log.info("%s: %s is still being written; left for a later run", unit.code, file_name)
            continue
        size = before[0]
        if size > limit:  # never held in memory: recorded by its hash and size, then rejected
            refusal = (
                f"the file is {size:,} bytes, more than the limit of {limit:,} (MONEV_MAX_FILE_BYTES); "
                "split it (for example by month) and send the parts"
            )
            yield Delivery(file_name, b"", refusal=refusal, digest=location.sha256(*parts, file_name), size=size)
            continue
        data = location.read_bytes(*parts, file_name)
        if location.stat(*parts, file_name) != before or len(data) != size:
            log.info("%s: %s changed while it was read (still being written); left for later", unit.code, file_name)
            continue
        yield Delivery(file_name=file_name, data=data)
