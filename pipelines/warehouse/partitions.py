"""Hive-partitioned Parquet tables: `<zone>/<table>/year=YYYY/quarter=Q/unit_code=…/`.

A partition is the unit of replacement: writing one swaps the whole folder, so a rerun of
the same period gives the same table and never appends duplicates.
"""

from __future__ import annotations

import posixpath

import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from pipelines.periods import Quarter
from pipelines.storage import DataRoot

PART_FILE = "part-0.parquet"


def _quarter_parts(zone: str, table: str, quarter: Quarter) -> tuple[str, ...]:
    return (zone, table, f"year={quarter.year}", f"quarter={quarter.quarter}")


def partition_parts(zone: str, table: str, quarter: Quarter, unit_code: str) -> tuple[str, ...]:
    return (*_quarter_parts(zone, table, quarter), f"unit_code={unit_code}")


def replace_partition(
    root: DataRoot, zone: str, table: str, quarter: Quarter, unit_code: str, rows: pa.Table | None
) -> None:
    """Make the partition hold exactly `rows`; no rows means the partition is removed."""
    parts = partition_parts(zone, table, quarter, unit_code)
    if rows is None or rows.num_rows == 0:
        root.delete_dir(*parts)
        return
    replace_table(root, parts, rows)


def replace_table(root: DataRoot, parts: tuple[str, ...], rows: pa.Table) -> None:
    """Write `rows` as the folder's one Parquet file, swapped in whole."""
    with root.replacing_dir(*parts) as staging:
        pq.write_table(rows, posixpath.join(staging, PART_FILE), filesystem=root.staging_fs, compression="zstd")


class PartitionWriter:
    """A partition's rows written as they come (one file's at a time), into the one Parquet file swapped in whole
    on leaving; when no row came, or the rows were discarded, the partition is removed instead."""

    def __init__(
        self, root: DataRoot, zone: str, table: str, quarter: Quarter, unit_code: str, schema: pa.Schema
    ) -> None:
        self.root, self.schema = root, schema
        self.parts = partition_parts(zone, table, quarter, unit_code)
        self.rows, self.discarded = 0, False
        self._writer: pq.ParquetWriter | None = None

    def __enter__(self) -> PartitionWriter:
        self._staged = self.root.replacing_dir(*self.parts)
        self._staging = self._staged.__enter__()
        return self

    def write(self, rows: pa.Table) -> None:
        if self._writer is None:
            path = posixpath.join(self._staging, PART_FILE)
            self._writer = pq.ParquetWriter(path, self.schema, filesystem=self.root.staging_fs, compression="zstd")
        self._writer.write_table(rows)
        self.rows += rows.num_rows

    def discard(self) -> None:
        """Write none of the rows after all (the whole batch was rejected)."""
        self.discarded = True

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: object) -> bool:
        if self._writer is not None:
            self._writer.close()
        if kind is None and (self.discarded or not self.rows):
            self._staged.__exit__(_NothingToWrite, _NothingToWrite(), None)  # drops the staging folder
            self.root.delete_dir(*self.parts)
            self.rows = 0
            return False
        return bool(self._staged.__exit__(kind, error, trace))


class _NothingToWrite(Exception):
    pass


def replace_quarter_table(root: DataRoot, table: str, quarter: Quarter, rows: pa.Table) -> None:
    """A table partitioned by quarter only (roll-ups): the quarter's one file, swapped in whole."""
    replace_table(root, _quarter_parts("warehouse", table, quarter), rows)


def read_quarter_table(root: DataRoot, table: str, quarter: Quarter, schema: pa.Schema) -> pa.Table:
    """A quarter-partitioned table's rows of one quarter; columns added since a file was written come back empty."""
    parts = _quarter_parts("warehouse", table, quarter)
    if not root.exists(*parts):
        return schema.empty_table()
    return pads.dataset(root.path(*parts), filesystem=root.fs, format="parquet", schema=schema).to_table()


def read_partition(
    root: DataRoot, zone: str, table: str, quarter: Quarter, unit_code: str, schema: pa.Schema, where=None
) -> pa.Table:
    """One unit's rows of one quarter (those matching the pyarrow expression `where`, when given)."""
    parts = partition_parts(zone, table, quarter, unit_code)
    if not root.exists(*parts):
        return schema.empty_table()
    return pads.dataset(root.path(*parts), filesystem=root.fs, format="parquet", schema=schema).to_table(filter=where)


UNIT_PARTITIONS = pads.partitioning(pa.schema([("unit_code", pa.string())]), flavor="hive")
"""A quarter's folder holds one `unit_code=…` folder per unit."""


def with_unit_code(schema: pa.Schema, columns: list[str] | None = None) -> pa.Schema:
    """A table's schema (or just `columns` of it) plus the unit_code its partition folders give."""
    fields = list(schema) if columns is None else [schema.field(name) for name in columns]
    return pa.schema(fields).append(pa.field("unit_code", pa.string()))


def read_quarter(
    root: DataRoot, zone: str, table: str, quarter: Quarter, schema: pa.Schema, columns: list[str] | None = None
) -> pa.Table:
    """Every unit's rows of one quarter, with a unit_code column from the partition folders (always read)."""
    parts = _quarter_parts(zone, table, quarter)
    full_schema = with_unit_code(schema, columns)
    if not root.exists(*parts):
        return full_schema.empty_table()
    dataset = pads.dataset(
        root.path(*parts), filesystem=root.fs, format="parquet", schema=full_schema, partitioning=UNIT_PARTITIONS
    )
    return dataset.to_table()


def read_quarter_by_unit(
    root: DataRoot, zone: str, table: str, quarter: Quarter, schema: pa.Schema, columns: list[str]
) -> dict[str, pa.Table]:
    """Each unit's rows of one quarter (its folder listed once, however many units), text columns read as
    Parquet stores them (a dictionary of distinct values and small codes), so they become pandas categoricals
    without hashing every value again."""
    parts = _quarter_parts(zone, table, quarter)
    if not root.exists(*parts):
        return {}
    text = [name for name in columns if pa.types.is_string(schema.field(name).type)]
    stored = with_unit_code(
        pa.schema([pa.field(f.name, pa.dictionary(pa.int32(), f.type)) if f.name in text else f for f in schema])
    )
    dataset = pads.dataset(
        root.path(*parts),
        filesystem=root.fs,
        format=pads.ParquetFileFormat(read_options=pads.ParquetReadOptions(dictionary_columns=text)),
        schema=stored,
        partitioning=UNIT_PARTITIONS,
    )
    pieces: dict[str, list[pa.Table]] = {}
    for fragment in dataset.get_fragments():
        unit_code = pads.get_partition_keys(fragment.partition_expression)["unit_code"]
        pieces.setdefault(unit_code, []).append(fragment.to_table(schema=stored, columns=columns))
    return {unit_code: pa.concat_tables(tables) for unit_code, tables in pieces.items()}
