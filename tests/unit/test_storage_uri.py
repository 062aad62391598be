"""How the data root opens object storage."""

from __future__ import annotations

from pipelines.storage import _opened_when_written


def test_s3_files_start_their_upload_when_written():
    uri = "s3://monev/data?endpoint_override=minio:9000&scheme=http"
    assert _opened_when_written(uri) == f"{uri}&allow_delayed_open=true"
    assert _opened_when_written("s3://monev/data") == "s3://monev/data?allow_delayed_open=true"


def test_the_uri_decides_when_it_says_and_local_roots_are_left_alone():
    uri = "s3://monev/data?allow_delayed_open=false"
    assert _opened_when_written(uri) == uri
    assert _opened_when_written("/srv/monev/data") == "/srv/monev/data"
