"""The unit registry (config/units.yaml) loaded into typed, validated objects.

A mistake in the registry stops every pipeline, so its errors name the file, line and field.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from datetime import date
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from pipelines.datasets import DATASETS

Dataset = Literal[tuple(DATASETS)]  # type: ignore[valid-type]  # the datasets pipelines/datasets/ defines
UNIT_CODE_PATTERN = r"^[A-Z0-9]+(-[A-Z0-9]+)*$"
EMAIL_ADDRESS_PATTERN = r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$"
"""An address as the registry lists it: no display name, one address per entry."""


class RegistryError(ValueError):
    """A registry file that cannot be used, with where and what to fix."""


def _require_unique(what: str, codes: list[str]) -> None:
    duplicated = sorted({code for code in codes if codes.count(code) > 1})
    if duplicated:
        raise ValueError(f"{what} listed twice: {', '.join(duplicated)}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StandardVersion(_Strict):
    valid_from: date
    sla_days: int = Field(ge=0, description="time limit in working days")
    tariff: int = Field(ge=0, description="official tariff in rupiah")
    confirmed: bool = True
    """False until the figures are checked against the unit's published standard; releases list such versions."""


class Service(_Strict):
    code: str = Field(pattern=UNIT_CODE_PATTERN)
    name: str
    aliases: tuple[str, ...] = ()
    standard: tuple[StandardVersion, ...] = Field(min_length=1)
    payments_not_judged: str | None = None
    """Why what applicants pay for this service is no fee to judge against its tariff (in Indonesian, for the
    release): a statutory contribution, or a levy whose amount varies per case."""

    @model_validator(mode="after")
    def _standard_in_date_order(self) -> Service:
        dates = [version.valid_from for version in self.standard]
        if dates != sorted(set(dates)):
            raise ValueError("standard versions must be listed oldest first, one per valid_from date")
        return self

    def standard_on(self, day: date) -> StandardVersion | None:
        valid = [version for version in self.standard if version.valid_from <= day]
        return valid[-1] if valid else None


class ComplaintStandard(_Strict):
    """Complaint handling limits from the unit's service standard (PermenPANRB 62/2018), in working days."""

    respond_days: int = Field(default=5, ge=0)
    resolve_days: int = Field(default=14, ge=0)


class FilesSource(_Strict):
    """Exports a unit drops in a folder: local, or any pyarrow filesystem URI (s3://…)."""

    kind: Literal["files"]
    name: str = "files"
    location: str | None = None
    """Default: landing/<unit code> under the data root."""
    s3_identity: bool = False
    """The unit uploads by S3 itself (an automated export): it gets object-storage keys of its own that can write
    only its landing folder (`python -m pipelines storage-identities`). Unit staff upload through the portal."""


class SqlSource(_Strict):
    """A unit's service application database, pulled incrementally by a watermark column."""

    kind: Literal["sql"]
    name: str
    conn_id: str
    dataset: Dataset
    table: str | None = None
    query: str | None = None
    watermark_column: str

    @model_validator(mode="after")
    def _table_or_query(self) -> SqlSource:
        if (self.table is None) == (self.query is None):
            raise ValueError("give either 'table' or 'query'")
        return self


class HttpSource(_Strict):
    """A JSON API (survey platform, service app): bearer token from the Connection, paginated."""

    kind: Literal["http"]
    name: str
    conn_id: str
    dataset: Dataset
    endpoint: str
    records_key: str = "data"
    pagination: Literal["page", "next_link", "none"] = "page"
    page_size: int = Field(default=100, ge=1, le=10_000)
    next_key: str = "next"


Source = Annotated[FilesSource | SqlSource | HttpSource, Field(discriminator="kind")]


class Unit(_Strict):
    code: str = Field(pattern=UNIT_CODE_PATTERN)
    name: str
    agency: str
    zi_target: Literal["WBK", "WBBM"]
    sources: tuple[Source, ...] = Field(min_length=1)
    services: tuple[Service, ...] = Field(min_length=1)
    complaints: ComplaintStandard = ComplaintStandard()
    contacts: tuple[Annotated[str, Field(pattern=EMAIL_ADDRESS_PATTERN)], ...] = ()
    """Who at the unit receives its feedback and reminders (e-mail addresses, no secrets)."""

    @model_validator(mode="after")
    def _codes_unique(self) -> Unit:
        _require_unique("service codes", [service.code for service in self.services])
        _require_unique("source names", [source.name for source in self.sources])
        return self

    def source(self, name: str) -> FilesSource | SqlSource | HttpSource:
        for source in self.sources:
            if source.name == name:
                return source
        raise KeyError(f"unit {self.code} has no source {name!r}; its sources: {[s.name for s in self.sources]}")

    @cached_property
    def service_lookup(self) -> dict[str, Service]:
        """Service by normalised code, name or alias: exports name services every which way."""
        lookup: dict[str, Service] = {}
        for service in self.services:
            for label in (service.code, service.name, *service.aliases):
                lookup[normalise_label(label)] = service
        return lookup


class Agency(_Strict):
    code: str = Field(pattern=UNIT_CODE_PATTERN)
    name: str


class Province(_Strict):
    code: str
    name: str


class Registry(_Strict):
    province: Province
    dataset_patterns: dict[Dataset, tuple[str, ...]]
    agencies: tuple[Agency, ...] = Field(min_length=1)
    units: tuple[Unit, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _references_hold(self) -> Registry:
        _require_unique("unit codes", [unit.code for unit in self.units])
        agencies = {agency.code for agency in self.agencies}
        for unit in self.units:
            if unit.agency not in agencies:
                raise ValueError(f"unit {unit.code} names agency {unit.agency}, which is not under 'agencies'")
        return self

    def unit(self, code: str) -> Unit:
        for unit in self.units:
            if unit.code == code:
                return unit
        raise KeyError(f"unit {code!r} is not in the registry; known units: {', '.join(self.unit_codes)}")

    @property
    def unit_codes(self) -> list[str]:
        return [unit.code for unit in self.units]

    def dataset_for_name(self, file_name: str) -> str | None:
        lowered = file_name.lower()
        for dataset, patterns in self.dataset_patterns.items():
            if any(fnmatch.fnmatch(lowered, pattern.lower()) for pattern in patterns):
                return dataset
        return None


def unconfirmed_standards(units: Iterable[Unit]) -> list[str]:
    """ "UNIT/SERVICE (sejak YYYY-MM-DD)" for every standard version not yet confirmed, in registry order."""
    return [
        f"{unit.code}/{service.code} (sejak {version.valid_from:%Y-%m-%d})"
        for unit in units
        for service in unit.services
        for version in service.standard
        if not version.confirmed
    ]


def normalise_label(text: str) -> str:
    """Case, punctuation and spacing differ between exports; compare labels without them."""
    return re.sub(r"[^a-z0-9]+", " ", str(text).lower()).strip()


def _line_of(node: yaml.Node, location: tuple[str | int, ...]) -> int:
    """1-based line in the YAML source of the field at `location`, as deep as it can be found."""
    for key in location:
        if isinstance(node, yaml.MappingNode):
            children = {k.value: (k, v) for k, v in node.value}
            if key not in children:
                break
            key_node, node = children[key]
            if not isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
                node = key_node
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            break
    return node.start_mark.line + 1


def load_registry(path: Path) -> Registry:
    return _parse_registry(str(path), path.read_text(encoding="utf-8"))


@lru_cache(maxsize=8)
def _parse_registry(path: str, text: str) -> Registry:
    """Keyed by the file's text: every task and batch asks for the registry, and parsing it is the slow part."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise RegistryError(f"{path}: not valid YAML: {error}") from error
    try:
        return Registry.model_validate(document)
    except ValidationError as error:
        root_node = yaml.compose(text)
        problems = []
        for item in error.errors():
            location = tuple(item["loc"])
            line = _line_of(root_node, location) if root_node is not None else 1
            field = ".".join(str(part) for part in location) or "(top level)"
            problems.append(f"{path}:{line}: {field}: {item['msg']}")
        raise RegistryError("unit registry is invalid:\n  " + "\n  ".join(problems)) from None


def registry() -> Registry:
    from pipelines.settings import get_settings

    return load_registry(get_settings().units_file)
