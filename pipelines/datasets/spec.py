"""What a dataset is, said once: its columns, how an export's text is read into each, its key and period.

Every stage reads the spec: parsing (required, date, context columns and how each is read), validation
(key), the warehouse (the Arrow schema), indicators (columns never read), the release (the Indonesian
name) and the data dictionary (descriptions, input rules). Importing it costs no pyarrow, so DAG files
can name the datasets at parse time.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

READERS = ("text", "date", "rupiah", "integer", "decimal", "percent", "quarter", "answer", "service", "age", "values",
           "indicator", "derived")  # fmt: skip
"""How an export's text becomes a column's value (see parse/canonical.py); `derived` columns are never read from
an export but computed (from the registry, the personal columns, the file)."""

LINEAGE_DESCRIPTIONS = {
    "source_file": "SHA-256 of the received file the row came from (raw zone file name, catalog's ingest_log).",
    "source_row": "Row number of the record in that received file.",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    """Arrow type alias: string, date32, int8, int32, int64, float64 or bool."""
    description: str
    read_as: str = "text"
    values: str | None = None
    """For `read_as="values"`: the vocabulary in config/headers.yaml's `values` that maps the units' spellings."""
    required: bool = False
    """Every export must have the column, and a row whose value is missing or unreadable is quarantined."""
    nullable: bool = True
    context: bool = False
    """An optional answer that describes the row without entering a figure's value: an answer no synonym
    matches becomes `catch_all` or empty and is noted, never costing the row."""
    catch_all: str | None = None
    restricted: bool = False
    """Identifies a request, a respondent or a person: kept for lineage and duplicate checks, never published
    and never read by an indicator."""

    def __post_init__(self) -> None:
        if self.read_as not in READERS:
            raise ValueError(f"column {self.name}: read_as {self.read_as!r} is not one of {READERS}")
        if (self.read_as == "values") != (self.values is not None):
            raise ValueError(f"column {self.name}: read_as 'values' and a vocabulary go together")


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    label: str
    """Indonesian name, as units and the reform office read it (feedback, the release's annex)."""
    description: str
    """What one row is, for the data dictionary."""
    key: str
    """Identifies a record within a unit's quarter: a record sent again in a later file replaces the old one."""
    period_column: str
    """The date that puts a row in its quarter."""
    columns: tuple[Column, ...]
    period_from_title: bool = False
    """A sheet without the period column (a processing worksheet, a quarterly report) takes its period from its
    title block or file name; every row is then dated the period's last day."""

    def __post_init__(self) -> None:
        names = [column.name for column in self.columns]
        for name in (self.key, self.period_column):
            if name not in names:
                raise ValueError(f"dataset {self.name}: {name} is not one of its columns")

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.required)

    @property
    def context(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.context)

    @property
    def catch_all(self) -> dict[str, str]:
        return {column.name: column.catch_all for column in self.columns if column.catch_all}

    @property
    def restricted(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.restricted)

    @cached_property
    def schema(self) -> pa.Schema:
        """The warehouse table: the columns, then the lineage of each row (received file and row)."""
        import pyarrow as pa

        fields = [pa.field(column.name, pa.type_for_alias(column.type), column.nullable) for column in self.columns]
        fields += [pa.field(name, pa.string() if name == "source_file" else pa.int64(), False)
                   for name in LINEAGE_DESCRIPTIONS]  # fmt: skip
        return pa.schema(fields)
