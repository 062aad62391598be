"""A process killed between two writes that belong together; the rerun ends as a clean run does.

Each crash is real: the process kills itself (SIGKILL, no clean-up runs) on reaching the named
function, after the writes before it and before the ones after it:
- the raw zone written, the catalog not yet told (`record_delivery`);
- the warehouse partitions written, the catalog's load record not yet (`record_load`);
- the release sealed, the catalog not yet told (`record_release`);
- the release recorded, the e-mail not yet begun (`release_message`).
The rerun's warehouse, quarantine and catalog must equal those of one clean run: no duplicate
rows, files, releases or e-mails.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.periods import Quarter
from pipelines.samples.generate import write_samples
from pipelines.storage import DataRoot
from tests.support.airflow_cli import REPO
from tests.support.outcome import catalog, tables
from tests.support.smtp_server import smtp_server

pytestmark = pytest.mark.e2e

KILLED_AT = """
import importlib, os, signal, sys
module, _, name = sys.argv[1].rpartition(".")
setattr(importlib.import_module(module), name, lambda *args, **kwargs: os.kill(os.getpid(), signal.SIGKILL))
exec(sys.argv[2])
"""
IN_Q3 = "from pipelines.periods import Quarter; quarter = Quarter(2026, 3)\n"
INGEST = IN_Q3 + "from pipelines.ingest.run import ingest_unit; ingest_unit('BID-PPKK', quarter)"
INDICATORS = IN_Q3 + "from pipelines.indicators.build import build_indicators; build_indicators(quarter)"
PUBLISH = IN_Q3 + "from pipelines.publish.delivery import publish_and_deliver; publish_and_deliver(quarter)"


def run(root: Path, code: str, smtp_port: int = 0, killed_at: str | None = None) -> None:
    env = {**os.environ, "MONEV_DATA_ROOT": str(root), "MONEV_VALIDATION_WORKERS": "1",
           "MONEV_REPORT_RECIPIENTS": "biro.organisasi@reformasi.example.go.id",
           "AIRFLOW_CONN_MONEV_SMTP": f"smtp://127.0.0.1:{smtp_port}?disable_tls=true"}  # fmt: skip
    command = [sys.executable, "-c", KILLED_AT, killed_at, code] if killed_at else [sys.executable, "-c", code]
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    expected = -signal.SIGKILL if killed_at else 0
    assert result.returncode == expected, f"exit {result.returncode}, expected {expected}:\n{result.stderr[-3000:]}"


def outcome(root: Path) -> dict:
    return {"tables": tables(root), "catalog": catalog(root), "releases": sorted(
        path.name for path in (root / "releases" / "2026-Q3").glob("v*"))}  # fmt: skip


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("samples")
    write_samples(Quarter(2026, 3), rows=350, root=DataRoot(str(root)))
    return root


@pytest.fixture(scope="module")
def indicators_built(tmp_path_factory, samples) -> Path:
    """BID-PPKK loaded and the quarter's indicators built, ready to publish (the deadline has passed)."""
    root = tmp_path_factory.mktemp("built") / "data"
    shutil.copytree(samples, root)
    run(root, INGEST)
    run(root, INDICATORS)
    return root


def fresh_copy(source: Path, tmp_path: Path, name: str) -> Path:
    shutil.copytree(source, tmp_path / name)
    return tmp_path / name


@pytest.mark.parametrize("killed_at", ["pipelines.runstate.received_files.record_delivery",
                                       "pipelines.runstate.received_files.record_load"])  # fmt: skip
def test_ingest_killed_between_its_writes_then_rerun_equals_one_clean_run(samples, tmp_path, killed_at):
    clean, crashed = fresh_copy(samples, tmp_path, "clean"), fresh_copy(samples, tmp_path, "crashed")
    run(clean, INGEST)
    run(crashed, INGEST, killed_at=killed_at)
    run(crashed, INGEST)
    expected, got = outcome(clean), outcome(crashed)
    assert any("unit_code=BID-PPKK" in path for path in expected["tables"])
    assert got["catalog"] == expected["catalog"]
    assert got["tables"] == expected["tables"]


@pytest.mark.parametrize("killed_at", ["pipelines.runstate.release_log.record_release",
                                       "pipelines.publish.delivery.release_message"])  # fmt: skip
def test_publish_killed_between_sealing_and_delivering_then_rerun_sends_one_release_once(
    indicators_built, tmp_path, killed_at
):
    clean, crashed = fresh_copy(indicators_built, tmp_path, "clean"), fresh_copy(indicators_built, tmp_path, "crashed")
    with smtp_server() as (clean_inbox, port):
        run(clean, PUBLISH, port)
    with smtp_server() as (inbox, port):
        run(crashed, PUBLISH, port, killed_at=killed_at)
        assert inbox.messages == []
        run(crashed, PUBLISH, port)
    expected, got = outcome(clean), outcome(crashed)
    assert expected["releases"] == ["v1"] and len(clean_inbox.messages) == 1
    assert got["releases"] == ["v1"]
    assert len(inbox.messages) == 1
    assert got["catalog"] == expected["catalog"]
