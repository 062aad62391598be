"""Delivering a sealed release: a copy to the publish location, and one e-mail to the reform office.

Each delivery is recorded in the catalog, so a retry after a failure, or a rerun of the whole DAG,
never sends the same release twice. E-mail is at most once: an attempt that was interrupted while
sending is not repeated blindly (it may have arrived); the error says how to resend on purpose.
"""

from __future__ import annotations

import logging
from email.message import EmailMessage

from pipelines.connections import MissingConnection, get_connection
from pipelines.notify.mail import DEFAULT_SENDER, SMTP_CONN_ID, XLSX_TYPE, Attachment, compose, send_message, sender_of
from pipelines.periods import Quarter
from pipelines.publish.cells import decimal_comma
from pipelines.publish.content import NOT_REPORTED
from pipelines.publish.release import (
    INDICATOR_TABLE,
    ROLLUP_TABLE,
    release_dir,
    report_name,
    workbook_name,
)
from pipelines.publish.tables import csv_rows
from pipelines.runstate import release_log
from pipelines.runstate.locks import one_run_at_a_time
from pipelines.settings import release_targets
from pipelines.storage import DataRoot, data_root

log = logging.getLogger(__name__)


class DeliveryUncertain(RuntimeError):
    """An earlier e-mail attempt was interrupted mid-send: it may have arrived, so it is not repeated blindly."""


def copy_release(quarter: Quarter, version: int, location: str, root: DataRoot | None = None) -> str:
    """Copy the release folder to `<location>/<YYYY>-Q<q>/v<n>/`; a copy already there is left alone.

    SHA256SUMS is written last (object storage has no folder rename): a copy without it is incomplete
    and is written again by the next attempt.
    """
    root = root or data_root()
    source = release_dir(quarter, version)
    target = DataRoot(location)
    parts = (quarter.label, f"v{version}")
    sums = root.read_bytes(*source, "SHA256SUMS")
    address = target.uri_of(*parts)
    if target.exists(*parts, "SHA256SUMS") and target.read_bytes(*parts, "SHA256SUMS") == sums:
        log.info("%s v%d is already at %s", quarter, version, address)
    else:
        names = sorted(root.list_files(*source), key=lambda name: name == "SHA256SUMS")
        for name in names:
            target.write_bytes(root.read_bytes(*source, name), *parts, name)
        log.info("copied %s v%d to %s", quarter, version, address)
    release_log.set_delivery(str(quarter), version, "copy", location, "sent", address)
    return address


def _number(text: str, decimals: int = 2) -> str:
    return decimal_comma(float(text), decimals) if text else "-"


def summary_text(quarter: Quarter, version: int, indicator_csv: bytes, rollup_csv: bytes, locations: list[str]) -> str:
    """The e-mail body, in Indonesian: what was published, the headline figures, and where it all is."""
    rows = csv_rows(indicator_csv)
    units: dict[str, dict[str, dict]] = {}
    for row in rows:
        units.setdefault(row["kode_unit"], {})[row["kode_indikator"]] = row
    missing = [code for code, values in units.items() if all(v["kategori"] == NOT_REPORTED for v in values.values())]
    province = {row["kode_indikator"]: row for row in csv_rows(rollup_csv) if row["tingkat"] == "provinsi"}
    lines = [
        "Yth. Bapak/Ibu Tim Reformasi Birokrasi,",
        "",
        f"Rilis monev Zona Integritas Triwulan {quarter.quarter} Tahun {quarter.year} (versi {version}) sudah terbit.",
        "",
        f"- Unit melapor: {len(units) - len(missing)} dari {len(units)}"
        + (f"; belum lapor: {', '.join(missing)}." if missing else "."),
    ]
    if "ikm" in province and province["ikm"]["nilai"]:
        lines.append(f"- IKM gabungan provinsi: {_number(province['ikm']['nilai'])} ({province['ikm']['kategori']}).")
    lines += ["", "IKM (mutu) dan layanan selesai tepat waktu per unit:"]
    for code, values in units.items():
        if code in missing:
            lines.append(f"- {code}: belum lapor")
            continue
        ikm, on_time = values.get("ikm", {}), values.get("on_time_rate", {})
        grade = f" ({ikm['kategori']})" if ikm.get("kategori") else ""
        lines.append(
            f"- {code} {ikm.get('nama_unit', '')}: IKM {_number(ikm.get('nilai', ''))}{grade}; "
            f"tepat waktu {_number(on_time.get('nilai', ''), 1)}%"
        )
    lines += ["", "Terlampir buku kerja (XLSX) dan laporan (PDF)."]
    if version > 1:
        lines.append(f"Versi ini menggantikan versi {version - 1}; rinciannya ada di CHANGELOG.md dalam rilis.")
    lines += ["Rilis lengkap (CSV, Parquet, datapackage.json, SHA256SUMS):", *(f"  {place}" for place in locations)]
    lines += ["", "Pesan ini dikirim otomatis oleh platform monev ZI. Mohon tidak membalas ke alamat ini."]
    return "\n".join(lines) + "\n"


def release_message(
    quarter: Quarter, version: int, recipients: tuple[str, ...], sender: str, root: DataRoot, locations: list[str]
) -> EmailMessage:
    folder = release_dir(quarter, version)
    body = summary_text(
        quarter,
        version,
        root.read_bytes(*folder, INDICATOR_TABLE.file_name(quarter)),
        root.read_bytes(*folder, ROLLUP_TABLE.file_name(quarter)),
        locations,
    )
    attachments = [
        Attachment(name, root.read_bytes(*folder, name), mediatype)
        for name, mediatype in ((workbook_name(quarter), XLSX_TYPE), (report_name(quarter, "pdf"), "application/pdf"))
    ]
    subject = f"Rilis monev Zona Integritas Triwulan {quarter.quarter} Tahun {quarter.year} (versi {version})"
    message_id = f"<monev-zi-{quarter.label.lower()}-v{version}@{sender.rpartition('@')[2] or 'localhost'}>"
    return compose(subject, body, recipients, sender, attachments, message_id)


@one_run_at_a_time("email {quarter} v{version}")
def email_release(quarter: Quarter, version: int, root: DataRoot | None = None, resend: bool = False) -> str:
    """E-mail the release once to the configured recipients; returns what happened, for logs and the CLI.

    Without a `monev_smtp` connection the message is written to `outbox/` under the data root instead
    (the embedded demo), and nothing is recorded as sent.
    """
    root = root or data_root()
    targets = release_targets()
    if not targets.recipients:
        raise ValueError("no recipients for the release: set MONEV_REPORT_RECIPIENTS or config/release.yaml")
    target = ", ".join(targets.recipients)
    locations = [root.uri_of(*release_dir(quarter, version))]
    if targets.publish_location:
        locations.append(DataRoot(targets.publish_location).uri_of(quarter.label, f"v{version}"))
    try:
        connection = get_connection(SMTP_CONN_ID)
    except MissingConnection:
        message = release_message(quarter, version, targets.recipients, DEFAULT_SENDER, root, locations)
        outbox = ("outbox", f"{quarter.label}_v{version}.eml")
        root.write_bytes(bytes(message), *outbox)
        log.warning("no '%s' connection: the e-mail was written to %s, not sent", SMTP_CONN_ID, root.uri_of(*outbox))
        return f"not sent (no '{SMTP_CONN_ID}' connection): written to {root.uri_of(*outbox)}"

    key = (str(quarter), version, "email", target)
    previous = release_log.delivery_status(*key)
    if previous and previous[0] == "sent" and not resend:
        log.info("%s v%d was already e-mailed to %s at %s", quarter, version, target, previous[2])
        return f"already sent to {target} at {previous[2]:%Y-%m-%d %H:%M}"
    if previous and previous[0] == "sending" and not resend:
        raise DeliveryUncertain(
            f"an earlier e-mail of {quarter} v{version} to {target} was interrupted while sending "
            f"({previous[2]:%Y-%m-%d %H:%M} UTC); it may have arrived. Ask the recipients, then resend on purpose "
            f"with `python -m pipelines publish --quarter {quarter} --resend` if it did not."
        )
    message = release_message(quarter, version, targets.recipients, sender_of(connection), root, locations)
    release_log.set_delivery(*key, "sending")
    try:
        send_message(message, connection)
    except Exception as error:
        release_log.set_delivery(*key, "failed", f"{type(error).__name__}: {error}")
        raise
    release_log.set_delivery(*key, "sent", message["Message-ID"])
    log.info("e-mailed %s v%d to %s", quarter, version, target)
    return f"sent to {target}"


def publish_and_deliver(quarter: Quarter, resend: bool = False) -> list[str]:
    """What the publish DAG does, in one call for the CLI: publish, copy, e-mail; one line per step."""
    from pipelines.publish.release import publish_release

    release = publish_release(quarter)
    state = "published" if release.created else "unchanged, nothing new published"
    lines = [f"release {release.quarter} v{release.version} {state}: {release.location}"]
    lines += [f"belum lapor: {code} ({reason})" for code, reason in release.withheld.items()]
    location = release_targets().publish_location
    if location:
        lines.append(f"copy: {copy_release(quarter, release.version, location)}")
    lines.append(f"e-mail: {email_release(quarter, release.version, resend=resend)}")
    return lines
