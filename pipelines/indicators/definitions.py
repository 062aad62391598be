"""The indicator catalogue: what each published code means, in the reform office's words.

One entry per indicator; releases, the data dictionary and the workbook all read it here.
"""

from __future__ import annotations

from dataclasses import dataclass

SKM_ELEMENT_NAMES = (
    "Persyaratan",
    "Sistem, Mekanisme, dan Prosedur",
    "Waktu Penyelesaian",
    "Biaya/Tarif",
    "Produk Spesifikasi Jenis Pelayanan",
    "Kompetensi Pelaksana",
    "Perilaku Pelaksana",
    "Penanganan Pengaduan, Saran dan Masukan",
    "Sarana dan Prasarana",
)


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
        "akhir pekan, libur nasional dan cuti bersama tidak dihitung; hari permohonan diterima dihitung atau tidak "
        "menurut pengaturan count_receipt_day yang dicatat pada metadata rilis).",
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
        "skm_tally_respondents",
        "Responden SKM dari rekap",
        "responden",
        "Responden yang jawabannya dikirim sebagai rekap (jumlah jawaban atau jumlah nilai per unsur, survei "
        "kertas), bukan per responden; kategori 'IKM dari rekap' atau 'IKM sebagian dari rekap' menandai IKM "
        "unit yang dihitung dari rekap.",
        "count(responden dari rekap)",
        "PermenPANRB 14/2017",
    ),
    Indicator(
        "ikm",
        "Indeks Kepuasan Masyarakat (IKM)",
        "indeks (25-100)",
        "Nilai SKM terkonversi; kategori = mutu pelayanan A (Sangat Baik) s.d. D (Tidak Baik), dengan catatan 'mutu "
        "belum pasti: B atau A' bila selang kepercayaan 95% IKM melewati batas mutu.",
        "25 × Σ (NRR unsur × 1/9), NRR = jumlah nilai unsur / jumlah responden",
        "PermenPANRB 14/2017",
    ),
    *(
        Indicator(
            f"ikm_ci95_{end}",
            f"Batas {word} selang kepercayaan 95% IKM",
            "indeks (25-100)",
            f"Batas {word} selang kepercayaan 95% IKM: IKM adalah rata-rata skor responden (25 × bobot × jumlah "
            "sembilan jawabannya), sehingga selangnya adalah selang rata-rata menurut sebaran t. Untuk rekap "
            "(jumlah jawaban per unsur) sebaran skor diambil yang terlebar (semua unsur bergerak bersama); "
            "kategori mencatatnya, juga bila responden kurang dari sampel Krejcie-Morgan. Kosong bila responden "
            "kurang dari 2.",
            f"IKM {sign} t(0,975; n − 1) × s / √n; s = simpangan baku skor responden (rekap: Σ simpangan baku unsur "
            "× 25 × bobot), dibatasi 25-100",
            "PermenPANRB 14/2017 (IKM); selang kepercayaan rata-rata (distribusi t Student)",
        )
        for end, word, sign in (("low", "bawah", "−"), ("high", "atas", "+"))
    ),
    *(
        Indicator(
            f"ikm_u{number}",
            f"Nilai rata-rata unsur U{number} {element}",
            "nilai (1-4)",
            f"Nilai rata-rata (NRR) jawaban responden SKM untuk unsur {element}; kategori 'terendah' menandai "
            "unsur yang paling perlu diperbaiki.",
            f"jumlah nilai unsur U{number} / jumlah responden",
            "PermenPANRB 14/2017",
        )
        for number, element in enumerate(SKM_ELEMENT_NAMES, start=1)
    ),
    Indicator(
        "skm_sample_required",
        "Jumlah minimal responden SKM",
        "responden",
        "Sampel minimal menurut tabel Krejcie dan Morgan untuk jumlah layanan yang diselesaikan dalam triwulan; "
        "kategori 'cukup' bila responden SKM mencapai jumlah ini, 'kurang' bila tidak (IKM tetap dilaporkan).",
        "S = 3,841 × N × 0,25 / (0,0025 × (N − 1) + 3,841 × 0,25), dibulatkan; N = layanan selesai",
        "PermenPANRB 14/2017",
    ),
    Indicator(
        "complaints",
        "Jumlah pengaduan",
        "pengaduan",
        "Pengaduan yang diterima dalam triwulan melalui semua kanal (SP4N-LAPOR!, WhatsApp, kotak saran, "
        "surel, tatap muka).",
        "count(pengaduan)",
        "PermenPANRB 62/2018",
    ),
    Indicator(
        "complaints_per_1000_services",
        "Pengaduan per 1.000 layanan",
        "pengaduan per 1.000 layanan",
        "Jumlah pengaduan dibanding jumlah permohonan layanan, agar unit besar dan kecil dapat dibandingkan.",
        "1000 × jumlah pengaduan / jumlah permohonan layanan",
        "PermenPANRB 62/2018",
    ),
    Indicator(
        "complaint_response_on_time_rate",
        "Persentase pengaduan ditanggapi tepat waktu",
        "persen",
        "Bagian pengaduan yang ditanggapi dalam batas waktu standar unit (bawaan 5 hari kerja). Dinilai: "
        "pengaduan yang sudah ditanggapi, dan yang belum ditanggapi padahal batas waktunya lewat pada akhir "
        "triwulan.",
        "100 × count(ditanggapi ≤ batas) / count(pengaduan yang dinilai)",
        "PermenPANRB 62/2018",
    ),
    Indicator(
        "complaint_resolved_rate",
        "Persentase pengaduan tuntas tepat waktu",
        "persen",
        "Bagian pengaduan yang diselesaikan dalam batas waktu standar unit (bawaan 14 hari kerja). Dinilai: "
        "pengaduan yang sudah selesai, dan yang belum selesai padahal batas waktunya lewat pada akhir triwulan.",
        "100 × count(selesai ≤ batas) / count(pengaduan yang dinilai)",
        "PermenPANRB 62/2018",
    ),
    Indicator(
        "complaint_resolution_days_p50",
        "Median lama penyelesaian pengaduan",
        "hari kerja",
        "Nilai tengah hari kerja dari pengaduan diterima sampai selesai, untuk pengaduan yang sudah selesai.",
        "median hari kerja (tanggal selesai − tanggal pengaduan)",
        "PermenPANRB 62/2018",
    ),
    Indicator(
        "zi_respondents",
        "Jumlah responden survei persepsi ZI",
        "responden",
        "Responden survei persepsi anti korupsi dan kualitas pelayanan; kategori menandai bila kurang dari "
        "30 responden (batas minimal evaluasi ZI).",
        "count(responden)",
        "PermenPANRB 90/2021",
    ),
    Indicator(
        "ipak",
        "Indeks Persepsi Anti Korupsi (IPAK ZI)",
        "indeks (0-4)",
        "Persepsi pengguna layanan atas diskriminasi, pelayanan di luar prosedur, imbalan, pungutan liar dan "
        "calo. Bukan IPAK terbitan BPS.",
        "rata-rata dari rata-rata 5 butir (skala 1-6), dikonversi ke 0-4 (bawaan: (x − 1) / 5 × 4)",
        "PermenPANRB 90/2021",
    ),
    Indicator(
        "ipak_component",
        "Nilai komponen IPAK (ZI)",
        "poin (dari 17,5)",
        "Sumbangan IPAK pada komponen hasil evaluasi ZI (Birokrasi Bersih dan Akuntabel).",
        "IPAK / 4 × 17,5",
        "PermenPANRB 90/2021",
    ),
    Indicator(
        "ipkp",
        "Indeks Persepsi Kualitas Pelayanan (IPKP)",
        "indeks (0-4)",
        "Persepsi pengguna layanan atas informasi, persyaratan, prosedur, waktu, tarif, sarana, "
        "responsivitas petugas dan akses pengaduan.",
        "rata-rata dari rata-rata 8 butir (skala 1-6), dikonversi ke 0-4 (bawaan: (x − 1) / 5 × 4)",
        "PermenPANRB 90/2021",
    ),
    Indicator(
        "ipkp_component",
        "Nilai komponen IPKP",
        "poin (dari 17,5)",
        "Sumbangan IPKP pada komponen hasil evaluasi ZI (Pelayanan Publik Prima).",
        "IPKP / 4 × 17,5",
        "PermenPANRB 90/2021",
    ),
    Indicator(
        "zi_pengungkit",
        "Nilai komponen pengungkit ZI",
        "poin (dari 60)",
        "Jumlah nilai pemenuhan dan reform enam area pengungkit menurut lembar kerja evaluasi (LKE) unit.",
        "Σ area (pemenuhan + reform)",
        "PermenPANRB 90/2021 jo. 5/2024",
    ),
    Indicator(
        "zi_hasil",
        "Nilai komponen hasil ZI",
        "poin (dari 40)",
        "Komponen IPAK + capaian kinerja (LKE) + komponen IPKP.",
        "IPAK/4 × 17,5 + capaian kinerja + IPKP/4 × 17,5",
        "PermenPANRB 90/2021 jo. 5/2024",
    ),
    Indicator(
        "zi_total",
        "Nilai total evaluasi ZI",
        "poin (dari 100)",
        "Komponen pengungkit ditambah komponen hasil.",
        "zi_pengungkit + zi_hasil",
        "PermenPANRB 90/2021 jo. 5/2024",
    ),
    Indicator(
        "wbk_ready",
        "Kesiapan predikat Menuju WBK",
        "1 = siap, 0 = belum",
        "Apakah semua syarat nilai Menuju WBK terpenuhi; kategori menyebut syarat yang belum terpenuhi "
        "beserta angkanya.",
        "total ≥ 75; pengungkit ≥ 40; tiap area ≥ 60% bobot; bersih & akuntabel ≥ 18,25; komponen IPAK ≥ 15,75; "
        "capaian kinerja ≥ 2,50; komponen IPKP ≥ 14,00",
        "PermenPANRB 90/2021 jo. 5/2024",
    ),
    Indicator(
        "wbbm_ready",
        "Kesiapan predikat Menuju WBBM",
        "1 = siap, 0 = belum",
        "Apakah semua syarat nilai Menuju WBBM terpenuhi; kategori menyebut syarat yang belum terpenuhi "
        "beserta angkanya.",
        "total ≥ 85; pengungkit ≥ 48; tiap area ≥ 75% bobot; bersih & akuntabel ≥ 19,50; komponen IPAK ≥ 15,75; "
        "capaian kinerja ≥ 3,75; komponen IPKP ≥ 15,75",
        "PermenPANRB 90/2021 jo. 5/2024",
    ),
    Indicator(
        "action_plan_items",
        "Jumlah rencana aksi",
        "aksi",
        "Rencana aksi ZI dan rencana tindak lanjut hasil SKM dan survei persepsi yang dilaporkan unit untuk triwulan.",
        "count(aksi)",
        "PermenPANRB 90/2021 (tahap rencana aksi pembangunan ZI)",
    ),
    Indicator(
        "action_plan_realisation",
        "Rata-rata realisasi rencana aksi",
        "persen",
        "Rata-rata persentase realisasi semua rencana aksi per akhir triwulan yang dilaporkan.",
        "Σ realisasi aksi / jumlah aksi",
        "PermenPANRB 90/2021 (monitoring dan evaluasi rencana aksi)",
    ),
    Indicator(
        "action_plan_overdue",
        "Rencana aksi terlambat",
        "aksi",
        "Rencana aksi yang triwulan pelaksanaannya sudah lewat tetapi realisasinya belum 100%.",
        "count(aksi dengan triwulan rencana < triwulan laporan dan realisasi < 100%)",
        "PermenPANRB 90/2021 (monitoring dan evaluasi rencana aksi)",
    ),
    Indicator(
        "skm_followup_coverage",
        "Unsur SKM lemah yang punya rencana tindak lanjut",
        "persen",
        "Persentase unsur SKM dengan nilai rata-rata di bawah batas mutu B (NRR < 3,0644) yang punya paling "
        "sedikit satu rencana aksi yang ditautkan ke unsur itu; n = jumlah unsur lemah. Kosong, dengan kategori "
        "'tidak ada unsur SKM di bawah mutu B', bila tidak ada unsur lemah. Hanya per unit.",
        "100 × (unsur lemah dengan aksi tertaut) / (unsur lemah)",
        "PermenPANRB 14/2017 (tindak lanjut hasil SKM)",
    ),
)

BY_CODE = {indicator.code: indicator for indicator in INDICATORS}
