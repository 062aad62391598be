"""A reminder to a unit that has not sent (or not fixed) its data for a quarter, sent by the data team from the portal.

Each reminder is recorded with who sent it, so the admin view shows when a unit was last reminded.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, insert, select

from pipelines.notify.mail import (
    DEFAULT_SENDER,
    SMTP_CONN_ID,
    compose,
    send_message,
    sender_of,
    smtp_connection,
    unit_recipients,
)
from pipelines.notify.unit_notices import SIGNATURE
from pipelines.periods import Quarter
from pipelines.publish.cells import indonesian_time
from pipelines.registry import Unit
from pipelines.runstate.store import aware, engine, unit_reminder
from pipelines.settings import get_settings
from pipelines.storage import DataRoot


def reminder_text(unit: Unit, quarter: Quarter, reason: str, deadline: datetime) -> tuple[str, str]:
    subject = f"[Monev ZI] Pengingat data Triwulan {quarter.quarter} Tahun {quarter.year}: {unit.code}"
    body = "\n".join([
        f"Yth. Bapak/Ibu pengelola data {unit.name},",
        "",
        f"Data monev Zona Integritas unit Bapak/Ibu untuk Triwulan {quarter.quarter} Tahun {quarter.year} "
        f"belum lengkap: {reason}.",
        "",
        f"Mohon kirim atau perbaiki berkasnya melalui portal unit sebelum {indonesian_time(deadline)}. "
        "Setelah batas itu, rilis triwulan ini terbit dengan unit Bapak/Ibu ditandai \"belum lapor\".",
        "",
        SIGNATURE,
    ])  # fmt: skip
    return subject, body + "\n"


def send_reminder(unit: Unit, quarter: Quarter, reason: str, deadline: datetime, sent_by: str, root: DataRoot) -> str:
    """Send (or, without a `monev_smtp` connection, write to the outbox) and record; what happened, in Indonesian."""
    recipients, copied = unit_recipients(unit.contacts, get_settings().alert_recipients)
    if not recipients:
        return f"{unit.code} tidak punya alamat kontak di registri: pengingat tidak dikirim."
    subject, body = reminder_text(unit, quarter, reason, deadline)
    connection = smtp_connection()
    message = compose(subject, body, recipients, sender_of(connection) if connection else DEFAULT_SENDER)
    if copied:
        message["Cc"] = ", ".join(copied)
    now = datetime.now(UTC)
    if connection is None:
        outbox = ("outbox", "units", unit.code, f"pengingat_{quarter.label}_{now:%Y%m%dT%H%M%S}.eml")
        root.write_bytes(bytes(message), *outbox)
        outcome = f"Tidak ada koneksi '{SMTP_CONN_ID}': pengingat disimpan di {root.uri_of(*outbox)}."
    else:
        send_message(message, connection)
        outcome = f"Pengingat terkirim ke {', '.join(recipients)}."
    with engine().begin() as db:
        db.execute(
            insert(unit_reminder).values(
                unit_code=unit.code,
                quarter=str(quarter),
                sent_by=sent_by,
                recipients=", ".join(recipients),
                sent_at=now,
            )
        )
    return outcome


def last_reminders(quarter: Quarter) -> dict[str, datetime]:
    """Unit code → when it was last reminded about the quarter."""
    query = (
        select(unit_reminder.c.unit_code, func.max(unit_reminder.c.sent_at))
        .where(unit_reminder.c.quarter == str(quarter))
        .group_by(unit_reminder.c.unit_code)
    )
    with engine().connect() as connection:
        return {code: aware(moment) for code, moment in connection.execute(query)}
