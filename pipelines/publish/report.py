"""The quarterly monev report for the provincial reform office: one self-contained HTML page and its PDF.

The office opens the page offline and prints it, so it carries everything inside (CSS, charts as inline
SVG) and needs no script or link. A unit without figures is named "belum lapor", never drawn as 0.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from html import escape

from pipelines.indicators.definitions import BY_CODE, SKM_ELEMENT_NAMES
from pipelines.indicators.skm import GRADES, grade_in
from pipelines.indicators.zi_readiness import THRESHOLDS, Criterion
from pipelines.periods import Quarter
from pipelines.publish import charts
from pipelines.publish.cells import decimal_comma
from pipelines.publish.content import NOT_REPORTED, ReleaseContent, UnitValues
from pipelines.publish.datapackage import LICENSE
from pipelines.publish.quality_annex import ANNEX_COUNTS

ELEMENT_CODES = tuple(f"ikm_u{number}" for number in range(1, len(SKM_ELEMENT_NAMES) + 1))
ELEMENT_LABELS = tuple(f"U{number}" for number in range(1, len(SKM_ELEMENT_NAMES) + 1))
WEAKEST = "terendah"  # the category unit_quarter gives the SKM element(s) with the lowest average
NOT_ASSESSABLE = "belum dapat dinilai"
STATUS_SYMBOLS = {"sesuai": "✓", "ada masalah": "✗"}
NOISY_LOGGERS = ("weasyprint", "fontTools")  # font subsetting and CSS notes, not problems with the report

STYLE = """
@page { size: A4; margin: 15mm;
  @bottom-right { content: "Halaman " counter(page) " dari " counter(pages); font-size: 7.5pt; color: #555; } }
html { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 9pt; color: #1b1b1b; }
body { max-width: 180mm; margin: 0 auto; padding: 6mm 0; }
@media print { body { padding: 0; } }
h1 { font-size: 15pt; margin: 0 0 3pt; }
h2 { font-size: 11.5pt; margin: 14pt 0 5pt; padding-bottom: 2pt; border-bottom: 1pt solid #2f5d8a;
  break-after: avoid; }
h3 { font-size: 10pt; margin: 8pt 0 3pt; break-after: avoid; }
p { margin: 3pt 0; }
.instansi { color: #444; margin-bottom: 8pt; }
.angka-utama { display: grid; grid-template-columns: repeat(4, 1fr); gap: 5pt; list-style: none; padding: 0;
  margin: 6pt 0; }
.angka-utama li { border: 0.75pt solid #c9d6e3; background: #f3f7fb; padding: 4pt 6pt; }
.angka-utama strong { display: block; font-size: 13pt; }
figure { margin: 0 0 6pt; break-inside: avoid; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { font-size: 7.5pt; color: #444; margin-top: 2pt; }
table { border-collapse: collapse; width: 100%; font-size: 7pt; margin: 3pt 0 6pt; break-inside: avoid; }
table.lampiran { break-inside: auto; }
#kualitas-data { break-before: page; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th, td { border: 0.5pt solid #b8c2cc; padding: 2pt 3pt; text-align: left; vertical-align: top; }
th { background: #e9eef3; }
.angka { text-align: right; white-space: nowrap; }
td.lulus { background: #dcefe0; white-space: nowrap; }
td.gagal { background: #f8d9d6; white-space: nowrap; }
td.status { white-space: nowrap; }
td.ada-masalah { background: #f8d9d6; }
.belum { color: #6b4e00; }
.peringatan { color: #8a1c1c; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2pt 8pt; font-size: 8pt; }
dt { font-weight: bold; }
dd { margin: 0; }
"""


def _quarter_label(quarter: Quarter) -> str:
    return f"TW{quarter.quarter} {quarter.year}"


def _number(values: UnitValues, unit_code: str, indicator_code: str) -> float | None:
    value = values.get(unit_code, {}).get(indicator_code)
    return None if value is None else value.value


def _row(cells: Iterable[str], tag: str = "td") -> str:
    """A table row of plain texts, escaped here."""
    return "<tr>" + "".join(f"<{tag}>{escape(str(cell))}</{tag}>" for cell in cells) + "</tr>"


def _figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption>{escape(caption)}</figcaption></figure>"


def _not_reported(content: ReleaseContent, unit_codes: Sequence[str], missing: str, intro: str) -> str:
    """The units without a figure, each with why: the release's reason, or the data it did not send."""
    if not unit_codes:
        return ""
    names = {unit.code: unit.name for unit in content.units}
    items = "".join(
        f"<li><b>{escape(names[code])}</b>: {escape(content.withheld.get(code, missing))}</li>" for code in unit_codes
    )
    return f'<div class="belum"><p>{escape(intro)}</p><ul>{items}</ul></div>'


def _left_out(content: ReleaseContent, unit_codes: Sequence[str], missing: str) -> str:
    return _not_reported(content, unit_codes, missing, f"Tidak digambar ({NOT_REPORTED}, bukan nol):")


def _header(content: ReleaseContent, title: str) -> str:
    reporting = [unit for unit in content.units if unit.code not in content.withheld]
    grades = Counter(
        grade_in(value.category) for unit in reporting if (value := content.value(unit.code, "ikm")) and value.category
    )
    by_grade = " · ".join(f"{grade}: {grades[grade]}" for _, grade, _ in GRADES if grades[grade]) or "–"
    headline = [
        (f"{len(reporting)} dari {len(content.units)}", "unit melapor triwulan ini"),
        (by_grade, "unit per mutu pelayanan (IKM)"),
    ]
    for target in THRESHOLDS:
        ready = sum(all(check.passed for check in by_target[target]) for by_target in content.readiness.values())
        headline.append((f"{ready} dari {len(content.readiness)}", f"unit dengan LKE memenuhi syarat Menuju {target}"))
    items = "".join(f"<li><strong>{escape(number)}</strong>{escape(label)}</li>" for number, label in headline)
    agencies = "; ".join(content.agency_names.values())
    return (
        f"<header><h1>{escape(title)}</h1>"
        f'<p class="instansi">Provinsi {escape(content.province_name)} · {escape(agencies)}</p>'
        f'<ul class="angka-utama">{items}</ul>'
        + _not_reported(content, list(content.withheld), NOT_REPORTED, f"{NOT_REPORTED.capitalize()}:")
        + _warnings(content)
        + "</header>"
    )


def _warnings(content: ReleaseContent) -> str:
    """The quarter's early warnings: a unit's figure that moved the wrong way against the previous quarter."""
    if not content.warnings:
        return ""
    names = {unit.code: unit.name for unit in content.units}
    items = "".join(
        f"<li><b>{escape(names.get(warning.unit_code, warning.unit_code))}</b>: {escape(warning.reason)}</li>"
        for warning in content.warnings
    )
    intro = "<p>Peringatan dini dibanding triwulan sebelumnya:</p>"
    return f'<div class="peringatan" id="peringatan-dini">{intro}<ul>{items}</ul></div>'


def _grade_ranges() -> str:
    upper = "100,00"
    ranges = []
    for lower, grade, label in GRADES:
        ranges.append(f"{grade} {label} {decimal_comma(float(lower))}–{upper}")
        upper = decimal_comma(float(lower) - 0.01)
    return "; ".join(ranges)


def _ikm_section(content: ReleaseContent) -> str:
    indicator = BY_CODE["ikm"]
    rows, missing = [], []
    for unit in content.units:
        ikm = content.value(unit.code, "ikm")
        if ikm is None or ikm.value is None:
            missing.append(unit.code)
        else:
            low, high = content.value(unit.code, "ikm_ci95_low"), content.value(unit.code, "ikm_ci95_high")
            interval = (low.value, high.value) if low and high and low.value is not None else None
            grade = (grade_in(ikm.category) or "") + ("?" if ikm.category and ";" in ikm.category else "")
            rows.append(charts.IkmBar(unit.name, ikm.value, grade, interval))
    caption = (
        f"Gambar 1. {indicator.name} per unit, {indicator.unit}, diurutkan dari yang tertinggi. Latar menandai mutu "
        f"pelayanan menurut PermenPANRB 14/2017: {_grade_ranges()}. Garis tipis: selang kepercayaan 95% IKM; "
        "tanda ? : selang melewati batas mutu, sehingga mutunya belum pasti."
    )
    chart = _figure(charts.ikm_chart(rows, f"{indicator.name} per unit dengan pita mutu A–D"), caption) if rows else ""
    return (
        f'<section id="ikm"><h2>1. {escape(indicator.name)}</h2>{chart}{_tally_note(content)}'
        f"{_left_out(content, missing, 'tidak ada data SKM')}</section>"
    )


def _tally_note(content: ReleaseContent) -> str:
    """Which units' IKM comes (partly) from a paper survey's tally rather than per-respondent answers."""
    marked = [
        f"{escape(unit.name)} ({escape(value.category)}, {decimal_comma(value.value, 0)} responden)"
        for unit in content.units
        if (value := content.value(unit.code, "skm_tally_respondents")) and value.category and value.value
    ]
    if not marked:
        return ""
    return (
        '<p class="catatan">IKM dihitung dari rekap jawaban per unsur (survei kertas), bukan dari data per '
        f"responden: {'; '.join(marked)}. Nilai IKM dan NRR tetap tepat; profil responden tidak tersedia.</p>"
    )


def _on_time_section(content: ReleaseContent) -> str:
    indicator = BY_CODE["on_time_rate"]
    quarters = sorted(content.history)
    rates = {
        unit.name: {
            _quarter_label(quarter): rate
            for quarter in quarters
            if (rate := _number(content.history[quarter], unit.code, "on_time_rate")) is not None
        }
        for unit in content.units
    }
    rates = {name: by_quarter for name, by_quarter in rates.items() if by_quarter}
    labels = [label for label in map(_quarter_label, quarters) if any(label in found for found in rates.values())]
    missing = [unit.code for unit in content.units if _number(content.values, unit.code, "on_time_rate") is None]
    chart = ""
    if rates:
        caption = (
            f"Gambar 2. {indicator.name} per unit dan triwulan ({indicator.unit}), {labels[0]} s.d. {labels[-1]}; "
            "triwulan yang tidak dilaporkan suatu unit tidak digambar."
        )
        chart = _figure(charts.on_time_chart(rates, labels, f"{indicator.name} per unit dan triwulan"), caption)
    return (
        f'<section id="tepat-waktu"><h2>2. {escape(indicator.name)}</h2>{chart}'
        f"{_left_out(content, missing, 'tidak ada data layanan selesai triwulan ini')}</section>"
    )


def _elements_section(content: ReleaseContent) -> str:
    rows, weakest_rows, missing = [], [], []
    for unit in content.units:
        elements = [content.value(unit.code, code) for code in ELEMENT_CODES]
        values = [None if element is None else element.value for element in elements]
        if all(value is None for value in values):
            missing.append(unit.code)
            continue
        weakest = [index for index, element in enumerate(elements) if element and element.category == WEAKEST]
        rows.append((unit.name, values, weakest))
        weakest_rows.append(
            (
                unit.name,
                "; ".join(f"{ELEMENT_LABELS[index]} {SKM_ELEMENT_NAMES[index]}" for index in weakest) or "–",
                "; ".join(decimal_comma(values[index]) for index in weakest) or "–",
            )
        )
    key = "; ".join(f"{label} {name}" for label, name in zip(ELEMENT_LABELS, SKM_ELEMENT_NAMES, strict=True))
    caption = (
        f"Gambar 3. Nilai rata-rata (NRR, skala 1–4) tiap unsur SKM per unit; warna mengikuti interval mutu A–D, "
        f"kotak tebal menandai unsur terlemah unit. Unsur: {key}."
    )
    title = "Nilai rata-rata unsur SKM per unit, unsur terlemah ditandai"
    chart = _figure(charts.element_heatmap(rows, ELEMENT_LABELS, title), caption) if rows else ""
    table = (
        "<table><thead>"
        + _row(("Unit", "Unsur terlemah", "Nilai rata-rata"), "th")
        + "</thead><tbody>"
        + "".join(_row(row) for row in weakest_rows)
        + "</tbody></table>"
    )
    return (
        f'<section id="unsur-skm"><h2>3. Unsur Survei Kepuasan Masyarakat (SKM)</h2>{chart}'
        f"<h3>Unsur terlemah per unit</h3>{table}{_left_out(content, missing, 'tidak ada data SKM')}"
        f"{_followup_tables(content)}</section>"
    )


def _optional(value: float | None, places: int = 2) -> str:
    return "–" if value is None else decimal_comma(value, places)


def _followup_tables(content: ReleaseContent) -> str:
    """Each weak element with the action that answers it (and the element's average then and now), and the pooled
    plans' progress per area."""
    names = {unit.code: unit.name for unit in content.units}
    rows = [
        (names.get(row.unit_code, row.unit_code), row.element, decimal_comma(row.nrr), row.action,
         row.planned_quarter or "–", _optional(row.nrr_when_planned), _optional(row.realisation, 0))
        for row in content.followups
    ]  # fmt: skip
    head = ("Unit", "Unsur di bawah mutu B", "NRR triwulan ini", "Rencana tindak lanjut", "Triwulan rencana",
            "NRR pada triwulan rencana", "Realisasi (%)")  # fmt: skip
    followup = (
        '<h3>Tindak lanjut unsur di bawah mutu B (NRR &lt; 3,0644)</h3><table id="tindak-lanjut"><thead>'
        + _row(head, "th") + "</thead><tbody>" + "".join(_row(row) for row in rows) + "</tbody></table>"
        if rows else "<h3>Tindak lanjut unsur di bawah mutu B</h3><p>Tidak ada unsur SKM di bawah mutu B.</p>"
    )  # fmt: skip
    if not content.plan_by_area:
        return followup
    areas = "".join(_row((area, str(items), decimal_comma(mean, 1))) for area, items, mean in content.plan_by_area)
    return (
        followup + '<h3>Realisasi rencana aksi per area (semua unit yang melapor)</h3><table id="rencana-aksi">'
        + "<thead>" + _row(("Area", "Jumlah aksi", "Rata-rata realisasi (%)"), "th") + f"</thead><tbody>{areas}"
        + "</tbody></table>"
    )  # fmt: skip


def _criterion_cell(check: Criterion) -> str:
    symbol, kind = ("✓", "lulus") if check.passed else ("✗", "gagal")
    value = decimal_comma(check.value, check.decimals)
    return f'<td class="{kind}" title="{escape(check.describe())}">{symbol} {value}</td>'


def _readiness_table(content: ReleaseContent, target: str) -> str:
    """Criteria down, assessed units across: fits the page however long the criteria names are."""
    assessed = [unit for unit in content.units if unit.code in content.readiness]
    checks = [content.readiness[unit.code][target] for unit in assessed]
    head = _row(("Kriteria", "Batas minimal", *(f"{unit.name} (target {unit.zi_target})" for unit in assessed)), "th")
    body = [
        f"<tr><td>{escape(reference.name)}</td>"
        f'<td class="angka">{decimal_comma(reference.minimum, reference.decimals)}</td>'
        + "".join(_criterion_cell(unit_checks[index]) for unit_checks in checks)
        + "</tr>"
        for index, reference in enumerate(checks[0] if checks else [])
    ]
    verdicts = [
        f"belum: {failing} kriteria tidak terpenuhi"
        if (failing := sum(not check.passed for check in unit_checks))
        else f"memenuhi semua {len(unit_checks)} kriteria"
        for unit_checks in checks
    ]
    body.append(_row(("Kesimpulan", "", *verdicts), "th"))
    return f"<h3>Menuju {escape(target)}</h3><table><thead>{head}</thead><tbody>{''.join(body)}</tbody></table>"


def _readiness_section(content: ReleaseContent) -> str:
    tables = "".join(_readiness_table(content, target) for target in THRESHOLDS) if content.readiness else ""
    unassessed = [unit.code for unit in content.units if unit.code not in content.readiness]
    return (
        '<section id="kesiapan-zi"><h2>4. Kesiapan predikat Zona Integritas</h2>'
        "<p>Setiap kriteria PermenPANRB 90/2021 jo. 5/2024 dengan nilai unit: ✓ memenuhi batas minimal, "
        f"✗ belum memenuhi.</p>{tables}"
        + _not_reported(
            content, unassessed, "LKE atau survei persepsi (IPAK/IPKP) belum lengkap", f"{NOT_ASSESSABLE.capitalize()}:"
        )
        + "</section>"
    )


def _quality_section(content: ReleaseContent) -> str:
    head = _row(
        (
            "Unit",
            "Data",
            "Status",
            "Baris diperiksa",
            "Baris diterima",
            "Baris dikarantina",
            "Berkas ditolak",
            "Jawaban opsional di luar daftar",
            "Aturan terpenuhi",
        ),
        "th",
    )
    body = []
    for row in content.quality:
        status = row["status"]
        symbol = STATUS_SYMBOLS.get(status, "–")
        counts = [row[column] for column in ANNEX_COUNTS]
        numbers = "".join(f'<td class="angka">{decimal_comma(count, 0)}</td>' for count in counts)
        body.append(
            f"<tr><td>{escape(row['nama_unit'])}</td><td>{escape(row['data'])}</td>"
            f'<td class="status {escape(status.replace(" ", "-"))}">{symbol} {escape(status)}</td>{numbers}'
            f'<td class="angka">{row["aturan_terpenuhi"]} dari {row["aturan_diperiksa"]}</td></tr>'
        )
    return (
        '<section id="kualitas-data"><h2>5. Lampiran: kualitas data</h2>'
        "<p>Hasil validasi data tiap unit triwulan ini: baris yang diperiksa, diterima dan dikarantina, berkas yang "
        "ditolak utuh, jawaban opsional (profil responden, kanal) di luar daftar pilihan yang tetap diterima "
        "(dihitung sebagai Lainnya atau dikosongkan), dan aturan mutu yang terpenuhi.</p>"
        f'<table class="lampiran"><thead>{head}</thead>'
        f"<tbody>{''.join(body)}</tbody></table></section>"
    )


def _colophon(content: ReleaseContent) -> str:
    licence = ("Lisensi", f"{LICENSE['title']} ({LICENSE['name']}), {LICENSE['path'].split('://')[1]}")
    entries = [*content.metadata.items(), *([] if "Lisensi" in content.metadata else [licence])]
    items = "".join(f"<dt>{escape(label)}</dt><dd>{escape(text)}</dd>" for label, text in entries)
    return f'<footer id="metadata"><h2>Metadata</h2><dl>{items}</dl></footer>'


def report_html(content: ReleaseContent) -> str:
    """The whole report as one HTML page; the same content always gives the same text."""
    title = f"Laporan Monev Zona Integritas — Triwulan {content.quarter.quarter} Tahun {content.quarter.year}"
    sections = (
        _header(content, title),
        _ikm_section(content),
        _on_time_section(content),
        _elements_section(content),
        _readiness_section(content),
        _quality_section(content),
        _colophon(content),
    )
    return (
        f'<!DOCTYPE html>\n<html lang="id"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{STYLE}</style></head><body>{''.join(sections)}</body></html>\n"
    )


def report_pdf(html: str) -> bytes:
    """The page printed by WeasyPrint with the page's own print stylesheet, so the PDF looks like the page."""
    for name in NOISY_LOGGERS:  # before the import, which already parses the built-in stylesheets
        logging.getLogger(name).setLevel(logging.ERROR)
    import weasyprint

    return weasyprint.HTML(string=html).write_pdf()
