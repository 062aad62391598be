"""File drops: every file under the unit's landing location (ones already received are skipped by the caller)."""

from __future__ import annotations

from collections.abc import Iterator

from pipelines.registry import FilesSource, Unit
from pipelines.settings import get_settings
from pipelines.sources import Delivery
from pipelines.storage import DataRoot


def landing_root(unit: Unit, source: FilesSource, root: DataRoot) -> tuple[DataRoot, tuple[str, ...]]:
    """Where the unit drops files: its own URI, or landing/<unit> under the data root."""
    if source.location:
        return DataRoot(source.location), ()
    return root, ("landing", unit.code)


def pull_files(unit: Unit, source: FilesSource, root: DataRoot) -> Iterator[Delivery]:
    location, parts = landing_root(unit, source, root)
    limit = get_settings().max_file_bytes
    for file_name in location.list_files(*parts, recursive=True):
        size = location.size(*parts, file_name)
        if size > limit:  # never held in memory: recorded by its hash and size, then rejected
            refusal = (
                f"the file is {size:,} bytes, more than the limit of {limit:,} (MONEV_MAX_FILE_BYTES); "
                "split it (for example by month) and send the parts"
            )
            yield Delivery(file_name, b"", refusal=refusal, digest=location.sha256(*parts, file_name), size=size)
            continue
        yield Delivery(file_name=file_name, data=location.read_bytes(*parts, file_name))
