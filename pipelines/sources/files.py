"""File drops: every file under the unit's landing location (ones already received are skipped by the caller)."""

from __future__ import annotations

from collections.abc import Iterator

from pipelines.registry import FilesSource, Unit
from pipelines.sources import Delivery
from pipelines.storage import DataRoot


def landing_root(unit: Unit, source: FilesSource, root: DataRoot) -> tuple[DataRoot, tuple[str, ...]]:
    """Where the unit drops files: its own URI, or landing/<unit> under the data root."""
    if source.location:
        return DataRoot(source.location), ()
    return root, ("landing", unit.code)


def pull_files(unit: Unit, source: FilesSource, root: DataRoot) -> Iterator[Delivery]:
    location, parts = landing_root(unit, source, root)
    for file_name in location.list_files(*parts, recursive=True):
        yield Delivery(file_name=file_name, data=location.read_bytes(*parts, file_name))
