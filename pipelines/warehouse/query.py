"""DuckDB over the warehouse for analysts: one view per table, partition keys as columns."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from pipelines.storage import DataRoot, data_root
from pipelines.warehouse.schemas import (
    DIMENSIONS,
    KEY_TYPES,
    PARTITION_KEYS,
    PARTITIONING,
    QUARANTINE,
    QUARANTINE_TABLE,
    TABLES,
)

ZONE_TABLES = {
    **{name: ("warehouse", name, schema, PARTITIONING[name]) for name, schema in TABLES.items()},
    "quarantine": ("quarantine", QUARANTINE_TABLE, QUARANTINE, PARTITION_KEYS),
}


def _dataset(root: DataRoot, zone: str, table: str, schema: pa.Schema, keys: tuple[str, ...]) -> pads.Dataset:
    """Columns missing from older files (a nullable column added later) read as empty, not as an error."""
    partition_schema = pa.schema([(key, KEY_TYPES[key]) for key in keys])
    full_schema = pa.unify_schemas([schema, partition_schema])
    if not root.exists(zone, table):
        return pads.dataset(full_schema.empty_table())
    return pads.dataset(
        root.path(zone, table),
        filesystem=root.fs,
        format="parquet",
        schema=full_schema,
        partitioning=pads.partitioning(partition_schema, flavor="hive"),
    )


def connect(root: DataRoot | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with a view per warehouse table (and `quarantine`)."""
    root = root or data_root()
    connection = duckdb.connect(":memory:")
    for name, (zone, table, schema, keys) in ZONE_TABLES.items():
        connection.register(f"_{name}_files", _dataset(root, zone, table, schema, keys))
        columns = ", ".join(f'"{column}"' for column in (*keys, *schema.names))
        connection.execute(f'CREATE VIEW "{name}" AS SELECT {columns} FROM "_{name}_files"')
    for name, schema in DIMENSIONS.items():
        written = root.exists("warehouse", name)
        connection.register(name, pq.read_table(root.path("warehouse", name), filesystem=root.fs, schema=schema)
                            if written else schema.empty_table())  # fmt: skip
    connection.register("ingest_log", _ingest_log_table())
    return connection


def _ingest_log_table() -> pa.Table:
    """The catalog's record of every received file, copied in (it is small) for joins with the facts."""
    from pipelines.warehouse.catalog import INGEST_LOG_COLUMNS, ingest_log

    rows = ingest_log()
    return (
        pa.Table.from_pylist(rows)
        if rows
        else pa.table({name: pa.array([], pa.string()) for name in INGEST_LOG_COLUMNS})
    )
