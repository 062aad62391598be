"""Server-side portal sessions: the cookie holds a random token; the catalog keeps only its SHA-256.

A session ends on logout, after a while idle, after a fixed lifetime, or when its account's password is reset or
the account is deactivated; an ended session's cookie is refused ever after (no replay). Each session has its own
CSRF token, which every form sends back.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select, update

from pipelines.portal.accounts import Account, find_account
from pipelines.runstate.store import aware, engine, portal_session
from pipelines.settings import portal_settings

TOUCH_AFTER = timedelta(seconds=60)
"""A session's last-seen time is written at most this often."""


@dataclass(frozen=True)
class Session:
    account: Account
    csrf_token: str

    def csrf_matches(self, sent: str | None) -> bool:
        return bool(sent) and hmac.compare_digest(sent.encode(), self.csrf_token.encode())


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(username: str) -> str:
    """A new session's cookie token."""
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    with engine().begin() as connection:
        connection.execute(
            insert(portal_session).values(
                token_sha256=_digest(token), username=username, csrf_token=secrets.token_urlsafe(32),
                created_at=now, last_seen_at=now, ended_at=None,
            )
        )  # fmt: skip
    return token


def current_session(token: str | None) -> Session | None:
    """The live session of a cookie token; None when there is none, it ended, or it ran out (it is then ended)."""
    if not token or len(token) > 128:
        return None
    settings = portal_settings()
    key = portal_session.c.token_sha256 == _digest(token)
    with engine().connect() as connection:
        row = connection.execute(select(portal_session).where(key)).first()
    if row is None or row.ended_at is not None:
        return None
    now = datetime.now(UTC)
    idle = now - aware(row.last_seen_at) > timedelta(minutes=settings.session_idle_minutes)
    if idle or now - aware(row.created_at) > timedelta(hours=settings.session_hours):
        _end(key, now)
        return None
    account = find_account(row.username)
    if account is None or not account.active:
        _end(key, now)
        return None
    if now - aware(row.last_seen_at) > TOUCH_AFTER:
        with engine().begin() as connection:
            connection.execute(update(portal_session).where(key).values(last_seen_at=now))
    return Session(account, row.csrf_token)


def _end(condition, now: datetime) -> None:
    with engine().begin() as connection:
        connection.execute(
            update(portal_session).where(condition, portal_session.c.ended_at.is_(None)).values(ended_at=now)
        )


def end_session(token: str) -> None:
    _end(portal_session.c.token_sha256 == _digest(token), datetime.now(UTC))


def end_sessions_of(username: str) -> None:
    _end(portal_session.c.username == username, datetime.now(UTC))
