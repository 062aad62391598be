"""Indicator metadata in BPS's MS-Ind fields (Metadata Statistik Indikator, Satu Data Indonesia).

Portals and statisticians read indicator metadata in these fields; the catalogue already holds the
definitions, so here they are only arranged, plus what follows from the indicator's place in the
computation (composite or not, its building blocks, the levels it is estimated for).
"""

from __future__ import annotations

from collections.abc import Iterable

from pipelines.indicators.definitions import INDICATORS, Indicator

MS_IND_COLUMNS = (
    "kode_indikator",
    "nama_indikator",
    "konsep",
    "definisi",
    "metode_penghitungan",
    "ukuran",
    "satuan",
    "klasifikasi_penyajian",
    "indikator_komposit",
    "indikator_pembangun",
    "level_estimasi",
    "akses_umum",
    "periodisasi",
    "regulasi",
)

CONCEPTS = {
    "PermenPANRB 15/2014": "Standar pelayanan: janji penyelenggara kepada masyarakat tentang persyaratan, prosedur, "
    "waktu penyelesaian dan biaya/tarif setiap jenis layanan.",
    "PermenPANRB 14/2017": "Survei Kepuasan Masyarakat (SKM): pengukuran kepuasan pengguna layanan atas sembilan unsur "
    "pelayanan, dinyatakan sebagai Indeks Kepuasan Masyarakat (IKM).",
    "PermenPANRB 62/2018": "Pengelolaan pengaduan pelayanan publik: setiap pengaduan ditanggapi dan diselesaikan dalam "
    "batas waktu yang ditetapkan unit.",
    "PermenPANRB 90/2021": "Zona Integritas menuju Wilayah Bebas dari Korupsi (WBK) dan Wilayah Birokrasi Bersih dan "
    "Melayani (WBBM): persepsi anti korupsi, kualitas pelayanan dan pembangunan integritas unit.",
}
COMPONENTS = {
    "on_time_rate": ("services_completed",),
    "complaints_per_1000_services": ("complaints", "services_received"),
    "ikm": tuple(f"ikm_u{number}" for number in range(1, 10)),
    "ipak_component": ("ipak",),
    "ipkp_component": ("ipkp",),
    "zi_hasil": ("ipak_component", "ipkp_component"),
    "zi_total": ("zi_pengungkit", "zi_hasil"),
    "wbk_ready": ("zi_total", "zi_pengungkit", "zi_hasil", "ipak_component", "ipkp_component"),
    "wbbm_ready": ("zi_total", "zi_pengungkit", "zi_hasil", "ipak_component", "ipkp_component"),
}
COMPOSITE = {"ikm", "ipak", "ipkp", "zi_pengungkit", "zi_hasil", "zi_total", "wbk_ready", "wbbm_ready"}
UNIT_ONLY = {"zi_pengungkit", "zi_hasil", "zi_total", "wbk_ready", "wbbm_ready"}
"""Readiness comes from each unit's own LKE worksheet: it is not rolled up."""


def _concept(indicator: Indicator) -> str:
    return next(text for regulation, text in CONCEPTS.items() if regulation in indicator.regulation)


def _measure(indicator: Indicator) -> str:
    unit = indicator.unit
    if unit == "persen":
        return "persentase"
    if unit.startswith("indeks"):
        return "indeks"
    if unit.startswith(("nilai", "poin")):
        return "nilai"
    if unit == "hari kerja":
        return "persentil"
    if unit.startswith("1 ="):
        return "status"
    if " per " in unit:
        return "rasio"
    return "jumlah"


def ms_ind_rows(indicators: Iterable[Indicator] = INDICATORS) -> list[dict[str, str]]:
    """One row per indicator in the MS-Ind fields (columns MS_IND_COLUMNS)."""
    rows = []
    for indicator in indicators:
        levels = "unit kerja" if indicator.code in UNIT_ONLY else "unit kerja, instansi, provinsi"
        rows.append(
            {
                "kode_indikator": indicator.code,
                "nama_indikator": indicator.name,
                "konsep": _concept(indicator),
                "definisi": indicator.definition,
                "metode_penghitungan": indicator.formula,
                "ukuran": _measure(indicator),
                "satuan": indicator.unit,
                "klasifikasi_penyajian": f"menurut {levels} dan triwulan",
                "indikator_komposit": "ya" if indicator.code in COMPOSITE else "tidak",
                "indikator_pembangun": ", ".join(COMPONENTS.get(indicator.code, ())),
                "level_estimasi": levels,
                "akses_umum": "ya",
                "periodisasi": "triwulanan",
                "regulasi": indicator.regulation,
            }
        )
    return rows
