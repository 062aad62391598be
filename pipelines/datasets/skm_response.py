"""The public satisfaction survey (SKM, PermenPANRB 14/2017): one row per respondent, nine elements answered 1-4."""

from __future__ import annotations

from pipelines.datasets.shared import survey
from pipelines.datasets.spec import Column

SKM_ELEMENT_NAMES = (
    "Persyaratan (requirements)",
    "Sistem, mekanisme dan prosedur (procedure)",
    "Waktu penyelesaian (completion time)",
    "Biaya/tarif (cost)",
    "Produk spesifikasi jenis pelayanan (service product)",
    "Kompetensi pelaksana (staff competence)",
    "Perilaku pelaksana (staff behaviour)",
    "Penanganan pengaduan, saran dan masukan (complaint handling)",
    "Sarana dan prasarana (facilities)",
)
SKM_ELEMENTS = tuple(f"u{i}" for i in range(1, len(SKM_ELEMENT_NAMES) + 1))

AGE_GROUPS = ("<20", "20-29", "30-39", "40-49", "50-59", "60+")
RESPONDENT_PROFILE = {
    "gender": ("L", "P"),
    "age_group": AGE_GROUPS,
    "education": ("SD", "SMP", "SMA", "D1-D3", "D4/S1", "S2+"),
    "occupation": ("PNS", "TNI", "POLRI", "Swasta", "Wirausaha", "Lainnya"),
}
"""The SKM questionnaire's respondent profile (PermenPANRB 14/2017): column → its groups, in publishing order."""

_PROFILE = (
    Column("gender", "string", "Respondent's sex (jenis kelamin): L or P; empty when not given or not in the export.",
           read_as="values", values="gender", context=True),
    Column("age_group", "string", "Respondent's age band (kelompok umur): <20, 20-29, 30-39, 40-49, 50-59 or 60+, "
           "from the age in years or the band the export gives; empty when not given or not in the export.",
           read_as="age", context=True),
    Column("education", "string", "Respondent's last education (pendidikan terakhir): SD, SMP, SMA, D1-D3, D4/S1 or "
           "S2+; empty when not given or not in the export.", read_as="values", values="education", context=True),
    Column("occupation", "string", "Respondent's occupation (pekerjaan): PNS, TNI, POLRI, Swasta, Wirausaha or "
           "Lainnya (also any answer outside this list); empty when not given or not in the export.",
           read_as="values", values="occupation", context=True, catch_all="Lainnya"),
)  # fmt: skip

SPEC = survey(
    "skm_response",
    "survei kepuasan masyarakat (SKM)",
    "Validated Survei Kepuasan Masyarakat answers (PermenPANRB 14/2017): one row per respondent.",
    (
        *(
            Column(element, "int8", f"SKM element {element.upper()} {name}, answer 1-4.", read_as="answer",
                   required=True, nullable=False)
            for element, name in zip(SKM_ELEMENTS, SKM_ELEMENT_NAMES, strict=True)
        ),
        # Optional respondent profile; partitions written before it was added read it as empty.
        *_PROFILE,
        Column("from_tally", "bool", "True for rows rebuilt from a paper survey's tally (rekap): together they "
               "reproduce each element's answer counts (or total) exactly, so IKM and NRR are exact, but a row is not "
               "one person's questionnaire; false for per-respondent exports; empty in partitions written before "
               "tallies were read.", read_as="derived"),
    ),
)  # fmt: skip
