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
