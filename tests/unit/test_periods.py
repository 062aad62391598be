from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from pipelines.periods import Quarter, last_complete_quarter, reporting_quarter

JAKARTA = ZoneInfo("Asia/Jakarta")


def test_quarter_parses_and_prints_both_spellings():
    assert Quarter.parse("2026Q3") == Quarter(2026, 3)
    assert Quarter.parse("2026-q3") == Quarter(2026, 3)
    assert str(Quarter(2026, 3)) == "2026Q3"
    assert Quarter(2026, 3).label == "2026-Q3"


@pytest.mark.parametrize("text", ["2026Q5", "Q3 2026", "26Q3", ""])
def test_quarter_rejects_malformed_text_with_the_expected_form(text):
    with pytest.raises(ValueError, match="YYYYQn"):
        Quarter.parse(text)


def test_quarter_bounds_and_neighbours():
    q3 = Quarter(2026, 3)
    assert (q3.first_day, q3.last_day) == (date(2026, 7, 1), date(2026, 9, 30))
    assert Quarter(2026, 1).previous() == Quarter(2025, 4)
    assert Quarter(2026, 4).next() == Quarter(2027, 1)
    assert Quarter(2024, 1).last_day == date(2024, 3, 31)


def test_publish_run_on_10_october_reports_the_third_quarter():
    run = datetime(2026, 10, 10, 7, 0, tzinfo=JAKARTA)
    assert last_complete_quarter(run) == Quarter(2026, 3)


def test_quarter_is_reckoned_in_jakarta_time_not_utc():
    # 30 September 23:30 UTC is already 1 October 06:30 in Jakarta: Q3 is complete there.
    assert last_complete_quarter(datetime(2026, 9, 30, 23, 30, tzinfo=UTC)) == Quarter(2026, 3)
    assert last_complete_quarter(datetime(2026, 9, 30, 16, 0, tzinfo=UTC)) == Quarter(2026, 2)


def test_explicit_quarter_wins_over_logical_date():
    run = datetime(2026, 10, 10, tzinfo=JAKARTA)
    assert reporting_quarter("2025Q4", run) == Quarter(2025, 4)
    assert reporting_quarter(None, run) == Quarter(2026, 3)


def test_naive_or_missing_dates_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        last_complete_quarter(datetime(2026, 10, 10))
    with pytest.raises(ValueError, match="no logical date"):
        reporting_quarter(None, None)
