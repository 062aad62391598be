"""The data dictionary (kamus data): every warehouse table and every published indicator, in one Markdown document.

Generated from the Arrow schemas and the indicator catalogue so it cannot drift from them. Only the column and table
descriptions live here, and a column or table without one is an error: whoever adds it documents it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pyarrow as pa

from pipelines.indicators.definitions import INDICATORS, Indicator
from pipelines.parse.canonical import CATCH_ALL, CONTEXT_COLUMNS, REQUIRED_COLUMNS
from pipelines.warehouse.schemas import DIMENSIONS, KEY_TYPES, PARTITION_KEYS, PARTITIONING, TABLES

TITLE = "Data dictionary / Kamus data"
REPO_COPY = "docs/data_dictionary.md"
"""Where the generated dictionary is kept in the repo, relative to its root."""
STALE_MESSAGE = f"{REPO_COPY} is out of date; run make data-dictionary"
REPO_NOTE = (
    "Generated from `pipelines/warehouse/schemas.py` and `pipelines/indicators/definitions.py` by "
    "`make data-dictionary`; do not edit by hand."
)
RELEASE_NOTE = (
    "Kamus data rilis ini: tabel gudang data yang menjadi sumber angka, dan katalog indikator yang diterbitkan "
    "(nama, satuan, definisi, rumus, regulasi)."
)

TABLE_DESCRIPTIONS: dict[str, str] = {
    "service_log": "Validated service requests of one unit: one row per ticket.",
    "skm_response": "Validated Survei Kepuasan Masyarakat answers (PermenPANRB 14/2017): one row per respondent.",
    "complaint_log": "Validated complaints (PermenPANRB 62/2018 channels): one row per complaint, never its text.",
    "zi_perception": "Validated ZI perception survey answers (PermenPANRB 90/2021): one row per respondent.",
    "zi_lke": "The unit's ZI self-assessment worksheet (LKE, PermenPANRB 90/2021): one row per area.",
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
    "source_file": "SHA-256 of the received file the row came from (raw zone file name, catalog's ingest_log).",
    "source_row": "Row number of the record in that received file.",
    "service_code": "Service code from the unit's registry entry.",
    "person_key": "Keyed hash (HMAC-SHA256) of the applicant's NIK, phone or e-mail: counts repeat applicants "
    "without identifying them; empty without MONEV_PSEUDONYM_KEY.",
    "status": "Request status: selesai (completed), proses (in progress) or ditolak (rejected).",
    # service_log
    "ticket_id": "The unit's ticket or registration number of the request.",
    "received_date": "Date the request was received.",
    "completed_date": "Date the service was completed; empty while open.",
    "channel": "How the request was made: online or offline; empty when not recorded.",
    "fee_paid": "Fee actually paid, in rupiah; empty when not recorded.",
    "sla_days": "Time limit of the service standard in working days, valid on the received date "
    "(the log's own value when it carries one, else the registry's).",
    "official_tariff": "Official tariff in rupiah valid on the received date "
    "(the log's own value when it carries one, else the registry's); empty where what applicants pay is no fee "
    "(dim_service.payments_not_judged), which the tariff indicators then leave out.",
    # skm_response and zi_perception
    "response_id": "Respondent's id in the survey export (generated from the file and row when it has none).",
    "submitted_date": "Date the questionnaire was filled in; for a worksheet or tally without dates, the last day "
    "of the period its title or file name states.",
    "u1": "SKM element U1 Persyaratan (requirements), answer 1-4.",
    "u2": "SKM element U2 Sistem, mekanisme dan prosedur (procedure), answer 1-4.",
    "u3": "SKM element U3 Waktu penyelesaian (completion time), answer 1-4.",
    "u4": "SKM element U4 Biaya/tarif (cost), answer 1-4.",
    "u5": "SKM element U5 Produk spesifikasi jenis pelayanan (service product), answer 1-4.",
    "u6": "SKM element U6 Kompetensi pelaksana (staff competence), answer 1-4.",
    "u7": "SKM element U7 Perilaku pelaksana (staff behaviour), answer 1-4.",
    "u8": "SKM element U8 Penanganan pengaduan, saran dan masukan (complaint handling), answer 1-4.",
    "u9": "SKM element U9 Sarana dan prasarana (facilities), answer 1-4.",
    "ipkp_1": "IPKP item 1: service information is easy to obtain, answer 1-6.",
    "ipkp_2": "IPKP item 2: requirements match what was announced, answer 1-6.",
    "ipkp_3": "IPKP item 3: procedure is easy and simple, answer 1-6.",
    "ipkp_4": "IPKP item 4: completion time matches the standard, answer 1-6.",
    "ipkp_5": "IPKP item 5: tariff matches the official one, answer 1-6.",
    "ipkp_6": "IPKP item 6: facilities are comfortable, answer 1-6.",
    "ipkp_7": "IPKP item 7: staff are responsive, answer 1-6.",
    "ipkp_8": "IPKP item 8: an accessible complaint service exists, answer 1-6.",
    "ipak_1": "IPAK item 1: no discrimination in service, answer 1-6.",
    "ipak_2": "IPAK item 2: no service outside the procedure, answer 1-6.",
    "ipak_3": "IPAK item 3: no rewards or gratuities, answer 1-6.",
    "ipak_4": "IPAK item 4: no illegal levies (pungli), answer 1-6.",
    "ipak_5": "IPAK item 5: no brokers (calo), answer 1-6.",
    "gender": "Respondent's sex (jenis kelamin): L or P; empty when not given or not in the export.",
    "age_group": "Respondent's age band (kelompok umur): <20, 20-29, 30-39, 40-49, 50-59 or 60+, from the age in "
    "years or the band the export gives; empty when not given or not in the export.",
    "education": "Respondent's last education (pendidikan terakhir): SD, SMP, SMA, D1-D3, D4/S1 or S2+; empty when "
    "not given or not in the export.",
    "occupation": "Respondent's occupation (pekerjaan): PNS, TNI, POLRI, Swasta, Wirausaha or Lainnya (also any "
    "answer outside this list); empty when not given or not in the export.",
    "from_tally": "True for rows rebuilt from a paper survey's tally (rekap): together they reproduce each "
    "element's answer counts (or total) exactly, so IKM and NRR are exact, but a row is not one person's "
    "questionnaire; false for per-respondent exports; empty in partitions written before tallies were read.",
    # complaint_log
    "complaint_id": "The unit's complaint number.",
    "complaint_log.received_date": "Date the complaint was received.",
    "complaint_log.channel": "Complaint channel: sp4n_lapor, whatsapp, kotak_saran, email, tatap_muka, telepon "
    "or media_sosial.",
    "responded_date": "Date the complaint was first responded to; empty while unanswered.",
    "resolved_date": "Date the complaint was resolved; empty while open.",
    "complaint_log.status": "Follow-up status: selesai, proses or ditolak; empty when not recorded.",
    # zi_lke
    "area": "Assessment area: a komponen pengungkit area (e.g. manajemen_perubahan) or capaian_kinerja.",
    "assessed_date": "Date of the self-assessment.",
    "pemenuhan": "Pemenuhan (fulfilment) points of the area, as the worksheet scores them.",
    "reform": "Reform (results) points of the area, as the worksheet scores them.",
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
_FOLDER_PLACEHOLDERS = {"year": "YYYY", "quarter": "Q"}


def _description(table: str, column: str) -> str | None:
    return COLUMN_DESCRIPTIONS.get(f"{table}.{column}", COLUMN_DESCRIPTIONS.get(column))


def undocumented(name: str, schema: pa.Schema, partition_keys: Sequence[str] = ()) -> list[str]:
    """`table` and `table.column` names that have no description here, in schema order."""
    missing = [] if name in TABLE_DESCRIPTIONS else [name]
    columns = (*partition_keys, *schema.names)
    return missing + [f"{name}.{column}" for column in columns if _description(name, column) is None]


def _require_documented(missing: list[str]) -> None:
    if missing:
        raise ValueError(
            f"no description for {', '.join(missing)}: add them to TABLE_DESCRIPTIONS / COLUMN_DESCRIPTIONS "
            "in pipelines/publish/data_dictionary.py"
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
    if name not in REQUIRED_COLUMNS:
        return ""
    context = CONTEXT_COLUMNS.get(name, ())
    catch_all = "; ".join(f"`{column}` counts it as {CATCH_ALL[column]}" for column in context if column in CATCH_ALL)
    lines = [
        f"Input (headers as units write them map to these columns through `config/headers.yaml`). Required: "
        f"{_names(REQUIRED_COLUMNS[name])}; an export without one is rejected, and a row whose value is empty or "
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
        TABLE_DESCRIPTIONS.get(name, NO_DESCRIPTION),
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
