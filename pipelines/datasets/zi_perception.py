"""The ZI perception survey (PermenPANRB 90/2021): service quality (IPKP) and anti-corruption (IPAK) items, 1-6."""

from __future__ import annotations

from pipelines.datasets.shared import RESPONSE_ID, SUBMITTED_DATE, service_code
from pipelines.datasets.spec import Column, DatasetSpec

IPKP_QUESTIONS = (
    "service information is easy to obtain",
    "requirements match what was announced",
    "procedure is easy and simple",
    "completion time matches the standard",
    "tariff matches the official one",
    "facilities are comfortable",
    "staff are responsive",
    "an accessible complaint service exists",
)
IPAK_QUESTIONS = (
    "no discrimination in service",
    "no service outside the procedure",
    "no rewards or gratuities",
    "no illegal levies (pungli)",
    "no brokers (calo)",
)
IPKP_ITEMS = tuple(f"ipkp_{i}" for i in range(1, len(IPKP_QUESTIONS) + 1))
IPAK_ITEMS = tuple(f"ipak_{i}" for i in range(1, len(IPAK_QUESTIONS) + 1))


def _items(index: str, questions: tuple[str, ...]) -> tuple[Column, ...]:
    return tuple(
        Column(f"{index.lower()}_{number}", "int8", f"{index} item {number}: {question}, answer 1-6.",
               read_as="integer")
        for number, question in enumerate(questions, start=1)
    )  # fmt: skip


SPEC = DatasetSpec(
    name="zi_perception",
    label="survei persepsi korupsi dan kualitas pelayanan (IPAK/IPKP)",
    description="Validated ZI perception survey answers (PermenPANRB 90/2021): one row per respondent.",
    key="response_id",
    period_column="submitted_date",
    period_from_title=True,
    columns=(
        RESPONSE_ID,
        SUBMITTED_DATE,
        service_code(required=False),
        *_items("IPKP", IPKP_QUESTIONS),
        *_items("IPAK", IPAK_QUESTIONS),
    ),
)
