"""The data root behaves the same on a local folder and on object storage (an S3 server on 127.0.0.1)."""

from __future__ import annotations

import posixpath
import uuid

import pytest

from pipelines.storage import DataRoot
from tests.support.s3_server import create_bucket, s3_server


@pytest.fixture(scope="module")
def s3_endpoint():
    with s3_server() as endpoint:
        yield endpoint


@pytest.fixture(params=["local", "s3"])
def root(request, tmp_path) -> DataRoot:
    if request.param == "local":
        return DataRoot(str(tmp_path / "data"))
    endpoint = request.getfixturevalue("s3_endpoint")
    bucket = f"monev-{uuid.uuid4().hex}"
    create_bucket(endpoint, bucket)
    return DataRoot(f"s3://{bucket}/data?endpoint_override={endpoint}&scheme=http")


def stage(root: DataRoot, staging: str, name: str, data: bytes) -> None:
    root.staging_fs.create_dir(posixpath.dirname(f"{staging}/{name}"), recursive=True)
    with root.staging_fs.open_output_stream(f"{staging}/{name}") as stream:
        stream.write(data)


def test_a_replaced_folder_holds_exactly_the_new_files(root):
    root.write_bytes(b"old", "warehouse", "t", "unit_code=A", "part-0.parquet")
    root.write_bytes(b"stale", "warehouse", "t", "unit_code=A", "part-1.parquet")
    with root.replacing_dir("warehouse", "t", "unit_code=A") as staging:
        stage(root, staging, "part-0.parquet", b"new")
    assert root.list_files("warehouse", "t", "unit_code=A") == ["part-0.parquet"]
    assert root.read_bytes("warehouse", "t", "unit_code=A", "part-0.parquet") == b"new"


def test_a_failed_write_leaves_the_old_folder_and_no_staging(root):
    root.write_bytes(b"old", "warehouse", "t", "unit_code=A", "part-0.parquet")
    with pytest.raises(RuntimeError), root.replacing_dir("warehouse", "t", "unit_code=A") as staging:
        stage(root, staging, "part-0.parquet", b"half")
        raise RuntimeError("killed mid-write")
    assert root.read_bytes("warehouse", "t", "unit_code=A", "part-0.parquet") == b"old"
    assert root.list_files(".staging", recursive=True) == []


def test_a_new_folder_with_subfolders_is_written_whole(root):
    with root.replacing_dir("releases", "2026-Q3", "v1", seal="FINGERPRINT") as staging:
        for name in ("FINGERPRINT", "a.csv", "site/index.html"):
            stage(root, staging, name, name.encode())
    assert root.list_files("releases", "2026-Q3", "v1", recursive=True) == ["FINGERPRINT", "a.csv", "site/index.html"]
    assert root.list_dirs("releases", "2026-Q3") == ["v1"]
