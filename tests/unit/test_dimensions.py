"""Dimension tables analysts join facts to: units with their agency and ZI target, service standards over time."""

from __future__ import annotations

import datetime as dt

from pipelines.registry import registry
from pipelines.warehouse.dimensions import write_dimensions
from pipelines.warehouse.query import connect


def test_dim_unit_names_agency_and_zi_target(data_root):
    write_dimensions(data_root, registry())
    rows = connect(data_root).execute("SELECT unit_code, agency_code, zi_target FROM dim_unit ORDER BY unit_code")
    found = {code: (agency, target) for code, agency, target in rows.fetchall()}
    assert set(found) == set(registry().unit_codes)
    assert found["UPT-P2TK"][0] == "DISNAKERTRANS-JATIM"
    assert {target for _, target in found.values()} <= {"WBK", "WBBM"}


def test_dim_service_versions_close_when_the_next_standard_starts(data_root):
    write_dimensions(data_root, registry())
    versions = (
        connect(data_root)
        .execute(
            "SELECT valid_from, valid_to, official_tariff FROM dim_service "
            "WHERE service_code = 'P2TK-PASPOR' ORDER BY valid_from"
        )
        .fetchall()
    )
    assert len(versions) == 2
    (_, first_to, first_tariff), (second_from, second_to, second_tariff) = versions
    assert first_to == second_from - dt.timedelta(days=1)
    assert second_to is None
    assert (first_tariff, second_tariff) == (55000, 0)


def test_rewriting_dimensions_gives_the_same_rows(data_root):
    write_dimensions(data_root, registry())
    first = connect(data_root).execute("SELECT * FROM dim_service ORDER BY ALL").fetchall()
    write_dimensions(data_root, registry())
    assert connect(data_root).execute("SELECT * FROM dim_service ORDER BY ALL").fetchall() == first
