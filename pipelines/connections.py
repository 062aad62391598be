"""Airflow Connections, the one place secrets come from: the metadata DB or `AIRFLOW_CONN_<ID>`.

The environment is read first so the CLI and tests work without an Airflow API server.
"""

from __future__ import annotations

import os
from typing import Any


class MissingConnection(LookupError):
    """A source or delivery names an Airflow Connection that does not exist."""


def get_connection(conn_id: str) -> Any:
    from airflow.sdk import Connection

    value = os.environ.get(f"AIRFLOW_CONN_{conn_id.upper()}")
    if value:
        if value.lstrip().startswith("{"):
            return Connection.from_json(value, conn_id=conn_id)
        return Connection.from_uri(value, conn_id=conn_id)
    try:
        return Connection.get(conn_id)
    except Exception as error:  # outside a task, or not defined: say how to define it
        raise MissingConnection(
            f"Airflow Connection '{conn_id}' is not defined: add it in Admin → Connections "
            f"or set AIRFLOW_CONN_{conn_id.upper()}"
        ) from error
