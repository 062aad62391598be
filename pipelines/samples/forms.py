"""SKM exports in the shapes units' tools really write, from a matrix of answers.

Each writer takes respondents' answers (one row of nine scores 1..4 per respondent, elements U1..U9 in
order) and returns the bytes a unit would send: the regulation's processing worksheet (PermenPANRB 14/2017
annex), a Microsoft Forms workbook, a KoboToolbox/ODK CSV, and a paper survey's tally (rekap). The sample
generator and the tests use the same writers.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime, time, timedelta

import numpy as np

from pipelines.periods import Quarter
from pipelines.registry import Service, Unit

ROMAN = ("I", "II", "III", "IV")
JAKARTA_OFFSET = timedelta(hours=7)
ELEMENT_LABELS = tuple(f"U{i}" for i in range(1, 10))
ANSWER_LABELS = {1: "Tidak Baik", 2: "Kurang Baik", 3: "Baik", 4: "Sangat Baik"}
FORM_QUESTIONS = (
    "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?",
    "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
    "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
    "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
    "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan dengan standar pelayanan?",
    "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
    "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?",
    "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
    "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
)
KOBO_NAMES = ("u1_persyaratan", "u2_prosedur", "u3_waktu", "u4_biaya", "u5_produk", "u6_kompetensi",
              "u7_perilaku", "u8_pengaduan", "u9_sarana")  # fmt: skip
LEGEND = (
    ("NILAI PERSEPSI", "NILAI INTERVAL (NI)", "NILAI INTERVAL KONVERSI (NIK)", "MUTU PELAYANAN", "KINERJA UNIT"),
    ("1", "1,00 - 2,5996", "25,00 - 64,99", "D", "Tidak baik"),
    ("2", "2,60 - 3,064", "65,00 - 76,60", "C", "Kurang baik"),
    ("3", "3,0644 - 3,532", "76,61 - 88,30", "B", "Baik"),
    ("4", "3,5324 - 4,00", "88,31 - 100,00", "A", "Sangat baik"),
)


def answers_with_totals(totals: Sequence[int], respondents: int, seed: int = 0) -> np.ndarray:
    """Answers (respondents × 9) whose element totals are `totals`: each element's answers as even as the total
    allows, shuffled per element so that rows differ."""
    rng = np.random.default_rng(seed)
    columns = []
    for total in totals:
        base, extra = divmod(total, respondents)
        if not 1 <= base <= 4 or (base == 4 and extra):
            raise ValueError(f"no answers 1..4 of {respondents} respondents sum to {total}")
        column = np.array([base + 1] * extra + [base] * (respondents - extra))
        columns.append(rng.permutation(column))
    return np.column_stack(columns)


def _workbook(sink: io.BytesIO, quarter: Quarter):
    import xlsxwriter

    workbook = xlsxwriter.Workbook(sink, {"in_memory": True})
    # A fixed creation time keeps the bytes (and so the sha256) the same on every run.
    workbook.set_properties({"created": datetime.combine(quarter.last_day, time(16, 0))})
    return workbook


def period_title(quarter: Quarter) -> str:
    return f"PERIODE : TRIWULAN {ROMAN[quarter.quarter - 1]} TAHUN {quarter.year}"


def worksheet_bytes(
    unit: Unit, service: Service | None, quarter: Quarter, answers: np.ndarray, period: str | None = None
) -> bytes:
    """The regulation's processing worksheet: title block, NO. RES beside U1…U9 under a merged heading,
    one row of scores per respondent with no date, then Σ, NRR, weighted NRR and IKM rows and the legend.

    `period` is the title's period line (default: the quarter's, "PERIODE : TRIWULAN III TAHUN 2026").
    """
    sink = io.BytesIO()
    workbook = _workbook(sink, quarter)
    sheet = workbook.add_worksheet("Pengolahan")
    bold = workbook.add_format({"bold": True, "align": "center", "valign": "vcenter", "border": 1})
    title = workbook.add_format({"bold": True})
    titles = [
        "PENGOLAHAN DATA SURVEI KEPUASAN MASYARAKAT PER RESPONDEN DAN PER UNSUR PELAYANAN",
        f"UNIT PELAYANAN : {unit.name}",
        f"JENIS LAYANAN : {service.name if service else 'Semua layanan'}",
        period_title(quarter) if period is None else period,
    ]
    for row, text in enumerate(titles):
        sheet.merge_range(row, 0, row, 9, text, title)
    top = len(titles) + 1
    sheet.merge_range(top, 0, top + 1, 0, "NO. RES", bold)
    sheet.merge_range(top, 1, top, 9, "NILAI UNSUR PELAYANAN", bold)
    sheet.write_row(top + 1, 1, ELEMENT_LABELS, bold)
    for number, scores in enumerate(answers.tolist(), start=1):
        sheet.write_row(top + 1 + number, 0, [number, *scores])
    respondents = len(answers)
    totals = answers.sum(axis=0)
    nrr = totals / respondents
    footer = top + 2 + respondents
    sheet.write_row(footer, 0, ["Σ Nilai/Unsur", *totals.tolist()])
    sheet.write_row(footer + 1, 0, ["NRR/Unsur", *nrr.tolist()])
    sheet.write_row(footer + 2, 0, ["NRR tertimbang/Unsur", *(nrr * 0.111).tolist()])
    weighted = float((nrr * 0.111).sum())
    sheet.write_row(footer + 3, 0, ["IKM Unit pelayanan", "*)", weighted, "**)", weighted * 25])
    legend = footer + 5
    notes = ["KETERANGAN :", "- U1 s.d. U9 = Unsur-Unsur pelayanan", "- NRR = Nilai rata-rata",
             "- IKM = Indeks Kepuasan Masyarakat", "- *) = Jumlah NRR IKM tertimbang",
             "- **) = Jumlah NRR Tertimbang x 25"]  # fmt: skip
    for offset, note in enumerate(notes):
        sheet.write(legend + offset, 0, note)
    for offset, row in enumerate(LEGEND, start=len(notes) + 1):
        sheet.write_row(legend + offset, 0, row)
    workbook.close()
    return sink.getvalue()


def ms_forms_bytes(
    services: Sequence[str], submitted: Sequence[datetime], answers: np.ndarray, profile: dict[str, Sequence[str]]
) -> bytes:
    """A Microsoft Forms response workbook (Indonesian interface): ID, Waktu mulai, Waktu penyelesaian, Email,
    Nama, then one column per question with the answer's label; `profile` maps a question text to its answers."""
    quarter = Quarter.containing(max(submitted).date())
    sink = io.BytesIO()
    workbook = _workbook(sink, quarter)
    sheet = workbook.add_worksheet("Sheet1")
    stamp = workbook.add_format({"num_format": "m/d/yy h:mm:ss"})
    headers = ["ID", "Waktu mulai", "Waktu penyelesaian", "Email", "Nama", "Jenis layanan yang Anda terima",
               *profile, *FORM_QUESTIONS]  # fmt: skip
    sheet.write_row(0, 0, headers)
    for index, (scores, done) in enumerate(zip(answers.tolist(), submitted, strict=True)):
        row = index + 1
        sheet.write_number(row, 0, row)
        sheet.write_datetime(row, 1, done - timedelta(minutes=4), stamp)
        sheet.write_datetime(row, 2, done, stamp)
        profile_answers = [column[index] for column in profile.values()]
        labels = [ANSWER_LABELS[score] for score in scores]
        sheet.write_row(row, 3, ["anonymous", "", services[index], *profile_answers, *labels])
    workbook.close()
    return sink.getvalue()


def kobo_csv_bytes(
    submitted: Sequence[datetime], answers: np.ndarray, profile: dict[str, Sequence[str]], first_id: int = 1
) -> bytes:
    """A KoboToolbox CSV export with XML names: `grp_…/` group prefixes, `;` delimiter, and Kobo's own
    columns (`_id`, `_uuid`, `_submission_time`, `_index`, …); `profile` maps a question name to its answers."""
    headers = ["start", "end", "today", "deviceid", *(f"grp_profil/{name}" for name in profile),
               *(f"grp_skm/{name}" for name in KOBO_NAMES), "_id", "_uuid", "_submission_time",
               "_validation_status", "_notes", "_status", "_submitted_by", "__version__", "_tags",
               "_index"]  # fmt: skip
    lines = [";".join(headers)]
    for index, (scores, done) in enumerate(zip(answers.tolist(), submitted, strict=True)):
        started, received = done - timedelta(minutes=5), done - JAKARTA_OFFSET  # Kobo stamps arrival in UTC
        cells = [f"{started:%Y-%m-%dT%H:%M:%S}.000+07:00", f"{done:%Y-%m-%dT%H:%M:%S}.000+07:00",
                 f"{done:%Y-%m-%d}", "ee.kobotoolbox.org:abc123",
                 *(column[index] for column in profile.values()), *map(str, scores),
                 str(first_id + index), f"5f0c2a4e-{first_id + index:04d}-4a9b-9c1d-000000000000",
                 f"{received:%Y-%m-%dT%H:%M:%S}", "", "", "submitted_via_web", "", "vQ2026", "",
                 str(index + 1)]  # fmt: skip
        lines.append(";".join(cells))
    return ("\n".join(lines) + "\n").encode()


def tally_bytes(unit: Unit, quarter: Quarter, answers: np.ndarray, counts: bool = True) -> bytes:
    """A paper survey's tally (rekap): one row per element with how many respondents gave each answer and the
    element's total score, then the number of respondents; with `counts` False, only the totals, and the
    number of respondents in the title block."""
    from pipelines.indicators.definitions import SKM_ELEMENT_NAMES

    respondents = len(answers)
    sink = io.BytesIO()
    workbook = _workbook(sink, quarter)
    sheet = workbook.add_worksheet("Rekap")
    titles = ["REKAPITULASI SURVEI KEPUASAN MASYARAKAT", f"UNIT PELAYANAN : {unit.name}", period_title(quarter)]
    if not counts:
        titles.append(f"JUMLAH RESPONDEN : {respondents} orang")
    for row, text in enumerate(titles):
        sheet.write(row, 0, text)
    top = len(titles) + 1
    answer_headers = [f"{ANSWER_LABELS[answer]} ({answer})" for answer in range(1, 5)] if counts else []
    sheet.write_row(top, 0, ["NO", "UNSUR PELAYANAN", *answer_headers, "JUMLAH NILAI"])
    for index, (label, name) in enumerate(zip(ELEMENT_LABELS, SKM_ELEMENT_NAMES, strict=True)):
        column = answers[:, index]
        tallied = [int((column == answer).sum()) for answer in range(1, 5)] if counts else []
        sheet.write_row(top + 1 + index, 0, [index + 1, f"{label} {name}", *tallied, int(column.sum())])
    if counts:
        sheet.write_row(top + 10, 0, ["", "JUMLAH RESPONDEN", respondents])
    workbook.close()
    return sink.getvalue()
