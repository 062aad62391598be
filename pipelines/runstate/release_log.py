"""Every sealed release of a quarter, and each delivery of it (e-mail, copy to the publish location)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Table, insert, select

from pipelines.runstate.store import aware, engine, release, release_delivery, upsert


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
    return (row.version, aware(row.sealed_at)) if row else None


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
    key = {"quarter": quarter, "version": version, "channel": channel, "target": target}
    upsert(release_delivery, key, {"status": status, "message": message, "updated_at": datetime.now(UTC)})


def deliveries(quarter: str | None = None) -> list[dict]:
    return _release_rows(release_delivery, quarter)
