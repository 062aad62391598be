"""The period of a survey sheet whose rows carry no date, read from its title block or its file name.

The regulation's processing worksheet names its period in the title ("PERIODE : TRIWULAN III TAHUN 2026");
units also put it in the file name ("SKM_TW3_2026.xlsx"). Understood: a quarter (Triwulan, TW, Q, kuartal:
1-4 or I-IV), a semester (Semester, Smt: 1-2 or I-II) or a month range ("Juli - September 2026", "Januari s.d.
Juni 2026"), with a four-digit year on the same line or, failing that, the only year anywhere in the title
block and file name. A period that cannot be found, lacks its year, or is stated twice differently rejects
the file with what to write.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from pipelines.parse.values import date_of
from pipelines.periods import Quarter

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
MONTHS = {
    **dict.fromkeys(("januari", "january", "jan"), 1),
    **dict.fromkeys(("februari", "pebruari", "february", "feb", "peb"), 2),
    **dict.fromkeys(("maret", "march", "mar"), 3),
    **dict.fromkeys(("april", "apr"), 4),
    **dict.fromkeys(("mei", "may"), 5),
    **dict.fromkeys(("juni", "june", "jun"), 6),
    **dict.fromkeys(("juli", "july", "jul"), 7),
    **dict.fromkeys(("agustus", "august", "agu", "agt", "ags", "aug"), 8),
    **dict.fromkeys(("september", "sept", "sep"), 9),
    **dict.fromkeys(("oktober", "october", "okt", "oct"), 10),
    **dict.fromkeys(("november", "nopember", "nov", "nop"), 11),
    **dict.fromkeys(("desember", "december", "des", "dec"), 12),
}
_NUMBER = r"(i{1,3}|iv|[1-4])"
_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_QUARTER = re.compile(rf"\b(?:triwulan|trw|tw|q|kuartal|caturwulan)\s*(?:ke\s*)?{_NUMBER}\b")
_SEMESTER = re.compile(r"\b(?:semester|smt|sem)\s*(?:ke\s*)?(i{1,2}|[12])\b")
_MONTH = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")"
_MONTH_RANGE = re.compile(
    rf"(?<!\d )\b{_MONTH}\s*(?:(20\d{{2}})\s*)?(?:s\s*d|sd|sampai dengan|sampai|hingga|to)?\s*{_MONTH}\b"
)
EXAMPLE = "PERIODE : TRIWULAN III TAHUN 2026"


@dataclass(frozen=True)
class SurveyPeriod:
    first_day: date
    last_day: date
    stated_as: str
    """Where and how the period was written, to quote in messages."""


class PeriodError(ValueError):
    """A dateless survey sheet whose period is missing or ambiguous: the file is rejected."""


def _flat(text: str) -> str:
    """Lower case words and numbers, a number split from letters it is glued to ("2026Q3" → "2026 q 3")."""
    text = re.sub(r"(?<=\d)(?=[a-z])|(?<=[a-z])(?=\d)", " ", re.sub(r"[^a-z0-9]+", " ", text.lower()))
    return " ".join(text.split())


def _month_span(first_month: int, last_month: int, year: int, first_year: int | None) -> tuple[date, date]:
    start_year = first_year if first_year is not None else year - (first_month > last_month)
    return date(start_year, first_month, 1), date(year, last_month, calendar.monthrange(year, last_month)[1])


def _spans(text: str) -> list[tuple[str, int | None, object]]:
    """(kind, year if on this line, span builder) of every period label in one line."""
    found = []
    years = set(_YEAR.findall(text))
    year = int(years.pop()) if len(years) == 1 else None
    for match in _QUARTER.finditer(text):
        number = int(ROMAN.get(match[1], match[1]))
        found.append((match[0], year, lambda y, n=number: (date(y, 3 * n - 2, 1), _quarter_end(y, n))))
    for match in _SEMESTER.finditer(text):
        number = int(ROMAN.get(match[1], match[1]))
        found.append(
            (match[0], year, lambda y, n=number: (date(y, 6 * n - 5, 1), date(y, 6 * n, 30 if n == 1 else 31)))
        )
    if not found:
        for match in _MONTH_RANGE.finditer(text):
            first, last = MONTHS[match[1]], MONTHS[match[3]]
            first_year = int(match[2]) if match[2] else None
            found.append((match[0], year, lambda y, f=first, la=last, fy=first_year: _month_span(f, la, y, fy)))
    return found


def _quarter_end(year: int, number: int) -> date:
    month = 3 * number
    return date(year, month, calendar.monthrange(year, month)[1])


_SINGLE_MONTH = re.compile(rf"\b{_MONTH}\b")


def quarter_label(text: str) -> str | None:
    """ "2026Q3" for a quarter as units write it in a cell: TW III 2026, Triwulan 3 Tahun 2026, Q3-2026, 2026Q3,
    a semester or month range (the quarter it ends in), a month (September 2026) or a date (30/09/2026)."""
    day = date_of(text)
    if day is None:
        flat = _flat(text)
        years = set(_YEAR.findall(flat))
        if len(years) != 1:
            return None
        year = int(years.pop())
        spans = {span(year) for _, _, span in _spans(flat)}
        months = {MONTHS[month] for month in _SINGLE_MONTH.findall(flat)}
        if len(spans) == 1:
            day = spans.pop()[1]
        elif not spans and len(months) == 1:
            day = date(year, months.pop(), 1)
        else:
            return None
    return str(Quarter.containing(day))


def survey_period(preamble: Sequence[str], file_name: str) -> SurveyPeriod:
    """The one period the title block and the file name state; PeriodError when there is none or more."""
    sources = [(f'title line "{line}"', _flat(line)) for line in preamble]
    stem = file_name.rsplit(".", 1)[0]
    sources.append((f'file name "{file_name}"', _flat(stem.replace("_", " "))))
    all_years = {year for _, text in sources for year in _YEAR.findall(text)}
    only_year = int(next(iter(all_years))) if len(all_years) == 1 else None
    periods: dict[tuple[date, date], str] = {}
    yearless: list[str] = []
    for where, text in sources:
        for label, year, span in _spans(text):
            year = year or only_year
            if year is None:
                yearless.append(f"{where} ({label})")
                continue
            periods.setdefault(span(year), where)
    if len(periods) > 1:
        stated = "; ".join(f"{start:%d/%m/%Y}-{end:%d/%m/%Y} in the {where}" for (start, end), where in periods.items())
        raise PeriodError(f"the survey period is stated more than once, differently: {stated}; keep one")
    if periods:
        [((first, last), where)] = periods.items()
        return SurveyPeriod(first, last, where)
    if yearless:
        raise PeriodError(
            f"the survey period has no year: {', '.join(yearless)}; write it with its year, e.g. '{EXAMPLE}'"
        )
    raise PeriodError(
        "the rows carry no survey date and neither the title nor the file name states the period; add a date "
        f"column, or a line '{EXAMPLE}' above the table, or the period in the file name (e.g. skm_TW3_2026.xlsx)"
    )
