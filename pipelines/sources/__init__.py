"""Pull connectors, one module per kind of source. Each yields deliveries: named bytes as received."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class Delivery:
    file_name: str
    data: bytes
    dataset: str | None = None
    """Declared by the source (sql, http); None when the file's name or header must tell."""
    commit: object = None
    """Called once the delivery is safely recorded (e.g. to advance a watermark)."""
    refusal: str = ""
    """Why the source did not take the bytes (a file over the size limit): `data` is then empty, and
    `digest` and `size` describe the file left where it was."""
    digest: str | None = None
    size: int | None = None

    @cached_property
    def sha256(self) -> str:
        return self.digest or hashlib.sha256(self.data).hexdigest()

    @property
    def size_bytes(self) -> int:
        return len(self.data) if self.size is None else self.size


class SourceError(RuntimeError):
    """A source could not be pulled; the message names the unit and source and what went wrong."""
