"""The unit's service log: one row per request (ticket), with its dates, status and fee."""

from __future__ import annotations

from pipelines.datasets.shared import PERSON_KEY, service_code
from pipelines.datasets.spec import Column, DatasetSpec

SPEC = DatasetSpec(
    "service_log", "log layanan", "Validated service requests of one unit: one row per ticket.",
    key="ticket_id", period_column="received_date",
    columns=(
        Column("ticket_id", "string", "The unit's ticket or registration number of the request.",
               required=True, nullable=False, restricted=True),
        service_code(required=True),
        Column("received_date", "date32", "Date the request was received.", read_as="date", required=True,
               nullable=False),
        Column("completed_date", "date32", "Date the service was completed; empty while open.", read_as="date"),
        Column("status", "string", "Request status: selesai (completed), proses (in progress) or ditolak (rejected).",
               read_as="values", values="status", required=True, nullable=False),
        Column("channel", "string", "How the request was made: online or offline; empty when not recorded.",
               read_as="values", values="channel", context=True),
        Column("fee_paid", "int64", "Fee actually paid, in rupiah; empty when not recorded.", read_as="rupiah"),
        Column("sla_days", "int32", "Time limit of the service standard in working days, valid on the received date "
               "(the log's own value when it carries one, else the registry's).", read_as="integer", nullable=False),
        Column("official_tariff", "int64", "Official tariff in rupiah valid on the received date (the log's own "
               "value when it carries one, else the registry's); empty where what applicants pay is no fee "
               "(dim_service.payments_not_judged), which the tariff indicators then leave out.", read_as="rupiah"),
        PERSON_KEY,
    ),
)  # fmt: skip
