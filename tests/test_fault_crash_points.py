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

import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipelines.periods import Quarter
from pipelines.samples.generate import write_samples
from pipelines.storage import DataRoot
from tests.support.outcome import catalog, tables
from tests.support.smtp_server import smtp_server
from tests.support.warm_process import WarmInterpreter, warm_interpreter

pytestmark = pytest.mark.e2e

Q3 = Quarter(2026, 3)
UNIT = "BID-PPKK"
IN_Q3 = "from pipelines.periods import Quarter; quarter = Quarter(2026, 3)\n"
INGEST = IN_Q3 + f"from pipelines.ingest.run import ingest_unit; ingest_unit({UNIT!r}, quarter)"
INDICATORS = IN_Q3 + "from pipelines.indicators.build import build_indicators; build_indicators(quarter)"
PUBLISH = IN_Q3 + "from pipelines.publish.delivery import publish_and_deliver; publish_and_deliver(quarter)"
RECIPIENTS = "biro.organisasi@reformasi.example.go.id"


def settings(root: Path, smtp_port: int = 0) -> dict[str, str]:
    return {"MONEV_DATA_ROOT": str(root), "MONEV_VALIDATION_WORKERS": "1", "MONEV_REPORT_RECIPIENTS": RECIPIENTS,
            "AIRFLOW_CONN_MONEV_SMTP": f"smtp://127.0.0.1:{smtp_port}?disable_tls=true"}  # fmt: skip


def killed(interpreter: WarmInterpreter, root: Path, code: str, killed_at: str, smtp_port: int = 0) -> None:
    """`code` in a process of its own, killed on reaching `killed_at`."""
    status, log = interpreter.run(code, settings(root, smtp_port), killed_at)
    assert status == -signal.SIGKILL, f"exit {status}, expected to be killed at {killed_at}:\n{log[-3000:]}"


def in_this_process(root: Path, code: str, smtp_port: int = 0) -> None:
    """A run that is not killed: the same code, here."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in settings(root, smtp_port).items():
            patch.setenv(name, value)
        exec(code, {})


def outcome(root: Path) -> dict:
    return {"tables": tables(root), "catalog": catalog(root), "releases": sorted(
        path.name for path in (root / "releases" / "2026-Q3").glob("v*"))}  # fmt: skip


@pytest.fixture(scope="module")
def interpreter(tmp_path_factory) -> Iterator[WarmInterpreter]:
    modules = ("great_expectations", "pipelines.ingest.run", "pipelines.publish.delivery")
    with warm_interpreter(tmp_path_factory.mktemp("killed_runs"), *modules) as warm:
        yield warm


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("samples")
    write_samples(Q3, rows=350, root=DataRoot(str(root)))
    return root


@pytest.fixture(scope="module")
def clean_ingest(tmp_path_factory, samples) -> dict:
    root = fresh_copy(samples, tmp_path_factory.mktemp("clean_ingest"), "data")
    in_this_process(root, INGEST)
    return outcome(root)


@pytest.fixture(scope="module")
def indicators_built(tmp_path_factory, samples) -> Path:
    """BID-PPKK loaded and the quarter's indicators built, ready to publish (the deadline has passed)."""
    root = fresh_copy(samples, tmp_path_factory.mktemp("built"), "data")
    in_this_process(root, INGEST)
    in_this_process(root, INDICATORS)
    return root


@pytest.fixture(scope="module")
def clean_publish(tmp_path_factory, indicators_built) -> dict:
    root = fresh_copy(indicators_built, tmp_path_factory.mktemp("clean_publish"), "data")
    with smtp_server() as (inbox, port):
        in_this_process(root, PUBLISH, port)
    assert len(inbox.messages) == 1
    return outcome(root)


def fresh_copy(source: Path, tmp_path: Path, name: str) -> Path:
    shutil.copytree(source, tmp_path / name)
    return tmp_path / name


@pytest.mark.parametrize("killed_at", ["pipelines.runstate.received_files.record_delivery",
                                       "pipelines.runstate.received_files.record_load"])  # fmt: skip
def test_ingest_killed_between_its_writes_then_rerun_equals_one_clean_run(
    interpreter, samples, clean_ingest, tmp_path, killed_at
):
    crashed = fresh_copy(samples, tmp_path, "crashed")
    killed(interpreter, crashed, INGEST, killed_at)
    in_this_process(crashed, INGEST)
    got = outcome(crashed)
    assert any(f"unit_code={UNIT}" in path for path in clean_ingest["tables"])
    assert got["catalog"] == clean_ingest["catalog"]
    assert got["tables"] == clean_ingest["tables"]


@pytest.mark.parametrize("killed_at", ["pipelines.runstate.release_log.record_release",
                                       "pipelines.publish.delivery.release_message"])  # fmt: skip
def test_publish_killed_between_sealing_and_delivering_then_rerun_sends_one_release_once(
    interpreter, indicators_built, clean_publish, tmp_path, killed_at
):
    crashed = fresh_copy(indicators_built, tmp_path, "crashed")
    with smtp_server() as (inbox, port):
        killed(interpreter, crashed, PUBLISH, killed_at, port)
        assert inbox.messages == []
        in_this_process(crashed, PUBLISH, port)
    got = outcome(crashed)
    assert clean_publish["releases"] == ["v1"]
    assert got["releases"] == ["v1"]
    assert len(inbox.messages) == 1
    assert got["catalog"] == clean_publish["catalog"]
