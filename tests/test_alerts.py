"""A pull that fails for good e-mails the data team through the monev_smtp Connection."""

from __future__ import annotations

import json
from typing import ClassVar

import pytest

from pipelines.alerts import on_pull_failure
from pipelines.sources import SourceError
from tests.airflow_cli import airflow_env, migrate
from tests.smtp_server import smtp_server

SMTP_CONNECTION = "smtp://127.0.0.1:{port}?from_email=monev%40disnakertrans.jatimprov.go.id&disable_tls=true"


class FakeTask:
    op_kwargs: ClassVar[dict] = {"unit_code": "UPT-P2TK", "source": "sipp"}


def test_failure_callback_mails_unit_source_and_error(monkeypatch):
    with smtp_server() as (inbox, port):
        monkeypatch.setenv("AIRFLOW_CONN_MONEV_SMTP", SMTP_CONNECTION.format(port=port))
        monkeypatch.setenv("MONEV_ALERT_RECIPIENTS", "data-team@example.org, oncall@example.org")
        error = SourceError("UPT-P2TK/sipp: could not read the unit's database: connection refused")
        on_pull_failure({"task": FakeTask(), "exception": error, "ti": None})
    [message] = inbox.messages
    assert message["Subject"] == "[monev] pull failed: UPT-P2TK / sipp"
    assert message["To"] == "data-team@example.org, oncall@example.org"
    assert "connection refused" in message.get_content()


def test_without_recipients_the_callback_only_logs(monkeypatch, caplog):
    monkeypatch.delenv("MONEV_ALERT_RECIPIENTS", raising=False)
    on_pull_failure({"task": FakeTask(), "exception": RuntimeError("x"), "ti": None})
    assert "MONEV_ALERT_RECIPIENTS is empty" in caplog.text


@pytest.mark.e2e
def test_broken_source_fails_alone_and_alerts_after_its_retries(tmp_path, config_dir):
    """Through `airflow dags test`: the dead API of one unit fails its pull; every unit still loads."""
    import subprocess

    from pipelines.periods import Quarter
    from pipelines.samples import write_samples
    from pipelines.storage import DataRoot
    from tests.airflow_cli import AIRFLOW

    config_dir(
        "UPT-BLK-SBY",
        {
            "kind": "http",
            "name": "survei",
            "conn_id": "skm_api",
            "dataset": "skm_response",
            "endpoint": "/api/v1/responses",
        },
    )
    data = tmp_path / "data"
    write_samples(Quarter(2026, 3), rows=700, root=DataRoot(str(data)))
    env = airflow_env(tmp_path / "airflow", data)
    migrate(env)
    with smtp_server() as (inbox, port):
        env.update(
            MONEV_CONFIG_DIR=str(tmp_path / "config"),
            MONEV_RETRY_DELAY_SECONDS="1",
            MONEV_ALERT_RECIPIENTS="data-team@example.org",
            AIRFLOW_CONN_MONEV_SMTP=SMTP_CONNECTION.format(port=port),
            AIRFLOW_CONN_SKM_API=json.dumps(
                {
                    "conn_type": "http",
                    "host": "http://127.0.0.1:9",
                    "password": "t",
                    "extra": {"retries": 0, "connect_timeout": 1},
                }
            ),
        )
        result = subprocess.run(
            [AIRFLOW, "dags", "test", "monev_ingest", "2026-10-10T07:00:00+07:00"],
            env=env, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
    log = result.stdout + result.stderr
    assert result.returncode != 0, "a failed pull must fail the run"
    [alert] = inbox.messages
    assert alert["Subject"] == "[monev] pull failed: UPT-BLK-SBY / survei"
    assert "UPT-BLK-SBY/survei: no answer from http://127.0.0.1:9/api/v1/responses" in alert.get_content()
    # The pull: its first try and two retries; then the summary, which fails the run on purpose.
    assert log.count("Task failed with exception") == 4
    assert "failed: pull UPT-BLK-SBY/survei; the other units and sources were loaded" in log
    for unit in ("BID-WAS", "UPT-BLK-SBY", "UPT-P2TK"):
        assert (data / "warehouse" / "service_log" / "year=2026" / "quarter=3" / f"unit_code={unit}").is_dir()
