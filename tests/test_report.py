from __future__ import annotations

from dataclasses import replace

import pytest
import weasyprint

from pipelines.indicators import zi_readiness
from pipelines.indicators.definitions import SKM_ELEMENT_NAMES
from pipelines.periods import Quarter
from pipelines.publish.content import NOT_REPORTED, ReleaseContent, Value
from pipelines.publish.report import report_html, report_pdf
from pipelines.registry import registry
from tests.support.chromium import png_size_and_distinct_bytes, rendered_dom, screenshot

Q2, Q3 = Quarter(2026, 2), Quarter(2026, 3)
WITHHELD = "UPT-P2TK"
WEAKEST_ELEMENT = {"BID-WAS": 3, "UPT-K3": 8, "BID-PPKK": 2, "UPT-BLK-SBY": 3, "UPT-BLK-PSR": 1, "UPT-BLK-MDN": 9}


def _unit_values(offset: float, weakest: int, on_time_rate: float) -> dict[str, Value]:
    elements = {
        f"ikm_u{number}": Value(3.6 - offset - 0.05 * number, None, 50) for number in range(1, 10) if number != weakest
    }
    ikm = 25 * (3.5 - offset)
    low, high = round(ikm - 3, 2), round(ikm + 3, 2)
    grades = {"A" if value >= 88.31 else "B" if value >= 76.61 else "C" for value in (low, ikm, high)}
    grade = "A" if ikm >= 88.31 else "B" if ikm >= 76.61 else "C"
    if len(grades) > 1:
        grade += f"; mutu belum pasti: {' atau '.join(sorted(grades, reverse=True))}"
    return {
        "ikm": Value(round(ikm, 2), grade, 50),
        "ikm_ci95_low": Value(low, None, 50),
        "ikm_ci95_high": Value(high, None, 50),
        "on_time_rate": Value(on_time_rate, None, 120),
        f"ikm_u{weakest}": Value(2.4 + offset, "terendah", 50),
        **elements,
    }


@pytest.fixture(scope="module")
def content() -> ReleaseContent:
    reg = registry()
    values = {
        code: _unit_values(0.15 * index, weakest, 70.0 + 4 * index)
        for index, (code, weakest) in enumerate(WEAKEST_ELEMENT.items())
    }
    scores = zi_readiness.ZiScores(
        {code: weight * 0.7 for code, (_, weight) in zi_readiness.AREAS.items()}, 3.0, 3.7, 3.4, 40
    )
    quality = [
        {"kode_unit": unit.code, "nama_unit": unit.name, "data": "log layanan", "status": "sesuai",
         "baris_diperiksa": 1200, "baris_diterima": 1180, "baris_dikarantina": 20, "berkas_ditolak": 0,
         "jawaban_opsional_tak_dikenal": 3,
         "aturan_diperiksa": 14, "aturan_terpenuhi": 14}
        for unit in reg.units
    ]  # fmt: skip
    return ReleaseContent(
        quarter=Q3,
        province_code=reg.province.code,
        province_name=reg.province.name,
        units=reg.units,
        agency_names={agency.code: agency.name for agency in reg.agencies},
        values=values,
        withheld={WITHHELD: "46% baris log layanan dikarantina"},
        history={Q2: {code: {"on_time_rate": Value(65.5, None, 90)} for code in ("BID-WAS", "UPT-K3")}, Q3: values},
        readiness={"BID-WAS": {target: zi_readiness.criteria(scores, target) for target in zi_readiness.THRESHOLDS}},
        quality=quality,
        metadata={"Versi rilis": "v1", "Tanggal terbit": "2026-10-15"},
    )


@pytest.fixture(scope="module")
def html(content: ReleaseContent) -> str:
    return report_html(content)


def test_report_names_every_unit_and_marks_the_withheld_one_belum_lapor(content, html):
    for unit in content.units:
        assert unit.name in html
    withheld_name = next(unit.name for unit in content.units if unit.code == WITHHELD)
    assert f"<b>{withheld_name}</b>: 46% baris log layanan dikarantina" in html
    assert NOT_REPORTED in html


def test_report_names_each_units_weakest_skm_element(content, html):
    names = {unit.code: unit.name for unit in content.units}
    for code, weakest in WEAKEST_ELEMENT.items():
        assert f"<tr><td>{names[code]}</td><td>U{weakest} {SKM_ELEMENT_NAMES[weakest - 1]}</td>" in html


def test_report_says_which_ikm_comes_from_a_tally(content):
    assert "dihitung dari rekap" not in report_html(content)
    values = {**content.values, "UPT-BLK-SBY": {**content.values["UPT-BLK-SBY"],
              "skm_tally_respondents": Value(50.0, "IKM dari rekap", 50)}}  # fmt: skip
    html = report_html(replace(content, values=values))
    assert "IKM dihitung dari rekap jawaban per unsur" in html
    assert "UPT Balai Latihan Kerja Surabaya (IKM dari rekap, 50 responden)" in html


def test_readiness_matrix_shows_marks_and_units_that_cannot_be_assessed(html):
    assert 'class="lulus"' in html and "✓" in html and "✗" in html
    assert "Belum dapat dinilai:" in html


def test_ikm_chart_draws_each_interval_and_marks_an_unsure_grade(content, html):
    unsure = [code for code, values in content.values.items() if ";" in values["ikm"].category]
    assert unsure, "the fixture has a unit whose interval crosses a grade boundary"
    section = html.split('<section id="ikm">')[1].split("</section>")[0]
    assert "selang kepercayaan 95%" in section and "belum pasti" in section
    assert section.count("?)") == len(unsure)
    header = html.split("<header>")[1].split("</header>")[0]
    assert "B: " in header, "an unsure grade still counts under its grade in the headline"


def test_report_links_each_weak_element_to_its_follow_up(content):
    from pipelines.publish.followup import NO_ACTION, FollowUp

    rows = (FollowUp("UPT-K3", "U8 Penanganan Pengaduan, Saran dan Masukan", 2.55, "Kanal WhatsApp pengaduan", "2026Q2",
                     2.40, 80.0, "proses"),
            FollowUp("BID-WAS", "U3 Waktu Penyelesaian", 2.4, NO_ACTION, None, None, None, None))  # fmt: skip
    html = report_html(replace(content, followups=rows, plan_by_area=(("Tindak lanjut SKM", 4, 62.5),)))
    table = html.split('id="tindak-lanjut"')[1].split("</table>")[0]
    assert "Kanal WhatsApp pengaduan</td><td>2026Q2</td><td>2,40</td><td>80</td>" in table
    assert f"<td>{NO_ACTION}</td>" in table
    assert "<td>Tindak lanjut SKM</td><td>4</td><td>62,5</td>" in html.split('id="rencana-aksi"')[1]


def test_report_lists_the_early_warnings(content):
    from pipelines.indicators.early_warning import EarlyWarning

    warning = EarlyWarning("UPT-K3", "on_time_rate", 85.0, 70.0, "Persentase layanan selesai tepat waktu turun 15 poin")
    listed = report_html(replace(content, warnings=(warning,))).split('id="peringatan-dini"')[1].split("</div>")[0]
    assert "<b>UPT Keselamatan Kerja</b>: Persentase layanan selesai tepat waktu turun 15 poin" in listed
    assert 'id="peringatan-dini"' not in report_html(content)


def test_report_is_self_contained(html):
    assert "<script" not in html
    assert 'src="http' not in html and 'href="http' not in html and "url(http" not in html
    assert html.count("<svg") == 3 and "<?xml" not in html


def test_report_is_deterministic(content, html):
    assert report_html(content) == html


def test_report_opened_in_chromium_shows_charts_and_every_unit(content, html, tmp_path):
    page = tmp_path / "laporan.html"
    page.write_text(html, encoding="utf-8")
    image = tmp_path / "laporan.png"
    screenshot(page, image, tmp_path / "chromium")
    assert png_size_and_distinct_bytes(image)[2] > 50
    dom = rendered_dom(page, tmp_path / "chromium")
    for unit in content.units:
        assert unit.name in dom


def test_report_pdf_has_several_pages(html):
    assert report_pdf(html).startswith(b"%PDF")
    assert len(weasyprint.HTML(string=html).render().pages) >= 2
