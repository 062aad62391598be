"""The data dictionary (kamus data): every warehouse table and every published indicator, in one Markdown document.

Generated from the dataset specs, the Arrow schemas and the indicator catalogue so it cannot drift from them. A
dataset's descriptions live in its spec; only the other tables' descriptions live here. A column or table without
one is an error: whoever adds it documents it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pyarrow as pa

from pipelines.datasets import DATASETS
from pipelines.datasets.spec import LINEAGE_DESCRIPTIONS
from pipelines.indicators.definitions import INDICATORS, Indicator
from pipelines.warehouse.schemas import DIMENSIONS, KEY_TYPES, PARTITION_KEYS, PARTITIONING, TABLES

TITLE = "Data dictionary / Kamus data"
REPO_COPY = "docs/data_dictionary.md"
"""Where the generated dictionary is kept in the repo, relative to its root."""
STALE_MESSAGE = f"{REPO_COPY} is out of date; run make data-dictionary"
REPO_NOTE = (
    "Generated from `pipelines/datasets/`, `pipelines/warehouse/schemas.py` and "
    "`pipelines/indicators/definitions.py` by `make data-dictionary`; do not edit by hand."
)
RELEASE_NOTE = (
    "Kamus data rilis ini: tabel gudang data yang menjadi sumber angka, dan katalog indikator yang diterbitkan "
    "(nama, satuan, definisi, rumus, regulasi)."
)

TABLE_DESCRIPTIONS: dict[str, str] = {
    "unit_quarter_indicators": "Every indicator of the catalogue below per unit and quarter (long format).",
    "rollup_quarter_indicators": "Every indicator per agency and for the province, from the pooled rows of their "
    "units (long format).",
    "dq_results": "Data-quality outcome of each validated batch: one row per rule checked.",
    "dim_unit": "The units building Zona Integritas, from the unit registry (config/units.yaml).",
    "dim_service": "Each unit's services and the versions of their service standard, from the unit registry.",
}

COLUMN_DESCRIPTIONS: dict[str, str] = {
    # A plain key describes the column in every table; "table.column" overrides it for one table.
    "year": "Calendar year of the quarter.",
    "quarter": "Quarter of the year, 1-4.",
    "unit_code": "Unit code from the unit registry (config/units.yaml).",
    "service_code": "Service code from the unit's registry entry.",
    # unit_quarter_indicators
    "indicator_code": "Indicator code; its meaning is in the indicator catalogue below.",
    "value": "Indicator value in the indicator's unit (satuan); empty when it cannot be computed.",
    "category": "Category of the value where the indicator has one (e.g. IKM grade A-D).",
    "n": "Number of records the value was computed from.",
    "change": "Value minus the previous quarter's value; empty without one (and in partitions written before the "
    "column existed).",
    # rollup_quarter_indicators
    "level": "Aggregation level: agency or province.",
    "area_code": "Agency code (level agency) or the province's region code (level province).",
    # dq_results
    "dataset": "Canonical dataset the batch was validated as.",
    "rule": "Expectation type of the validation suite, or the parsing/duplicate check, that was applied.",
    "column": "Column(s) the rule checks, comma-separated; empty for table-level rules.",
    "batch_level": "True when the rule judges the file as a whole (columns present), not row by row.",
    "rows_evaluated": "Rows the rule was evaluated on.",
    "unexpected_count": "Rows that broke the rule.",
    "success": "Whether the batch passed the rule.",
    "error": "Error raised while evaluating the rule, if any.",
    # dim_unit
    "unit_name": "Unit name.",
    "agency_code": "Code of the agency the unit belongs to.",
    "agency_name": "Name of that agency.",
    "zi_target": "Zona Integritas target: WBK or WBBM.",
    # dim_service
    "service_name": "Service name.",
    "valid_from": "First day this version of the service standard applies.",
    "valid_to": "Last day this version applies; empty while still valid.",
    "dim_service.sla_days": "Time limit of this version of the service standard, in working days.",
    "dim_service.official_tariff": "Official tariff of this version, in rupiah (0 = free).",
    "dim_service.confirmed": "False while this version's figures are not yet checked against the unit's published "
    "standard; releases list such versions in their metadata.",
    "dim_service.payments_not_judged": "Why payments for this service are no fee to judge against the tariff "
    "(a statutory contribution, a levy varying per case); empty for an ordinary fee.",
}

NO_DESCRIPTION = "(no description yet)"
RESTRICTED_NOTE = "Restricted: kept for lineage and duplicate checks, never published nor read by an indicator."
_FOLDER_PLACEHOLDERS = {"year": "YYYY", "quarter": "Q"}


def _table_description(table: str) -> str | None:
    if table in DATASETS:
        spec = DATASETS[table]
        return f"{spec.description} Delivered by the units as *{spec.label}*; its key is `{spec.key}`."
    return TABLE_DESCRIPTIONS.get(table)


def _description(table: str, column: str) -> str | None:
    if column in LINEAGE_DESCRIPTIONS:
        return LINEAGE_DESCRIPTIONS[column]
    if table in DATASETS and column in DATASETS[table].column_names:
        described = DATASETS[table].column(column)
        return described.description + (f" {RESTRICTED_NOTE}" if described.restricted else "")
    return COLUMN_DESCRIPTIONS.get(f"{table}.{column}", COLUMN_DESCRIPTIONS.get(column))


def undocumented(name: str, schema: pa.Schema, partition_keys: Sequence[str] = ()) -> list[str]:
    """`table` and `table.column` names that have no description here, in schema order."""
    missing = [] if _table_description(name) else [name]
    columns = (*partition_keys, *schema.names)
    return missing + [f"{name}.{column}" for column in columns if _description(name, column) is None]


def _require_documented(missing: list[str]) -> None:
    if missing:
        raise ValueError(
            f"no description for {', '.join(missing)}: describe a dataset's columns in its spec (pipelines/datasets/), "
            "other tables' in TABLE_DESCRIPTIONS / COLUMN_DESCRIPTIONS in pipelines/publish/data_dictionary.py"
        )


def _cell(text: object) -> str:
    """Text safe inside a Markdown table cell: one line, pipes escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _storage(name: str, partition_keys: Sequence[str]) -> str:
    if not partition_keys:
        return f"Not partitioned: one whole table at `warehouse/{name}/`, rewritten by each indicator run."
    keys = ", ".join(f"`{key}`" for key in partition_keys)
    folders = "/".join(f"{key}={_FOLDER_PLACEHOLDERS.get(key, '…')}" for key in partition_keys)
    return (
        f"Partitioned by {keys}: `warehouse/{name}/{folders}/part-0.parquet`. The partition keys are folder names, "
        "not stored in the files; the DuckDB views (`python -m pipelines query`) show them as columns."
    )


def _names(columns: Iterable[str]) -> str:
    return ", ".join(f"`{column}`" for column in columns)


def input_rules(name: str) -> str:
    """What an export of this dataset must carry, and which of its values quarantine a row."""
    if name not in DATASETS:
        return ""
    spec = DATASETS[name]
    context = spec.context
    catch_all = "; ".join(f"`{column}` counts it as {group}" for column, group in spec.catch_all.items())
    lines = [
        f"Input (headers as units write them map to these columns through `config/headers.yaml`). Required: "
        f"{_names(spec.required)}; an export without one is rejected, and a row whose value is empty or "
        "unreadable is quarantined."
    ]
    if context:
        lines.append(
            f"Context answers: {_names(context)}; an answer matching no known value is left empty"
            + (f" ({catch_all})" if catch_all else "")
            + ", counted in the release's data-quality annex and listed in the load log; it never costs the row."
        )
    lines.append(
        "Every other column is optional: an export may leave it out, but a value present that cannot be read "
        "quarantines the row, because a figure depends on it."
    )
    return " ".join(lines) + "\n\n"


def table_section(name: str, schema: pa.Schema, partition_keys: Sequence[str] = (), strict: bool = True) -> str:
    """One table: what it holds, how it is stored, and every column with its Arrow type and nullability.

    strict: raise ValueError naming any undocumented table or column, instead of writing NO_DESCRIPTION.
    """
    if strict:
        _require_documented(undocumented(name, schema, partition_keys))
    rows = [(f"`{key}` (partition)", str(KEY_TYPES[key]), "no", key) for key in partition_keys]
    rows += [(f"`{field.name}`", str(field.type), "yes" if field.nullable else "no", field.name) for field in schema]
    lines = [
        f"### `{name}`",
        "",
        _table_description(name) or NO_DESCRIPTION,
        "",
        _storage(name, partition_keys),
        "",
        *([input_rules(name).rstrip("\n"), ""] if input_rules(name) else []),
        "| Column | Arrow type | Nullable | Description |",
        "|---|---|---|---|",
        *(
            f"| {label} | `{arrow_type}` | {nullable} | {_cell(_description(name, column) or NO_DESCRIPTION)} |"
            for label, arrow_type, nullable, column in rows
        ),
    ]
    return "\n".join(lines) + "\n"


def indicator_section(indicators: Iterable[Indicator] = INDICATORS) -> str:
    """The indicator catalogue in Indonesian, for the reform office."""
    lines = [
        "## Katalog indikator",
        "",
        "Indikator yang dihitung setiap triwulan (kolom `indicator_code` pada tabel indikator di atas) dan diterbitkan "
        "pada setiap rilis triwulanan.",
        "",
        "| Kode indikator | Nama indikator | Satuan | Definisi | Rumus | Regulasi |",
        "|---|---|---|---|---|---|",
        *(
            f"| `{_cell(i.code)}` | {_cell(i.name)} | {_cell(i.unit)} | {_cell(i.definition)} | "
            f"`{_cell(i.formula)}` | {_cell(i.regulation)} |"
            for i in indicators
        ),
    ]
    return "\n".join(lines) + "\n"


def data_dictionary(
    tables: Mapping[str, pa.Schema] = TABLES,
    dimensions: Mapping[str, pa.Schema] = DIMENSIONS,
    indicators: Iterable[Indicator] = INDICATORS,
    strict: bool = True,
    note: str = REPO_NOTE,
) -> str:
    """The whole dictionary as Markdown; deterministic, so the repo copy can be compared byte for byte.

    strict: raise ValueError naming every undocumented table and column (the repo copy and the tests); a release
    passes False so that a documentation gap never blocks publishing a quarter.
    """
    facts = [(name, schema, PARTITIONING.get(name, PARTITION_KEYS)) for name, schema in tables.items()]
    whole = [(name, schema, ()) for name, schema in dimensions.items()]
    if strict:
        _require_documented([missing for table in (*facts, *whole) for missing in undocumented(*table)])
    parts = [
        f"# {TITLE}\n\n{note}\n",
        "## Warehouse tables\n",
        *(table_section(*table, strict=False) for table in facts),
        "## Dimensions\n",
        *(table_section(*table, strict=False) for table in whole),
        indicator_section(indicators),
    ]
    return "\n".join(parts)
