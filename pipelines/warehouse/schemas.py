"""Explicit Arrow schemas of the warehouse tables.

Partition keys (year, quarter, unit_code) live in the folder names, not in the files. The fact tables are
the datasets' own schemas; their lineage columns (source_file, source_row) say which received file and row
each fact came from.
"""

from __future__ import annotations

import pyarrow as pa

from pipelines.datasets import DATASETS

PARTITION_KEYS = ("year", "quarter", "unit_code")
QUARTER_KEYS = ("year", "quarter")
KEY_TYPES = {"year": pa.int32(), "quarter": pa.int32(), "unit_code": pa.string()}

QUARANTINE_TABLE = "rows"
"""The quarantine zone's one table: quarantine/rows/year=/quarter=/unit_code=."""

QUARANTINE = pa.schema(
    [
        pa.field("dataset", pa.string(), nullable=False),
        pa.field("file_name", pa.string(), nullable=False),
        pa.field("source_file", pa.string(), nullable=False),
        pa.field("source_row", pa.int64()),
        pa.field("column", pa.string()),
        pa.field("header", pa.string()),
        pa.field("value", pa.string()),
        pa.field("rule", pa.string(), nullable=False),
        pa.field("message", pa.string(), nullable=False),
        pa.field("fix", pa.string()),
    ]
)

DQ_RESULTS = pa.schema(
    [
        pa.field("dataset", pa.string(), nullable=False),
        pa.field("rule", pa.string(), nullable=False),
        pa.field("column", pa.string()),
        pa.field("batch_level", pa.bool_(), nullable=False),
        pa.field("rows_evaluated", pa.int64(), nullable=False),
        pa.field("unexpected_count", pa.int64(), nullable=False),
        pa.field("success", pa.bool_(), nullable=False),
        pa.field("error", pa.string()),
    ]
)

_INDICATOR_VALUE = [
    pa.field("indicator_code", pa.string(), nullable=False),
    pa.field("value", pa.float64()),
    pa.field("category", pa.string()),
    pa.field("n", pa.int64()),
    pa.field("change", pa.float64()),  # value − previous quarter's value; empty in partitions older than the column
]

UNIT_QUARTER_INDICATORS = pa.schema(_INDICATOR_VALUE)

ROLLUP_QUARTER_INDICATORS = pa.schema(
    [
        pa.field("level", pa.string(), nullable=False),  # agency | province
        pa.field("area_code", pa.string(), nullable=False),  # agency code, or the province's region code
        *_INDICATOR_VALUE,
    ]
)
"""Agency and province figures: partitioned by year and quarter only (one file per quarter)."""

# Dimensions: whole tables (no partitions), rewritten from the registry by each indicator run.
DIM_UNIT = pa.schema(
    [
        pa.field("unit_code", pa.string(), nullable=False),
        pa.field("unit_name", pa.string(), nullable=False),
        pa.field("agency_code", pa.string(), nullable=False),
        pa.field("agency_name", pa.string(), nullable=False),
        pa.field("zi_target", pa.string(), nullable=False),
    ]
)

DIM_SERVICE = pa.schema(
    [
        pa.field("unit_code", pa.string(), nullable=False),
        pa.field("service_code", pa.string(), nullable=False),
        pa.field("service_name", pa.string(), nullable=False),
        pa.field("valid_from", pa.date32(), nullable=False),
        pa.field("valid_to", pa.date32()),  # last day the version applied; empty = still valid
        pa.field("sla_days", pa.int32(), nullable=False),
        pa.field("official_tariff", pa.int64(), nullable=False),
        pa.field("confirmed", pa.bool_(), nullable=False),
        pa.field("payments_not_judged", pa.string()),
    ]
)

DIMENSIONS = {"dim_unit": DIM_UNIT, "dim_service": DIM_SERVICE}

FACT_TABLES = {name: spec.schema for name, spec in DATASETS.items()}
"""One table per dataset, as its spec (pipelines/datasets/) defines it."""

TABLES = {
    **FACT_TABLES,
    "unit_quarter_indicators": UNIT_QUARTER_INDICATORS,
    "rollup_quarter_indicators": ROLLUP_QUARTER_INDICATORS,
    "dq_results": DQ_RESULTS,
}

PARTITIONING = {name: QUARTER_KEYS if name == "rollup_quarter_indicators" else PARTITION_KEYS for name in TABLES}
"""Hive partition keys (folder levels) of each partitioned table."""
