import datetime as dt

import pandas as pd
import pytest

from pipelines.indicators.complaints import (
    complaints_per_1000_services,
    handled_within_limit_rate,
    resolution_days_median,
    response_dates,
)
from pipelines.indicators.workdays import WorkCalendar, holiday_calendar

QUARTER_END = dt.date(2026, 9, 30)


def complaint_log(rows):
    """Rows of (received, responded, resolved[, status]); status "selesai" unless given."""
    dates = ["received_date", "responded_date", "resolved_date"]
    frame = pd.DataFrame([(*row, "selesai")[:4] for row in rows], columns=[*dates, "status"])
    return frame.astype({column: "datetime64[ns]" for column in dates})


def test_response_on_time_counts_working_days_across_independence_day():
    log = complaint_log(
        [
            # Fri 14 Aug → Fri 21 Aug: 17 Aug (Mon) is a holiday, so 4 working days: on time for 5.
            ("2026-08-14", "2026-08-21", None),
            # Fri 14 Aug → Mon 24 Aug: 5 working days, still on time.
            ("2026-08-14", "2026-08-24", None),
            # Fri 14 Aug → Wed 26 Aug: 6 working days (Tue 25 Aug, Maulid Nabi, is off too): late.
            ("2026-08-14", "2026-08-26", None),
        ]
    )
    rate, judged = handled_within_limit_rate(
        log, log["responded_date"], 5, QUARTER_END, WorkCalendar(holiday_calendar(2026))
    )
    assert judged == 3
    assert rate == pytest.approx(200 / 3)


def test_an_unanswered_complaint_counts_as_late_only_once_its_limit_has_passed():
    log = complaint_log(
        [
            ("2026-09-01", None, None),  # 21 working days to quarter end: overdue, judged late
            ("2026-09-28", None, None),  # 2 working days to quarter end: not judged yet
            ("2026-09-02", "2026-09-03", None),  # answered next day: on time
        ]
    )
    rate, judged = handled_within_limit_rate(
        log, log["responded_date"], 5, QUARTER_END, WorkCalendar(holiday_calendar(2026))
    )
    assert judged == 2
    assert rate == 50.0


def test_each_complaint_is_judged_by_its_own_units_limit():
    log = complaint_log([("2026-08-03", "2026-08-06", None), ("2026-08-03", "2026-08-06", None)])  # 3 working days
    rate, _ = handled_within_limit_rate(
        log, log["responded_date"], pd.Series([3, 2]).to_numpy(), QUARTER_END, WorkCalendar(holiday_calendar(2026))
    )
    assert rate == 50.0


def test_a_complaint_rejected_without_a_resolution_date_is_handled_not_late():
    log = complaint_log([("2026-08-03", "2026-08-04", None, "ditolak"), ("2026-08-03", "2026-08-04", None, "proses")])
    rate, judged = handled_within_limit_rate(
        log, log["resolved_date"], 14, QUARTER_END, WorkCalendar(holiday_calendar(2026))
    )
    assert (rate, judged) == (50.0, 2)  # the rejected one on time, the one still open past its limit late


def test_a_resolution_is_also_a_response():
    log = complaint_log([("2026-08-03", None, "2026-08-05"), ("2026-08-03", "2026-08-20", "2026-08-05")])
    assert list(response_dates(log)) == [pd.Timestamp("2026-08-05")] * 2
    rate, judged = handled_within_limit_rate(
        log, response_dates(log), 5, QUARTER_END, WorkCalendar(holiday_calendar(2026))
    )
    assert (rate, judged) == (100.0, 2)


def test_no_complaint_judged_gives_no_rate():
    log = complaint_log([("2026-09-29", None, None)])
    assert handled_within_limit_rate(
        log, log["responded_date"], 5, QUARTER_END, WorkCalendar(holiday_calendar(2026))
    ) == (None, 0)


def test_complaints_per_1000_services():
    assert complaints_per_1000_services(3, 1500) == (2.0, 1500)
    assert complaints_per_1000_services(3, 0) == (None, 0)


def test_resolution_median_uses_resolved_complaints_only():
    log = complaint_log(
        [
            ("2026-08-03", None, "2026-08-04"),  # 1 working day
            ("2026-08-03", None, "2026-08-07"),  # 4
            ("2026-08-03", None, "2026-08-10"),  # 5
            ("2026-08-03", None, None),  # open: not counted
        ]
    )
    assert resolution_days_median(log, WorkCalendar(holiday_calendar(2026))) == (4.0, 3)
