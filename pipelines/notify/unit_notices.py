"""Each delivery's verdict e-mailed to its unit's contacts, with the data team in copy.

A rejected or partly quarantined file gets the verdict, its first problems and the quarter's feedback workbook
attached. A clean file the unit sent itself (a folder drop or the portal) gets a short receipt; a clean pull from
the unit's database or API does not (it would be one e-mail a day about nothing). Each (file, verdict) is sent
once, recorded in the catalog's unit_notice table, however many runs look at the file.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from email.message import EmailMessage

from sqlalchemy import select

from pipelines.datasets import DATASETS
from pipelines.notify.mail import (
    DEFAULT_SENDER,
    SMTP_CONN_ID,
    XLSX_TYPE,
    Attachment,
    compose,
    send_message,
    sender_of,
    smtp_connection,
    unit_recipients,
)
from pipelines.publish.cells import indonesian_size, indonesian_time
from pipelines.quality.delivery_verdict import (
    JUDGED,
    VERDICT_LABELS,
    DeliveryVerdict,
    delivery_verdict,
    feedback_workbooks,
    problem_lines,
)
from pipelines.registry import Unit, registry
from pipelines.runstate.received_files import ingest_log
from pipelines.runstate.store import aware, engine, unit_notice, upsert
from pipelines.settings import get_settings
from pipelines.storage import DataRoot, data_root

log = logging.getLogger(__name__)

TOP_PROBLEMS = 10
"""Problems an e-mail lists; the attached workbook has the rest."""
SIGNATURE = "Pesan ini dikirim otomatis oleh platform monev ZI. Mohon tidak membalas ke alamat ini."


class NoticesFailed(RuntimeError):
    """Some notices could not be sent; they are sent again by the next run."""


def wants_notice(unit: Unit, entry: dict) -> bool:
    """A judged file's problems always; a receipt only for what the unit sent itself."""
    if entry["status"] not in JUDGED:
        return False
    if entry["status"] != "accepted":
        return True
    try:
        return unit.source(entry["source"]).kind == "files"
    except KeyError:  # a source since removed from the registry
        return False


def notice_text(unit: Unit, verdict: DeliveryVerdict) -> tuple[str, str]:
    """Subject and body, in Indonesian."""
    entry = verdict.entry
    dataset = DATASETS[entry["dataset"]].label if entry["dataset"] in DATASETS else "tidak dikenali"
    clean = verdict.status == "accepted"
    kind = "Tanda terima" if clean else "Umpan balik"
    subject = f"[Monev ZI] {kind} data {unit.code}: {entry['file_name']} {verdict.label}"
    lines = [
        f"Yth. Bapak/Ibu pengelola data {unit.name},",
        "",
        "Berkas yang dikirim unit Bapak/Ibu sudah diperiksa oleh platform monev Zona Integritas.",
        "",
        f"Berkas        : {entry['file_name']} ({indonesian_size(entry['size_bytes'])})",
        f"Jenis data    : {dataset}",
        f"Diterima      : {indonesian_time(aware(entry['received_at']))}",
        f"Hasil         : {verdict.label.upper()}",
        f"Baris dibaca  : {entry['rows_read']}; masuk data monev: {entry['rows_accepted']}; "
        f"tidak masuk (karantina): {entry['rows_quarantined']}",
        "",
    ]
    if clean:
        lines.append("Semua baris masuk ke data monev. Terima kasih.")
    else:
        problems = problem_lines(verdict, TOP_PROBLEMS)
        lines.append(f"Masalah yang ditemukan ({len(problems)} pertama):" if problems else "Masalah yang ditemukan:")
        lines += [f"{number}. {problem}" for number, problem in enumerate(problems, start=1)]
        lines += [
            "",
            "Daftar lengkap ada di buku kerja umpan balik terlampir. Mohon perbaiki berkasnya, lalu kirim ulang "
            "dengan nama berkas yang sama melalui portal unit.",
        ]
    lines += ["", SIGNATURE]
    return subject, "\n".join(lines) + "\n"


def notice_message(unit: Unit, verdict: DeliveryVerdict, sender: str, root: DataRoot) -> EmailMessage:
    subject, body = notice_text(unit, verdict)
    recipients, copied = unit_recipients(unit.contacts, get_settings().alert_recipients)
    attachments = []
    if verdict.status != "accepted":
        attachments = [
            Attachment(parts[-1], root.read_bytes(*parts), XLSX_TYPE)
            for _, parts in feedback_workbooks(root, unit, verdict.quarters)
        ]
    domain = sender.rpartition("@")[2] or "localhost"
    message_id = f"<monev-zi-file{verdict.entry['file_id']}-{verdict.status}@{domain}>"
    message = compose(subject, body, recipients, sender, attachments, message_id)
    if copied:
        message["Cc"] = ", ".join(copied)
    return message


def _notice_status(file_id: int, verdict: str) -> str | None:
    query = select(unit_notice.c.status).where(unit_notice.c.file_id == file_id, unit_notice.c.verdict == verdict)
    with engine().connect() as connection:
        return connection.execute(query).scalar_one_or_none()


def _record(file_id: int, verdict: str, status: str, recipients: str, message: str = "") -> None:
    values = {"status": status, "recipients": recipients, "message": message, "updated_at": datetime.now(UTC)}
    upsert(unit_notice, {"file_id": file_id, "verdict": verdict}, values)


def send_delivery_notices(file_ids: Iterable[int], root: DataRoot | None = None) -> list[str]:
    """E-mail the verdict of each file not yet told; one line per file for the log.

    Without a `monev_smtp` connection the messages go to `outbox/units/` under the data root (the embedded demo)
    and nothing is recorded as sent. An attempt interrupted while sending is not repeated (it may have arrived).
    """
    root = root or data_root()
    connection = smtp_connection()
    units = registry()
    lines, failures = [], []
    for entry in ingest_log(sorted(set(file_ids))):
        if entry["unit_code"] not in units.unit_codes:
            continue
        unit, file_id = units.unit(entry["unit_code"]), entry["file_id"]
        if not wants_notice(unit, entry) or _notice_status(file_id, entry["status"]) in ("sent", "sending"):
            continue
        verdict = delivery_verdict(root, entry)
        place = f"{unit.code}/{entry['file_name']} ({VERDICT_LABELS[entry['status']]})"
        if connection is None:
            message = notice_message(unit, verdict, DEFAULT_SENDER, root)
            outbox = ("outbox", "units", unit.code, f"file{file_id}_{verdict.status}.eml")
            root.write_bytes(bytes(message), *outbox)
            lines.append(f"{place}: no '{SMTP_CONN_ID}' connection, written to {root.uri_of(*outbox)}")
            continue
        message = notice_message(unit, verdict, sender_of(connection), root)
        recipients = ", ".join(filter(None, (message["To"], message["Cc"])))
        if not recipients:
            lines.append(f"{place}: no contact in the registry and no MONEV_ALERT_RECIPIENTS, nothing sent")
            continue
        _record(file_id, verdict.status, "sending", recipients)
        try:
            send_message(message, connection)
        except Exception as error:
            _record(file_id, verdict.status, "failed", recipients, f"{type(error).__name__}: {error}")
            failures.append(f"{place}: {type(error).__name__}: {error}")
            continue
        _record(file_id, verdict.status, "sent", recipients, message["Message-ID"])
        lines.append(f"{place}: e-mailed to {recipients}")
    for line in lines:
        log.info("%s", line)
    if failures:
        raise NoticesFailed("could not e-mail the units about: " + "; ".join(failures))
    return lines
