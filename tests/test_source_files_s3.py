"""A unit's file drops on object storage (an S3-compatible server on 127.0.0.1)."""

from __future__ import annotations

import pyarrow.parquet as pq

from pipelines.ingest.run import ingest_unit
from tests.support.s3_server import create_bucket, s3_server
from tests.test_ingest import FILLER_ROWS, GOOD_ROWS, HEADER


def test_exports_dropped_in_a_bucket_are_pulled_and_loaded(config_dir, data_root, quarter):
    with s3_server() as endpoint:
        storage = create_bucket(endpoint, "unit-drops")
        with storage.open_output_stream("unit-drops/ppkk/2026/layanan_2026Q3.csv") as stream:
            stream.write((HEADER + "\n".join(GOOD_ROWS + FILLER_ROWS) + "\n").encode())
        location = f"s3://unit-drops/ppkk?endpoint_override={endpoint}&scheme=http"
        config_dir("BID-PPKK", {"kind": "files", "name": "bucket", "location": location})
        report = ingest_unit("BID-PPKK")
    [delivery] = [file for file in report.files if file["source"] == "bucket"]
    assert (delivery["file_name"], delivery["status"], delivery["rows_accepted"]) == (
        "2026/layanan_2026Q3.csv",
        "accepted",
        25,
    )
    path = data_root.path("warehouse", "service_log", "year=2026", "quarter=3", "unit_code=BID-PPKK", "part-0.parquet")
    assert pq.read_metadata(path).num_rows == 25


def test_a_data_root_on_object_storage_serves_the_workers_too(monkeypatch, quarter, tmp_path, caplog):
    """Large files are parsed and validated in worker processes; they read the raw zone from the bucket as well."""
    from pipelines.storage import DataRoot
    from tests.test_ingest import drop

    monkeypatch.setenv("MONEV_CATALOG_URL", f"sqlite:///{tmp_path}/catalog.sqlite")
    monkeypatch.setenv("MONEV_VALIDATION_WORKERS", "2")
    monkeypatch.setenv("MONEV_VALIDATION_CHUNK_ROWS", "10")  # so these small files count as large
    with s3_server() as endpoint:
        create_bucket(endpoint, "monev")
        root_uri = f"s3://monev/data?endpoint_override={endpoint}&scheme=http"
        monkeypatch.setenv("MONEV_DATA_ROOT", root_uri)
        root = DataRoot(root_uri)
        drop(root, "BID-PPKK", "layanan_07_juli.csv", HEADER + "\n".join(GOOD_ROWS + FILLER_ROWS) + "\n")
        later = [row.replace("F-", "G-") for row in FILLER_ROWS]
        drop(root, "BID-PPKK", "layanan_08_agustus.csv", HEADER + "\n".join(later) + "\n")
        with caplog.at_level("INFO", logger="pipelines.ingest.load"):
            report = ingest_unit("BID-PPKK", quarter)
        partition = root.path("warehouse", "service_log", "year=2026", "quarter=3", "unit_code=BID-PPKK")
        rows = pq.read_table(partition, filesystem=root.fs).to_pylist()
    assert sorted(file["status"] for file in report.files if file["dataset"] == "service_log") == ["accepted"] * 2
    assert len(rows) == len(GOOD_ROWS) + 2 * len(FILLER_ROWS)
    assert "rows of service_log from 2 files on 2 workers" in caplog.text
