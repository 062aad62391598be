"""Realistic, deterministic sample exports for every unit in the registry.

Each unit exports the way real offices do: its own header spellings, CSV or XLSX with a title
block, its own date format and delimiter, personal columns the pipeline must drop, and a few
percent of dirt (bad dates, missing ticket numbers, duplicates, unknown services, survey
answers out of range). Its survey comes from its own tool: a survey app's export, Microsoft
Forms, KoboToolbox, the regulation's processing worksheet, or a paper survey's tally. Units take
the export styles in registry order, so any registry gets samples. Generation is vectorised in
Arrow so ten million rows take seconds.
"""

from __future__ import annotations

import io
import logging
import zlib
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from pipelines.datasets.skm_response import RESPONDENT_PROFILE
from pipelines.indicators.workdays import holiday_calendar
from pipelines.parse.age import LOWER_BOUNDS
from pipelines.parse.survey_period import ROMAN
from pipelines.periods import Quarter
from pipelines.registry import Unit, registry
from pipelines.samples.forms import kobo_csv_bytes, ms_forms_bytes, tally_bytes, worksheet_bytes
from pipelines.samples.profiles import (
    CHANNEL_LABELS,
    COMPLAINT_CHANNELS,
    COMPLAINT_TOPICS,
    FIRST_NAMES,
    KOBO_PROFILE_NAMES,
    LAST_NAMES,
    PERCEPTION_QUESTIONS,
    PERSONAL_HEADERS,
    PLANNED_ACTIONS,
    PROFILE_BLANK_SHARE,
    PROFILE_SHARES,
    SERVICE_HEADERS,
    SKM_PROFILE_STYLES,
    SKM_QUESTIONS,
    STATUS_LABELS,
    ExportProfile,
    ProfileStyle,
    export_profile,
)
from pipelines.storage import DataRoot, data_root

log = logging.getLogger(__name__)

ROMAN_QUARTERS = {number: numeral.upper() for numeral, number in ROMAN.items()}

XLSX_MAX_ROWS = 200_000
ROWS_PER_CSV = 250_000
DEFAULT_ROWS = 6_000


def _rng(unit_code: str, quarter: Quarter, dataset: str) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(f"{unit_code}|{quarter}|{dataset}".encode()))


def _date_strings(days: np.ndarray, date_format: str, rng: np.random.Generator) -> pa.Array:
    """Dates (numpy datetime64[D], NaT allowed) formatted the unit's way, with a clock time when it has one.

    Only the distinct days and clock times are formatted; rows take their text by index.
    """
    day_format, _, time_format = date_format.partition(" ")
    distinct_days, day_index = np.unique(days, return_inverse=True)
    day_text = pc.strftime(pa.array(distinct_days.astype("datetime64[s]"), pa.timestamp("s")), format=day_format)
    text = pc.take(day_text, pa.array(day_index.ravel()))
    if time_format:
        seconds = rng.integers(7 * 3600, 16 * 3600, len(days))
        distinct_seconds, second_index = np.unique(seconds, return_inverse=True)
        clock = [
            time(value // 3600, value // 60 % 60, value % 60).strftime(time_format)
            for value in distinct_seconds.tolist()
        ]
        text = pc.binary_join_element_wise(text, pc.take(pa.array(clock), pa.array(second_index.ravel())), " ")
    return pc.fill_null(text, "")


def _pick(labels: tuple[str, ...], mask_values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return np.asarray(labels, dtype=object)[rng.integers(0, len(labels), len(mask_values))]


def _service_log(unit: Unit, quarter: Quarter, rows: int, profile: ExportProfile) -> pa.Table:
    rng = _rng(unit.code, quarter, "service_log")
    holidays = holiday_calendar(quarter.year)
    first, last = np.datetime64(quarter.first_day), np.datetime64(quarter.last_day)
    all_days = np.arange(first, last + 1)
    working = all_days[np.is_busday(all_days, holidays=holidays)]
    received = np.sort(working[rng.integers(0, len(working), rows)])
    service_index = rng.choice(len(unit.services), rows, p=_service_weights(len(unit.services)))
    sla = np.array([service.standard_on(quarter.first_day).sla_days for service in unit.services])[service_index]
    tariff = np.array([service.standard_on(quarter.first_day).tariff for service in unit.services])[service_index]
    on_time = rng.random(rows) < profile.on_time_share
    late_by = rng.geometric(0.35, rows)
    processing = np.where(on_time, np.floor(rng.random(rows) * (sla + 1)), sla + late_by).astype(np.int64)
    completed = np.busday_offset(received, processing, roll="forward", holidays=holidays)
    status = rng.choice(np.array(["selesai", "proses", "ditolak"]), rows, p=[0.9, 0.07, 0.03])
    status = np.where(completed > last, "proses", status)
    completed = np.where(status == "proses", np.datetime64("NaT"), completed)
    fee = tariff.copy()
    overcharged = rng.random(rows) < 0.01
    fee[overcharged] = fee[overcharged] + rng.choice([25_000, 50_000, 100_000], int(overcharged.sum()))
    online = rng.random(rows) < profile.online_share

    ticket_prefix = f"{unit.code.split('-')[-1]}-{quarter.year}{quarter.quarter}-"
    numbers = pc.cast(pa.array(np.arange(1, rows + 1)), pa.string())
    ticket = pc.binary_join_element_wise(ticket_prefix, pc.utf8_lpad(numbers, 7, "0"), "")
    service_names = np.array(
        [service.code if profile.service_label == "code" else service.name for service in unit.services],
        dtype=object,
    )
    status_text = np.empty(rows, dtype=object)
    for value, labels in STATUS_LABELS.items():
        chosen = status == value
        status_text[chosen] = _pick(labels, status_text[chosen], rng)
    channel_text = np.empty(rows, dtype=object)
    for value, labels in CHANNEL_LABELS.items():
        chosen = online if value == "online" else ~online
        channel_text[chosen] = _pick(labels, channel_text[chosen], rng)
    columns = {
        "ticket_id": ticket.to_numpy(zero_copy_only=False).astype(object),
        "service": service_names[service_index],
        "received_date": _date_strings(received, profile.date_format, rng)
        .to_numpy(zero_copy_only=False)
        .astype(object),
        "completed_date": _date_strings(completed, profile.date_format, rng)
        .to_numpy(zero_copy_only=False)
        .astype(object),
        "status": status_text,
        "channel": channel_text,
        "fee_paid": _rupiah(fee, profile.rupiah_style),
    }
    _add_service_dirt(columns, rows, quarter, rng)
    table = pa.table(
        {SERVICE_HEADERS[profile.headers][name]: pa.array(values, pa.string()) for name, values in columns.items()}
    )
    return _with_personal_columns(table, rng)


def _service_weights(count: int) -> np.ndarray:
    weights = 1.0 / np.arange(1, count + 1)
    return weights / weights.sum()


def _rupiah(amounts: np.ndarray, style: str) -> np.ndarray:
    distinct, inverse = np.unique(amounts, return_inverse=True)
    spelled = [f"Rp {amount:,}".replace(",", ".") if style == "rp" else str(amount) for amount in distinct.tolist()]
    return np.asarray(spelled, dtype=object)[inverse]


def _add_service_dirt(columns: dict[str, np.ndarray], rows: int, quarter: Quarter, rng: np.random.Generator) -> None:
    """A few percent of what real exports carry; each kind should end in quarantine."""

    def some(share: float) -> np.ndarray:
        return rng.random(rows) < share

    bad_date = some(0.004)
    columns["received_date"][bad_date] = f"31/02/{quarter.year}"
    columns["ticket_id"][some(0.004)] = ""
    columns["service"][some(0.003)] = "Layanan Lainnya"
    swapped = some(0.003) & (columns["completed_date"] != "")
    columns["received_date"][swapped], columns["completed_date"][swapped] = (
        columns["completed_date"][swapped],
        columns["received_date"][swapped],
    )
    columns["fee_paid"][some(0.001)] = "-5000"
    reused = np.flatnonzero(some(0.002))
    columns["ticket_id"][reused] = columns["ticket_id"][np.maximum(reused - 1, 0)]
    duplicates = np.flatnonzero(some(0.01))
    order = np.sort(np.concatenate([np.arange(rows), duplicates]))
    for name in columns:
        columns[name] = columns[name][order]


def _with_personal_columns(table: pa.Table, rng: np.random.Generator) -> pa.Table:
    """Names, NIK and phone numbers, as units keep them; the pipeline must never load them."""
    rows = table.num_rows
    names = pc.binary_join_element_wise(
        pa.array(np.asarray(FIRST_NAMES, dtype=object)[rng.integers(0, len(FIRST_NAMES), rows)], pa.string()),
        pa.array(np.asarray(LAST_NAMES, dtype=object)[rng.integers(0, len(LAST_NAMES), rows)], pa.string()),
        " ",
    )
    nik = pc.cast(pa.array(rng.integers(3501000000000000, 3579999999999999, rows)), pa.string())
    phone = pc.binary_join_element_wise(
        "08", pc.cast(pa.array(rng.integers(1100000000, 1399999999, rows)), pa.string()), ""
    )
    for position, (header, values) in enumerate(zip(PERSONAL_HEADERS, (names, nik, phone), strict=True)):
        table = table.add_column(1 + position, header, values)
    return table


def _skm_answers(
    unit: Unit, quarter: Quarter, rows: int, profile: ExportProfile
) -> tuple[np.random.Generator, np.ndarray, np.ndarray]:
    """(generator, survey days, answers 1..4 per respondent and element) of the unit's quarter."""
    rng = _rng(unit.code, quarter, "skm_response")
    days = np.arange(np.datetime64(quarter.first_day), np.datetime64(quarter.last_day) + 1)
    submitted = np.sort(days[rng.integers(0, len(days), rows)])
    element_bias = rng.normal(0, 0.25, 9)
    answers = np.clip(np.rint(rng.normal(profile.skm_quality + element_bias, 0.6, (rows, 9))), 1, 4).astype(np.int64)
    return rng, submitted, answers


def _skm_responses(unit: Unit, quarter: Quarter, rows: int, profile: ExportProfile) -> pa.Table:
    """A survey app's export: one row per respondent, a few answers out of range."""
    rng, submitted, answers = _skm_answers(unit, quarter, rows, profile)
    text = answers.astype(str).astype(object)
    out_of_range = rng.random((rows, 9)) < 0.0015
    text[out_of_range] = rng.choice(["5", "0"], int(out_of_range.sum()))
    questions = list(SKM_QUESTIONS[profile.skm_questions])
    order = list(range(9))
    if profile.skm_swaps_u8_u9:
        order[7], order[8] = 8, 7
    forms = profile.skm_questions == "forms"
    columns: dict[str, pa.Array] = {}
    if forms:
        columns["Stempel waktu"] = _date_strings(submitted, "%Y/%m/%d %H:%M:%S", rng)
    else:
        numbers = pc.cast(pa.array(np.arange(1, rows + 1)), pa.string())
        columns["No Responden"] = pc.binary_join_element_wise("R", pc.utf8_lpad(numbers, 5, "0"), "")
        columns["Tanggal Survei"] = _date_strings(submitted, profile.date_format, rng)
    service_index = rng.choice(len(unit.services), rows, p=_service_weights(len(unit.services)))
    columns["Jenis Layanan"] = pa.array(
        np.array([s.name for s in unit.services], dtype=object)[service_index], pa.string()
    )
    if profile.skm_profile:
        columns.update(_respondent_profile(unit, quarter, rows, SKM_PROFILE_STYLES[profile.skm_profile]))
    for element in order:
        columns[questions[element]] = pa.array(text[:, element], pa.string())
    return pa.table(columns)


def _survey_moments(days: np.ndarray, rng: np.random.Generator) -> list[datetime]:
    """A time of day in office hours for each survey day."""
    seconds = rng.integers(8 * 3600, 15 * 3600, len(days))
    return [
        datetime.combine(day.astype(object), time(0)) + timedelta(seconds=int(second))
        for day, second in zip(days, seconds, strict=True)
    ]


def _skm_from_tool(root: DataRoot, unit: Unit, quarter: Quarter, rows: int, profile: ExportProfile) -> list[str]:
    """The survey as the unit's own tool writes it (ExportProfile.skm_tool); the file names it was saved under."""
    if profile.skm_tool == "app":
        skm = _skm_responses(unit, quarter, rows, profile)
        return _write_exports(root, unit, quarter, "skm", skm, profile, "REKAP SURVEI KEPUASAN MASYARAKAT")
    rng, submitted, answers = _skm_answers(unit, quarter, rows, profile)
    if profile.skm_tool == "worksheet":  # one processing worksheet per service, as the regulation's annex has it
        service_index = rng.choice(len(unit.services), rows, p=_service_weights(len(unit.services)))
        names = []
        for index, service in enumerate(unit.services):
            chosen = answers[service_index == index]
            if len(chosen):
                name = f"skm_pengolahan_{service.code.lower()}_{quarter}.xlsx"
                root.write_bytes(worksheet_bytes(unit, service, quarter, chosen), "landing", unit.code, name)
                names.append(name)
        return names
    if profile.skm_tool == "tally":
        data, name = tally_bytes(unit, quarter, answers), f"skm_rekap_{quarter}.xlsx"
    else:
        profile_answers = _respondent_profile(unit, quarter, rows, SKM_PROFILE_STYLES[profile.skm_profile or "formal"])
        by_question = {header: values.to_pylist() for header, values in profile_answers.items()}
        moments = _survey_moments(submitted, rng)
        if profile.skm_tool == "ms_forms":
            services = [service.name for service in unit.services]
            chosen = [services[index] for index in rng.integers(0, len(services), rows)]
            data, name = ms_forms_bytes(chosen, moments, answers, by_question), f"skm_forms_{quarter}.xlsx"
        else:
            names = {header: f"profil_{position}" for position, header in enumerate(by_question)}
            kobo = {KOBO_PROFILE_NAMES.get(header, names[header]): values for header, values in by_question.items()}
            data, name = kobo_csv_bytes(moments, answers, kobo), f"skm_kobo_{quarter}.csv"
    root.write_bytes(data, "landing", unit.code, name)
    return [name]


def _respondent_profile(unit: Unit, quarter: Quarter, rows: int, style: ProfileStyle) -> dict[str, pa.Array]:
    """The profile questions in the form's own words, a few left blank; drawn apart so the answers stay as they were."""
    rng = _rng(unit.code, quarter, "skm_profile")
    years = np.clip(np.rint(rng.normal(34, 11, rows)), 17, 72).astype(np.int64)
    columns = {}
    for column, header in style.headers.items():
        if column == "age_group":
            group = np.searchsorted(LOWER_BOUNDS, years, side="right") - 1
        else:
            group = rng.choice(len(RESPONDENT_PROFILE[column]), rows, p=PROFILE_SHARES[column])
        labels = style.labels.get(column)
        text = years.astype(str).astype(object) if labels is None else np.asarray(labels, dtype=object)[group]
        text[rng.random(rows) < PROFILE_BLANK_SHARE] = ""
        columns[header] = pa.array(text, pa.string())
    return columns


def _complaints(unit: Unit, quarter: Quarter, rows: int) -> pa.Table:
    """A complaint register: the complaint's free text and the complainant stay in the export only."""
    rng = _rng(unit.code, quarter, "complaint_log")
    days = np.arange(np.datetime64(quarter.first_day), np.datetime64(quarter.last_day) + 1)
    received = np.sort(days[rng.integers(0, len(days) - 10, rows)])
    responded = received + rng.integers(0, 8, rows)
    resolved = np.where(rng.random(rows) < 0.8, responded + rng.integers(0, 15, rows), np.datetime64("NaT"))
    numbers = pc.cast(pa.array(np.arange(1, rows + 1)), pa.string())
    table = pa.table(
        {
            "No. Pengaduan": pc.binary_join_element_wise(
                f"ADU-{quarter.year}{quarter.quarter}-", pc.utf8_lpad(numbers, 4, "0"), ""
            ),
            "Tanggal Pengaduan": _date_strings(received, "%d/%m/%Y", rng),
            "Kanal Pengaduan": pa.array(_pick(COMPLAINT_CHANNELS, received, rng), pa.string()),
            "Isi Pengaduan": pa.array(_pick(COMPLAINT_TOPICS, received, rng), pa.string()),
            "Tanggal Tanggapan": _date_strings(responded, "%d/%m/%Y", rng),
            "Tanggal Selesai": _date_strings(resolved, "%d/%m/%Y", rng),
            "Status": pa.array(np.where(np.isnat(resolved), "Proses", "Selesai"), pa.string()),
        }
    )
    return _with_personal_columns(table, rng)


def _perception_responses(unit: Unit, quarter: Quarter, rows: int, profile: ExportProfile) -> pa.Table:
    rng = _rng(unit.code, quarter, "zi_perception")
    days = np.arange(np.datetime64(quarter.first_day), np.datetime64(quarter.last_day) + 1)
    submitted = np.sort(days[rng.integers(0, len(days), rows)])
    answers = np.clip(np.rint(rng.normal(profile.skm_quality * 1.45, 0.7, (rows, 13))), 1, 6).astype(np.int64)
    columns = {"Timestamp": _date_strings(submitted, "%d/%m/%Y %H:%M:%S", rng)}
    for index, question in enumerate(PERCEPTION_QUESTIONS):
        columns[question] = pa.array(answers[:, index].astype(str), pa.string())
    return pa.table(columns)


LKE_AREAS = (
    ("Manajemen Perubahan", 8.0),
    ("Penataan Tatalaksana", 7.0),
    ("Penataan Sistem Manajemen SDM", 10.0),
    ("Penguatan Akuntabilitas Kinerja", 10.0),
    ("Penguatan Pengawasan", 15.0),
    ("Peningkatan Kualitas Pelayanan Publik", 10.0),
)


def _lke_worksheet(unit: Unit, quarter: Quarter) -> pa.Table:
    """The unit's ZI self-assessment: points per area as the worksheet shows them, with decimal commas."""
    rng = _rng(unit.code, quarter, "zi_lke")
    shares = rng.uniform(0.62, 0.97, (len(LKE_AREAS), 2))
    points = [(half * shares[i, 0], half * shares[i, 1]) for i, half in enumerate(w / 2 for _, w in LKE_AREAS)]
    capaian = rng.uniform(2.6, 4.8)

    def text(value: float) -> str:
        return f"{value:.2f}".replace(".", ",")

    assessed = (quarter.last_day - timedelta(days=int(rng.integers(3, 12)))).strftime("%d/%m/%Y")
    return pa.table(
        {
            "No": [str(i) for i in range(1, len(LKE_AREAS) + 2)],
            "Area": [name for name, _ in LKE_AREAS] + ["Capaian Kinerja"],
            "Nilai Pemenuhan": [text(p) for p, _ in points] + [text(capaian)],
            "Nilai Reform": [text(r) for _, r in points] + [""],
            "Tanggal Penilaian": [assessed] * (len(LKE_AREAS) + 1),
        }
    )


def _action_plan(unit: Unit, quarter: Quarter) -> pa.Table:
    """The unit's quarterly action-plan report: actions planned over the year, realised so far (a dateless
    worksheet: its title states the quarter)."""
    rng = _rng(unit.code, quarter, "action_plan")
    year_quarters = [Quarter(quarter.year, number) for number in range(1, 5)]
    planned = rng.choice(len(year_quarters), len(PLANNED_ACTIONS))
    realisation = []
    for index in planned:
        due = year_quarters[index]
        done = due <= quarter and rng.random() < 0.75
        realisation.append(100 if done else int(rng.integers(0, 10)) * 10)
    return pa.table(
        {
            "No": [str(number) for number in range(1, len(PLANNED_ACTIONS) + 1)],
            "Area Perubahan": [action[0] for action in PLANNED_ACTIONS],
            "Unsur/Indikator": [action[1] for action in PLANNED_ACTIONS],
            "Rencana Aksi": [action[2] for action in PLANNED_ACTIONS],
            "Output": [action[3] for action in PLANNED_ACTIONS],
            "Penanggung Jawab": [action[4] for action in PLANNED_ACTIONS],
            "Waktu Pelaksanaan": [f"TW {ROMAN_QUARTERS[year_quarters[i].quarter]} {quarter.year}" for i in planned],
            "Realisasi (%)": [f"{value}%" for value in realisation],
            "Status": ["Selesai" if value == 100 else "Proses" if value else "Belum" for value in realisation],
            "Bukti Dukung": [f"https://drive.example.go.id/zi/{unit.code.lower()}/{n}" if value else ""
                             for n, value in enumerate(realisation, start=1)],
        }
    )  # fmt: skip


def _csv_bytes(table: pa.Table, profile: ExportProfile) -> bytes:
    sink = io.BytesIO()
    pacsv.write_csv(table, sink, pacsv.WriteOptions(delimiter=profile.delimiter, quoting_style="needed"))
    data = sink.getvalue()
    if profile.encoding != "utf-8":
        data = data.decode("utf-8").encode(profile.encoding)
    return data


def _xlsx_bytes(table: pa.Table, unit: Unit, quarter: Quarter, title: str) -> bytes:
    """A workbook as offices make them: a merged title block, the data sheet, and a notes sheet."""
    import xlsxwriter

    sink = io.BytesIO()
    workbook = xlsxwriter.Workbook(sink, {"in_memory": True})
    # A fixed creation time keeps the bytes (and so the sha256) the same on every run.
    workbook.set_properties({"created": datetime.combine(quarter.last_day, time(16, 0))})
    notes = workbook.add_worksheet("Petunjuk")
    notes.write(0, 0, "Data diisi oleh operator unit. Lembar data ada di sheet 'Data'.")
    sheet = workbook.add_worksheet("Data")
    bold = workbook.add_format({"bold": True, "align": "center"})
    width = max(table.num_columns - 1, 1)
    sheet.merge_range(0, 0, 0, width, title, bold)
    sheet.merge_range(1, 0, 1, width, unit.name.upper(), bold)
    sheet.merge_range(2, 0, 2, width, f"TRIWULAN {quarter.quarter} TAHUN {quarter.year}", bold)
    header_row = 4
    sheet.write_row(header_row, 0, table.column_names, workbook.add_format({"bold": True, "border": 1}))
    for offset, row in enumerate(zip(*(column.to_pylist() for column in table.columns), strict=True), start=1):
        sheet.write_row(header_row + offset, 0, row)
    workbook.close()
    return sink.getvalue()


def _write_exports(
    root: DataRoot,
    unit: Unit,
    quarter: Quarter,
    stem: str,
    table: pa.Table,
    profile: ExportProfile,
    title: str,
) -> list[str]:
    if profile.file_format == "xlsx" and table.num_rows <= XLSX_MAX_ROWS:
        name = f"{stem}_{quarter}.xlsx"
        root.write_bytes(_xlsx_bytes(table, unit, quarter, title), "landing", unit.code, name)
        return [name]
    chunks = max(1, -(-table.num_rows // ROWS_PER_CSV))
    names = []
    for index in range(chunks):
        name = f"{stem}_{quarter}.csv" if chunks == 1 else f"{stem}_{quarter}_bagian{index + 1:02d}.csv"
        chunk = table.slice(index * ROWS_PER_CSV, ROWS_PER_CSV)
        root.write_bytes(_csv_bytes(chunk, profile), "landing", unit.code, name)
        names.append(name)
    return names


@dataclass(frozen=True)
class Trend:
    """How a unit's survey quality (mean answer) moved over the quarters up to the newest one written."""

    per_quarter: float = 0.0
    """Gained every quarter: earlier quarters were lower by this much per quarter."""
    newest_drop: float = 0.0
    """Lost in the newest quarter alone: every earlier quarter was higher by this much."""

    def quality(self, profile: ExportProfile, quarters_before: int) -> ExportProfile:
        if quarters_before == 0:
            return profile  # the newest quarter is the same whatever the history
        shift = self.newest_drop - self.per_quarter * quarters_before
        on_time = min(0.99, profile.on_time_share + shift / 2)  # service times move with the survey
        return replace(profile, skm_quality=profile.skm_quality + shift, on_time_share=on_time)


TRENDS = {1: Trend(per_quarter=0.15), -2: Trend(newest_drop=0.3)}
"""Registry position → trend: the second unit has been improving since its action plan; the one second from last
fell sharply in the newest quarter (its early warnings). The others vary only by chance."""


def write_samples(
    quarter: Quarter, rows: int = DEFAULT_ROWS, root: DataRoot | None = None, quarters: int = 1
) -> dict[str, list[str]]:
    """Write every unit's service log, SKM, complaint, ZI perception, LKE and action-plan exports of the `quarters`
    quarters ending with `quarter`; `rows` service rows in all per quarter."""
    root = root or data_root()
    written: dict[str, list[str]] = {}
    period = quarter
    periods = []
    for _ in range(quarters):
        periods.append(period)
        period = period.previous()
    for quarters_before, period in reversed(list(enumerate(periods))):
        for unit_code, names in _write_quarter(period, rows, root, quarters_before).items():
            written.setdefault(unit_code, []).extend(names)
    return written


def _write_quarter(quarter: Quarter, rows: int, root: DataRoot, quarters_before: int) -> dict[str, list[str]]:
    units = registry().units
    volumes = np.array([export_profile(position).volume for position in range(len(units))])
    per_unit = np.maximum(np.rint(rows * volumes / volumes.sum()).astype(int), 1)
    written: dict[str, list[str]] = {}
    for position, (unit, unit_rows) in enumerate(zip(units, per_unit, strict=True)):
        trend = TRENDS.get(position) or TRENDS.get(position - len(units)) or Trend()
        profile = trend.quality(export_profile(position), quarters_before)
        if rows > XLSX_MAX_ROWS:  # benchmark scale: a sheet stops at 1,048,576 rows, so every export is CSV
            profile = replace(profile, file_format="csv")
        for stale in root.list_files("landing", unit.code):
            if f"_{quarter}" in stale and stale.startswith(
                ("layanan_", "skm_", "pengaduan_", "survei_persepsi_", "lke_", "rencana_aksi_")
            ):
                root.delete_file("landing", unit.code, stale)
        service_log = _service_log(unit, quarter, int(unit_rows), profile)
        skm_rows = max(int(unit_rows * profile.skm_share), 8)
        complaints = _complaints(unit, quarter, max(int(unit_rows * 0.02), 3))
        perception = _perception_responses(unit, quarter, max(int(unit_rows * profile.skm_share / 2), 12), profile)
        plain_csv = replace(profile, file_format="csv", delimiter=",", encoding="utf-8")
        worksheet = replace(profile, file_format="xlsx")
        written[unit.code] = [
            *_write_exports(root, unit, quarter, "layanan", service_log, profile, "LAPORAN PELAYANAN PUBLIK"),
            *_skm_from_tool(root, unit, quarter, skm_rows, profile),
            *_write_exports(root, unit, quarter, "pengaduan", complaints, plain_csv, "REKAP PENGADUAN"),
            *_write_exports(root, unit, quarter, "survei_persepsi", perception, plain_csv, "SURVEI PERSEPSI ZI"),
            *_write_exports(root, unit, quarter, "lke", _lke_worksheet(unit, quarter), plain_csv, "LKE ZI"),
            *_write_exports(
                root,
                unit,
                quarter,
                "rencana_aksi",
                _action_plan(unit, quarter),
                worksheet,
                "LAPORAN MONEV RENCANA AKSI ZONA INTEGRITAS",
            ),
        ]
        log.info("%s: %d service rows, %d survey responses (%s)", unit.code, service_log.num_rows, skm_rows,
                 profile.skm_tool)  # fmt: skip
    return written
