"""The per-unit summary of a quarter that `make demo` and `python -m pipelines run` print."""

from __future__ import annotations

from pipelines.cli.text_table import format_table
from pipelines.periods import Quarter
from pipelines.registry import registry
from pipelines.storage import DataRoot, data_root
from pipelines.warehouse.query import connect, each_fact_table

SUMMARY_SQL = """
WITH units AS (SELECT unnest($units) AS unit_code),
accepted AS (
    SELECT unit_code, count(*) AS n FROM (
        {facts}
    ) GROUP BY unit_code
),
quarantined AS (
    SELECT unit_code, count(DISTINCT (source_file, source_row)) AS n
    FROM quarantine WHERE year = $year AND quarter = $quarter AND source_row IS NOT NULL
    GROUP BY unit_code
),
indicators AS (
    SELECT unit_code,
           max(value) FILTER (WHERE indicator_code = 'ikm') AS ikm,
           max(category) FILTER (WHERE indicator_code = 'ikm') AS grade,
           max(n) FILTER (WHERE indicator_code = 'ikm') AS respondents,
           max(value) FILTER (WHERE indicator_code = 'on_time_rate') AS on_time_rate
    FROM unit_quarter_indicators WHERE year = $year AND quarter = $quarter
    GROUP BY unit_code
)
SELECT units.unit_code,
       coalesce(accepted.n, 0) AS rows_accepted,
       coalesce(quarantined.n, 0) AS rows_quarantined,
       round(indicators.ikm, 2) AS ikm,
       indicators.grade,
       indicators.respondents AS skm_respondents,
       round(indicators.on_time_rate, 1) AS on_time_rate
FROM units
LEFT JOIN accepted USING (unit_code)
LEFT JOIN quarantined USING (unit_code)
LEFT JOIN indicators USING (unit_code)
"""

COLUMNS = [
    "unit_code",
    "rows_accepted",
    "rows_quarantined",
    "ikm",
    "grade",
    "skm_respondents",
    "on_time_rate",
]


def quarter_summary(quarter: Quarter, root: DataRoot | None = None) -> list[dict]:
    units = registry().unit_codes
    connection = connect(root or data_root())
    sql = SUMMARY_SQL.replace(
        "{facts}", each_fact_table("SELECT unit_code FROM {table} WHERE year = $year AND quarter = $quarter")
    )
    result = connection.execute(sql, {"units": units, "year": quarter.year, "quarter": quarter.quarter})
    names = [column[0] for column in result.description]
    rows = [dict(zip(names, values, strict=True)) for values in result.fetchall()]
    order = {code: index for index, code in enumerate(units)}
    return sorted(rows, key=lambda row: order[row["unit_code"]])


def render_summary(rows: list[dict]) -> str:
    shown = [{**row, "ikm": "belum lapor" if row["ikm"] is None else row["ikm"]} for row in rows]
    return format_table(shown, COLUMNS)
