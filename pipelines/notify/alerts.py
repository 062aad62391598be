"""Tell the data team when a pull has failed for good (its retries spent)."""

from __future__ import annotations

import logging
from typing import Any

from pipelines.notify.mail import send_mail
from pipelines.settings import get_settings

log = logging.getLogger(__name__)


def alert_recipients() -> list[str]:
    return list(get_settings().alert_recipients)


def pull_failure_message(
    unit_code: str, source: str, error: BaseException | None, log_url: str | None
) -> tuple[str, str]:
    subject = f"[monev] pull failed: {unit_code} / {source}"
    body = (
        f"The pull of source '{source}' of unit {unit_code} failed after its retries.\n\n"
        f"Error: {type(error).__name__ if error else 'unknown'}: {error}\n\n"
        "The other units and sources were not affected. Fix the cause (connection, credentials, "
        "the unit's server) and clear the task to pull again.\n"
    )
    if log_url:
        body += f"\nTask log: {log_url}\n"
    return subject, body


def on_pull_failure(context: dict[str, Any]) -> None:
    """Airflow on_failure_callback of the pull task: e-mail the data team, never raise."""
    recipients = alert_recipients()
    kwargs = getattr(context.get("task"), "op_kwargs", {}) or {}
    unit_code, source = kwargs.get("unit_code", "?"), kwargs.get("source", "?")
    if not recipients:
        log.warning("pull of %s/%s failed; MONEV_ALERT_RECIPIENTS is empty, so no e-mail", unit_code, source)
        return
    ti = context.get("ti")
    subject, body = pull_failure_message(unit_code, source, context.get("exception"), getattr(ti, "log_url", None))
    try:
        send_mail(subject, body, recipients)
        log.info("alert sent to %s: %s", ", ".join(recipients), subject)
    except Exception:
        log.exception("could not send the failure alert for %s/%s", unit_code, source)
