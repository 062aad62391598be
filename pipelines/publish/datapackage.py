"""The release's Frictionless Data Package (v2) descriptor, and its validation before sealing.

Portals (CKAN) and analysts read the package to know what each file is, check it arrived intact
(bytes, sha256) and parse it with the right types; a release that does not validate is never sealed.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pipelines.periods import Quarter

LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}
PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"


class InvalidPackage(ValueError):
    """The release's files do not match their descriptor: nothing is sealed."""


@dataclass(frozen=True)
class Resource:
    name: str
    title: str
    path: str
    mediatype: str
    columns: tuple[str, ...] = ()
    """Column names of a table; empty for a file read by people (workbook, report)."""
    field_types: Mapping[str, str] | None = None

    @property
    def format(self) -> str:
        return self.path.rsplit(".", 1)[-1]

    def describe(self, data: bytes) -> dict:
        described = {
            "name": self.name,
            "type": "table" if self.columns else "file",
            "title": self.title,
            "path": self.path,
            "format": self.format,
            "mediatype": self.mediatype,
            "bytes": len(data),
            "hash": f"sha256:{hashlib.sha256(data).hexdigest()}",
        }
        if self.format in ("csv", "md", "html"):
            described["encoding"] = "utf-8"
        if self.columns:
            types = self.field_types or {}
            described["schema"] = {
                "fields": [{"name": name, "type": types.get(name, "string")} for name in self.columns],
                "missingValues": [""],
            }
        return described


def descriptor(
    name: str,
    title: str,
    quarter: Quarter,
    version: int,
    sources: Sequence[str],
    resources: Sequence[Resource],
    files: Mapping[str, bytes],
    extra: Mapping[str, object],
) -> dict:
    return {
        "$schema": PROFILE,
        "name": name,
        "title": title,
        "version": f"{version}.0.0",
        "created": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "licenses": [LICENSE],
        "sources": [{"title": source} for source in sources],
        "keywords": ["zona integritas", "monev", "IKM", "SKM", "IPAK", "IPKP", "pelayanan publik"],
        "temporalCoverage": {"start": quarter.first_day.isoformat(), "end": quarter.last_day.isoformat()},
        "resources": [resource.describe(files[resource.path]) for resource in resources],
        "monev": dict(extra),
    }


def validate_package(package: dict, files: Mapping[str, bytes]) -> None:
    """Validate the descriptor and every resource (types, bytes, hashes) with the frictionless library."""
    import frictionless

    logging.getLogger("frictionless").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="monev-release-") as folder:
        for file_name, data in files.items():
            (Path(folder) / file_name).write_bytes(data)
        report = frictionless.Package(package, basepath=folder).validate()
    if not report.valid:
        problems = [error.message for error in report.errors]
        problems += [f"{task.name}: {error.message}" for task in report.tasks for error in task.errors]
        raise InvalidPackage("the release does not validate as a Data Package:\n  " + "\n  ".join(problems[:20]))
