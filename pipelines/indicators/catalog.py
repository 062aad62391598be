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
