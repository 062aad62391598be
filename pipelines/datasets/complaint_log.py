"""The unit's complaint log (PermenPANRB 62/2018 channels): one row per complaint, never its text."""

from __future__ import annotations

from pipelines.datasets.shared import PERSON_KEY, service_code
from pipelines.datasets.spec import Column, DatasetSpec

SPEC = DatasetSpec(
    "complaint_log", "log pengaduan",
    "Validated complaints (PermenPANRB 62/2018 channels): one row per complaint, never its text.",
    key="complaint_id", period_column="received_date",
    columns=(
        Column("complaint_id", "string", "The unit's complaint number.", required=True, nullable=False,
               restricted=True),
        Column("received_date", "date32", "Date the complaint was received.", read_as="date", required=True,
               nullable=False),
        Column("channel", "string", "Complaint channel: sp4n_lapor, whatsapp, kotak_saran, email, tatap_muka, "
               "telepon or media_sosial.", read_as="values", values="complaint_channel", required=True,
               nullable=False),
        service_code(required=False),
        Column("responded_date", "date32", "Date the complaint was first responded to; empty while unanswered.",
               read_as="date"),
        Column("resolved_date", "date32", "Date the complaint was resolved; empty while open.", read_as="date"),
        Column("status", "string", "Follow-up status: selesai, proses or ditolak; empty when not recorded.",
               read_as="values", values="status"),
        PERSON_KEY,
    ),
)  # fmt: skip
