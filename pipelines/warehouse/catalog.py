"""The catalog: every file received, how it loaded, watermarks of incremental sources, and every
release with its deliveries.

SQLAlchemy Core on a SQLite file under the data root by default; any SQLAlchemy URL
(PostgreSQL in production) through MONEV_CATALOG_URL.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BigInteger,
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
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import DatabaseError, IntegrityError

from pipelines.settings import TIMEZONE, get_settings

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

JUDGED = ("received", "accepted", "partial", "rejected")
"""Statuses of files a partition rebuild looks at (a rejected file's rows go to quarantine again)."""


def _aware(moment: datetime) -> datetime:
    """SQLite hands timestamps back without their zone; every one the catalog writes is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class ReceivedFile:
    id: int
    unit_code: str
    source: str
    dataset: str | None
    file_name: str
    sha256: str
    raw_path: str
    status: str
    message: str
    received_at: datetime

    @property
    def delivered_on(self) -> date:
        """The day (Jakarta time) the file arrived: no row of it can describe a later day."""
        moment = _aware(self.received_at)
        return moment.astimezone(ZoneInfo(TIMEZONE)).date()


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


def _row(row) -> ReceivedFile:
    return ReceivedFile(
        row.id,
        row.unit_code,
        row.source,
        row.dataset,
        row.file_name,
        row.sha256,
        row.raw_path,
        row.status,
        row.message,
        row.received_at,
    )


def known_delivery(unit_code: str, source: str, file_name: str, sha256: str) -> bool:
    """This exact file (same name, same bytes) was received before: nothing new to do."""
    query = select(received_file.c.id).where(
        received_file.c.unit_code == unit_code,
        received_file.c.source == source,
        received_file.c.file_name == file_name,
        received_file.c.sha256 == sha256,
    )
    with engine().connect() as connection:
        return connection.execute(query.limit(1)).first() is not None


def record_delivery(
    unit_code: str,
    source: str,
    dataset: str | None,
    file_name: str,
    sha256: str,
    size: int,
    raw_path: str,
    status: str,
    message: str = "",
) -> ReceivedFile:
    """Add a received file; an earlier file of the same name from the same source is replaced by it."""
    with engine().begin() as connection:
        new_id = connection.execute(
            insert(received_file).values(
                unit_code=unit_code,
                source=source,
                dataset=dataset,
                file_name=file_name,
                sha256=sha256,
                size_bytes=size,
                raw_path=raw_path,
                received_at=datetime.now(UTC),
                status=status,
                message=message,
            )
        ).inserted_primary_key[0]
        if status != "duplicate":
            connection.execute(
                update(received_file)
                .where(
                    received_file.c.unit_code == unit_code,
                    received_file.c.source == source,
                    received_file.c.file_name == file_name,
                    received_file.c.id != new_id,
                    received_file.c.replaced_by.is_(None),
                )
                .values(replaced_by=new_id)
            )
        row = connection.execute(select(received_file).where(received_file.c.id == new_id)).one()
    return _row(row)


def loaded_sha(unit_code: str, sha256: str) -> ReceivedFile | None:
    """A live (not replaced) file of the unit with these bytes, if any: the same bytes again add nothing."""
    query = select(received_file).where(
        received_file.c.unit_code == unit_code,
        received_file.c.sha256 == sha256,
        received_file.c.status != "duplicate",
        received_file.c.replaced_by.is_(None),
    )
    with engine().connect() as connection:
        row = connection.execute(query.order_by(received_file.c.id).limit(1)).first()
    return _row(row) if row else None


def files_to_load(unit_code: str) -> list[ReceivedFile]:
    """Files received but not loaded yet."""
    query = select(received_file).where(received_file.c.unit_code == unit_code, received_file.c.status == "received")
    with engine().connect() as connection:
        return [_row(row) for row in connection.execute(query.order_by(received_file.c.id))]


def quarters_of_replaced(file_ids: Iterable[int]) -> set[tuple[int, int, str]]:
    """(year, quarter, dataset) that files replaced by `file_ids` had loaded rows into (their rows must go)."""
    query = (
        select(file_load.c.year, file_load.c.quarter, received_file.c.dataset)
        .join(received_file, file_load.c.file_id == received_file.c.id)
        .where(received_file.c.replaced_by.in_(list(file_ids)))
        .distinct()
    )
    with engine().connect() as connection:
        return {(row.year, row.quarter, row.dataset) for row in connection.execute(query)}


def live_files(unit_code: str, year: int, quarter: int) -> list[ReceivedFile]:
    """Files whose rows belong in the unit's partition of the quarter, oldest first."""
    query = (
        select(received_file)
        .join(file_load, file_load.c.file_id == received_file.c.id)
        .where(
            received_file.c.unit_code == unit_code,
            received_file.c.status.in_(JUDGED),
            received_file.c.replaced_by.is_(None),
            file_load.c.year == year,
            file_load.c.quarter == quarter,
        )
        .order_by(received_file.c.id)
    )
    with engine().connect() as connection:
        return [_row(row) for row in connection.execute(query)]


def set_file_quarters(file_id: int, quarters: Iterable[tuple[int, int]]) -> None:
    with engine().begin() as connection:
        connection.execute(delete(file_load).where(file_load.c.file_id == file_id))
        rows = [{"file_id": file_id, "year": year, "quarter": quarter} for year, quarter in sorted(set(quarters))]
        if rows:
            connection.execute(insert(file_load), rows)


def record_load(file_id: int, year: int, quarter: int, rows_read: int, accepted: int, quarantined: int) -> None:
    with engine().begin() as connection:
        connection.execute(
            update(file_load)
            .where(file_load.c.file_id == file_id, file_load.c.year == year, file_load.c.quarter == quarter)
            .values(rows_read=rows_read, rows_accepted=accepted, rows_quarantined=quarantined)
        )


def set_status(file_id: int, status: str, message: str = "") -> None:
    with engine().begin() as connection:
        connection.execute(
            update(received_file).where(received_file.c.id == file_id).values(status=status, message=message)
        )


def watermark(unit_code: str, source: str) -> str | None:
    query = select(source_watermark.c.value).where(
        source_watermark.c.unit_code == unit_code, source_watermark.c.source == source
    )
    with engine().connect() as connection:
        return connection.execute(query).scalar_one_or_none()


def set_watermark(unit_code: str, source: str, value: str) -> None:
    with engine().begin() as connection:
        done = connection.execute(
            update(source_watermark)
            .where(source_watermark.c.unit_code == unit_code, source_watermark.c.source == source)
            .values(value=value, updated_at=datetime.now(UTC))
        )
        if done.rowcount == 0:
            connection.execute(
                insert(source_watermark).values(
                    unit_code=unit_code, source=source, value=value, updated_at=datetime.now(UTC)
                )
            )


INGEST_LOG_COLUMNS = (
    "file_id", "unit_code", "source", "dataset", "file_name", "sha256", "size_bytes", "received_at",
    "rows_read", "rows_accepted", "rows_quarantined", "status", "message", "replaced_by",
)  # fmt: skip


def ingest_log(file_ids: Iterable[int] | None = None) -> list[dict]:
    """One row per received file with its load counts summed over the quarters it touched."""
    counts = (
        select(
            file_load.c.file_id,
            func.sum(file_load.c.rows_read).label("rows_read"),
            func.sum(file_load.c.rows_accepted).label("rows_accepted"),
            func.sum(file_load.c.rows_quarantined).label("rows_quarantined"),
        )
        .group_by(file_load.c.file_id)
        .subquery()
    )
    query = (
        select(
            received_file.c.id.label("file_id"),
            *(received_file.c[name] for name in INGEST_LOG_COLUMNS[1:8]),
            func.coalesce(counts.c.rows_read, 0).label("rows_read"),
            func.coalesce(counts.c.rows_accepted, 0).label("rows_accepted"),
            func.coalesce(counts.c.rows_quarantined, 0).label("rows_quarantined"),
            received_file.c.status,
            received_file.c.message,
            received_file.c.replaced_by,
        )
        .outerjoin(counts, counts.c.file_id == received_file.c.id)
        .order_by(received_file.c.id)
    )
    if file_ids is not None:
        query = query.where(received_file.c.id.in_(list(file_ids)))
    with engine().connect() as connection:
        return [dict(row._mapping) for row in connection.execute(query)]


def mark_refreshed(stage: str, year: int, quarter: int, at: datetime) -> None:
    """Note that a stage rewrote a quarter: facts when loaded, indicators as of the moment they read the facts.

    Only a later moment is kept, so parallel loads of several units never move it back.
    """
    key = (quarter_refresh.c.year == year) & (quarter_refresh.c.quarter == quarter) & (quarter_refresh.c.stage == stage)
    for attempt in (1, 2):
        try:
            with engine().begin() as connection:
                connection.execute(
                    update(quarter_refresh).where(key, quarter_refresh.c.refreshed_at < at).values(refreshed_at=at)
                )
                if connection.execute(select(quarter_refresh.c.stage).where(key)).first() is None:
                    connection.execute(
                        insert(quarter_refresh).values(year=year, quarter=quarter, stage=stage, refreshed_at=at)
                    )
            return
        except IntegrityError:  # another process inserted the row first: update it on the second look
            if attempt == 2:
                raise


def refreshed_at(stage: str, year: int, quarter: int) -> datetime | None:
    query = select(quarter_refresh.c.refreshed_at).where(
        quarter_refresh.c.year == year, quarter_refresh.c.quarter == quarter, quarter_refresh.c.stage == stage
    )
    with engine().connect() as connection:
        moment = connection.execute(query).scalar()
    return _aware(moment) if moment else None


def latest_release(quarter: str) -> tuple[int, datetime] | None:
    """(version, sealed at) of the quarter's newest release, if it has one."""
    query = (
        select(release.c.version, release.c.sealed_at)
        .where(release.c.quarter == quarter)
        .order_by(release.c.version.desc())
        .limit(1)
    )
    with engine().connect() as connection:
        row = connection.execute(query).first()
    return (row.version, _aware(row.sealed_at)) if row else None


def record_release(quarter: str, version: int, location: str, fingerprint: str, sha256sums: str) -> None:
    """Note a sealed release; noting it again (a rerun after a crash) changes nothing."""
    key = (release.c.quarter == quarter) & (release.c.version == version)
    with engine().begin() as connection:
        if connection.execute(select(release.c.version).where(key)).first() is None:
            connection.execute(
                insert(release).values(
                    quarter=quarter, version=version, location=location, fingerprint=fingerprint,
                    sha256sums=sha256sums, sealed_at=datetime.now(UTC),
                )
            )  # fmt: skip


def _release_rows(table: Table, quarter: str | None) -> list[dict]:
    query = select(table).order_by(table.c.quarter, table.c.version)
    if quarter:
        query = query.where(table.c.quarter == quarter)
    with engine().connect() as connection:
        return [dict(row._mapping) for row in connection.execute(query)]


def releases(quarter: str | None = None) -> list[dict]:
    return _release_rows(release, quarter)


def _delivery_key(quarter: str, version: int, channel: str, target: str):
    return (
        (release_delivery.c.quarter == quarter)
        & (release_delivery.c.version == version)
        & (release_delivery.c.channel == channel)
        & (release_delivery.c.target == target)
    )


def delivery_status(quarter: str, version: int, channel: str, target: str) -> tuple[str, str, datetime] | None:
    """(status, message, when) of a release's delivery to a target, if one was attempted."""
    query = select(release_delivery.c.status, release_delivery.c.message, release_delivery.c.updated_at).where(
        _delivery_key(quarter, version, channel, target)
    )
    with engine().connect() as connection:
        row = connection.execute(query).first()
    return (row.status, row.message, row.updated_at) if row else None


def set_delivery(quarter: str, version: int, channel: str, target: str, status: str, message: str = "") -> None:
    values = {"status": status, "message": message, "updated_at": datetime.now(UTC)}
    with engine().begin() as connection:
        done = connection.execute(
            update(release_delivery).where(_delivery_key(quarter, version, channel, target)).values(**values)
        )
        if done.rowcount == 0:
            connection.execute(
                insert(release_delivery).values(
                    quarter=quarter, version=version, channel=channel, target=target, **values
                )
            )


def deliveries(quarter: str | None = None) -> list[dict]:
    return _release_rows(release_delivery, quarter)
