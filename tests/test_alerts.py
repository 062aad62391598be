"""A pull that fails for good e-mails the data team through the monev_smtp Connection."""

from __future__ import annotations

import json
import re
from typing import ClassVar

import pytest

from pipelines.ingest.pull import PullsFailed
from pipelines.notify.alerts import on_pull_failure
from tests.support.airflow_cli import airflow_env, migrate
from tests.support.smtp_server import smtp_server

SMTP_CONNECTION = "smtp://127.0.0.1:{port}?from_email=monev%40disnakertrans.jatimprov.go.id&disable_tls=true"


class FakeTask:
    op_kwargs: ClassVar[dict] = {"unit_codes": ["UPT-K3", "UPT-P2TK"]}


def test_failure_callback_mails_each_failed_source_with_its_error(monkeypatch):
    failures = [
        {"unit_code": "UPT-P2TK", "source": "sipp",
         "error": "SourceError: UPT-P2TK/sipp: could not read the unit's database: connection refused"},
        {"unit_code": "UPT-K3", "source": "survei", "error": "SourceError: UPT-K3/survei: HTTP 500"},
    ]  # fmt: skip
    with smtp_server() as (inbox, port):
        monkeypatch.setenv("AIRFLOW_CONN_MONEV_SMTP", SMTP_CONNECTION.format(port=port))
        monkeypatch.setenv("MONEV_ALERT_RECIPIENTS", "data-team@example.org, oncall@example.org")
        on_pull_failure({"task": FakeTask(), "exception": PullsFailed(failures), "ti": None})
    first, second = inbox.messages
    assert first["Subject"] == "[monev] pull failed: UPT-P2TK / sipp"
    assert first["To"] == "data-team@example.org, oncall@example.org"
    assert "connection refused" in first.get_content()
    assert second["Subject"] == "[monev] pull failed: UPT-K3 / survei"
    assert "HTTP 500" in second.get_content()


def test_a_pull_task_that_failed_whole_alerts_for_each_of_its_units(monkeypatch):
    with smtp_server() as (inbox, port):
        monkeypatch.setenv("AIRFLOW_CONN_MONEV_SMTP", SMTP_CONNECTION.format(port=port))
        monkeypatch.setenv("MONEV_ALERT_RECIPIENTS", "data-team@example.org")
        on_pull_failure({"task": FakeTask(), "exception": MemoryError("out of memory"), "ti": None})
    assert [message["Subject"] for message in inbox.messages] == [
        "[monev] pull failed: UPT-K3 / (every source)",
        "[monev] pull failed: UPT-P2TK / (every source)",
    ]
    assert "MemoryError: out of memory" in inbox.messages[0].get_content()


def test_without_recipients_the_callback_only_logs(monkeypatch, caplog):
    monkeypatch.delenv("MONEV_ALERT_RECIPIENTS", raising=False)
    on_pull_failure({"task": FakeTask(), "exception": RuntimeError("x"), "ti": None})
    assert "MONEV_ALERT_RECIPIENTS is empty" in caplog.text


def http_source(conn_id: str) -> dict:
    return {"kind": "http", "name": "survei", "conn_id": conn_id, "dataset": "skm_response",
            "endpoint": "/api/v1/responses"}  # fmt: skip


def http_connection(base_url: str, **extra) -> str:
    return json.dumps({"conn_type": "http", "host": base_url, "password": "rahasia-token",
                       "extra": {"retries": 0, "connect_timeout": 1, **extra}})  # fmt: skip


@pytest.mark.e2e
def test_broken_sources_fail_alone_and_alert_after_their_retries(tmp_path, config_dir):
    """Through `airflow dags test`: a database down, an API refusing connections, one answering 500 and one
    too slow each fail while the other sources of their batch are pulled; after the pull task's retries each
    alerts the data team on its own, and every unit still loads."""
    import subprocess

    from pipelines.periods import Quarter
    from pipelines.samples.generate import write_samples
    from pipelines.storage import DataRoot
    from tests.support.airflow_cli import AIRFLOW
    from tests.support.few_units import keep_units
    from tests.support.http_server import SurveyApi, serve

    config_dir("UPT-P2TK", {"kind": "sql", "name": "sipp", "conn_id": "sipp_db", "dataset": "service_log",
                            "table": "layanan", "watermark_column": "updated_at"})  # fmt: skip
    for unit, conn_id in (("UPT-BLK-SBY", "api_refusing"), ("UPT-K3", "api_failing"), ("BID-WAS", "api_slow")):
        config_dir(unit, http_source(conn_id))
    keep_units(tmp_path / "config", ("BID-WAS", "UPT-K3", "BID-PPKK", "UPT-BLK-SBY", "UPT-P2TK"))
    data = tmp_path / "data"
    write_samples(Quarter(2026, 3), rows=700, root=DataRoot(str(data)))
    env = airflow_env(tmp_path / "airflow", data)
    migrate(env)
    failing, slow = SurveyApi(records=[], fail_first=10**6, failure_status=500), SurveyApi(records=[], delay=3)
    with smtp_server() as (inbox, port), serve(failing) as failing_url, serve(slow) as slow_url:
        env.update(
            MONEV_CONFIG_DIR=str(tmp_path / "config"),
            MONEV_RETRY_DELAY_SECONDS="1",
            MONEV_ALERT_RECIPIENTS="data-team@example.org",
            AIRFLOW_CONN_MONEV_SMTP=SMTP_CONNECTION.format(port=port),
            AIRFLOW_CONN_SIPP_DB="postgres://monev_reader@127.0.0.1:9/sipp",
            AIRFLOW_CONN_API_REFUSING=http_connection("http://127.0.0.1:9"),
            AIRFLOW_CONN_API_FAILING=http_connection(failing_url),
            AIRFLOW_CONN_API_SLOW=http_connection(slow_url, read_timeout=1),
        )
        result = subprocess.run(
            [AIRFLOW, "dags", "test", "monev_ingest", "2026-10-10T07:00:00+07:00"],
            env=env, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
    log = result.stdout + result.stderr
    assert result.returncode != 0, "a failed pull must fail the run"
    alerts = {message["Subject"]: message.get_content() for message in inbox.messages
              if message["Subject"].startswith("[monev] pull failed")}  # fmt: skip
    assert inbox.unit_notices, "the sources that did arrive were judged and their units told"
    assert sorted(alerts) == [f"[monev] pull failed: {unit} / {source}" for unit, source in (
        ("BID-WAS", "survei"), ("UPT-BLK-SBY", "survei"), ("UPT-K3", "survei"), ("UPT-P2TK", "sipp"))]  # fmt: skip
    assert "UPT-P2TK/sipp: could not read the unit's database" in alerts["[monev] pull failed: UPT-P2TK / sipp"]
    assert "no answer from http://127.0.0.1:9/api/v1/responses" in alerts["[monev] pull failed: UPT-BLK-SBY / survei"]
    assert "500" in alerts["[monev] pull failed: UPT-K3 / survei"]
    assert "timed out" in alerts["[monev] pull failed: BID-WAS / survei"].lower()
    # The batch's pull task: its first try and two retries; then the summary, which fails the run on purpose.
    assert log.count("Task failed with exception") == 3 + 1
    assert len(failing.requests) == 3 and len(slow.requests) == 3
    [summary] = re.findall(r"failed: (pull .*); the other units and sources were loaded", log)
    assert sorted(summary.split(", ")) == ["pull BID-WAS/survei", "pull UPT-BLK-SBY/survei", "pull UPT-K3/survei",
                                           "pull UPT-P2TK/sipp"]  # fmt: skip
    for unit in ("BID-WAS", "UPT-K3", "UPT-BLK-SBY", "UPT-P2TK", "BID-PPKK"):
        assert (data / "warehouse" / "service_log" / "year=2026" / "quarter=3" / f"unit_code={unit}").is_dir()
