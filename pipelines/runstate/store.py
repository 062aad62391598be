"""The run-state database: its tables and its engine.

SQLAlchemy Core on a SQLite file under the data root by default; any SQLAlchemy URL (PostgreSQL in
production) through MONEV_CATALOG_URL.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from functools import cache

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    create_engine,
    event,
    insert,
    update,
)
from sqlalchemy.exc import DatabaseError

from pipelines.settings import get_settings

metadata = MetaData()

received_file = Table(
    "received_file",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("unit_code", String(64), nullable=False, index=True),
    Column("source", String(64), nullable=False),
    Column("dataset", String(32)),
    Column("file_name", String(512), nullable=False),
    Column("sha256", String(64), nullable=False, index=True),
    Column("size_bytes", BigInteger, nullable=False),
    Column("raw_path", String(1024), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("status", String(16), nullable=False),
    Column("message", Text, nullable=False, default=""),
    Column("replaced_by", Integer, ForeignKey("received_file.id")),
)

file_load = Table(
    "file_load",
    metadata,
    Column("file_id", Integer, ForeignKey("received_file.id"), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("quarter", Integer, primary_key=True),
    Column("rows_read", BigInteger, nullable=False, default=0),
    Column("rows_accepted", BigInteger, nullable=False, default=0),
    Column("rows_quarantined", BigInteger, nullable=False, default=0),
)

source_watermark = Table(
    "source_watermark",
    metadata,
    Column("unit_code", String(64), nullable=False),
    Column("source", String(64), nullable=False),
    Column("value", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("unit_code", "source"),
)

release = Table(
    "release",
    metadata,
    Column("quarter", String(8), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("location", String(1024), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("sha256sums", Text, nullable=False),
    Column("sealed_at", DateTime(timezone=True), nullable=False),
)

release_delivery = Table(
    "release_delivery",
    metadata,
    Column("quarter", String(8), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("channel", String(16), primary_key=True),  # email | copy
    Column("target", String(1024), primary_key=True),  # recipients, or the publish location
    Column("status", String(16), nullable=False),  # sending | sent | failed
    Column("message", Text, nullable=False, default=""),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

unit_notice = Table(
    "unit_notice",
    metadata,
    Column("file_id", Integer, ForeignKey("received_file.id"), primary_key=True),
    Column("verdict", String(16), primary_key=True),  # the file's status the notice told: accepted | partial | rejected
    Column("status", String(16), nullable=False),  # sending | sent | failed
    Column("recipients", Text, nullable=False),
    Column("message", Text, nullable=False, default=""),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# The unit portal: its accounts, sessions, login attempts, uploads and the reminders the data team sent.
portal_account = Table(
    "portal_account",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("display_name", String(256), nullable=False),
    Column("role", String(16), nullable=False),  # unit | data_team
    Column("unit_code", String(64)),  # a unit account's unit; empty for the data team
    Column("password_hash", String(256), nullable=False),  # argon2id
    Column("must_change_password", Boolean, nullable=False, default=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

portal_session = Table(
    "portal_session",
    metadata,
    Column("token_sha256", String(64), primary_key=True),  # the cookie's token is never stored
    Column("username", String(64), ForeignKey("portal_account.username"), nullable=False, index=True),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
)

portal_login_attempt = Table(
    "portal_login_attempt",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, index=True),
    Column("client", String(64), nullable=False, index=True),
    Column("succeeded", Boolean, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
)

portal_upload = Table(
    "portal_upload",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("unit_code", String(64), nullable=False, index=True),
    Column("username", String(64), nullable=False),
    Column("file_name", String(512), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    Column("uploaded_at", DateTime(timezone=True), nullable=False),
    Column("dag_run_id", String(256)),
    Column("trigger_error", Text, nullable=False, default=""),
)

unit_reminder = Table(
    "unit_reminder",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("unit_code", String(64), nullable=False, index=True),
    Column("quarter", String(8), nullable=False),
    Column("sent_by", String(64), nullable=False),
    Column("recipients", Text, nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=False),
)

early_warning = Table(
    "early_warning",
    metadata,
    Column("quarter", String(8), primary_key=True),
    Column("unit_code", String(64), primary_key=True),
    Column("indicator_code", String(64), primary_key=True),
    Column("reason", Text, nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=False),
)

quarter_refresh = Table(
    "quarter_refresh",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("quarter", Integer, primary_key=True),
    Column("stage", String(16), primary_key=True),  # facts | indicators
    Column("refreshed_at", DateTime(timezone=True), nullable=False),
)

run_lock = Table(
    "run_lock",
    metadata,
    Column("name", String(256), primary_key=True),  # e.g. "load UPT-K3", "release 2026Q3"
    Column("holder", String(256), nullable=False),  # host:pid
    Column("acquired_at", DateTime(timezone=True), nullable=False),
)


def upsert(table: Table, key: dict, values: dict) -> None:
    """Set `values` on the row with `key` (column → value), adding the row when there is none."""
    condition = and_(*(table.c[name] == value for name, value in key.items()))
    with engine().begin() as connection:
        if connection.execute(update(table).where(condition).values(**values)).rowcount == 0:
            connection.execute(insert(table).values(**key, **values))


def aware(moment: datetime) -> datetime:
    """SQLite hands timestamps back without their zone; every one the catalog writes is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def catalog_url() -> str:
    settings = get_settings()
    if settings.catalog_url:
        return settings.catalog_url
    if "://" in settings.data_root:
        raise ValueError("MONEV_DATA_ROOT is object storage: set MONEV_CATALOG_URL to the catalog database")
    return f"sqlite:///{settings.data_root}/catalog.sqlite"


@cache
def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        from pathlib import Path

        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 60})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record) -> None:  # parallel Airflow tasks share the file
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA foreign_keys=ON")
    else:
        engine = create_engine(url, pool_pre_ping=True)
    _create_tables(engine)
    return engine


def _create_tables(engine: Engine, attempts: int = 3) -> None:
    """Two processes starting on a new catalog race to create its tables; the loser finds them on a second look."""
    for attempt in range(1, attempts + 1):
        try:
            metadata.create_all(engine)
            return
        except DatabaseError:
            if attempt == attempts:
                raise
            time.sleep(0.2 * attempt)


def engine() -> Engine:
    return _engine(catalog_url())
