"""The production configuration without Docker: PostgreSQL for Airflow and the catalog, the data root on S3.

The same settings docker-compose.yml gives the Airflow services, pointed at servers on 127.0.0.1:
a real PostgreSQL (Airflow's metadata database, migrated with `airflow db migrate`, and the catalog in
its own database) and an S3-compatible server holding the data root and the publish location.
"""

from __future__ import annotations

import hashlib

import pyarrow.parquet as pq
import pytest
from sqlalchemy import create_engine, text

from pipelines.indicators.definitions import INDICATORS
from pipelines.periods import Quarter
from pipelines.registry import registry
from pipelines.samples.generate import write_samples
from pipelines.storage import DataRoot
from tests.support.airflow_cli import airflow_env, dags_test, migrate
from tests.support.few_units import few_units
from tests.support.postgres_server import create_databases
from tests.support.s3_server import create_bucket, s3_server
from tests.support.smtp_server import smtp_server

pytestmark = pytest.mark.e2e

Q3 = Quarter(2026, 3)
RUN_ON_10_OCTOBER = "2026-10-10T07:00:00+07:00"
BUCKET = "monev"


@pytest.fixture(scope="module")
def stack(postgres_address, tmp_path_factory):
    """Sample exports on S3 → monev_ingest → monev_indicators → monev_publish, Airflow on PostgreSQL."""
    create_databases(postgres_address, "airflow_production", "monev_catalog")
    with few_units(tmp_path_factory.mktemp("config")), s3_server() as endpoint, smtp_server() as (inbox, smtp_port):
        create_bucket(endpoint, BUCKET)
        on_s3 = f"?endpoint_override={endpoint}&scheme=http"
        root_uri = f"s3://{BUCKET}/data{on_s3}"
        catalog_url = f"postgresql+psycopg://postgres@{postgres_address}/monev_catalog"
        airflow_db = f"postgresql+psycopg://postgres@{postgres_address}/airflow_production"
        env = {
            **airflow_env(tmp_path_factory.mktemp("airflow_home"), root_uri),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": airflow_db,
            # psycopg 3 drives both engines (the official image brings asyncpg for the async one instead).
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC": airflow_db,
            "MONEV_CATALOG_URL": catalog_url,
            "MONEV_PUBLISH_LOCATION": f"s3://{BUCKET}/publikasi{on_s3}",
            "AIRFLOW_CONN_MONEV_SMTP": f"smtp://127.0.0.1:{smtp_port}?disable_tls=true",
            "MONEV_REPORT_RECIPIENTS": "biro.organisasi@reformasi.example.go.id",
            "MONEV_VALIDATION_WORKERS": "2",
        }
        migrate(env)
        root = DataRoot(root_uri)
        write_samples(Q3, rows=700, root=root)
        for dag_id in ("monev_ingest", "monev_indicators", "monev_publish"):
            dags_test(env, dag_id, RUN_ON_10_OCTOBER, {"quarter": "2026Q3"})
        yield root, create_engine(catalog_url), env, inbox


def test_airflow_ran_the_chain_on_its_postgresql_metadata_database(stack):
    *_, env, _ = stack
    engine = create_engine(env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"])
    with engine.connect() as connection:
        runs = dict(connection.execute(text("SELECT dag_id, state FROM dag_run")).fetchall())
    engine.dispose()
    assert runs == {"monev_ingest": "success", "monev_indicators": "success", "monev_publish": "success"}


def test_warehouse_partitions_are_objects_in_the_bucket(stack):
    root, *_ = stack
    for unit in registry().unit_codes:
        for table in ("service_log", "skm_response", "unit_quarter_indicators"):
            parts = ("warehouse", table, "year=2026", "quarter=3", f"unit_code={unit}")
            assert root.list_files(*parts) == ["part-0.parquet"], (table, unit)
        indicators = pq.read_metadata(root.path(*parts, "part-0.parquet"), filesystem=root.fs)
        assert indicators.num_rows == len(INDICATORS)
    assert root.list_files(".staging", recursive=True) == []


def test_release_objects_are_sealed_and_their_checksums_verify(stack):
    root, *_ = stack
    folder = ("releases", "2026-Q3", "v1")
    files = set(root.list_files(*folder))
    assert {"datapackage.json", "SHA256SUMS", "FINGERPRINT", "monev_zi_2026-Q3.xlsx"} <= files
    for line in root.read_bytes(*folder, "SHA256SUMS").decode().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256(root.read_bytes(*folder, name)).hexdigest() == digest, name
    published = DataRoot(stack[2]["MONEV_PUBLISH_LOCATION"])
    assert published.read_bytes("2026-Q3", "v1", "SHA256SUMS") == root.read_bytes(*folder, "SHA256SUMS")


def test_catalog_rows_record_files_loads_the_release_and_its_deliveries(stack):
    _, catalog, _, inbox = stack
    with catalog.connect() as connection:
        received = dict(
            connection.execute(text("SELECT unit_code, count(*) FROM received_file GROUP BY unit_code")).fetchall()
        )
        releases = connection.execute(text("SELECT quarter, version FROM release")).fetchall()
        deliveries = connection.execute(
            text("SELECT channel, status FROM release_delivery ORDER BY channel")
        ).fetchall()
    catalog.dispose()
    assert set(received) == set(registry().unit_codes)
    assert all(count >= 5 for count in received.values())  # service log, SKM, complaints, perception, LKE
    assert [tuple(row) for row in releases] == [("2026Q3", 1)]
    assert [tuple(row) for row in deliveries] == [("copy", "sent"), ("email", "sent")]
    assert len(inbox.releases) == 1
