"""A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.logins: list[str] = []
        """Users that authenticated with the server's password."""

    @property
    def releases(self) -> list[EmailMessage]:
        """The release e-mails to the reform office."""
        return [message for message in self.messages if message["Subject"].startswith("Rilis monev")]

    @property
    def unit_notices(self) -> list[EmailMessage]:
        """The verdicts of deliveries e-mailed to the units."""
        return [message for message in self.messages if message["Subject"].startswith("[Monev ZI] ")]

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server(password: str | None = None) -> Iterator[tuple[Inbox, int]]:
    """With `password`, the server offers AUTH (without TLS, on loopback) and accepts only that password."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()

    def authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
        accepted = isinstance(auth_data, LoginPassword) and auth_data.password.decode() == password
        if accepted:
            inbox.logins.append(auth_data.login.decode())
        return AuthResult(success=accepted)

    extra = {"authenticator": authenticate, "auth_require_tls": False} if password else {}
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **extra)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()
