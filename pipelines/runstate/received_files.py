"""Files received from the units, the quarters each loaded into, and the watermarks of incremental sources."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, insert, select, update

from pipelines.runstate.store import aware, engine, file_load, received_file, source_watermark, upsert
from pipelines.settings import TIMEZONE

JUDGED = ("received", "accepted", "partial", "rejected")
"""Statuses of files a partition rebuild looks at (a rejected file's rows go to quarantine again)."""


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
        moment = aware(self.received_at)
        return moment.astimezone(ZoneInfo(TIMEZONE)).date()


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


def file_quarters(file_id: int) -> list[tuple[int, int]]:
    """(year, quarter) of every quarter the file's rows were loaded into, oldest first."""
    query = (
        select(file_load.c.year, file_load.c.quarter)
        .where(file_load.c.file_id == file_id)
        .order_by(file_load.c.year, file_load.c.quarter)
    )
    with engine().connect() as connection:
        return [(row.year, row.quarter) for row in connection.execute(query)]


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
    upsert(
        source_watermark, {"unit_code": unit_code, "source": source}, {"value": value, "updated_at": datetime.now(UTC)}
    )


INGEST_LOG_COLUMNS = (
    "file_id", "unit_code", "source", "dataset", "file_name", "sha256", "size_bytes", "received_at",
    "rows_read", "rows_accepted", "rows_quarantined", "status", "message", "replaced_by",
)  # fmt: skip


def ingest_log(file_ids: Iterable[int] | None = None, unit_code: str | None = None) -> list[dict]:
    """One row per received file (of one unit, when given) with its load counts summed over the quarters it touched."""
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
    if unit_code is not None:
        query = query.where(received_file.c.unit_code == unit_code)
    with engine().connect() as connection:
        return [dict(row._mapping) for row in connection.execute(query)]


def latest_delivery_of(unit_code: str, file_name: str, sha256: str) -> int | None:
    """The id of the unit's newest record of this file (name and bytes), if the pull has taken it."""
    query = select(func.max(received_file.c.id)).where(
        received_file.c.unit_code == unit_code, received_file.c.file_name == file_name, received_file.c.sha256 == sha256
    )
    with engine().connect() as connection:
        return connection.execute(query).scalar()


def files_loaded_into(year: int, quarter: int) -> dict[str, int]:
    """Unit code → how many live files loaded rows into the quarter."""
    query = (
        select(received_file.c.unit_code, func.count(func.distinct(received_file.c.id)))
        .join(file_load, file_load.c.file_id == received_file.c.id)
        .where(file_load.c.year == year, file_load.c.quarter == quarter, received_file.c.replaced_by.is_(None))
        .group_by(received_file.c.unit_code)
    )
    with engine().connect() as connection:
        return dict(connection.execute(query).all())
