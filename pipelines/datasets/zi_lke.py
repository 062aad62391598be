"""The unit's ZI self-assessment worksheet (LKE, PermenPANRB 90/2021): one row per area, points as it scores them."""

from __future__ import annotations

from pipelines.datasets.spec import Column, DatasetSpec

SPEC = DatasetSpec(
    "zi_lke", "lembar kerja evaluasi mandiri ZI (LKE)",
    "The unit's ZI self-assessment worksheet (LKE, PermenPANRB 90/2021): one row per area.",
    key="area", period_column="assessed_date",
    columns=(
        Column("area", "string", "Assessment area: a komponen pengungkit area (e.g. manajemen_perubahan) or "
               "capaian_kinerja.", read_as="values", values="zi_area", required=True, nullable=False),
        Column("assessed_date", "date32", "Date of the self-assessment.", read_as="date", required=True,
               nullable=False),
        Column("pemenuhan", "float64", "Pemenuhan (fulfilment) points of the area, as the worksheet scores them.",
               read_as="decimal", required=True),
        Column("reform", "float64", "Reform (results) points of the area, as the worksheet scores them.",
               read_as="decimal"),
    ),
)  # fmt: skip
