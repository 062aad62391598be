"""The sql source against a real PostgreSQL server (and SQLite): incremental pulls by watermark."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from pipelines.ingest.pull import pull_source
from pipelines.ingest.run import ingest_unit
from pipelines.runstate import received_files
from pipelines.sources import SourceError
from tests.support.postgres_server import create_databases

JAKARTA = timezone(timedelta(hours=7))
CREATE = """
CREATE TABLE layanan (
    no_tiket text PRIMARY KEY, nama_pemohon text, nik text, jenis_layanan text,
    tanggal_permohonan date, tanggal_selesai date, status text, kanal text, biaya integer,
    updated_at timestamptz NOT NULL
)
"""


def ticket(number: int, status: str = "Selesai", updated: datetime | None = None) -> dict:
    received = datetime(2026, 7, 1) + timedelta(days=number % 60)
    return {
        "no_tiket": f"P2TK-{number:05d}", "nama_pemohon": "Siti Rahayu", "nik": f"35780112039{number:05d}",
        "jenis_layanan": "Paspor PMI", "tanggal_permohonan": received.date(),
        "tanggal_selesai": (received + timedelta(days=1)).date() if status == "Selesai" else None,
        "status": status, "kanal": "Online", "biaya": 0,
        "updated_at": updated or datetime(2026, 7, 1, 8, tzinfo=JAKARTA) + timedelta(minutes=number),
    }  # fmt: skip


def insert(engine: sa.Engine, rows: list[dict]) -> None:
    columns = list(rows[0])
    statement = sa.text(f"INSERT INTO layanan ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})")
    upsert = sa.text(str(statement) + " ON CONFLICT (no_tiket) DO UPDATE SET status = EXCLUDED.status, "
                     "tanggal_selesai = EXCLUDED.tanggal_selesai, updated_at = EXCLUDED.updated_at")  # fmt: skip
    with engine.begin() as connection:
        connection.execute(upsert, rows)


@pytest.fixture
def unit_database(request, postgres_address, tmp_path, monkeypatch, config_dir):
    """The P2TK service database (PostgreSQL or SQLite) declared as a sql source of UPT-P2TK."""
    if request.param == "postgresql":
        name = f"p2tk_{abs(hash(tmp_path)) % 10**8}"
        create_databases(postgres_address, name)
        monkeypatch.setenv("AIRFLOW_CONN_P2TK_DB", f"postgres://postgres@{postgres_address}/{name}")
        engine = sa.create_engine(f"postgresql+psycopg://postgres@{postgres_address}/{name}")
        create = CREATE
    else:
        path = tmp_path / "p2tk.sqlite"
        monkeypatch.setenv("AIRFLOW_CONN_P2TK_DB", f'{{"conn_type": "sqlite", "host": "{path}"}}')
        engine = sa.create_engine(f"sqlite:///{path}")
        create = CREATE.replace("timestamptz", "text").replace(" date,", " text,")
    with engine.begin() as connection:
        connection.execute(sa.text(create))
    config_dir(
        "UPT-P2TK",
        {"kind": "sql", "name": "sipp", "conn_id": "p2tk_db", "dataset": "service_log", "table": "layanan",
         "watermark_column": "updated_at"},
    )  # fmt: skip
    yield engine
    engine.dispose()


def rows_in_warehouse(data_root) -> dict[str, dict]:
    path = data_root.path("warehouse", "service_log", "year=2026", "quarter=3", "unit_code=UPT-P2TK", "part-0.parquet")
    return {row["ticket_id"]: row for row in pq.read_table(path).to_pylist()}


@pytest.mark.parametrize("unit_database", ["postgresql", "sqlite"], indirect=True)
def test_each_pull_takes_only_rows_past_the_watermark(unit_database, data_root):
    insert(unit_database, [ticket(n) for n in range(1, 41)])
    first = pull_source("UPT-P2TK", "sipp")
    assert len(first) == 1 and first[0]["dataset"] == "service_log"
    assert pull_source("UPT-P2TK", "sipp") == []
    insert(unit_database, [ticket(41), ticket(5, "Ditolak", datetime(2026, 9, 1, 9, tzinfo=JAKARTA))])
    second = pull_source("UPT-P2TK", "sipp")
    assert len(second) == 1
    data = data_root.read_bytes(second[0]["raw_path"]).decode()
    assert data.count("\n") == 3  # header + the new ticket + the updated one


@pytest.mark.parametrize("unit_database", ["postgresql", "sqlite"], indirect=True)
def test_updated_record_replaces_its_earlier_version_in_the_warehouse(unit_database, data_root):
    insert(unit_database, [ticket(n, "Proses" if n == 7 else "Selesai") for n in range(1, 41)])
    ingest_unit("UPT-P2TK")
    assert rows_in_warehouse(data_root)["P2TK-00007"]["status"] == "proses"
    insert(unit_database, [ticket(7, "Selesai", datetime(2026, 9, 2, 9, tzinfo=JAKARTA))])
    ingest_unit("UPT-P2TK")
    rows = rows_in_warehouse(data_root)
    assert rows["P2TK-00007"]["status"] == "selesai"
    assert len(rows) == 40
    assert not any("3578011203" in str(row) for row in rows.values())


@pytest.mark.parametrize("unit_database", ["postgresql"], indirect=True)
def test_a_failed_run_pulls_the_same_rows_again(unit_database, monkeypatch):
    insert(unit_database, [ticket(n) for n in range(1, 11)])

    def crash(*args, **kwargs):
        raise OSError("disk full while writing the raw zone")

    with monkeypatch.context() as patch:
        patch.setattr("pipelines.ingest.receive.received_files.record_delivery", crash)
        with pytest.raises(OSError):
            pull_source("UPT-P2TK", "sipp")
    assert received_files.watermark("UPT-P2TK", "sipp") is None
    assert len(pull_source("UPT-P2TK", "sipp")) == 1
    assert received_files.watermark("UPT-P2TK", "sipp") is not None


def test_an_unreachable_database_fails_with_the_unit_and_source(config_dir, data_root, monkeypatch):
    monkeypatch.setenv("AIRFLOW_CONN_P2TK_DB", "postgres://postgres@127.0.0.1:9/none")
    config_dir(
        "UPT-P2TK",
        {"kind": "sql", "name": "sipp", "conn_id": "p2tk_db", "dataset": "service_log", "table": "layanan",
         "watermark_column": "updated_at"},
    )  # fmt: skip
    with pytest.raises(SourceError, match=r"UPT-P2TK/sipp: could not read the unit's database"):
        pull_source("UPT-P2TK", "sipp")
