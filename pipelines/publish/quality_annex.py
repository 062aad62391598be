"""The release's data-quality annex: how each unit's data for the quarter fared in validation.

One row per unit and dataset, in Indonesian for the reform office: rows checked, accepted and
set aside, files rejected whole, optional answers outside the known lists (kept, but counted as
Lainnya or left empty), and the suite's rules met. Counts of rows, not of people, so
no cell needs suppressing.
"""

from __future__ import annotations

from pipelines.datasets import DATASETS
from pipelines.periods import Quarter
from pipelines.quality.batch import UNMATCHED_RULE
from pipelines.registry import Registry
from pipelines.storage import DataRoot
from pipelines.warehouse.query import connect, each_fact_table

ANNEX_COLUMNS = (
    "kode_unit",
    "nama_unit",
    "tahun",
    "triwulan",
    "data",
    "status",
    "baris_diperiksa",
    "baris_diterima",
    "baris_dikarantina",
    "berkas_ditolak",
    "jawaban_opsional_tak_dikenal",
    "aturan_diperiksa",
    "aturan_terpenuhi",
)
ANNEX_COUNTS = ANNEX_COLUMNS[6:11]
"""The annex's counts of rows, files and answers, in column order (the rules come after them)."""
ANNEX_FIELD_TYPES = {name: "integer" for name in ("tahun", "triwulan", *ANNEX_COLUMNS[6:])}
ACCEPTED_SQL = each_fact_table(
    "SELECT unit_code, '{table}' AS dataset, count(*) AS n FROM {table} "
    "WHERE year = $year AND quarter = $quarter GROUP BY unit_code"
)
ANNEX_SQL = """
WITH checks AS (
    SELECT unit_code, dataset, max(rows_evaluated) AS checked,
           count(*) FILTER (WHERE rule LIKE 'expect_%') AS rules,
           count(*) FILTER (WHERE rule LIKE 'expect_%' AND success) AS rules_met,
           coalesce(sum(unexpected_count) FILTER (WHERE rule = $unmatched_rule), 0) AS unmatched
    FROM dq_results WHERE year = $year AND quarter = $quarter GROUP BY ALL
),
accepted AS (
    {accepted}
),
quarantined AS (
    SELECT unit_code, dataset,
           count(DISTINCT (source_file, source_row)) FILTER (WHERE source_row IS NOT NULL) AS rows_out,
           count(*) FILTER (WHERE rule = 'file_rejected') AS files_rejected
    FROM quarantine WHERE year = $year AND quarter = $quarter GROUP BY ALL
)
SELECT checks.unit_code, checks.dataset, checks.checked, coalesce(accepted.n, 0) AS accepted,
       coalesce(quarantined.rows_out, 0) AS rows_out, coalesce(quarantined.files_rejected, 0) AS files_rejected,
       checks.unmatched, checks.rules, checks.rules_met
FROM checks
LEFT JOIN accepted USING (unit_code, dataset)
LEFT JOIN quarantined USING (unit_code, dataset)
"""


def quality_annex_rows(reg: Registry, quarter: Quarter, root: DataRoot) -> list[dict]:
    """Every unit × dataset; a dataset a unit has not sent is listed as "belum lapor", not left out."""
    result = connect(root).execute(
        ANNEX_SQL.replace("{accepted}", ACCEPTED_SQL),
        {"year": quarter.year, "quarter": quarter.quarter, "unmatched_rule": UNMATCHED_RULE},
    )
    found = {(row[0], row[1]): row[2:] for row in result.fetchall()}
    rows = []
    for unit in reg.units:
        for dataset, spec in DATASETS.items():
            checked, accepted, rows_out, files_rejected, unmatched, rules, rules_met = found.get(
                (unit.code, dataset), (0,) * 7
            )
            if (unit.code, dataset) not in found:
                status = "belum lapor"
            elif files_rejected or rules_met < rules:
                status = "ada masalah"
            else:
                status = "sesuai"
            rows.append(
                {"kode_unit": unit.code, "nama_unit": unit.name, "tahun": quarter.year, "triwulan": quarter.quarter,
                 "data": spec.label, "status": status, "baris_diperiksa": checked,
                 "baris_diterima": accepted, "baris_dikarantina": rows_out, "berkas_ditolak": files_rejected,
                 "jawaban_opsional_tak_dikenal": int(unmatched), "aturan_diperiksa": rules,
                 "aturan_terpenuhi": rules_met}
            )  # fmt: skip
    return rows
