import numpy as np
import pandas as pd
import pytest

from pipelines.indicators.service import on_time_rate
from pipelines.indicators.unit_quarter import unit_indicators
from pipelines.indicators.workdays import holiday_calendar, working_days_between


def days(*texts):
    return np.array(texts, dtype="datetime64[D]")


def test_working_days_skip_weekend_and_independence_day():
    # Friday 14 August 2026 → Tuesday 18 August: Saturday, Sunday and Monday 17 August are off.
    holidays = holiday_calendar(2026)
    assert working_days_between(days("2026-08-14"), days("2026-08-18"), holidays).tolist() == [1]
    assert working_days_between(days("2026-08-14"), days("2026-08-14"), holidays).tolist() == [0]


def test_collective_leave_from_the_library_is_not_a_working_day():
    holidays = holiday_calendar(2026)
    assert np.datetime64("2026-12-24") in holidays  # cuti bersama Natal
    assert np.datetime64("2026-12-25") in holidays


def service_log(rows):
    frame = pd.DataFrame(rows, columns=["received_date", "completed_date", "status", "sla_days"])
    frame["received_date"] = pd.to_datetime(frame["received_date"])
    frame["completed_date"] = pd.to_datetime(frame["completed_date"])
    return frame


def test_on_time_rate_counts_completed_services_within_their_limit():
    log = service_log(
        [
            ("2026-08-14", "2026-08-18", "selesai", 1),  # 1 working day: on time
            ("2026-08-14", "2026-08-19", "selesai", 1),  # 2 working days: late
            ("2026-08-03", "2026-08-03", "selesai", 0),  # same day: on time
            ("2026-08-03", None, "proses", 1),  # not completed: not judged
        ]
    )
    rate, judged = on_time_rate(log, holiday_calendar(2026))
    assert judged == 3
    assert rate == pytest.approx(200 / 3)


def test_a_unit_without_data_gets_no_values_rather_than_zeros():
    empty = service_log([])
    assert unit_indicators(empty, pd.DataFrame(), holiday_calendar(2026), "exact") == []
