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

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


class SourceError(RuntimeError):
    """A source could not be pulled; the message names the unit and source and what went wrong."""
