"""Raw export grid → canonical frame of one dataset, with the problems found while parsing.

Only canonical columns survive this step, so unmapped columns (names, NIK, phone numbers)
never travel further than the raw zone.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.datasets import DATASETS, Column, DatasetSpec
from pipelines.datasets.skm_response import SKM_ELEMENTS
from pipelines.indicators.definitions import INDICATORS
from pipelines.parse.age import age_group
from pipelines.parse.headers import HeaderConfig
from pipelines.parse.personal import PREFERENCE, person_keys
from pipelines.parse.read import RawTable
from pipelines.parse.survey_period import SurveyPeriod, quarter_label, survey_period
from pipelines.parse.values import (
    failed,
    map_labels,
    parse_dates,
    parse_decimals,
    parse_integers,
    parse_percent,
    parse_rupiah,
)
from pipelines.registry import Unit, normalise_label
from pipelines.settings import get_settings

EARLIEST_PLAUSIBLE_DATE = dt.date(2010, 1, 1)
"""Older dates are typos or a spreadsheet's empty date (1900-01-01), never a quarter to build: such a
row stays in its file's quarter, where the suite quarantines it (the ZI programme began in 2012)."""
RULES = {
    "date": "not_a_date",
    "rupiah": "not_an_amount",
    "integer": "not_a_number",
    "decimal": "not_a_number",
    "percent": "not_a_number",
    "answer": "not_a_number",
    "quarter": "not_a_quarter",
    "values": "unknown_value",
}
"""The rule a present-but-unreadable value breaks, by how its column is read; other columns read any text."""


class MissingColumns(ValueError):
    """Required columns are absent: the file is for another dataset or its header is wrong."""


@dataclass(frozen=True)
class ParsedExport:
    frame: pd.DataFrame
    """Canonical columns plus source_row; one row per record of the export."""
    raw_values: dict[str, pa.Array]
    """Original text of each canonical column, to quote in messages."""
    headers: dict[str, str]
    """Canonical column → the header the unit wrote."""
    parse_issues: pd.DataFrame
    """Values that could not be read: index (row position), column, rule."""
    unmatched: pd.DataFrame
    """Context answers (Column.context) that matched no known value: position, column."""

    def subset(self, mask: np.ndarray) -> ParsedExport:
        """Only the rows where `mask` holds, positions renumbered from 0."""
        if mask.all():  # the usual case (a file of one quarter): no copy of millions of rows
            return self
        positions = np.flatnonzero(mask)
        renumber = np.full(len(mask), -1)
        renumber[positions] = np.arange(len(positions))

        def kept(found: pd.DataFrame) -> pd.DataFrame:
            found = found[mask[found["position"].to_numpy(dtype=np.int64)]]
            return found.assign(position=renumber[found["position"].to_numpy(dtype=np.int64)])

        return ParsedExport(
            frame=self.frame.iloc[positions].reset_index(drop=True),
            raw_values={column: values.take(pa.array(positions)) for column, values in self.raw_values.items()},
            headers=self.headers,
            parse_issues=kept(self.parse_issues),
            unmatched=kept(self.unmatched),
        )

    def unmatched_answers(self) -> dict[str, list[str]]:
        """Context column → what the unit wrote in each answer that matched no known value."""
        return {
            column: self.raw_values[column].take(pa.array(found["position"].to_numpy(dtype=np.int64))).to_pylist()
            for column, found in self.unmatched.groupby("column", sort=True)
        }


def _issues(mask: pa.Array, column: str, rule: str) -> pd.DataFrame:
    positions = pc.indices_nonzero(mask).to_numpy()
    return pd.DataFrame({"position": positions, "column": column, "rule": rule})


def _service_codes(raw: pa.Array, unit: Unit, keep_unknown: bool) -> pa.Array:
    """Codes of the services named by code, name or alias; with `keep_unknown`, what the unit wrote where it
    names no known service, for the suite to quarantine and quote back."""

    def lookup(text: str) -> str | None:
        service = unit.service_lookup.get(normalise_label(text))
        return service.code if service else None

    codes = map_labels(raw, lookup)
    return pc.coalesce(codes, pc.utf8_trim_whitespace(raw)) if keep_unknown else codes


def _standard_columns(frame: pd.DataFrame, unit: Unit) -> pd.DataFrame:
    """Time limit and tariff of the standard valid on each service's received date."""
    sla = pd.Series(pd.NA, index=frame.index, dtype="Int32")
    tariff = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    received = frame["received_date"]
    for service in unit.services:
        for version, successor in zip(service.standard, (*service.standard[1:], None), strict=True):
            in_force = (frame["service_code"] == service.code) & (received >= pd.Timestamp(version.valid_from))
            if successor is not None:
                in_force &= received < pd.Timestamp(successor.valid_from)
            sla[in_force] = version.sla_days
            # A payment that is no fee (a contribution, a levy varying per case) is never judged against a tariff.
            tariff[in_force] = pd.NA if service.payments_not_judged else version.tariff
    # A log that carries its own standard per row wins over the registry for that row.
    if "sla_days" in frame:
        sla = frame["sla_days"].astype("Int32").fillna(sla)
    if "official_tariff" in frame:
        tariff = frame["official_tariff"].astype("Int64").fillna(tariff)
    return frame.assign(sla_days=sla, official_tariff=tariff)


def _blank_as_null(values: pa.Array) -> pa.Array:
    trimmed = pc.utf8_trim_whitespace(values)
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)


def _parse_column(column: Column, values: pa.Array, unit: Unit, config: HeaderConfig) -> pa.Array:
    """Typed values of one column; a present value that cannot be read becomes null (see RULES)."""
    match column.read_as:
        case "date":
            return parse_dates(values)
        case "rupiah":
            return parse_rupiah(values)
        case "integer":
            return parse_integers(values)
        case "decimal":
            return parse_decimals(values)
        case "percent":
            return parse_percent(values)
        case "quarter":
            return map_labels(values, quarter_label)
        case "answer":  # a number, or the questionnaire's label for it
            labels = map_labels(values, lambda text: config.canonical_value("skm_answer", text))
            return pc.coalesce(parse_integers(values), labels.cast(pa.int64()))
        case "values":
            return map_labels(values, lambda text: config.canonical_value(column.values, text))
        case "service":  # units write the service's code or its name; both become the code
            return _service_codes(values, unit, keep_unknown=True)
    return _blank_as_null(values)


def _context_answers(column: Column, values: pa.Array, unit: Unit, config: HeaderConfig) -> tuple[pa.Array, pa.Array]:
    """(known groups, where an answer matched none): the catch-all group stands in for such an answer, if any."""
    match column.read_as:
        case "age":  # an age in years or a band
            known = map_labels(values, age_group)
        case "service":
            known = _service_codes(values, unit, keep_unknown=False)
        case "indicator":
            known = map_labels(values, lambda text: indicator_reference(text, config))
        case _:
            known = map_labels(values, lambda text: config.canonical_value(column.values, text))
    unmatched = failed(values, known)
    if column.catch_all:
        known = pc.if_else(unmatched, pa.scalar(column.catch_all), known)
    return known, unmatched


def indicator_reference(text: str, config: HeaderConfig) -> str | None:
    """The indicator or SKM element a plan names: its code or Indonesian name ("ikm", "Indeks Kepuasan Masyarakat"),
    or an element as a survey header would name it ("U3", "Waktu penyelesaian")."""
    label = normalise_label(text)
    for indicator in INDICATORS:
        short_name = re.sub(r"\(.*?\)", "", indicator.name)  # "Indeks Kepuasan Masyarakat (IKM)" without "(IKM)"
        if label in (normalise_label(indicator.code), normalise_label(indicator.name), normalise_label(short_name)):
            return indicator.code
    elements = [column for column in config.map_headers("skm_response", [text]) if column in SKM_ELEMENTS]
    return elements[0] if len(elements) == 1 else None


def _without_footer(raw: RawTable, positions: dict[str, int], spec: DatasetSpec, config: HeaderConfig) -> RawTable:
    """Drop total/average rows under the data ("Jumlah", "Rata-rata"): they are the table's footer.

    A footer row has an empty key cell, or (in worksheets keyed by a label, such as the LKE's area)
    the footer word in the key cell itself.
    """
    anchor = positions.get(spec.key, positions.get(spec.period_column))
    if anchor is None or raw.num_rows == 0 or not config.footer_words:
        return raw
    pattern = _footer_pattern(config.footer_words)

    key_cell = raw.cells.column(f"c{anchor}")
    no_key = pc.or_(pc.equal(pc.utf8_trim_whitespace(key_cell), ""), _starts_with(key_cell, pattern))
    # Only rows without a key can be footers: look for the footer word in those few rows, not in every cell.
    candidates = pc.indices_nonzero(pc.fill_null(no_key, False))
    if len(candidates) == 0:
        return raw
    footer_word = None
    for column in raw.cells.take(candidates).columns:
        found = _starts_with(column, pattern)
        footer_word = found if footer_word is None else pc.or_(footer_word, found)
    footer = np.zeros(raw.num_rows, dtype=bool)
    footer[candidates.filter(pc.fill_null(footer_word, False)).to_numpy()] = True
    keep = pa.array(~footer)
    return RawTable(raw.headers, raw.cells.filter(keep), raw.row_numbers.filter(keep), raw.location)


def _footer_pattern(words: tuple[str, ...]) -> str:
    """Any of `words` as a cell's first words, in any case, whatever punctuation or spacing lies around and
    between them ("Rata-rata", " JUMLAH:")."""
    separator = r"[^a-z0-9]+"
    spelled = (separator.join(re.escape(part) for part in word.split()) for word in words)
    return rf"^[^a-z0-9]*({'|'.join(spelled)})([^a-z0-9]|$)"


def _starts_with(column: pa.ChunkedArray, pattern: str) -> pa.ChunkedArray:
    """Cells that start with one of `_footer_pattern`'s words: one pass of RE2 over the text as written."""
    return pc.match_substring_regex(column, pattern, ignore_case=True)


def _respondent_block(raw: RawTable, config: HeaderConfig) -> RawTable:
    """A dateless survey worksheet's respondent rows: everything above its first footer row (Σ Nilai/Unsur,
    NRR, IKM), since the worksheet's sums and legend follow them and are never respondents."""
    pattern = _footer_pattern(config.worksheet_footer_words)
    footer = None
    for column in raw.cells.columns:
        found = _starts_with(column, pattern)
        footer = found if footer is None else pc.or_(footer, found)
    if footer is None or not pc.any(footer).as_py():
        return raw
    end = pc.index(pc.fill_null(footer, False), True).as_py()
    return RawTable(raw.headers, raw.cells.slice(0, end), raw.row_numbers[:end], raw.location, raw.preamble)


def service_in_title(raw: RawTable, unit: Unit, config: HeaderConfig) -> str | None:
    """The service a worksheet's title block names ("JENIS LAYANAN : Paspor PMI"), when it is one of the unit's;
    the label is recognised as the survey's service column header would be."""
    for line in raw.preamble:
        label, _, value = line.partition(":")
        if "service_code" in config.map_headers("skm_response", [label]):
            service = unit.service_lookup.get(normalise_label(value))
            if service:
                return service.code
    return None


def _claims_other_unit(values: pa.Array, unit: Unit) -> pa.Array:
    """Rows whose unit-code cell names another unit (its code or name): a unit's folder holds its own rows only."""
    own = {normalise_label(unit.code), normalise_label(unit.name)}
    other = map_labels(values, lambda text: None if normalise_label(text) in own else text)
    return pc.fill_null(pc.is_valid(other), False)


def _person_key(raw: RawTable, config: HeaderConfig) -> pa.Array | None:
    key = get_settings().pseudonym_key
    found = config.personal_columns(raw.headers)
    kind = next((kind for kind in PREFERENCE if kind in found), None)
    if not key or kind is None:
        return None
    return person_keys(kind, raw.cells.column(f"c{found[kind]}").combine_chunks(), key)


def _sheet_period(spec: DatasetSpec, positions: dict[str, int], raw: RawTable, file_name: str) -> SurveyPeriod | None:
    """The period of a sheet whose rows carry no date (PeriodError when it states none); else None."""
    if not spec.period_from_title or spec.period_column in positions:
        return None
    return survey_period(raw.preamble, file_name)


def to_canonical(
    dataset: str, raw: RawTable, unit: Unit, config: HeaderConfig, file_id: str, file_name: str = ""
) -> ParsedExport:
    """`file_id` (the export's sha256) keys the rows of exports without their own key (survey tools that export
    no respondent id).

    A sheet without a date column (the regulation's processing worksheet, a quarterly report) takes its period
    from its title or `file_name` where its spec allows: every row is dated the period's last day, so it loads
    into the quarter the period ends in, and its own row numbers (which restart in every sheet) are keyed by
    the file.
    """
    spec = DATASETS[dataset]
    positions = config.map_headers(dataset, raw.headers)
    missing = [
        column
        for column in spec.required
        if column not in positions and not (spec.period_from_title and column == spec.period_column)
    ]
    if missing:
        raise MissingColumns(
            f"required columns missing: {', '.join(missing)}; headers found: "
            + ", ".join(f'"{header}"' for header in raw.headers if header)
        )
    period = _sheet_period(spec, positions, raw, file_name)
    raw = _respondent_block(raw, config) if period else _without_footer(raw, positions, spec, config)
    raw_values = {column: raw.cells.column(f"c{position}").combine_chunks() for column, position in positions.items()}
    headers = {column: raw.headers[position] for column, position in positions.items()}
    columns: dict[str, pa.Array] = {}
    issues: list[pd.DataFrame] = []
    unmatched: list[pd.DataFrame] = [pd.DataFrame({"position": pd.Series(dtype="int64"), "column": []})]
    for column, values in raw_values.items():
        if column == "unit_code":  # checked, never loaded: the unit is the folder the file came from
            issues.append(_issues(_claims_other_unit(values, unit), column, "other_unit"))
            continue
        definition = spec.column(column)
        if definition.context:
            columns[column], unknown = _context_answers(definition, values, unit, config)
            unmatched.append(_issues(unknown, column, "unmatched")[["position", "column"]])
            continue
        columns[column] = _parse_column(definition, values, unit, config)
        if definition.read_as in RULES:
            issues.append(_issues(failed(values, columns[column]), column, RULES[definition.read_as]))
    columns["source_row"] = raw.row_numbers
    if "person_key" in spec.column_names:
        person_key = _person_key(raw, config)
        if person_key is not None:
            columns["person_key"] = person_key
    frame = pa.table(columns).to_pandas(date_as_object=False, types_mapper=_nullable_types)
    frame.insert(0, "unit_code", unit.code)
    if dataset == "service_log":
        frame = _standard_columns(frame, unit)
        # A known service received before its first standard took effect cannot be judged (no time limit).
        known = frame["service_code"].isin([service.code for service in unit.services])
        unjudged = known & frame["received_date"].notna() & frame["sla_days"].isna()
        issues.append(_issues(pa.array(unjudged.to_numpy(dtype=bool)), "received_date", "no_standard"))
    if period is not None:
        frame[spec.period_column] = pd.Timestamp(period.last_day)
        missing_service = "service_code" in spec.column_names and "service_code" not in frame
        if missing_service and (service_code := service_in_title(raw, unit, config)):
            frame["service_code"] = service_code
        if spec.key in frame and not spec.column(spec.key).required:
            frame[spec.key] = file_id[:12] + "-" + frame[spec.key].astype("string")
    if spec.key not in frame:  # an optional key (a respondent id): the file and row stand in for it
        frame[spec.key] = file_id[:12] + "-" + frame["source_row"].astype(str)
    if "from_tally" in spec.column_names:
        frame["from_tally"] = False
    return ParsedExport(
        frame=frame,
        raw_values=raw_values,
        headers=headers,
        parse_issues=pd.concat(issues, ignore_index=True),  # never empty: every dataset has a required date
        unmatched=pd.concat(unmatched, ignore_index=True),
    )


def _nullable_types(arrow_type: pa.DataType) -> object:
    if pa.types.is_integer(arrow_type):
        return pd.Int64Dtype()
    return None


def row_quarters(parsed: ParsedExport, dataset: str, delivered_on: dt.date) -> tuple[pd.Series, pd.Series]:
    """(year, quarter) of each row by its own date; rows without a plausible date get the file's main quarter.

    A plausible date lies between EARLIEST_PLAUSIBLE_DATE and the day the file arrived.

    Rows go to the quarter their date falls in, so an extract spanning quarters (an incremental
    database pull, a late entry) updates each quarter it touches. A date after the day the file
    arrived is a typo (2062 for 2026), not a future quarter: such a row stays with the file's main
    quarter, where the suite flags it.
    """
    dates = parsed.frame[DATASETS[dataset].period_column]
    year, quarter = dates.dt.year, dates.dt.quarter
    known = dates.notna() & (dates >= pd.Timestamp(EARLIEST_PLAUSIBLE_DATE)) & (dates <= pd.Timestamp(delivered_on))
    if known.any():
        main = pd.DataFrame({"year": year[known], "quarter": quarter[known]}).value_counts().index[0]
        year, quarter = year.where(known, main[0]), quarter.where(known, main[1])
    else:  # no row has a plausible date: the file belongs to no quarter and is rejected
        year, quarter = year.where(known), quarter.where(known)
    return year.astype("Int64"), quarter.astype("Int64")
