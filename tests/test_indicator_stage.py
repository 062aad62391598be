"""The indicator stage over a small warehouse: changes against the previous quarter, roll-ups, old partitions."""

import datetime as dt

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.indicators.build import build_indicators
from pipelines.indicators.change import with_change
from pipelines.periods import Quarter
from pipelines.warehouse.partitions import read_quarter, replace_partition
from pipelines.warehouse.query import connect
from pipelines.warehouse.schemas import FACT_TABLES, UNIT_QUARTER_INDICATORS

Q2, Q3 = Quarter(2026, 2), Quarter(2026, 3)


def write_service_log(root, quarter: Quarter, unit_code: str, received: int, completed: int) -> None:
    day = quarter.first_day + dt.timedelta(days=7)
    rows = [
        {"ticket_id": f"T{i}", "service_code": "PPKK-LPTKS", "received_date": day,
         "completed_date": day if i < completed else None, "status": "selesai" if i < completed else "proses",
         "channel": "online", "fee_paid": 0, "sla_days": 1, "official_tariff": 0, "person_key": None,
         "source_file": "f", "source_row": i + 2}
        for i in range(received)
    ]  # fmt: skip
    replace_partition(
        root, "warehouse", "service_log", quarter, unit_code, pa.Table.from_pylist(rows, FACT_TABLES["service_log"])
    )


def unit_value(root, quarter: Quarter, unit_code: str, code: str) -> dict:
    table = read_quarter(root, "warehouse", "unit_quarter_indicators", quarter, UNIT_QUARTER_INDICATORS).to_pandas()
    return table[(table["unit_code"] == unit_code) & (table["indicator_code"] == code)].iloc[0].to_dict()


def test_change_is_value_minus_previous_and_empty_without_one():
    current = pd.DataFrame({"unit_code": ["A", "A"], "indicator_code": ["x", "y"], "value": [5.0, 2.0]})
    previous = pd.DataFrame({"unit_code": ["A"], "indicator_code": ["x"], "value": [3.5]})
    changed = with_change(current, previous)
    assert changed["change"].tolist()[0] == 1.5
    assert pd.isna(changed["change"].tolist()[1])


def test_change_against_previous_quarter_and_refresh_when_that_quarter_is_rebuilt(data_root):
    write_service_log(data_root, Q2, "BID-PPKK", received=10, completed=8)
    write_service_log(data_root, Q3, "BID-PPKK", received=14, completed=14)
    build_indicators(Q2)
    build_indicators(Q3)
    assert unit_value(data_root, Q3, "BID-PPKK", "services_received")["change"] == 4.0
    assert unit_value(data_root, Q3, "BID-PPKK", "services_completed")["change"] == 6.0
    assert unit_value(data_root, Q3, "BID-PPKK", "on_time_rate")["change"] == 0.0

    write_service_log(data_root, Q2, "BID-PPKK", received=20, completed=20)  # Q2 corrected later
    build_indicators(Q2)
    assert unit_value(data_root, Q3, "BID-PPKK", "services_received")["change"] == -6.0


def test_rollups_pool_the_rows_of_the_agency_and_province(data_root):
    write_service_log(data_root, Q3, "BID-PPKK", received=10, completed=10)
    write_service_log(data_root, Q3, "UPT-P2TK", received=30, completed=0)
    build_indicators(Q3)
    rollups = (
        connect()
        .sql(
            "SELECT level, area_code, value, n FROM rollup_quarter_indicators "
            "WHERE year = 2026 AND quarter = 3 AND indicator_code = 'services_completed' ORDER BY level"
        )
        .fetchall()
    )
    assert rollups == [("agency", "DISNAKERTRANS-JATIM", 10.0, 40), ("province", "35", 10.0, 40)]
    on_time = (
        connect()
        .sql(
            "SELECT value, n FROM rollup_quarter_indicators "
            "WHERE level = 'province' AND indicator_code = 'on_time_rate'"
        )
        .fetchall()
    )
    assert on_time == [(100.0, 10)]  # judged on the 10 completed rows of both units, not an average of unit rates


def test_a_partition_written_before_the_change_column_still_reads(data_root):
    old_schema = pa.schema([field for field in UNIT_QUARTER_INDICATORS if field.name != "change"])
    folder = data_root.path("warehouse", "unit_quarter_indicators", "year=2026", "quarter=2", "unit_code=BID-PPKK")
    data_root.fs.create_dir(folder)
    old = pa.Table.from_pylist([{"indicator_code": "services_received", "value": 10.0, "n": 10}], old_schema)
    pq.write_table(old, f"{folder}/part-0.parquet")

    assert connect().sql("SELECT value, change FROM unit_quarter_indicators WHERE quarter = 2").fetchall() == [
        (10.0, None)
    ]
    write_service_log(data_root, Q3, "BID-PPKK", received=12, completed=12)
    build_indicators(Q3)
    assert unit_value(data_root, Q3, "BID-PPKK", "services_received")["change"] == 2.0
