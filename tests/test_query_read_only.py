"""Analysts' ad-hoc queries (`python -m pipelines query`) can read the warehouse and nothing else."""

from __future__ import annotations

import hashlib

import pytest

from pipelines.cli.main import main
from pipelines.ingest.run import ingest_unit
from pipelines.runstate.received_files import ingest_log
from pipelines.samples.generate import write_samples
from pipelines.storage import DataRoot
from tests.conftest import Q3_2026


def load_one_unit() -> None:
    write_samples(Q3_2026, rows=140)
    ingest_unit("BID-PPKK", Q3_2026)


@pytest.fixture
def warehouse(prepared, data_root: DataRoot) -> dict[str, str]:
    """One unit loaded; returns the sha256 of every file under the data root."""
    prepared("one_unit_loaded", load_one_unit, data_root)
    return snapshot(data_root)


def snapshot(root: DataRoot) -> dict[str, object]:
    """Every file's sha256; the SQLite catalog by its rows (reading it touches its -shm/-wal working files)."""
    files = {
        path: hashlib.sha256(root.read_bytes(path)).hexdigest()
        for path in root.list_files("", recursive=True)
        if not path.startswith("catalog.sqlite")
    }
    return {**files, "catalog rows": ingest_log()}


def test_a_select_reads_the_warehouse(warehouse, capsys):
    assert main(["query", "SELECT count(*) AS n FROM service_log", "--format", "csv"]) == 0
    assert int(capsys.readouterr().out.splitlines()[1]) > 0


@pytest.mark.parametrize(
    ("sql", "named"),
    [
        ("INSERT INTO service_log SELECT * FROM service_log", "INSERT"),
        ("DROP VIEW service_log", "DROP"),
        ("SELECT 1; DELETE FROM service_log", "statement 2 is DELETE"),
        ("CREATE TABLE copy AS SELECT * FROM service_log", "CREATE"),
        ("COPY (SELECT * FROM service_log) TO '{outside}/leak.csv'", "COPY"),
        ("ATTACH '{outside}/other.duckdb' AS other", "ATTACH"),
        ("INSTALL httpfs", "LOAD"),  # DuckDB types INSTALL as a LOAD statement
        ("SET enable_external_access = true", "SET"),
        ("", "empty"),
    ],
)
def test_anything_but_a_select_is_refused_with_the_reason(warehouse, data_root, tmp_path, capsys, sql, named):
    outside = tmp_path / "outside"
    outside.mkdir()
    assert main(["query", sql.format(outside=outside)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("query refused: ") and named in error, error
    assert snapshot(data_root) == warehouse
    assert not list(outside.iterdir())


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_text('{outside}/secret.txt')",
        "SELECT * FROM glob('/etc/*')",
        "SELECT * FROM read_parquet('{outside}/*.parquet')",
    ],
)
def test_a_select_cannot_read_files_outside_the_warehouse(warehouse, tmp_path, capsys, sql):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("not for the query")
    assert main(["query", sql.format(outside=outside)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("query refused: ") and "file system operations are disabled" in error, error


def test_a_broken_query_fails_with_duckdbs_message(warehouse, capsys):
    assert main(["query", "SELECT no_such_column FROM service_log"]) == 1
    assert "no_such_column" in capsys.readouterr().err
