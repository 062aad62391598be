"""Dimension tables from the unit registry: `dim_unit` and `dim_service` (standards with validity dates).

Analysts join facts to them; a service's standard has one row per version, so a transaction
can be judged against the version valid on its date (`valid_from <= received_date <= valid_to`).
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from pipelines.registry import Registry
from pipelines.storage import DataRoot
from pipelines.warehouse.partitions import replace_table
from pipelines.warehouse.schemas import DIM_SERVICE, DIM_UNIT


def dim_unit(reg: Registry) -> pa.Table:
    agencies = {agency.code: agency.name for agency in reg.agencies}
    return pa.Table.from_pylist(
        [
            {"unit_code": unit.code, "unit_name": unit.name, "agency_code": unit.agency,
             "agency_name": agencies[unit.agency], "zi_target": unit.zi_target}
            for unit in reg.units
        ],
        schema=DIM_UNIT,
    )  # fmt: skip


def dim_service(reg: Registry) -> pa.Table:
    rows = []
    for unit in reg.units:
        for service in unit.services:
            versions = sorted(service.standard, key=lambda version: version.valid_from)
            for version, following in zip(versions, [*versions[1:], None], strict=True):
                rows.append(
                    {"unit_code": unit.code, "service_code": service.code, "service_name": service.name,
                     "valid_from": version.valid_from,
                     "valid_to": following.valid_from - dt.timedelta(days=1) if following else None,
                     "sla_days": version.sla_days, "official_tariff": version.tariff, "confirmed": version.confirmed,
                     "payments_not_judged": service.payments_not_judged}
                )  # fmt: skip
    return pa.Table.from_pylist(rows, schema=DIM_SERVICE)


def write_dimensions(root: DataRoot, reg: Registry) -> None:
    """Replace both dimension tables whole, each swapped in atomically."""
    for name, table in (("dim_unit", dim_unit(reg)), ("dim_service", dim_service(reg))):
        replace_table(root, ("warehouse", name), table)
