"""Property-based tests: whatever date or amount a unit writes in a supported form reads back exactly."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.parse.values import parse_dates, parse_rupiah

MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember"]  # fmt: skip
SHORT_MONTHS = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agt", "Sep", "Okt", "Nov", "Des"]

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2068, 12, 31))


def spellings(day: date) -> list[str]:
    serial = (day - date(1899, 12, 30)).days
    return [
        day.strftime("%d/%m/%Y"),
        f"{day.day}/{day.month}/{day.year}",
        day.strftime("%Y-%m-%d"),
        day.strftime("%d-%m-%y"),
        day.strftime("%Y-%m-%d 10:15"),
        day.strftime("%Y/%m/%d 10:15:33"),
        f"{day.day} {MONTHS[day.month - 1]} {day.year}",
        f"{day.day} {SHORT_MONTHS[day.month - 1]} {day.year}",
        str(serial),
    ]


def read_one(text: str):
    return parse_dates(pa.array([text])).to_pylist()[0]


@settings(max_examples=60, deadline=None)
@given(days)
def test_every_supported_spelling_of_a_date_reads_back(day):
    for text in spellings(day):
        assert read_one(text) == day, text


@settings(max_examples=100, deadline=None)
@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2068, 12, 31)), st.integers(-12, 14))
def test_timestamps_with_an_offset_count_in_jakarta_time(moment, offset_hours):
    aware = moment.replace(tzinfo=timezone(timedelta(hours=offset_hours)))
    expected = aware.astimezone(ZoneInfo("Asia/Jakarta")).date()
    assert read_one(aware.isoformat(timespec="seconds")) == expected
    assert read_one(aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")) == expected


@given(st.integers(min_value=1, max_value=31), st.integers(min_value=1, max_value=12), st.integers(2000, 2068))
def test_impossible_calendar_days_are_refused_not_rolled_over(day, month, year):
    try:
        date(year, month, day)
    except ValueError:
        assert read_one(f"{day:02d}/{month:02d}/{year}") is None


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", max_size=30))
def test_words_without_a_year_are_never_a_date(text):
    assert read_one(text) is None


def rupiah_spellings(amount: int) -> list[str]:
    dotted = f"{amount:,}".replace(",", ".")
    return [str(amount), dotted, f"Rp {dotted},00", f"Rp{dotted}", f"Rp. {dotted},-", f"{amount}.00", f"{amount:,}"]


@given(st.integers(min_value=0, max_value=10**12))
def test_every_rupiah_spelling_reads_back(amount):
    values = parse_rupiah(pa.array(rupiah_spellings(amount))).to_pylist()
    assert values == [amount] * len(values)


@given(st.integers(min_value=1, max_value=10**9))
def test_negative_amounts_keep_their_sign_for_validation(amount):
    assert parse_rupiah(pa.array([f"-{amount}", f"Rp -{amount:,}".replace(",", ".")])).to_pylist() == [-amount] * 2


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz ,.-", min_size=1, max_size=20))
def test_text_is_never_an_amount(text):
    assert parse_rupiah(pa.array([text])).to_pylist() == [None]
