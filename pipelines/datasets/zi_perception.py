"""The ZI perception survey (PermenPANRB 90/2021): service quality (IPKP) and anti-corruption (IPAK) items, 1-6."""

from __future__ import annotations

from pipelines.datasets.shared import survey
from pipelines.datasets.spec import Column

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


SPEC = survey(
    "zi_perception",
    "survei persepsi korupsi dan kualitas pelayanan (IPAK/IPKP)",
    "Validated ZI perception survey answers (PermenPANRB 90/2021): one row per respondent.",
    (*_items("IPKP", IPKP_QUESTIONS), *_items("IPAK", IPAK_QUESTIONS)),
)
