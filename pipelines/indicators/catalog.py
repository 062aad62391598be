"""The indicator catalogue: what each published code means, in the reform office's words.

One entry per indicator; releases, the data dictionary and the workbook all read it here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    """Nama indikator (Indonesian, as published)."""
    unit: str
    """Satuan."""
    definition: str
    formula: str
    regulation: str


INDICATORS = (
    Indicator(
        "services_received",
        "Jumlah permohonan layanan",
        "layanan",
        "Permohonan layanan yang diterima dalam triwulan (menurut tanggal permohonan).",
        "count(permohonan)",
        "PermenPANRB 15/2014 (standar pelayanan)",
    ),
    Indicator(
        "services_completed",
        "Jumlah layanan selesai",
        "layanan",
        "Permohonan layanan yang diterima dalam triwulan dan selesai (status Selesai dengan tanggal selesai).",
        "count(status = selesai)",
        "PermenPANRB 15/2014 (standar pelayanan)",
    ),
    Indicator(
        "on_time_rate",
        "Persentase layanan selesai tepat waktu",
        "persen",
        "Bagian layanan selesai yang diselesaikan dalam batas waktu standar pelayanan (hari kerja; "
        "akhir pekan, libur nasional dan cuti bersama tidak dihitung).",
        "100 × count(hari kerja proses ≤ batas waktu) / count(layanan selesai)",
        "PermenPANRB 15/2014",
    ),
    Indicator(
        "processing_days_p50",
        "Median lama proses layanan",
        "hari kerja",
        "Nilai tengah hari kerja dari permohonan sampai selesai, untuk layanan yang selesai.",
        "persentil ke-50 (interpolasi linear) dari hari kerja proses",
        "PermenPANRB 15/2014",
    ),
    Indicator(
        "processing_days_p90",
        "Lama proses layanan persentil ke-90",
        "hari kerja",
        "90% layanan yang selesai diproses dalam hari kerja sebanyak ini atau kurang.",
        "persentil ke-90 (interpolasi linear) dari hari kerja proses",
        "PermenPANRB 15/2014",
    ),
    Indicator(
        "backlog_overdue",
        "Tunggakan layanan melewati batas waktu",
        "layanan",
        "Layanan yang belum selesai pada akhir triwulan dan sudah melewati batas waktu standar pelayanan.",
        "count(belum selesai pada akhir triwulan dan hari kerja sejak permohonan > batas waktu)",
        "PermenPANRB 15/2014",
    ),
    Indicator(
        "online_share",
        "Persentase permohonan daring",
        "persen",
        "Bagian permohonan yang diajukan secara daring, dari permohonan yang salurannya tercatat.",
        "100 × count(kanal = online) / count(kanal tercatat)",
        "PermenPANRB 90/2021 (ZI: pelayanan berbasis TI)",
    ),
    Indicator(
        "tariff_compliance_rate",
        "Persentase biaya sesuai tarif resmi",
        "persen",
        "Bagian layanan yang dipungut biaya tepat sebesar tarif resmi yang berlaku pada tanggal permohonan.",
        "100 × count(biaya = tarif resmi) / count(biaya tercatat)",
        "PermenPANRB 15/2014; PermenPANRB 90/2021 (transparansi biaya)",
    ),
    Indicator(
        "overcharged_count",
        "Jumlah layanan dengan biaya melebihi tarif resmi",
        "layanan",
        "Layanan yang dipungut biaya lebih besar dari tarif resmi.",
        "count(biaya > tarif resmi)",
        "PermenPANRB 90/2021 (pencegahan pungli)",
    ),
    Indicator(
        "free_service_charged_count",
        "Jumlah layanan gratis yang dipungut biaya",
        "layanan",
        "Layanan bertarif resmi Rp0 yang tetap dipungut biaya: tanda paling jelas pungutan liar.",
        "count(tarif resmi = 0 dan biaya > 0)",
        "PermenPANRB 90/2021 (pencegahan pungli)",
    ),
    Indicator(
        "skm_respondents",
        "Jumlah responden SKM",
        "responden",
        "Responden Survei Kepuasan Masyarakat yang jawabannya lolos validasi.",
        "count(responden)",
        "PermenPANRB 14/2017",
    ),
    Indicator(
        "ikm",
        "Indeks Kepuasan Masyarakat (IKM)",
        "indeks (25-100)",
        "Nilai SKM terkonversi; kategori = mutu pelayanan A (Sangat Baik) s.d. D (Tidak Baik).",
        "25 × Σ (NRR unsur × 1/9), NRR = jumlah nilai unsur / jumlah responden",
        "PermenPANRB 14/2017",
    ),
)

BY_CODE = {indicator.code: indicator for indicator in INDICATORS}
