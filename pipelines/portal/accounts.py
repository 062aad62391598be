"""Portal accounts: unit staff (one unit each) and the data team, with argon2id password hashes.

Wrong passwords are counted per account and per client address; past the limits, logins are refused for a while
whatever the password, so guessing is slow and a locked account cannot be guessed open.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, insert, select, update

from pipelines.runstate.store import aware, engine, portal_account, portal_login_attempt

ROLES = ("unit", "data_team")
ROLE_LABELS = {"unit": "Petugas unit", "data_team": "Tim data"}
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
MIN_PASSWORD_LENGTH = 10
LOCK_WINDOW = timedelta(minutes=15)
FAILURES_PER_ACCOUNT = 5
FAILURES_PER_CLIENT = 20


class AccountError(ValueError):
    """A request about accounts that cannot be done; the message says why, in Indonesian."""


@dataclass(frozen=True)
class Account:
    username: str
    display_name: str
    role: str
    unit_code: str | None
    must_change_password: bool
    active: bool

    @property
    def is_data_team(self) -> bool:
        return self.role == "data_team"


class LoginLocked(Exception):
    """Too many wrong passwords lately; `until` says when logins are taken again."""

    def __init__(self, until: datetime) -> None:
        super().__init__(f"locked until {until:%H:%M} UTC")
        self.until = until


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


@cache
def _unknown_account_hash() -> str:
    """Checked against when the account does not exist, so a wrong name costs as long as a wrong password."""
    return _hasher().hash(secrets.token_urlsafe(16))


def _account(row) -> Account:
    return Account(row.username, row.display_name, row.role, row.unit_code, row.must_change_password, row.active)


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Kata sandi minimal {MIN_PASSWORD_LENGTH} karakter.")


def generated_password() -> str:
    """A one-time password the data team hands over; its owner must change it at first login."""
    return secrets.token_urlsafe(12)


def create_account(
    username: str,
    display_name: str,
    role: str,
    unit_code: str | None,
    password: str,
    must_change_password: bool = True,
) -> Account:
    from pipelines.registry import registry

    if not USERNAME_PATTERN.match(username):
        raise AccountError("Nama pengguna 3-64 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung.")
    if role not in ROLES:
        raise AccountError(f"Peran harus salah satu dari: {', '.join(ROLES)}.")
    if role == "unit" and unit_code not in registry().unit_codes:
        raise AccountError(f"Unit {unit_code!r} tidak ada di registri.")
    check_password_rules(password)
    if find_account(username) is not None:
        raise AccountError(f"Nama pengguna {username} sudah dipakai.")
    now = datetime.now(UTC)
    with engine().begin() as connection:
        connection.execute(
            insert(portal_account).values(
                username=username, display_name=display_name.strip() or username, role=role,
                unit_code=unit_code if role == "unit" else None, password_hash=_hasher().hash(password),
                must_change_password=must_change_password, active=True, created_at=now, updated_at=now,
            )
        )  # fmt: skip
    return find_account(username)


def find_account(username: str) -> Account | None:
    with engine().connect() as connection:
        row = connection.execute(select(portal_account).where(portal_account.c.username == username)).first()
    return _account(row) if row else None


def accounts() -> list[Account]:
    query = select(portal_account).order_by(
        portal_account.c.role, portal_account.c.unit_code, portal_account.c.username
    )
    with engine().connect() as connection:
        return [_account(row) for row in connection.execute(query)]


def _update(username: str, **values) -> None:
    with engine().begin() as connection:
        done = connection.execute(
            update(portal_account)
            .where(portal_account.c.username == username)
            .values(**values, updated_at=datetime.now(UTC))
        )
    if done.rowcount == 0:
        raise AccountError(f"Akun {username} tidak ada.")


def set_password(username: str, password: str, must_change: bool) -> None:
    """A new password (a reset by the data team sets `must_change`); the account's sessions end."""
    from pipelines.portal.sessions import end_sessions_of

    check_password_rules(password)
    _update(username, password_hash=_hasher().hash(password), must_change_password=must_change)
    end_sessions_of(username)


def set_active(username: str, active: bool) -> None:
    from pipelines.portal.sessions import end_sessions_of

    _update(username, active=active)
    if not active:
        end_sessions_of(username)


def _locked_until(username: str, client: str, now: datetime) -> datetime | None:
    """When logins for this account or from this client are taken again, if they are refused now."""
    since = now - LOCK_WINDOW
    with engine().connect() as connection:
        last_success = connection.execute(
            select(func.max(portal_login_attempt.c.at)).where(
                portal_login_attempt.c.username == username, portal_login_attempt.c.succeeded.is_(True)
            )
        ).scalar()
        account_since = max(since, aware(last_success)) if last_success else since
        failures = [
            connection.execute(
                select(func.count(), func.min(portal_login_attempt.c.at)).where(
                    condition, portal_login_attempt.c.succeeded.is_(False), portal_login_attempt.c.at > start
                )
            ).one()
            for condition, start in (
                (portal_login_attempt.c.username == username, account_since),
                (portal_login_attempt.c.client == client, since),
            )
        ]
    ends = [
        aware(oldest) + LOCK_WINDOW
        for (count, oldest), limit in zip(failures, (FAILURES_PER_ACCOUNT, FAILURES_PER_CLIENT), strict=True)
        if count >= limit
    ]
    return max(ends) if ends else None


def _note_attempt(username: str, client: str, succeeded: bool, now: datetime) -> None:
    with engine().begin() as connection:
        connection.execute(
            insert(portal_login_attempt).values(username=username, client=client, succeeded=succeeded, at=now)
        )


def authenticate(username: str, password: str, client: str) -> Account | None:
    """The account, when the password is right and it may log in; None otherwise. Raises LoginLocked."""
    now = datetime.now(UTC)
    username = username.strip().lower()[:64]
    locked = _locked_until(username, client, now)
    if locked:
        raise LoginLocked(locked)
    with engine().connect() as connection:
        row = connection.execute(select(portal_account).where(portal_account.c.username == username)).first()
    try:
        _hasher().verify(row.password_hash if row else _unknown_account_hash(), password)
        right = row is not None and row.active
    except (VerificationError, InvalidHashError):
        right = False
    _note_attempt(username, client, right, now)
    if not right:
        return None
    if _hasher().check_needs_rehash(row.password_hash):
        _update(username, password_hash=_hasher().hash(password))
    return _account(row)
