"""An S3-compatible server (moto's standalone server) on 127.0.0.1, for object-storage tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.request import urlopen

import pyarrow.fs as pafs

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "monev-test",
    "AWS_SECRET_ACCESS_KEY": "monev-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def create_bucket(endpoint: str, bucket: str) -> pafs.S3FileSystem:
    """A bucket on the server at `endpoint`; data roots on S3 expect theirs to exist."""
    storage = pafs.S3FileSystem(endpoint_override=endpoint, scheme="http", allow_bucket_creation=True)
    storage.create_dir(bucket)
    return storage


@contextmanager
def s3_server() -> Iterator[str]:
    """Yield the endpoint host:port of a fresh server; AWS_* test credentials are set while it runs."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urlopen(f"http://127.0.0.1:{port}/", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        previous = {name: os.environ.get(name) for name in CREDENTIALS}
        os.environ.update(CREDENTIALS)
        try:
            yield f"127.0.0.1:{port}"
        finally:
            for name, value in previous.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
    finally:
        server.terminate()
        server.wait(timeout=10)
