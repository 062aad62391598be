"""A unit's service database: each pull takes the rows past the stored watermark.

The watermark advances only once the extract is safely in the raw zone and the catalog, so a
failed run pulls the same rows again.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import URL, create_engine, text

from pipelines.connections import get_connection
from pipelines.registry import SqlSource, Unit
from pipelines.runstate import received_files
from pipelines.settings import TIMEZONE
from pipelines.sources import Delivery, SourceError
from pipelines.storage import DataRoot

DRIVERS = {"postgres": "postgresql+psycopg", "postgresql": "postgresql+psycopg", "mysql": "mysql+pymysql"}
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")


def sqlalchemy_url(conn_id: str) -> str | URL:
    connection = get_connection(conn_id)
    if connection.conn_type == "sqlite":
        return f"sqlite:///{connection.host}"
    driver = DRIVERS.get(connection.conn_type)
    if driver is None:
        raise SourceError(
            f"Connection '{conn_id}' has type {connection.conn_type!r}; supported: sqlite, {', '.join(DRIVERS)}"
        )
    return URL.create(
        driver,
        username=connection.login or None,
        password=connection.password or None,
        host=connection.host or None,
        port=connection.port or None,
        database=connection.schema or None,
    )


def _encode_watermark(value: Any) -> str:
    if isinstance(value, datetime):
        return json.dumps({"type": "datetime", "value": value.isoformat()})
    if isinstance(value, date):
        return json.dumps({"type": "date", "value": value.isoformat()})
    if isinstance(value, int):
        return json.dumps({"type": "int", "value": value})
    return json.dumps({"type": "str", "value": str(value)})


def _decode_watermark(stored: str) -> Any:
    document = json.loads(stored)
    decoders = {"datetime": datetime.fromisoformat, "date": date.fromisoformat, "int": int, "str": str}
    return decoders[document["type"]](document["value"])


def _increment_query(source: SqlSource, has_watermark: bool) -> str:
    column = source.watermark_column
    if not _IDENTIFIER.match(column) or (source.table and not _IDENTIFIER.match(source.table)):
        raise SourceError(f"source {source.name}: table and watermark_column must be plain identifiers")
    base = source.query or f"SELECT * FROM {source.table}"
    condition = f" WHERE {column} > :watermark" if has_watermark else ""
    return f"SELECT * FROM ({base}) AS pulled{condition} ORDER BY {column}"


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    """The extract as UTF-8 CSV; timestamps with a zone are written in Jakarta local time (dates count there)."""
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.DatetimeTZDtype):
            frame[column] = frame[column].dt.tz_convert(TIMEZONE).dt.tz_localize(None)
    sink = io.StringIO()
    frame.to_csv(sink, index=False)
    return sink.getvalue().encode("utf-8")


def pull_sql(unit: Unit, source: SqlSource, root: DataRoot) -> Iterator[Delivery]:
    stored = received_files.watermark(unit.code, source.name)
    parameters = {"watermark": _decode_watermark(stored)} if stored else {}
    query = text(_increment_query(source, bool(stored)))
    engine = create_engine(sqlalchemy_url(source.conn_id))
    try:
        with engine.connect() as connection:
            frame = pd.read_sql_query(query, connection, params=parameters)
    except Exception as error:
        raise SourceError(f"{unit.code}/{source.name}: could not read the unit's database: {error}") from error
    finally:
        engine.dispose()
    if frame.empty:
        return
    last = frame[source.watermark_column].max()
    last = last.to_pydatetime() if isinstance(last, pd.Timestamp) else (last.item() if hasattr(last, "item") else last)
    first = frame[source.watermark_column].min()
    name = re.sub(r"[^0-9A-Za-z]+", "", f"{first}")[:14] + "-" + re.sub(r"[^0-9A-Za-z]+", "", f"{last}")[:14]
    yield Delivery(
        file_name=f"{source.name}_{name}.csv",
        data=_csv_bytes(frame),
        dataset=source.dataset,
        commit=lambda: received_files.set_watermark(unit.code, source.name, _encode_watermark(last)),
    )
