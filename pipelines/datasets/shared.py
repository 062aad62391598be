"""Columns several datasets share, described once."""

from __future__ import annotations

from pipelines.datasets.spec import Column, DatasetSpec


def service_code(required: bool) -> Column:
    """The service a row concerns: required in a service log, an optional answer in surveys and complaints."""
    return Column(
        "service_code",
        "string",
        "Service code from the unit's registry entry (units write its code, name or an alias).",
        read_as="service",
        required=required,
        nullable=not required,
        context=not required,
    )


PERSON_KEY = Column(
    "person_key",
    "string",
    "Keyed hash (HMAC-SHA256) of the applicant's NIK, phone or e-mail: counts repeat applicants without "
    "identifying them; empty without MONEV_PSEUDONYM_KEY.",
    read_as="derived",
    restricted=True,
)

RESPONSE_ID = Column(
    "response_id",
    "string",
    "Respondent's id in the survey export (generated from the file and row when it has none).",
    nullable=False,
    restricted=True,
)

SUBMITTED_DATE = Column(
    "submitted_date",
    "date32",
    "Date the questionnaire was filled in; for a worksheet or tally without dates, the last day of the period "
    "its title or file name states.",
    read_as="date",
    required=True,
    nullable=False,
)


def survey(name: str, label: str, description: str, answers: tuple[Column, ...]) -> DatasetSpec:
    """A questionnaire: one row per respondent, keyed by the respondent's id and dated by its submission; a processing
    worksheet without dates takes its period from its title or file name."""
    columns = (RESPONSE_ID, SUBMITTED_DATE, service_code(required=False), *answers)
    return DatasetSpec(name, label, description, "response_id", "submitted_date", columns, period_from_title=True)
