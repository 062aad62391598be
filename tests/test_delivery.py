"""A sealed release reaches the reform office once: by e-mail through a real SMTP server, and as a copy."""

from __future__ import annotations

import socket

import pytest

from pipelines.periods import Quarter
from pipelines.publish.delivery import DeliveryUncertain, copy_release, email_release, publish_and_deliver
from pipelines.publish.release import publish_release
from pipelines.runstate import release_log
from pipelines.storage import DataRoot
from tests.support.smtp_server import smtp_server
from tests.test_release import AFTER_DEADLINE, reported  # noqa: F401  (fixture)

SMTP_CONNECTION = "smtp://127.0.0.1:{port}?from_email=monev%40disnakertrans.jatimprov.go.id&disable_tls=true"
RECIPIENTS = "biro.organisasi@reformasi.example.go.id, inspektorat@reformasi.example.go.id"


@pytest.fixture
def sealed(reported, quarter, monkeypatch) -> Quarter:  # noqa: F811
    monkeypatch.setenv("MONEV_REPORT_RECIPIENTS", RECIPIENTS)
    publish_release(quarter, now=AFTER_DEADLINE)
    return quarter


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_release_arrives_once_with_its_workbook_and_pdf(sealed, monkeypatch):
    with smtp_server() as (inbox, port):
        monkeypatch.setenv("AIRFLOW_CONN_MONEV_SMTP", SMTP_CONNECTION.format(port=port))
        first = email_release(sealed, 1)
        again = email_release(sealed, 1)
    [message] = inbox.messages
    assert first.startswith("sent to") and again.startswith("already sent")
    assert message["To"] == RECIPIENTS
    assert message["Subject"] == "Rilis monev Zona Integritas Triwulan 3 Tahun 2026 (versi 1)"
    body = message.get_body(("plain",)).get_content()
    assert "Unit melapor: 1 dari 7; belum lapor:" in body and "releases/2026-Q3/v1" in body
    attachments = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
    assert set(attachments) == {"monev_zi_2026-Q3.xlsx", "laporan_monev_zi_2026-Q3.pdf"}
    assert attachments["laporan_monev_zi_2026-Q3.pdf"].startswith(b"%PDF")
    assert attachments["monev_zi_2026-Q3.xlsx"][:2] == b"PK"
    [delivery] = [row for row in release_log.deliveries("2026Q3") if row["channel"] == "email"]
    assert (delivery["status"], delivery["target"], delivery["message"]) == ("sent", RECIPIENTS, message["Message-ID"])


def test_a_retry_after_a_refused_connection_sends_exactly_once(sealed, monkeypatch):
    monkeypatch.setenv("AIRFLOW_CONN_MONEV_SMTP", SMTP_CONNECTION.format(port=free_port()))
    with pytest.raises(ConnectionRefusedError):
        email_release(sealed, 1)
    assert release_log.delivery_status("2026Q3", 1, "email", RECIPIENTS)[0] == "failed"
    with smtp_server() as (inbox, port):
        monkeypatch.setenv("AIRFLOW_CONN_MONEV_SMTP", SMTP_CONNECTION.format(port=port))
        email_release(sealed, 1)
        email_release(sealed, 1)
    assert len(inbox.messages) == 1


def test_an_interrupted_send_is_not_repeated_blindly(sealed, monkeypatch):
    release_log.set_delivery("2026Q3", 1, "email", RECIPIENTS, "sending")
    with smtp_server() as (inbox, port):
        monkeypatch.setenv("AIRFLOW_CONN_MONEV_SMTP", SMTP_CONNECTION.format(port=port))
        with pytest.raises(DeliveryUncertain, match="--resend"):
            email_release(sealed, 1)
        assert inbox.messages == []
        email_release(sealed, 1, resend=True)
    assert len(inbox.messages) == 1


def test_without_a_connection_the_message_goes_to_the_outbox(sealed, data_root, monkeypatch):
    monkeypatch.delenv("AIRFLOW_CONN_MONEV_SMTP", raising=False)
    outcome = email_release(sealed, 1)
    assert outcome.startswith("not sent") and data_root.exists("outbox", "2026-Q3_v1.eml")
    assert release_log.delivery_status("2026Q3", 1, "email", RECIPIENTS) is None


def test_the_copy_goes_to_the_publish_location_once(sealed, data_root, tmp_path):
    location = str(tmp_path / "portal")
    address = copy_release(sealed, 1, location)
    target = DataRoot(location)
    assert address.endswith("portal/2026-Q3/v1")
    assert target.list_files("2026-Q3", "v1") == data_root.list_files("releases", "2026-Q3", "v1")
    for name in target.list_files("2026-Q3", "v1"):
        assert target.read_bytes("2026-Q3", "v1", name) == data_root.read_bytes("releases", "2026-Q3", "v1", name)
    copy_release(sealed, 1, location)
    assert release_log.delivery_status("2026Q3", 1, "copy", location)[0] == "sent"


def test_the_copy_goes_to_object_storage(sealed, data_root):
    from tests.support.s3_server import create_bucket, s3_server

    with s3_server() as endpoint:
        create_bucket(endpoint, "portal")
        location = f"s3://portal/monev?endpoint_override={endpoint}&scheme=http"
        copy_release(sealed, 1, location)
        target = DataRoot(location)
        assert target.read_bytes("2026-Q3", "v1", "SHA256SUMS") == data_root.read_bytes(
            "releases", "2026-Q3", "v1", "SHA256SUMS"
        )


def test_publish_command_steps_publish_copy_and_mail(reported, quarter, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("MONEV_REPORT_RECIPIENTS", RECIPIENTS)
    monkeypatch.setenv("MONEV_PUBLISH_LOCATION", str(tmp_path / "portal"))
    with smtp_server() as (inbox, port):
        monkeypatch.setenv("AIRFLOW_CONN_MONEV_SMTP", SMTP_CONNECTION.format(port=port))
        first = publish_and_deliver(quarter)
        second = publish_and_deliver(quarter)
    assert first[0].startswith("release 2026Q3 v1 published")
    assert second[0].startswith("release 2026Q3 v1 unchanged")
    assert any(line.startswith("copy: ") for line in first) and second[-1].startswith("e-mail: already sent")
    assert len(inbox.messages) == 1


def test_an_smtp_server_refusing_fails_the_e_mail_alone(reported, quarter, tmp_path, monkeypatch):  # noqa: F811
    """The release is sealed and copied; only the e-mail fails, with its reason kept for the retry."""
    monkeypatch.setenv("MONEV_REPORT_RECIPIENTS", RECIPIENTS)
    monkeypatch.setenv("MONEV_PUBLISH_LOCATION", str(tmp_path / "portal"))
    monkeypatch.setenv("AIRFLOW_CONN_MONEV_SMTP", SMTP_CONNECTION.format(port=free_port()))
    with pytest.raises(ConnectionRefusedError):
        publish_and_deliver(quarter)
    assert [(row["quarter"], row["version"]) for row in release_log.releases()] == [("2026Q3", 1)]
    assert (tmp_path / "portal" / "2026-Q3" / "v1" / "SHA256SUMS").is_file()
    statuses = {row["channel"]: (row["status"], row["message"]) for row in release_log.deliveries("2026Q3")}
    assert statuses["copy"][0] == "sent"
    assert statuses["email"][0] == "failed" and "Connection refused" in statuses["email"][1]
