"""E-mail through the `monev_smtp` Airflow Connection (alerts now, quarterly releases later)."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from pipelines.connections import get_connection

SMTP_CONN_ID = "monev_smtp"


def _flag(extra: dict, name: str) -> bool:
    return str(extra.get(name, "")).lower() in ("1", "true", "yes")


def send_mail(subject: str, body: str, recipients: list[str], conn_id: str = SMTP_CONN_ID) -> EmailMessage:
    """Send a plain-text message; the connection's extra may set from_email, use_ssl, disable_tls, timeout."""
    connection = get_connection(conn_id)
    extra = connection.extra_dejson
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = extra.get("from_email") or connection.login or "monev@localhost"
    message["To"] = ", ".join(recipients)
    message.set_content(body)
    timeout = float(extra.get("timeout", 30))
    port = connection.port or (465 if _flag(extra, "use_ssl") else 25)
    client_class = smtplib.SMTP_SSL if _flag(extra, "use_ssl") else smtplib.SMTP
    with client_class(connection.host, port, timeout=timeout) as client:
        if not _flag(extra, "use_ssl") and not _flag(extra, "disable_tls"):
            client.starttls(context=ssl.create_default_context())
        if connection.login and connection.password:
            client.login(connection.login, connection.password)
        client.send_message(message)
    return message
