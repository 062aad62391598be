"""SKM exports in the shapes units' tools write: the regulation's worksheet, Microsoft Forms, KoboToolbox."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pytest

from pipelines.datasets.skm_response import SKM_ELEMENTS
from pipelines.indicators.build import build_indicators
from pipelines.indicators.skm import ikm, round_half_up
from pipelines.ingest.run import ingest_unit
from pipelines.parse.canonical import to_canonical
from pipelines.parse.headers import header_config
from pipelines.parse.read import read_table
from pipelines.parse.survey_period import PeriodError, survey_period
from pipelines.periods import Quarter
from pipelines.registry import registry
from pipelines.samples.forms import answers_with_totals, kobo_csv_bytes, ms_forms_bytes, tally_bytes, worksheet_bytes
from pipelines.warehouse.query import connect

UNIT = "UPT-P2TK"
WORKED_TOTALS = (105, 101, 100, 116, 102, 105, 106, 105, 115)
"""A worked check: 29 respondents with these element totals give IKM 91.48 with exact weights, 91.38 with 0.111."""


def canonical(file_name: str, data: bytes):
    config = header_config()
    raw = read_table(file_name, data, lambda row: config.header_score("skm_response", row))
    return to_canonical("skm_response", raw, registry().unit(UNIT), config, "f" * 64, file_name)


def worksheet(quarter: Quarter, service: str | None = "P2TK-PASPOR", period: str | None = None) -> bytes:
    unit = registry().unit(UNIT)
    chosen = next((s for s in unit.services if s.code == service), None)
    return worksheet_bytes(unit, chosen, quarter, answers_with_totals(WORKED_TOTALS, 29), period)


def nrr_row(data: bytes) -> list[float]:
    """The worksheet's own NRR/Unsur row, read as a person would."""
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    [row] = [row for row in rows if str(row[0]).startswith("NRR/Unsur")]
    return [float(value) for value in row[1:10]]


def test_the_worksheet_gives_the_ikm_its_own_nrr_row_implies_from_exactly_its_respondents(quarter):
    data = worksheet(quarter)
    parsed = canonical("pengolahan_skm.xlsx", data)
    frame = parsed.frame
    assert len(frame) == 29 and parsed.parse_issues.empty
    assert frame["source_row"].tolist() == list(range(8, 37))  # the rows under the two-row header, no footer
    assert set(frame["submitted_date"].dt.date) == {date(2026, 9, 30)}
    assert set(frame["service_code"]) == {"P2TK-PASPOR"}  # from "JENIS LAYANAN : Paspor PMI"

    result = ikm(frame[list(SKM_ELEMENTS)].sum().tolist(), len(frame), "exact")
    implied = round_half_up(Decimal(str(sum(nrr_row(data)))) / 9 * 25)
    assert result.converted == float(implied) == 91.48


def test_a_worksheet_loads_whole_into_the_quarter_its_period_ends_in(data_root, quarter):
    data_root.write_bytes(worksheet(quarter), "landing", UNIT, "pengolahan_skm_paspor.xlsx")
    data_root.write_bytes(worksheet(quarter, service="P2TK-ID-CPMI"), "landing", UNIT, "pengolahan_skm_cpmi.xlsx")
    report = ingest_unit(UNIT, quarter)
    assert [(f["rows_accepted"], f["rows_quarantined"]) for f in report.files] == [(29, 0), (29, 0)]
    build_indicators(quarter)
    [(value, n)] = (
        connect()
        .execute("SELECT value, n FROM unit_quarter_indicators WHERE unit_code = ? AND indicator_code = 'ikm'", [UNIT])
        .fetchall()
    )
    assert (value, n) == (91.48, 58)  # respondent numbers restart in each sheet; both sheets count


@pytest.mark.parametrize(
    ("lines", "file_name", "period"),
    [
        (["PERIODE : TRIWULAN III TAHUN 2026"], "skm.xlsx", (date(2026, 7, 1), date(2026, 9, 30))),
        ([], "SKM_TW3_2026.xlsx", (date(2026, 7, 1), date(2026, 9, 30))),
        ([], "rekap skm 2026 Q2.xlsx", (date(2026, 4, 1), date(2026, 6, 30))),
        (["SKM TAHUN 2026", "Triwulan ke-4"], "skm.xlsx", (date(2026, 10, 1), date(2026, 12, 31))),
        (["Periode: Semester I 2026"], "skm.xlsx", (date(2026, 1, 1), date(2026, 6, 30))),
        (["Periode Juli - September 2026"], "skm.xlsx", (date(2026, 7, 1), date(2026, 9, 30))),
        (["Periode Januari s.d. Juni 2026"], "skm.xlsx", (date(2026, 1, 1), date(2026, 6, 30))),
        (["Triwulan III 2026"], "skm_TW3.xlsx", (date(2026, 7, 1), date(2026, 9, 30))),
    ],
)  # fmt: skip
def test_the_period_from_the_title_or_the_file_name(lines, file_name, period):
    found = survey_period(lines, file_name)
    assert (found.first_day, found.last_day) == period


@pytest.mark.parametrize(
    ("lines", "file_name", "message"),
    [
        (["PERIODE : TRIWULAN III"], "skm.xlsx", "the survey period has no year"),
        (["PERIODE : TRIWULAN III TAHUN 2026"], "skm_TW2_2026.xlsx", "stated more than once, differently"),
        (["Triwulan III 2026", "Triwulan IV 2026"], "skm.xlsx", "stated more than once, differently"),
        (["PENGOLAHAN DATA SKM"], "skm.xlsx", "neither the title nor the file name states the period"),
    ],
)
def test_a_missing_or_ambiguous_period_is_refused_with_what_to_write(lines, file_name, message):
    with pytest.raises(PeriodError, match=message):
        survey_period(lines, file_name)


def test_a_worksheet_without_its_period_is_rejected_saying_what_to_add(data_root, quarter):
    data_root.write_bytes(worksheet(quarter, period="PERIODE :"), "landing", UNIT, "pengolahan_skm.xlsx")
    [entry] = ingest_unit(UNIT, quarter).files
    assert entry["status"] == "rejected"
    assert "PERIODE : TRIWULAN III TAHUN 2026" in entry["message"] and "file name" in entry["message"]


def test_a_semester_worksheet_loads_into_the_quarter_the_semester_ends_in(data_root):
    data = worksheet(Quarter(2026, 2), period="PERIODE : SEMESTER I TAHUN 2026")
    data_root.write_bytes(data, "landing", UNIT, "pengolahan_skm.xlsx")
    [entry] = ingest_unit(UNIT, Quarter(2026, 2)).files
    assert (entry["status"], entry["rows_accepted"]) == ("accepted", 29)
    assert connect().sql("SELECT DISTINCT year, quarter, submitted_date FROM skm_response").fetchall() == [
        (2026, 2, date(2026, 6, 30))
    ]


def submitted(count: int) -> list[datetime]:
    return [datetime(2026, 8, 3 + n % 20, 9 + n % 7, 15) for n in range(count)]


def test_a_microsoft_forms_workbook(quarter):
    answers = answers_with_totals(WORKED_TOTALS, 29, seed=3)
    profile = {"Jenis kelamin": ["Laki-laki", "Perempuan"] * 14 + ["Laki-laki"], "Pekerjaan": ["Calon PMI"] * 29}
    data = ms_forms_bytes(["Paspor PMI"] * 29, submitted(29), answers, profile)
    parsed = canonical("Survei Kepuasan Masyarakat(1-29).xlsx", data)
    frame = parsed.frame
    assert parsed.parse_issues.empty and len(frame) == 29
    assert frame[list(SKM_ELEMENTS)].to_numpy().tolist() == answers.tolist()  # labels back to scores
    assert frame["submitted_date"].dt.date.tolist() == [day.date() for day in submitted(29)]
    assert frame["response_id"].tolist() == [str(n) for n in range(1, 30)]
    assert set(frame["service_code"]) == {"P2TK-PASPOR"} and set(frame["occupation"]) == {"Lainnya"}
    assert "anonymous" not in frame.to_string()  # the e-mail column never leaves the raw zone


def test_microsoft_forms_english_headers_map_too():
    text = (
        "ID,Start time,Completion time,Email,Name,U1,U2,U3,U4,U5,U6,U7,U8,U9\n"
        "1,2026-08-03 09:10:00,2026-08-03 09:15:00,anonymous,,4,3,3,4,3,3,4,3,4\n"
    )
    frame = canonical("forms.csv", text.encode()).frame
    assert frame["submitted_date"].dt.date.tolist() == [date(2026, 8, 3)]
    assert frame[list(SKM_ELEMENTS)].to_numpy().tolist() == [[4, 3, 3, 4, 3, 3, 4, 3, 4]]


def test_a_kobotoolbox_export_with_group_prefixes():
    answers = answers_with_totals(WORKED_TOTALS, 29, seed=5)
    profile = {"jenis_kelamin": ["laki_laki", "perempuan"] * 14 + ["perempuan"], "umur": ["35"] * 29,
               "pendidikan": ["slta"] * 29, "pekerjaan": ["wiraswasta"] * 29}  # fmt: skip
    days = submitted(29)
    parsed = canonical("SKM_UPT_P2TK_-_all_versions_-_labels_-_2026-10-02.csv", kobo_csv_bytes(days, answers, profile))
    frame = parsed.frame
    assert parsed.parse_issues.empty and parsed.unmatched.empty and len(frame) == 29
    assert frame[list(SKM_ELEMENTS)].to_numpy().tolist() == answers.tolist()
    assert frame["response_id"].tolist() == [str(n) for n in range(1, 30)]  # Kobo's _id
    assert frame["submitted_date"].dt.date.tolist() == [day.date() for day in days]
    assert frame.loc[0, ["gender", "age_group", "education", "occupation"]].tolist() == [
        "L", "30-39", "SMA", "Wirausaha"
    ]  # fmt: skip


def tally(quarter: Quarter, counts: bool = True) -> bytes:
    return tally_bytes(registry().unit(UNIT), quarter, answers_with_totals(WORKED_TOTALS, 29, seed=7), counts)


@pytest.mark.parametrize("counts", [True, False], ids=["answer counts", "element totals"])
def test_a_tally_gives_the_ikm_of_its_counts_and_the_release_says_so(data_root, quarter, counts):
    data_root.write_bytes(tally(quarter, counts), "landing", UNIT, "rekap_skm_tw3_2026.xlsx")
    [entry] = ingest_unit(UNIT, quarter).files
    assert (entry["status"], entry["rows_accepted"]) == ("accepted", 29)
    build_indicators(quarter)
    figures = dict(
        (code, (value, category))
        for code, value, category in connect()
        .execute("SELECT indicator_code, value, category FROM unit_quarter_indicators WHERE unit_code = ?", [UNIT])
        .fetchall()
    )
    # The tally's spread is taken at its widest: from 29 respondents the interval reaches into grade B.
    assert figures["ikm"] == (91.48, "A; mutu belum pasti: B atau A")
    assert figures["ikm_ci95_low"][1] == figures["ikm_ci95_high"][1] == "dari rekap: sebaran terlebar"
    assert figures["skm_tally_respondents"] == (29, "IKM dari rekap")
    [totals] = (
        connect()
        .execute(
            "SELECT " + ", ".join(f"sum({element})" for element in SKM_ELEMENTS) + ", bool_and(from_tally) "
            "FROM skm_response"
        )
        .fetchall()
    )
    assert totals == (*WORKED_TOTALS, True)


def test_a_tally_whose_counts_do_not_add_up_is_rejected_naming_the_element(data_root, quarter):
    import xlsxwriter
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_filelike(io.BytesIO(tally(quarter))).get_sheet_by_index(0).to_python()
    rows[7][4] = float(rows[7][4]) - 2  # U3: two "Baik" fewer than there are respondents
    sink = io.BytesIO()
    workbook = xlsxwriter.Workbook(sink, {"in_memory": True})
    sheet = workbook.add_worksheet()
    for number, row in enumerate(rows):
        sheet.write_row(number, 0, row)
    workbook.close()
    data_root.write_bytes(sink.getvalue(), "landing", UNIT, "rekap_skm.xlsx")
    [entry] = ingest_unit(UNIT, quarter).files
    assert entry["status"] == "rejected"
    assert "row 8: the counts of U3 add up to 27, not the 29 respondents" in entry["message"]


def test_a_count_that_is_no_number_is_refused_not_skipped(data_root, quarter):
    text = (
        "PERIODE : TRIWULAN III TAHUN 2026\n\nUnsur;Tidak Baik;Kurang Baik;Baik;Sangat Baik\n"
        + "".join(f"U{i};0;1;20;8\n" for i in range(1, 9))
        + "U9;0;satu;20;8\n"
    )
    data_root.write_bytes(text.encode(), "landing", UNIT, "rekap_skm.csv")
    [entry] = ingest_unit(UNIT, quarter).files
    assert entry["status"] == "rejected"
    assert "row 12, column \"Kurang Baik\": 'satu' is not a count" in entry["message"]


def test_per_respondent_exports_are_not_from_a_tally(quarter):
    text = f"No Responden;Tanggal Survei;{';'.join(f'U{i}' for i in range(1, 10))}\nR-1;03/08/2026;3;3;3;3;3;3;3;3;3\n"
    assert canonical("skm.csv", text.encode()).frame["from_tally"].tolist() == [False]
