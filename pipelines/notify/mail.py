"""E-mail through the `monev_smtp` Airflow Connection: failure alerts and the quarterly release."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from pipelines.connections import MissingConnection, get_connection

SMTP_CONN_ID = "monev_smtp"
DEFAULT_SENDER = "monev@localhost"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _flag(extra: dict, name: str) -> bool:
    return str(extra.get(name, "")).lower() in ("1", "true", "yes")


@dataclass(frozen=True)
class Attachment:
    file_name: str
    data: bytes
    mediatype: str

    def attach_to(self, message: EmailMessage) -> None:
        maintype, subtype = self.mediatype.split("/", 1)
        message.add_attachment(self.data, maintype=maintype, subtype=subtype, filename=self.file_name)


def compose(
    subject: str,
    body: str,
    recipients: Sequence[str],
    sender: str,
    attachments: Sequence[Attachment] = (),
    message_id: str | None = None,
) -> EmailMessage:
    """The message as sent; a fixed Message-ID lets mail servers drop a repeat of the same release."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    if message_id:
        message["Message-ID"] = message_id
    message.set_content(body)
    for attachment in attachments:
        attachment.attach_to(message)
    return message


def smtp_connection() -> Any | None:
    """The `monev_smtp` Connection, or None where there is none (the embedded demo writes to its outbox instead)."""
    try:
        return get_connection(SMTP_CONN_ID)
    except MissingConnection:
        return None


def unit_recipients(contacts: Sequence[str], team: Sequence[str]) -> tuple[list[str], list[str]]:
    """(To, Cc) of a message to a unit: its contacts with the data team in copy, or the data team when the registry
    has no contact for it."""
    return (list(contacts), list(team)) if contacts else (list(team), [])


def sender_of(connection: Any) -> str:
    return connection.extra_dejson.get("from_email") or connection.login or DEFAULT_SENDER


def send_message(message: EmailMessage, connection: Any) -> None:
    """Send through the connection; its extra may set from_email, use_ssl, disable_tls, timeout."""
    extra = connection.extra_dejson
    timeout = float(extra.get("timeout", 30))
    port = connection.port or (465 if _flag(extra, "use_ssl") else 25)
    client_class = smtplib.SMTP_SSL if _flag(extra, "use_ssl") else smtplib.SMTP
    with client_class(connection.host, port, timeout=timeout) as client:
        if not _flag(extra, "use_ssl") and not _flag(extra, "disable_tls"):
            client.starttls(context=ssl.create_default_context())
        if connection.login and connection.password:
            client.login(connection.login, connection.password)
        client.send_message(message)


def send_mail(subject: str, body: str, recipients: Sequence[str], conn_id: str = SMTP_CONN_ID) -> EmailMessage:
    """A plain-text message (the failure alerts) through the named connection."""
    connection = get_connection(conn_id)
    message = compose(subject, body, recipients, sender_of(connection))
    send_message(message, connection)
    return message
