"""Explicit Arrow schemas of the warehouse tables.

Partition keys (year, quarter, unit_code) live in the folder names, not in the files.
Lineage columns (source_file, source_row) say which received file and row each fact came from.
"""

from __future__ import annotations

import pyarrow as pa

PARTITION_KEYS = ("year", "quarter", "unit_code")
QUARTER_KEYS = ("year", "quarter")
KEY_TYPES = {"year": pa.int32(), "quarter": pa.int32(), "unit_code": pa.string()}

SKM_ELEMENTS = tuple(f"u{i}" for i in range(1, 10))

AGE_GROUPS = ("<20", "20-29", "30-39", "40-49", "50-59", "60+")
RESPONDENT_PROFILE = {
    "gender": ("L", "P"),
    "age_group": AGE_GROUPS,
    "education": ("SD", "SMP", "SMA", "D1-D3", "D4/S1", "S2+"),
    "occupation": ("PNS", "TNI", "POLRI", "Swasta", "Wirausaha", "Lainnya"),
}
"""The SKM questionnaire's respondent profile (PermenPANRB 14/2017): column → its groups, in publishing order."""

_LINEAGE = [
    pa.field("source_file", pa.string(), nullable=False),
    pa.field("source_row", pa.int64(), nullable=False),
]

SERVICE_LOG = pa.schema(
    [
        pa.field("ticket_id", pa.string(), nullable=False),
        pa.field("service_code", pa.string(), nullable=False),
        pa.field("received_date", pa.date32(), nullable=False),
        pa.field("completed_date", pa.date32()),
        pa.field("status", pa.string(), nullable=False),
        pa.field("channel", pa.string()),
        pa.field("fee_paid", pa.int64()),
        pa.field("sla_days", pa.int32(), nullable=False),
        pa.field("official_tariff", pa.int64()),
        pa.field("person_key", pa.string()),
        *_LINEAGE,
    ]
)

SKM_RESPONSE = pa.schema(
    [
        pa.field("response_id", pa.string(), nullable=False),
        pa.field("submitted_date", pa.date32(), nullable=False),
        pa.field("service_code", pa.string()),
        *[pa.field(element, pa.int8(), nullable=False) for element in SKM_ELEMENTS],
        # Optional respondent profile; partitions written before it was added read it as empty.
        *[pa.field(column, pa.string()) for column in RESPONDENT_PROFILE],
        pa.field("from_tally", pa.bool_()),
        *_LINEAGE,
    ]
)

COMPLAINT_LOG = pa.schema(
    [
        pa.field("complaint_id", pa.string(), nullable=False),
        pa.field("received_date", pa.date32(), nullable=False),
        pa.field("channel", pa.string(), nullable=False),
        pa.field("service_code", pa.string()),
        pa.field("responded_date", pa.date32()),
        pa.field("resolved_date", pa.date32()),
        pa.field("status", pa.string()),
        pa.field("person_key", pa.string()),
        *_LINEAGE,
    ]
)

IPKP_ITEMS = tuple(f"ipkp_{i}" for i in range(1, 9))
IPAK_ITEMS = tuple(f"ipak_{i}" for i in range(1, 6))

ZI_PERCEPTION = pa.schema(
    [
        pa.field("response_id", pa.string(), nullable=False),
        pa.field("submitted_date", pa.date32(), nullable=False),
        pa.field("service_code", pa.string()),
        *[pa.field(item, pa.int8()) for item in (*IPKP_ITEMS, *IPAK_ITEMS)],
        *_LINEAGE,
    ]
)

ZI_LKE = pa.schema(
    [
        pa.field("area", pa.string(), nullable=False),
        pa.field("assessed_date", pa.date32(), nullable=False),
        pa.field("pemenuhan", pa.float64()),
        pa.field("reform", pa.float64()),
        *_LINEAGE,
    ]
)
"""The unit's ZI self-assessment worksheet (LKE): one row per area, points as the worksheet scores them."""

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

FACT_TABLES = {
    "service_log": SERVICE_LOG,
    "skm_response": SKM_RESPONSE,
    "complaint_log": COMPLAINT_LOG,
    "zi_perception": ZI_PERCEPTION,
    "zi_lke": ZI_LKE,
}

TABLES = {
    **FACT_TABLES,
    "unit_quarter_indicators": UNIT_QUARTER_INDICATORS,
    "rollup_quarter_indicators": ROLLUP_QUARTER_INDICATORS,
    "dq_results": DQ_RESULTS,
}

PARTITIONING = {name: QUARTER_KEYS if name == "rollup_quarter_indicators" else PARTITION_KEYS for name in TABLES}
"""Hive partition keys (folder levels) of each partitioned table."""
