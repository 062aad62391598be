import datetime as dt

import numpy as np
import pandas as pd
import pytest

from pipelines.indicators.service import backlog_overdue, on_time_rate, online_share, processing_days_percentile
from pipelines.indicators.tariff import free_service_charged_count, overcharged_count, tariff_compliance_rate
from pipelines.indicators.unit_quarter import Facts, Method, unit_indicators
from pipelines.indicators.workdays import WorkCalendar, holiday_calendar, work_calendar, working_days_between


def days(*texts):
    return np.array(texts, dtype="datetime64[D]")


def test_working_days_skip_weekend_and_independence_day():
    # Friday 14 August 2026 → Tuesday 18 August: Saturday, Sunday and Monday 17 August are off.
    holidays = holiday_calendar(2026)
    assert working_days_between(days("2026-08-14"), days("2026-08-18"), holidays).tolist() == [1]
    assert working_days_between(days("2026-08-14"), days("2026-08-14"), holidays).tolist() == [0]


def test_a_standard_that_counts_the_day_of_receipt_adds_it_when_it_is_a_working_day():
    holidays = holiday_calendar(2026)
    counting = WorkCalendar(holidays, count_receipt_day=True)
    assert counting.days_between(days("2026-08-14"), days("2026-08-18")).tolist() == [2]  # Fri 14th counts
    assert counting.days_between(days("2026-08-14"), days("2026-08-14")).tolist() == [1]
    assert counting.days_between(days("2026-08-15"), days("2026-08-18")).tolist() == [1]  # Saturday does not
    assert WorkCalendar(holidays).days_between(days("2026-08-14"), days("2026-08-18")).tolist() == [1]


def test_the_receipt_day_is_a_setting(monkeypatch):
    log = service_log([("2026-08-14", "2026-08-19", "selesai", 2)])  # Fri → Wed over Mon 17th: 2 days, 3 with the 14th
    assert on_time_rate(log, work_calendar(2026)) == (100.0, 1)
    monkeypatch.setenv("MONEV_COUNT_RECEIPT_DAY", "true")
    assert on_time_rate(log, work_calendar(2026)) == (0.0, 1)
    monkeypatch.setenv("MONEV_COUNT_RECEIPT_DAY", "ya")
    with pytest.raises(ValueError, match="MONEV_COUNT_RECEIPT_DAY must be 'true' or 'false'"):
        work_calendar(2026)


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
    rate, judged = on_time_rate(log, WorkCalendar(holiday_calendar(2026)))
    assert judged == 3
    assert rate == pytest.approx(200 / 3)


def test_a_unit_without_data_gets_no_values_rather_than_zeros():
    empty = service_log([])
    facts = Facts(empty, pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), pd.DataFrame())
    assert unit_indicators(facts, Method(dt.date(2026, 9, 30), WorkCalendar(holiday_calendar(2026)))) == []


def test_processing_days_percentiles_interpolate_between_ranks():
    # Working days 0, 1, 2, 3 (14 Aug 2026 is a Friday; 17 Aug is Independence Day).
    log = service_log(
        [
            ("2026-08-14", "2026-08-14", "selesai", 5),
            ("2026-08-14", "2026-08-18", "selesai", 5),
            ("2026-08-14", "2026-08-19", "selesai", 5),
            ("2026-08-14", "2026-08-20", "selesai", 5),
            ("2026-08-14", None, "proses", 5),
        ]
    )
    calendar = WorkCalendar(holiday_calendar(2026))
    assert processing_days_percentile(log, calendar, 50) == (1.5, 4)
    assert processing_days_percentile(log, calendar, 90) == (pytest.approx(2.7), 4)


def test_backlog_counts_services_open_at_quarter_end_past_their_limit():
    log = service_log(
        [
            ("2026-09-01", None, "proses", 14),  # 21 working days open by 30 Sep: overdue
            ("2026-09-25", None, "proses", 14),  # 3 working days: within the limit
            ("2026-09-01", "2026-10-05", "selesai", 14),  # finished after the quarter: open on 30 Sep, overdue
            ("2026-09-01", "2026-09-10", "selesai", 14),  # finished inside the quarter: not open
            ("2026-09-01", None, "ditolak", 1),  # refused: not open
        ]
    )
    assert backlog_overdue(log, dt.date(2026, 9, 30), WorkCalendar(holiday_calendar(2026))) == (2, 3)


def test_online_share_among_known_channels():
    log = pd.DataFrame({"channel": ["online", "offline", "online", None]})
    share, known = online_share(log)
    assert (share, known) == (pytest.approx(200 / 3), 3)


def fees(rows):
    return pd.DataFrame(rows, columns=["fee_paid", "official_tariff"], dtype="Int64")


def test_tariff_integrity_flags_overcharges_and_fees_for_free_services():
    log = fees([(0, 0), (55000, 55000), (75000, 55000), (10000, 0), (None, 0), (50000, 55000)])
    assert tariff_compliance_rate(log) == (40.0, 5)
    assert overcharged_count(log) == (2, 5)
    assert free_service_charged_count(log) == (1, 2)


def test_tariff_indicators_without_recorded_fees_are_not_zero():
    assert tariff_compliance_rate(fees([(None, 0)])) == (None, 0)


def test_working_days_count_as_numpy_busday_count_does_for_any_pair_of_dates():
    """The running-count lookup gives numpy's own busday_count, ends before starts and missing dates included."""
    holidays = holiday_calendar(2026)
    rng = np.random.default_rng(7)
    start = np.datetime64("2025-12-01") + rng.integers(0, 500, 5_000).astype("timedelta64[D]")
    end = start + rng.integers(-40, 120, 5_000).astype("timedelta64[D]")
    start[::97], end[::89] = np.datetime64("NaT"), np.datetime64("NaT")
    missing = np.isnat(start) | np.isnat(end)
    safe_start, safe_end = np.where(missing, end, start), np.where(missing, start, end)
    safe_start, safe_end = (np.where(np.isnat(day), np.datetime64("2026-01-01"), day) for day in (safe_start, safe_end))
    for count_receipt_day, first in ((False, safe_start + 1), (True, safe_start)):
        expected = np.where(missing, -1, np.busday_count(first, safe_end + 1, holidays=holidays))
        found = working_days_between(start, end, holidays, count_receipt_day)
        assert found.tolist() == expected.tolist()
