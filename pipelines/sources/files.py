"""File drops: every file under the unit's landing location that has not been received as it is."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from pipelines.registry import FilesSource, Unit
from pipelines.sources import Delivery
from pipelines.storage import DataRoot
from pipelines.warehouse import catalog


def landing_root(unit: Unit, source: FilesSource, root: DataRoot) -> tuple[DataRoot, tuple[str, ...]]:
    """Where the unit drops files: its own URI, or landing/<unit> under the data root."""
    if source.location:
        return DataRoot(source.location), ()
    return root, ("landing", unit.code)


def pull_files(unit: Unit, source: FilesSource, root: DataRoot) -> Iterator[Delivery]:
    location, parts = landing_root(unit, source, root)
    for file_name in location.list_files(*parts, recursive=True):
        data = location.read_bytes(*parts, file_name)
        if not catalog.known_delivery(unit.code, source.name, file_name, hashlib.sha256(data).hexdigest()):
            yield Delivery(file_name=file_name, data=data)
