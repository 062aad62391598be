"""Tell the data team when a pull has failed for good (its retries spent)."""

from __future__ import annotations

import logging
from typing import Any

from pipelines.notify.mail import send_mail
from pipelines.settings import get_settings

log = logging.getLogger(__name__)


def alert_recipients() -> list[str]:
    return list(get_settings().alert_recipients)


def pull_failure_message(unit_code: str, source: str, error: str, log_url: str | None) -> tuple[str, str]:
    subject = f"[monev] pull failed: {unit_code} / {source}"
    body = (
        f"The pull of source '{source}' of unit {unit_code} failed after its retries.\n\n"
        f"Error: {error}\n\n"
        "The other units and sources were not affected. Fix the cause (connection, credentials, "
        "the unit's server) and clear the pull task of its batch to pull again.\n"
    )
    if log_url:
        body += f"\nTask log: {log_url}\n"
    return subject, body


def _failed_sources(context: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(unit, source, error) of each source the task could not pull; every source of its units when it failed whole."""
    from pipelines.ingest.pull import PullsFailed

    error = context.get("exception")
    if isinstance(error, PullsFailed):
        return [(failure["unit_code"], failure["source"], failure["error"]) for failure in error.failures]
    kwargs = getattr(context.get("task"), "op_kwargs", {}) or {}
    text = f"{type(error).__name__ if error else 'unknown'}: {error}"
    return [(unit_code, "(every source)", text) for unit_code in kwargs.get("unit_codes", ["?"])]


def on_pull_failure(context: dict[str, Any]) -> None:
    """Airflow on_failure_callback of the pull task: one e-mail per failed source to the data team, never raise."""
    recipients = alert_recipients()
    log_url = getattr(context.get("ti"), "log_url", None)
    for unit_code, source, error in _failed_sources(context):
        if not recipients:
            log.warning("pull of %s/%s failed; MONEV_ALERT_RECIPIENTS is empty, so no e-mail", unit_code, source)
            continue
        subject, body = pull_failure_message(unit_code, source, error, log_url)
        try:
            send_mail(subject, body, recipients)
            log.info("alert sent to %s: %s", ", ".join(recipients), subject)
        except Exception:
            log.exception("could not send the failure alert for %s/%s", unit_code, source)
