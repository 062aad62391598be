"""Early warnings e-mailed to the data team after an indicators build: once per unit, indicator and quarter.

What counts as a warning is `pipelines.indicators.early_warning`; this module reads the two quarters' figures from
the warehouse, keeps the ledger of what was sent (catalog table `early_warning`) and sends the new ones in one
message through `monev_smtp`. Without the Connection the message goes to `outbox/` and nothing is recorded.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import insert, select

from pipelines.indicators.early_warning import EarlyWarning, early_warnings, load_rules, readings_of
from pipelines.notify.mail import DEFAULT_SENDER, SMTP_CONN_ID, compose, send_message, sender_of, smtp_connection
from pipelines.notify.unit_notices import SIGNATURE
from pipelines.periods import Quarter
from pipelines.registry import registry
from pipelines.runstate.store import early_warning, engine
from pipelines.settings import get_settings
from pipelines.storage import DataRoot, data_root
from pipelines.warehouse.partitions import read_quarter
from pipelines.warehouse.schemas import UNIT_QUARTER_INDICATORS

log = logging.getLogger(__name__)


def _values(root: DataRoot, quarter: Quarter) -> dict[str, dict[str, float | None]]:
    table = read_quarter(root, "warehouse", "unit_quarter_indicators", quarter, UNIT_QUARTER_INDICATORS,
                         ["indicator_code", "value"])  # fmt: skip
    values: dict[str, dict[str, float | None]] = {}
    for row in table.to_pylist():
        values.setdefault(row["unit_code"], {})[row["indicator_code"]] = row["value"]
    return values


def quarter_warnings(root: DataRoot, quarter: Quarter) -> list[EarlyWarning]:
    """The quarter's warnings against the previous quarter, for the units in the registry."""
    rules = load_rules(get_settings().config_dir / "warnings.yaml")
    units = set(registry().unit_codes)
    previous, current = (
        {unit: readings_of(values) for unit, values in _values(root, period).items() if unit in units}
        for period in (quarter.previous(), quarter)
    )
    return early_warnings(rules, previous, current)


def _sent(quarter: Quarter) -> set[tuple[str, str]]:
    query = select(early_warning.c.unit_code, early_warning.c.indicator_code).where(
        early_warning.c.quarter == str(quarter)
    )
    with engine().connect() as connection:
        return {(row.unit_code, row.indicator_code) for row in connection.execute(query)}


def warning_text(quarter: Quarter, warnings: list[EarlyWarning]) -> tuple[str, str]:
    names = {unit.code: unit.name for unit in registry().units}
    subject = f"[Monev ZI] Peringatan dini Triwulan {quarter.quarter} Tahun {quarter.year}: {len(warnings)} indikator"
    lines = [
        "Tim data monev ZI,",
        "",
        f"Dibanding triwulan sebelumnya, indikator berikut bergerak melewati batas peringatan "
        f"(config/warnings.yaml) pada Triwulan {quarter.quarter} Tahun {quarter.year}:",
        "",
        *(f"- {warning.unit_code} {names.get(warning.unit_code, '')}: {warning.reason}." for warning in warnings),
        "",
        "Periksa data unit tersebut dan rencana tindak lanjutnya. Peringatan yang sama tidak dikirim ulang.",
        "",
        SIGNATURE,
    ]
    return subject, "\n".join(lines) + "\n"


def send_early_warnings(quarter: Quarter, root: DataRoot | None = None) -> list[str]:
    """E-mail the quarter's warnings not sent before; what happened, one line each."""
    root = root or data_root()
    sent = _sent(quarter)
    new = [
        warning
        for warning in quarter_warnings(root, quarter)
        if (warning.unit_code, warning.indicator_code) not in sent
    ]
    if not new:
        return []
    subject, body = warning_text(quarter, new)
    recipients = list(get_settings().alert_recipients)
    connection = smtp_connection()
    if connection is None:
        outbox = ("outbox", f"peringatan_dini_{quarter.label}.eml")
        root.write_bytes(bytes(compose(subject, body, recipients or ["tim-data@localhost"], DEFAULT_SENDER)), *outbox)
        return [f"{len(new)} warnings: no '{SMTP_CONN_ID}' connection, written to {root.uri_of(*outbox)}"]
    if not recipients:
        log.warning("%d early warnings for %s, but MONEV_ALERT_RECIPIENTS is empty: not sent", len(new), quarter)
        return [f"{len(new)} warnings not sent: MONEV_ALERT_RECIPIENTS is empty"]
    send_message(compose(subject, body, recipients, sender_of(connection)), connection)
    now = datetime.now(UTC)
    with engine().begin() as db:
        db.execute(insert(early_warning), [
            {"quarter": str(quarter), "unit_code": warning.unit_code, "indicator_code": warning.indicator_code,
             "reason": warning.reason, "sent_at": now} for warning in new
        ])  # fmt: skip
    lines = [f"{warning.unit_code}: {warning.reason}" for warning in new]
    log.info("early warnings for %s e-mailed to %s:\n%s", quarter, ", ".join(recipients), "\n".join(lines))
    return lines
