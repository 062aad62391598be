"""A unit learns each delivery's verdict by e-mail, once per file and verdict, with what to fix."""

from __future__ import annotations

import pytest

from pipelines.ingest.run import ingest_unit
from pipelines.notify.unit_notices import NoticesFailed, send_delivery_notices
from pipelines.runstate.received_files import ingest_log
from tests.support.smtp_server import smtp_server
from tests.test_ingest import DIRTY_ROWS, FILLER_ROWS, GOOD_ROWS, HEADER, drop

SMTP_CONNECTION = "smtp://127.0.0.1:{port}?from_email=monev%40disnakertrans.jatimprov.go.id&disable_tls=true"
CONTACT = "admin.bid-ppkk@disnakertrans.example"
DATA_TEAM = "data-team@example.org"


@pytest.fixture
def mailbox(monkeypatch):
    with smtp_server() as (inbox, port):
        monkeypatch.setenv("AIRFLOW_CONN_MONEV_SMTP", SMTP_CONNECTION.format(port=port))
        monkeypatch.setenv("MONEV_ALERT_RECIPIENTS", DATA_TEAM)
        yield inbox


def delivered(data_root, name: str, rows: list[str]) -> list[int]:
    drop(data_root, "BID-PPKK", name, HEADER + "\n".join(rows) + "\n")
    ingest_unit("BID-PPKK")
    return [entry["file_id"] for entry in ingest_log() if entry["file_name"] == name]


def test_a_partly_quarantined_file_gets_its_problems_and_the_workbook(data_root, mailbox):
    file_ids = delivered(data_root, "layanan_2026Q3.csv", GOOD_ROWS + DIRTY_ROWS + FILLER_ROWS)
    send_delivery_notices(file_ids)
    [message] = mailbox.messages
    assert message["To"] == CONTACT and message["Cc"] == DATA_TEAM
    assert message["Subject"] == "[Monev ZI] Umpan balik data BID-PPKK: layanan_2026Q3.csv sebagian"
    body = message.get_body(("plain",)).get_content()
    assert "Hasil         : SEBAGIAN" in body
    assert "baris 6, kolom \"Tgl Masuk\" = '31/02/2026': Bukan tanggal yang valid." in body
    assert "baris 7: Baris ganda." in body
    assert "Siti Rahayu" not in body and "3578011203900005" not in body
    [workbook] = [part for part in message.iter_attachments()]
    assert workbook.get_filename() == "umpan_balik_BID-PPKK_2026-Q3.xlsx"
    assert workbook.get_content()[:2] == b"PK"


def test_each_file_and_verdict_is_told_once_however_many_runs_look_at_it(data_root, mailbox, quarter):
    file_ids = delivered(data_root, "layanan_2026Q3.csv", GOOD_ROWS + DIRTY_ROWS + FILLER_ROWS)
    send_delivery_notices(file_ids)
    ingest_unit("BID-PPKK", quarter)  # the quarter rebuilt: the file judged again, the same verdict
    assert send_delivery_notices(file_ids) == []
    assert len(mailbox.messages) == 1


def test_a_clean_file_gets_a_short_receipt_without_attachments(data_root, mailbox):
    send_delivery_notices(delivered(data_root, "layanan_2026Q3.csv", GOOD_ROWS + FILLER_ROWS))
    [message] = mailbox.messages
    assert message["Subject"] == "[Monev ZI] Tanda terima data BID-PPKK: layanan_2026Q3.csv diterima"
    assert "Semua baris masuk ke data monev" in message.get_content()
    assert not list(message.iter_attachments())


def test_a_file_rejected_unread_says_why(data_root, mailbox):
    data_root.write_bytes(b"\x00\x01binary\x02" * 50, "landing", "BID-PPKK", "layanan_2026Q3.csv")
    ingest_unit("BID-PPKK")
    send_delivery_notices(entry["file_id"] for entry in ingest_log())
    [message] = mailbox.messages
    assert message["Subject"].endswith("layanan_2026Q3.csv ditolak")
    assert "Hasil         : DITOLAK" in message.get_content()
    assert "1. Berkas tidak dapat dipakai." in message.get_content()
    assert "Keterangan teknis: BID-PPKK/layanan_2026Q3.csv" in message.get_content()


def test_a_failed_send_is_tried_again_by_the_next_run(data_root, monkeypatch):
    file_ids = delivered(data_root, "layanan_2026Q3.csv", GOOD_ROWS + DIRTY_ROWS + FILLER_ROWS)
    with smtp_server() as (_, port):
        closed = port
    monkeypatch.setenv("AIRFLOW_CONN_MONEV_SMTP", SMTP_CONNECTION.format(port=closed))
    with pytest.raises(NoticesFailed, match=r"BID-PPKK/layanan_2026Q3\.csv"):
        send_delivery_notices(file_ids)
    with smtp_server() as (inbox, port):
        monkeypatch.setenv("AIRFLOW_CONN_MONEV_SMTP", SMTP_CONNECTION.format(port=port))
        send_delivery_notices(file_ids)
    assert len(inbox.messages) == 1


def test_without_a_connection_the_notice_goes_to_the_outbox(data_root, monkeypatch):
    monkeypatch.delenv("AIRFLOW_CONN_MONEV_SMTP", raising=False)
    [file_id] = delivered(data_root, "layanan_2026Q3.csv", GOOD_ROWS + DIRTY_ROWS + FILLER_ROWS)
    [line] = send_delivery_notices([file_id])
    assert "written to" in line and data_root.exists("outbox", "units", "BID-PPKK", f"file{file_id}_partial.eml")


def test_a_file_with_too_many_bad_rows_says_so_in_indonesian(data_root, mailbox):
    send_delivery_notices(delivered(data_root, "layanan_2026Q3.csv", GOOD_ROWS + DIRTY_ROWS))
    body = mailbox.messages[0].get_body(("plain",)).get_content()
    assert "Hasil         : DITOLAK" in body
    assert "1. Berkas ditolak seluruhnya: 5 dari 9 barisnya bermasalah" in body
    assert "2. baris 6, kolom \"Tgl Masuk\" = '31/02/2026': Bukan tanggal yang valid." in body
