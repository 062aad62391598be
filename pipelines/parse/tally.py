"""A paper survey's tally (rekap) → SKM respondent rows with exactly the tally's element totals.

A unit that surveys on paper sends, per element, how many respondents gave each answer (4 × 9 counts) or
the element's total score, with the number of respondents. IKM depends only on the element totals and the
number of respondents, so the tally is loaded as that many rows whose answers reproduce each element's
counts (or, from totals, answers as even as the total allows), marked `from_tally`: the figures are exact,
but a row is not one person's questionnaire.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from pipelines.datasets.skm_response import SKM_ELEMENTS
from pipelines.parse.canonical import ParsedExport, service_in_title
from pipelines.parse.headers import HeaderConfig
from pipelines.parse.read import RawTable
from pipelines.parse.survey_period import survey_period
from pipelines.registry import Unit, normalise_label

TALLY = "skm_tally"
COUNTS = ("count_1", "count_2", "count_3", "count_4")
ANSWERS = np.arange(1, 5)
_NUMBER = re.compile(r"^\s*(\d{1,7})(?:[.,]0+)?\s*$")
_STATED = re.compile(r"(\d{1,7})")


class TallyError(ValueError):
    """A tally whose counts do not add up or whose elements are missing: the file is rejected whole."""


def is_tally(headers: list[str], config: HeaderConfig) -> bool:
    """Whether a header is a tally's: an element column with answer counts or totals, and no element columns."""
    tally = config.map_headers(TALLY, headers)
    answers = config.map_headers("skm_response", headers)
    has_figures = all(column in tally for column in COUNTS) or "total" in tally
    return "element" in tally and has_figures and not any(element in answers for element in SKM_ELEMENTS)


def _number(text: str | None) -> int | None:
    match = _NUMBER.match(text or "")
    return int(match[1]) if match else None


def _cell_number(
    raw: RawTable, row: list[str | None], number: int, positions: dict[str, int], column: str
) -> int | None:
    """A count or total; None where the tally has no such column or leaves the cell blank."""
    if column not in positions or not (text := (row[positions[column]] or "").strip()):
        return None
    if (value := _number(text)) is None:
        raise TallyError(f'row {number}, column "{raw.headers[positions[column]]}": {text!r} is not a count')
    return value


def _element_of(label: str, config: HeaderConfig) -> str | None:
    found = [column for column in config.map_headers("skm_response", [label]) if column in SKM_ELEMENTS]
    return found[0] if found else None


class _Grid:
    """The tally's cells by row, with each row as the unit's spreadsheet numbers it."""

    def __init__(self, raw: RawTable) -> None:
        self.rows = [
            [raw.cells.column(i)[row].as_py() for i in range(raw.cells.num_columns)] for row in range(raw.num_rows)
        ]
        self.numbers = raw.row_numbers.to_pylist()


def _stated_respondents(raw: RawTable, grid: _Grid, positions: dict[str, int], config: HeaderConfig) -> set[int]:
    """Respondent counts the tally states outside its counts: a column, a row, or a title line."""
    stated: set[int] = set()
    aliases = next(rule for rule in config.columns[TALLY] if rule.canonical == "respondents").aliases
    if "respondents" in positions:
        stated |= {n for row in grid.rows if (n := _number(row[positions["respondents"]])) is not None}
    for row in grid.rows:
        label = normalise_label(row[positions["element"]] or "")
        if any(label.startswith(alias) for alias in aliases):
            stated |= {n for cell in row if (n := _number(cell)) is not None}
    for line in raw.preamble:
        if any(normalise_label(line).startswith(alias) for alias in aliases) and (match := _STATED.search(line)):
            stated.add(int(match[1]))
    return stated


def _answers(element: str, counts: list[int | None], total: int | None, respondents: int, where: str) -> np.ndarray:
    """One element's answers, sorted: from its counts, or spread as evenly as its total allows."""
    if None not in counts:
        if sum(counts) != respondents:
            raise TallyError(
                f"{where}: the counts of {element.upper()} add up to {sum(counts)}, not the {respondents} "
                "respondents; every respondent answers every element"
            )
        return np.repeat(ANSWERS, counts)
    if total is None or not respondents <= total <= 4 * respondents:
        raise TallyError(
            f"{where}: {element.upper()} needs its four answer counts or a total score between {respondents} "
            f"and {4 * respondents} ({respondents} respondents × 1..4)"
        )
    base, extra = divmod(total, respondents)
    return np.array([base] * (respondents - extra) + [base + 1] * extra)


def tally_to_canonical(raw: RawTable, unit: Unit, config: HeaderConfig, file_id: str, file_name: str) -> ParsedExport:
    positions = config.map_headers(TALLY, raw.headers)
    grid = _Grid(raw)
    rows: dict[str, tuple[int, list[str | None]]] = {}
    for number, row in zip(grid.numbers, grid.rows, strict=True):
        element = _element_of(row[positions["element"]] or "", config)
        if element is None:
            continue
        if element in rows:
            raise TallyError(f"rows {rows[element][0]} and {number} are both element {element.upper()}; keep one")
        rows[element] = (number, row)
    missing = [element.upper() for element in SKM_ELEMENTS if element not in rows]
    if missing:
        raise TallyError(f"the tally has no row for {', '.join(missing)}; give all nine elements U1..U9")
    figures = {
        element: (
            f"row {number}",
            [_cell_number(raw, row, number, positions, column) for column in COUNTS],
            _cell_number(raw, row, number, positions, "total"),
        )
        for element, (number, row) in rows.items()
    }
    count = _respondents(raw, grid, positions, config, figures)
    columns = {}
    for element in SKM_ELEMENTS:
        where, counts, total = figures[element]
        columns[element] = _answers(element, counts, total, count, where)
        if total is not None and None not in counts and int((ANSWERS * counts).sum()) != total:
            raise TallyError(f"{where}: the total score {total} of {element.upper()} does not match its counts")
    period = survey_period(raw.preamble, file_name)
    frame = pd.DataFrame({element: pd.array(columns[element], dtype="Int64") for element in SKM_ELEMENTS})
    frame.insert(0, "unit_code", unit.code)
    frame.insert(1, "response_id", [f"{file_id[:12]}-rekap-{index}" for index in range(1, count + 1)])
    frame.insert(2, "submitted_date", pd.Timestamp(period.last_day))
    frame["source_row"] = grid.numbers[0] - 1  # the tally's header row: no row stands for one respondent
    frame["from_tally"] = True
    if service_code := service_in_title(raw, unit, config):
        frame["service_code"] = service_code
    no_issues = pd.DataFrame({"position": pd.Series(dtype="int64"), "column": pd.Series(dtype="string")})
    return ParsedExport(
        frame=frame, raw_values={}, headers={}, parse_issues=no_issues.assign(rule=""), unmatched=no_issues
    )


def _respondents(
    raw: RawTable,
    grid: _Grid,
    positions: dict[str, int],
    config: HeaderConfig,
    figures: dict[str, tuple[str, list[int | None], int | None]],
) -> int:
    """The number of respondents: as stated, or else as the elements' counts add up (most of them, if they
    disagree: the element that differs is then named)."""
    stated = _stated_respondents(raw, grid, positions, config)
    if len(stated) > 1:
        raise TallyError(f"the tally states different numbers of respondents: {', '.join(map(str, sorted(stated)))}")
    if stated and (respondents := stated.pop()) > 0:
        return respondents
    if stated:
        raise TallyError("the tally states 0 respondents")
    sums = [sum(counts) for _, counts, _ in figures.values() if None not in counts]
    if not sums:
        raise TallyError(
            "the tally gives element totals but not the number of respondents; add a row or title line "
            "'JUMLAH RESPONDEN : 29'"
        )
    respondents = max(set(sums), key=sums.count)
    if respondents == 0:
        raise TallyError("the tally counts no respondents")
    return respondents
