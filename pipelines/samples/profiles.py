"""How each sample unit's office happens to export: header spellings, formats, survey tool and respondent
profile style. The registry's n-th unit exports in style n, so any registry gets samples."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from pipelines.samples.forms import FORM_QUESTIONS

SERVICE_HEADERS = {
    "plain": {
        "ticket_id": "No. Tiket",
        "service": "Jenis Layanan",
        "received_date": "Tgl Masuk",
        "completed_date": "Tgl Selesai",
        "status": "Status",
        "channel": "Kanal",
        "fee_paid": "Biaya",
    },
    "registrasi": {
        "ticket_id": "Nomor Registrasi",
        "service": "Layanan",
        "received_date": "Tanggal Permohonan",
        "completed_date": "Tanggal Penyelesaian",
        "status": "Status Permohonan",
        "channel": "Media Pengajuan",
        "fee_paid": "Biaya Dibayar",
    },
    "aplikasi": {
        "ticket_id": "ID Permohonan",
        "service": "Nama Layanan",
        "received_date": "Tanggal Pengajuan",
        "completed_date": "Tgl Penyelesaian",
        "status": "Status Layanan",
        "channel": "Cara Pengajuan",
        "fee_paid": "Jumlah Bayar",
    },
}
PERSONAL_HEADERS = ("Nama Pemohon", "NIK", "No. HP")

SKM_QUESTIONS = {
    "short": [
        "U1 Persyaratan",
        "U2 Sistem, Mekanisme, dan Prosedur",
        "U3 Waktu Penyelesaian",
        "U4 Biaya/Tarif",
        "U5 Produk Spesifikasi Jenis Pelayanan",
        "U6 Kompetensi Pelaksana",
        "U7 Perilaku Pelaksana",
        "U8 Penanganan Pengaduan, Saran dan Masukan",
        "U9 Sarana dan Prasarana",
    ],
    "forms": list(FORM_QUESTIONS),
}

PERCEPTION_QUESTIONS = (
    "IPKP1 Informasi tentang pelayanan mudah diperoleh",
    "IPKP2 Persyaratan pelayanan sesuai yang diinformasikan",
    "IPKP3 Prosedur pelayanan mudah dan sederhana",
    "IPKP4 Waktu penyelesaian sesuai yang ditetapkan",
    "IPKP5 Tarif pelayanan sesuai yang ditetapkan",
    "IPKP6 Sarana dan prasarana pelayanan nyaman",
    "IPKP7 Petugas responsif dalam memberikan pelayanan",
    "IPKP8 Tersedia layanan pengaduan yang mudah diakses",
    "IPAK1 Tidak ada diskriminasi dalam pelayanan",
    "IPAK2 Tidak ada pelayanan di luar prosedur",
    "IPAK3 Tidak ada pemberian imbalan atau gratifikasi",
    "IPAK4 Tidak ada pungutan liar",
    "IPAK5 Tidak ada calo atau perantara",
)
COMPLAINT_CHANNELS = ("SP4N-LAPOR!", "WhatsApp", "Kotak Saran", "E-mail", "Tatap Muka")
COMPLAINT_TOPICS = (
    "Antrean terlalu lama",
    "Petugas kurang ramah",
    "Informasi syarat tidak jelas",
    "Berkas belum selesai",
)


@dataclass(frozen=True)
class ProfileStyle:
    """How a unit's survey form asks for the respondent profile."""

    headers: dict[str, str]
    """Profile column → the form's header."""
    labels: dict[str, tuple[str, ...]]
    """Profile column → the form's label for each group of RESPONDENT_PROFILE; ages without labels are in years."""


def _data(name: str):
    """A table of sample data kept beside this module as YAML."""
    return yaml.safe_load((Path(__file__).parent / name).read_text("utf-8"))


SKM_PROFILE_STYLES = {
    name: ProfileStyle(style["headers"], {column: tuple(labels) for column, labels in style["labels"].items()})
    for name, style in _data("profile_styles.yaml").items()
}
# Share of respondents in each group of RESPONDENT_PROFILE: job seekers and workers, few officials or graduates.
PROFILE_SHARES = {
    "gender": (0.6, 0.4),
    "education": (0.05, 0.15, 0.5, 0.1, 0.18, 0.02),
    "occupation": (0.06, 0.01, 0.01, 0.45, 0.15, 0.32),
}
PROFILE_BLANK_SHARE = 0.03
KOBO_PROFILE_NAMES = {"Jenis Kelamin": "jenis_kelamin", "Umur": "umur", "Usia": "umur", "Kelompok Umur": "umur",
                      "Pendidikan Terakhir": "pendidikan", "Pekerjaan": "pekerjaan"}  # fmt: skip
"""A profile question's name in a KoboToolbox form (its XML name, exported as the header)."""

STATUS_LABELS = {
    "selesai": ("Selesai", "SELESAI"),
    "proses": ("Dalam Proses", "Proses"),
    "ditolak": ("Ditolak",),
}
CHANNEL_LABELS = {"online": ("Online", "Daring"), "offline": ("Datang Langsung", "Loket")}
FIRST_NAMES = ("Siti", "Ahmad", "Dewi", "Budi", "Sri", "Agus", "Nur", "Eko", "Rina", "Hadi", "Wulan", "Yusuf")
LAST_NAMES = ("Rahayu", "Santoso", "Wahyuni", "Hidayat", "Lestari", "Prasetyo", "Kurniawan", "Susanti")


@dataclass(frozen=True)
class ExportProfile:
    """How one unit's office happens to export its data."""

    file_format: str
    delimiter: str = ","
    encoding: str = "utf-8"
    date_format: str = "%d/%m/%Y"
    headers: str = "plain"
    service_label: str = "name"
    rupiah_style: str = "plain"
    skm_questions: str = "short"
    skm_swaps_u8_u9: bool = False
    skm_profile: str | None = "formal"
    """Style of the survey's respondent profile questions (SKM_PROFILE_STYLES); None: the form has none."""
    skm_tool: str = "app"
    """What the survey comes from: a survey app's export ("app"), "ms_forms", "kobo", the regulation's
    processing "worksheet", or a paper survey's "tally"."""
    volume: float = 1.0
    on_time_share: float = 0.85
    online_share: float = 0.4
    skm_share: float = 0.12
    skm_quality: float = 3.2


EXPORT_STYLES = tuple(ExportProfile(**style) for style in _data("export_styles.yaml"))
"""How offices happen to export; the registry's n-th unit exports in style n (cycling)."""


def export_profile(position: int) -> ExportProfile:
    """The export style of the unit at `position` in the registry."""
    return EXPORT_STYLES[position % len(EXPORT_STYLES)]


PLANNED_ACTIONS = (
    ("Manajemen Perubahan", "", "Sosialisasi janji layanan dan maklumat pelayanan", "Berita acara sosialisasi",
     "Ketua Tim Kerja ZI"),
    ("Penataan Tatalaksana", "", "Digitalisasi alur permohonan layanan", "SOP alur layanan daring",
     "Kepala Subbagian Tata Usaha"),
    ("Penguatan Pengawasan", "", "Pemasangan banner anti pungli dan anti gratifikasi di ruang layanan",
     "Banner terpasang", "Kepala Seksi Pelayanan"),
    ("Peningkatan Kualitas Pelayanan Publik", "", "Survei kepuasan masyarakat setiap triwulan", "Laporan SKM",
     "Kepala Seksi Pelayanan"),
    ("SKM", "U3 Waktu Penyelesaian", "Penambahan petugas loket pada jam sibuk", "Waktu tunggu turun",
     "Kepala Seksi Pelayanan"),
    ("SKM", "U9", "Perbaikan ruang tunggu dan papan informasi layanan", "Ruang tunggu layak", "Pengelola Sarpras"),
    ("Survei Persepsi", "Indeks Persepsi Anti Korupsi", "Kanal pengaduan pungli melalui WhatsApp",
     "Kanal pengaduan aktif", "Koordinator Pengaduan"),
    ("Penataan Sistem Manajemen SDM", "", "Pelatihan pelayanan prima bagi petugas loket", "Sertifikat pelatihan",
     "Kepala Subbagian Tata Usaha"),
)  # fmt: skip
"""A unit's ZI action plan and survey follow-ups: (area, linked indicator or element, action, output, role)."""
