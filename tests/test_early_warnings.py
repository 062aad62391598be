"""Early warnings reach the data team once per unit, indicator and quarter, whatever the number of rebuilds."""

from __future__ import annotations

import pyarrow as pa
import pytest

from pipelines.notify.early_warnings import send_early_warnings
from pipelines.periods import Quarter
from pipelines.warehouse.partitions import replace_partition
from pipelines.warehouse.schemas import UNIT_QUARTER_INDICATORS
from tests.support.smtp_server import smtp_server
from tests.test_unit_notices import SMTP_CONNECTION

Q2, Q3 = Quarter(2026, 2), Quarter(2026, 3)


def indicators(root, quarter: Quarter, unit_code: str, **values: float) -> None:
    rows = [{"indicator_code": code, "value": value, "category": None, "n": 100, "change": None}
            for code, value in values.items()]  # fmt: skip
    replace_partition(root, "warehouse", "unit_quarter_indicators", quarter, unit_code,
                      pa.Table.from_pylist(rows, schema=UNIT_QUARTER_INDICATORS))  # fmt: skip


@pytest.fixture
def team_inbox(monkeypatch):
    with smtp_server() as (inbox, port):
        monkeypatch.setenv("AIRFLOW_CONN_MONEV_SMTP", SMTP_CONNECTION.format(port=port))
        monkeypatch.setenv("MONEV_ALERT_RECIPIENTS", "tim.data@disnakertrans.example")
        yield inbox


def test_a_warning_is_sent_once_and_a_new_one_alone(data_root, team_inbox):
    indicators(data_root, Q2, "UPT-K3", ikm=81.5, ikm_ci95_low=80.0, ikm_ci95_high=83.0, on_time_rate=85.0)
    indicators(data_root, Q3, "UPT-K3", ikm=77.3, ikm_ci95_low=75.8, ikm_ci95_high=78.8, on_time_rate=84.0)
    indicators(data_root, Q2, "BID-WAS", on_time_rate=90.0)
    indicators(data_root, Q3, "BID-WAS", on_time_rate=88.0)
    assert send_early_warnings(Q3) == [
        "UPT-K3: Indeks Kepuasan Masyarakat (IKM) turun 4,20 poin (81,50 → 77,30), bermakna pada taraf 95%"
    ]
    assert send_early_warnings(Q3) == []  # the rerun of the same quarter
    [message] = team_inbox.messages
    assert message["To"] == "tim.data@disnakertrans.example"
    assert "UPT-K3 UPT Keselamatan Kerja: Indeks Kepuasan Masyarakat (IKM) turun 4,20 poin" in message.get_content()
    indicators(data_root, Q3, "BID-WAS", on_time_rate=70.0)  # a corrected file brings a new fall
    assert len(send_early_warnings(Q3)) == 1
    second = team_inbox.messages[1].get_content()
    assert "BID-WAS" in second and "UPT-K3" not in second


def test_without_a_connection_the_warnings_go_to_the_outbox(data_root, monkeypatch):
    monkeypatch.delenv("AIRFLOW_CONN_MONEV_SMTP", raising=False)
    indicators(data_root, Q2, "BID-WAS", on_time_rate=90.0)
    indicators(data_root, Q3, "BID-WAS", on_time_rate=70.0)
    [line] = send_early_warnings(Q3)
    assert "written to" in line and data_root.exists("outbox", "peringatan_dini_2026-Q3.eml")
