"""The unit's ZI action plan and the follow-up plans (rencana tindak lanjut) of its SKM and perception results,
as reported each quarter: one row per action, with its realisation so far."""

from __future__ import annotations

from pipelines.datasets.spec import Column, DatasetSpec

DESCRIPTION = (
    "The unit's Zona Integritas action plan and the follow-up plans of its SKM and perception results, as reported "
    "for the quarter: one row per action."
)
SPEC = DatasetSpec(
    "action_plan", "rencana aksi ZI dan rencana tindak lanjut", DESCRIPTION,
    key="action_id", period_column="reported_date", period_from_title=True,
    columns=(
        Column("action_id", "string", "The unit's number or code of the action.", required=True, nullable=False),
        Column("reported_date", "date32", "Date of the report; for a worksheet without dates, the last day of the "
               "period its title or file name states.", read_as="date", required=True, nullable=False),
        Column("area", "string", "Area the action belongs to: one of the six komponen pengungkit areas (e.g. "
               "manajemen_perubahan), skm (a follow-up of the SKM results) or persepsi (of the IPAK/IPKP survey).",
               read_as="values", values="action_area", required=True, nullable=False),
        Column("linked_to", "string", "The indicator code or SKM element (u1-u9) the action answers; empty when it "
               "names none, or one the platform does not know.", read_as="indicator", context=True),
        Column("action", "string", "The action, as the unit plans it.", required=True, nullable=False),
        Column("target", "string", "Its output or target."),
        Column("responsible", "string", "Who is responsible: a role (e.g. Kepala Seksi Pelayanan), not a name; a "
               "unit may still write a name here.", restricted=True),
        Column("planned_quarter", "string", "Quarter the action is planned to be done in, as YYYYQn (units write "
               "e.g. TW III 2026).", read_as="quarter", required=True, nullable=False),
        Column("realisation", "float64", "Realisation as of the reported quarter, in percent (0-100).",
               read_as="percent", required=True, nullable=False),
        Column("status", "string", "Status as of the reported quarter: belum, proses or selesai; empty when not "
               "given.", read_as="values", values="action_status", context=True),
        Column("evidence", "string", "Evidence (bukti dukung): a URL or a document number; empty when none."),
    ),
)  # fmt: skip
