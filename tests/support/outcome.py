"""What a run leaves behind, read back for comparing a faulted run with a clean one."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
from sqlalchemy import create_engine, text


def tables(root: Path) -> dict[str, list[dict]]:
    """Every Parquet file of the warehouse and the quarantine, as sorted rows."""
    return {
        str(path.relative_to(root)): sorted(pq.read_table(path).to_pylist(), key=repr)
        for zone in ("warehouse", "quarantine")
        for path in sorted((root / zone).rglob("*.parquet"))
    }


def catalog(root: Path) -> dict[str, list[tuple]]:
    """The catalog's rows that do not depend on when the run happened."""
    with create_engine(f"sqlite:///{root}/catalog.sqlite").connect() as connection:
        return {
            "received": connection.execute(
                text("SELECT unit_code, file_name, status FROM received_file ORDER BY 1, 2, 3")
            ).fetchall(),
            "loads": connection.execute(
                text(
                    "SELECT f.unit_code, f.file_name, l.year, l.quarter, l.rows_read, l.rows_accepted, "
                    "l.rows_quarantined FROM file_load l JOIN received_file f ON f.id = l.file_id ORDER BY 1, 2, 3, 4"
                )
            ).fetchall(),
            "releases": connection.execute(text("SELECT quarter, version, fingerprint FROM release")).fetchall(),
            "deliveries": connection.execute(
                text("SELECT quarter, version, channel, status FROM release_delivery ORDER BY 3")
            ).fetchall(),
            "locks": connection.execute(text("SELECT * FROM run_lock")).fetchall(),
        }
