"""The data dictionary: the repo copy is current, and every table, column and indicator is in it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

from pipelines.indicators.definitions import INDICATORS, Indicator
from pipelines.publish.data_dictionary import (
    NO_DESCRIPTION,
    REPO_COPY,
    STALE_MESSAGE,
    data_dictionary,
    table_section,
    undocumented,
)
from pipelines.publish.ms_ind import MS_IND_COLUMNS, ms_ind_rows
from pipelines.warehouse.schemas import DIMENSIONS, PARTITION_KEYS, PARTITIONING, TABLES

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def text() -> str:
    return data_dictionary()


def test_repo_copy_is_current(text: str) -> None:
    path = REPO / REPO_COPY
    assert path.exists(), STALE_MESSAGE
    if path.read_text(encoding="utf-8") != text:
        pytest.fail(STALE_MESSAGE, pytrace=False)


def test_generation_is_deterministic(text: str) -> None:
    assert data_dictionary() == text


def _partition_keys(table: str) -> tuple[str, ...]:
    return () if table in DIMENSIONS else PARTITIONING[table]


ALL_TABLES = {**TABLES, **DIMENSIONS}


@pytest.mark.parametrize("table", ALL_TABLES)
def test_every_schema_column_and_table_is_documented(table: str) -> None:
    """A new table or column needs a description in pipelines/publish/data_dictionary.py."""
    assert undocumented(table, ALL_TABLES[table], _partition_keys(table)) == []


@pytest.mark.parametrize("indicator", INDICATORS, ids=lambda indicator: indicator.code)
def test_every_indicator_appears_with_its_name(text: str, indicator: Indicator) -> None:
    catalogue = text.split("## Katalog indikator", 1)[1]
    assert f"| `{indicator.code}` | {indicator.name} | {indicator.unit} |" in catalogue


@pytest.mark.parametrize("table", ALL_TABLES)
def test_every_table_and_column_appears(text: str, table: str) -> None:
    section = text.split(f"### `{table}`\n", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
    for field in ALL_TABLES[table]:
        nullable = "yes" if field.nullable else "no"
        assert f"| `{field.name}` | `{field.type}` | {nullable} |" in section, f"{table}.{field.name}"
    keys = _partition_keys(table)
    assert [key for key in PARTITION_KEYS if f"| `{key}` (partition) |" in section] == list(keys)
    assert ("Partitioned by" in section) is bool(keys)
    assert NO_DESCRIPTION not in section


def test_storage_path_follows_the_partition_keys() -> None:
    schema = pa.schema([pa.field("value", pa.float64())])
    by_quarter = table_section("some_rollup", schema, ("year", "quarter"), strict=False)
    assert "`warehouse/some_rollup/year=YYYY/quarter=Q/part-0.parquet`" in by_quarter
    by_unit = table_section("some_fact", schema, PARTITION_KEYS, strict=False)
    assert "`warehouse/some_fact/year=YYYY/quarter=Q/unit_code=…/part-0.parquet`" in by_unit
    assert "Not partitioned" in table_section("some_dim", schema, (), strict=False)


def test_undocumented_column_fails_loudly() -> None:
    schema = pa.schema([pa.field("ticket_id", pa.string()), pa.field("mystery_score", pa.float64())])
    with pytest.raises(ValueError, match=r"service_log\.mystery_score"):
        table_section("service_log", schema, PARTITION_KEYS)
    with pytest.raises(ValueError, match=r"service_log\.mystery_score"):
        data_dictionary(tables={"service_log": schema}, dimensions={})
    with pytest.raises(ValueError, match=r"dim_unit\.mystery_score"):
        data_dictionary(tables={}, dimensions={"dim_unit": schema})


def test_a_release_is_never_blocked_by_a_missing_description() -> None:
    schema = pa.schema([pa.field("mystery_score", pa.float64())])
    text = data_dictionary(tables={"new_mart": schema}, dimensions={}, strict=False)
    assert f"| `mystery_score` | `double` | yes | {NO_DESCRIPTION} |" in text


def test_undocumented_table_fails_loudly() -> None:
    with pytest.raises(ValueError, match="new_mart"):
        data_dictionary(tables={"new_mart": pa.schema([pa.field("value", pa.float64())])}, dimensions={})


def test_markdown_cells_are_escaped() -> None:
    odd = Indicator("odd", "Nama | dengan pipa", "persen", "Baris satu\nbaris dua", "a | b", "-")
    row = data_dictionary(indicators=[odd]).splitlines()[-1]
    assert row == "| `odd` | Nama \\| dengan pipa | persen | Baris satu baris dua | `a \\| b` | - |"


def test_ms_ind_rows_follow_the_bps_fields_for_every_indicator() -> None:
    rows = ms_ind_rows()
    assert [row["kode_indikator"] for row in rows] == [indicator.code for indicator in INDICATORS]
    assert all(tuple(row) == MS_IND_COLUMNS and all(row[name] for name in MS_IND_COLUMNS[:8]) for row in rows)
    readiness = next(row for row in rows if row["kode_indikator"] == "wbk_ready")
    assert (readiness["indikator_komposit"], readiness["level_estimasi"]) == ("ya", "unit kerja")
    on_time = next(row for row in rows if row["kode_indikator"] == "on_time_rate")
    assert (on_time["ukuran"], on_time["level_estimasi"]) == ("persentase", "unit kerja, instansi, provinsi")


def test_script_writes_then_checks(tmp_path: Path, text: str) -> None:
    """In a scratch copy of the repo (the script finds the repo from its own path): write, check, go stale, check."""
    scratch = tmp_path / "repo"
    (scratch / "scripts").mkdir(parents=True)
    script = scratch / "scripts" / "data_dictionary.py"
    script.write_text((REPO / "scripts" / "data_dictionary.py").read_text(encoding="utf-8"), encoding="utf-8")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, check=False)

    missing = run("--check")
    assert (missing.returncode, missing.stderr.strip()) == (1, STALE_MESSAGE)
    assert run().returncode == 0
    assert (scratch / REPO_COPY).read_text(encoding="utf-8") == text
    assert run("--check").returncode == 0
    (scratch / REPO_COPY).write_text(text + "edited by hand\n", encoding="utf-8")
    stale = run("--check")
    assert (stale.returncode, stale.stderr.strip()) == (1, STALE_MESSAGE)
