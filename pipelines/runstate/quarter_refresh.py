"""When each stage last rewrote a quarter: facts by a load, indicators by a build."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from pipelines.runstate.store import aware, engine, quarter_refresh


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
    return aware(moment) if moment else None
