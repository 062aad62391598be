"""DuckDB over the warehouse for analysts: one view per table, partition keys as columns."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from pipelines.storage import DataRoot, data_root
from pipelines.warehouse.schemas import (
    DIMENSIONS,
    FACT_TABLES,
    KEY_TYPES,
    PARTITION_KEYS,
    PARTITIONING,
    QUARANTINE,
    QUARANTINE_TABLE,
    TABLES,
)

READ_ONLY_STATEMENTS = frozenset({duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN})


def each_fact_table(select: str) -> str:
    """`select` (naming `{table}`) over every fact table, joined by UNION ALL: in step with the datasets."""
    return "\nUNION ALL\n".join(select.format(table=table) for table in FACT_TABLES)


class QueryRefused(ValueError):
    """An analyst's query that would do more than read the warehouse."""


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


def read_only_query(sql: str, root: DataRoot | None = None) -> duckdb.DuckDBPyRelation | None:
    """Run an analyst's ad-hoc SQL so that it can only read the warehouse's views.

    Only SELECT-like statements pass, and DuckDB's own file and network access is switched off and
    locked before the query runs: no COPY TO, ATTACH, INSTALL or read_csv('/etc/…'), whatever the SQL.
    """
    connection = connect(root)
    statements = connection.extract_statements(sql)
    if not statements:
        raise QueryRefused("the query is empty: give one SELECT statement")
    others = [
        f"statement {number} is {statement.type.name}"
        for number, statement in enumerate(statements, 1)
        if statement.type not in READ_ONLY_STATEMENTS
    ]
    if others:
        raise QueryRefused(
            f"only SELECT (or EXPLAIN) statements run against the warehouse; {', '.join(others)}. "
            "The warehouse is changed only by the pipelines; to keep a result, use --format csv > file.csv"
        )
    connection.execute("SET enable_external_access = false")
    connection.execute("SET lock_configuration = true")
    return connection.sql(sql)


def _ingest_log_table() -> pa.Table:
    """The catalog's record of every received file, copied in (it is small) for joins with the facts."""
    from pipelines.runstate.received_files import INGEST_LOG_COLUMNS, ingest_log

    rows = ingest_log()
    return (
        pa.Table.from_pylist(rows)
        if rows
        else pa.table({name: pa.array([], pa.string()) for name in INGEST_LOG_COLUMNS})
    )
