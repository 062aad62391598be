"""`python -m pipelines …`: the monev chain for people at a terminal.

The commands call the same stage functions as the Airflow DAGs, in-process.
"""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import asdict

from pipelines.periods import Quarter


def _quarter(text: str) -> Quarter:
    try:
        return Quarter.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _samples(args: argparse.Namespace) -> int:
    from pipelines.samples.generate import write_samples

    written = write_samples(args.quarter, rows=args.rows, quarters=args.quarters)
    files = sum(len(names) for names in written.values())
    first = args.quarter
    for _ in range(args.quarters - 1):
        first = first.previous()
    print(f"sample exports for {first} to {args.quarter}: {files} files for {len(written)} units")
    return 0


def _run(args: argparse.Namespace) -> int:
    from pipelines.cli.summary import quarter_summary, render_summary
    from pipelines.indicators.build import build_indicators
    from pipelines.ingest.run import UnitsFailed, ingest_unit, log_reports
    from pipelines.publish.delivery import publish_and_deliver
    from pipelines.quality.data_docs import build_data_docs
    from pipelines.registry import registry
    from pipelines.storage import data_root
    from pipelines.workers import close_workers

    log = logging.getLogger("pipelines")
    units = registry().unit_codes
    reports = []
    for position, unit_code in enumerate(units, start=1):
        log.info("[%d/%d] ingesting %s", position, len(units), unit_code)
        try:
            reports.append(asdict(ingest_unit(unit_code, args.quarter)))
        except Exception:  # one broken unit must not stop the others; it is reported below
            log.exception("ingest of %s failed", unit_code)
    close_workers()  # the parse and validation workers' memory is not needed by what follows
    try:
        log_reports(reports, units)
    except UnitsFailed as error:
        log.error("%s", error)
    site = build_data_docs(data_root())
    build_indicators(args.quarter)
    published = publish_and_deliver(args.quarter)
    print(render_summary(quarter_summary(args.quarter)))
    print(f"data docs: {site}")
    print("\n".join(published))
    return 0 if len(reports) == len(units) else 1


def _summary(args: argparse.Namespace) -> int:
    from pipelines.cli.summary import quarter_summary, render_summary
    from pipelines.quality.data_docs import SITE
    from pipelines.storage import data_root

    print(render_summary(quarter_summary(args.quarter)))
    if data_root().exists(*SITE, "index.html"):
        print(f"data docs: {data_root().uri_of(*SITE, 'index.html')}")
    releases = data_root().list_dirs("releases", args.quarter.label)
    if releases:
        latest = max(releases, key=lambda name: int(name[1:]))
        print(f"release: {data_root().uri_of('releases', args.quarter.label, latest)}")
        _print_outbox(args.quarter, latest)
    return 0


def _print_outbox(quarter: Quarter, version: str) -> None:
    """The release e-mail written instead of sent (no monev_smtp connection), as a reader would see it."""
    from email import message_from_bytes, policy

    from pipelines.storage import data_root

    outbox = ("outbox", f"{quarter.label}_{version}.eml")
    if not data_root().exists(*outbox):
        return
    message = message_from_bytes(data_root().read_bytes(*outbox), policy=policy.default)
    attachments = ", ".join(
        f"{part.get_filename()} ({len(part.get_content()):,} bytes)" for part in message.iter_attachments()
    )
    print(f"\ne-mail not sent (no monev_smtp connection), saved at {data_root().uri_of(*outbox)}:")
    print(f"To: {message['To']}\nSubject: {message['Subject']}\nAttachments: {attachments}\n")
    print(message.get_body(("plain",)).get_content())


def _query(args: argparse.Namespace) -> int:
    import duckdb

    from pipelines.warehouse.query import QueryRefused, read_only_query

    try:
        relation = read_only_query(args.sql)
    except (QueryRefused, duckdb.PermissionException) as refused:
        print(f"query refused: {refused}", file=sys.stderr)
        return 2
    except duckdb.Error as error:
        print(f"query failed: {error}", file=sys.stderr)
        return 1
    if relation is None:
        return 0
    if args.format == "csv":
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(relation.columns)
        writer.writerows(relation.fetchall())
    else:
        relation.show(max_rows=args.max_rows, max_width=200)
    return 0


def _publish(args: argparse.Namespace) -> int:
    from pipelines.publish.delivery import publish_and_deliver

    print("\n".join(publish_and_deliver(args.quarter, resend=args.resend)))
    return 0


def _account_change(change, failed: str, done: str) -> int:
    """Run a change to the portal's accounts; its refusal (in Indonesian, as the portal shows it) goes to stderr."""
    from pipelines.portal.accounts import AccountError

    try:
        change()
    except AccountError as error:
        print(f"{failed}: {error}", file=sys.stderr)
        return 2
    print(done)
    return 0


def _portal_admin(args: argparse.Namespace) -> int:
    """The first data-team account (later ones are made in the portal); the password is asked for, never echoed."""
    import getpass
    import os

    from pipelines.portal.accounts import create_account

    password = os.environ.get("MONEV_PORTAL_ADMIN_PASSWORD") or getpass.getpass(f"password for {args.username}: ")
    return _account_change(
        lambda: create_account(args.username, args.name or args.username, "data_team", None, password, False),
        "not created",
        f"data-team account {args.username} created; it logs in at the portal and makes the units' accounts",
    )


def _portal_reset(args: argparse.Namespace) -> int:
    from pipelines.portal.accounts import generated_password, set_password

    password = generated_password()
    return _account_change(
        lambda: set_password(args.username, password, must_change=True),
        "not reset",
        f"one-time password for {args.username} (to be changed at the next login): {password}",
    )


def _portal_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from pipelines.portal.app import create_app

    uvicorn.run(create_app(), host=args.host, port=args.port, proxy_headers=True, log_level="info")
    return 0


def _storage_identities(args: argparse.Namespace) -> int:
    from pipelines.registry import registry
    from pipelines.settings import get_settings
    from pipelines.storage_identities import write_identity_files

    try:
        written = write_identity_files(args.out, registry(), get_settings().data_root)
    except ValueError as error:
        print(f"no identities written: {error}", file=sys.stderr)
        return 2
    print("\n".join(written))
    return 0


def _add_portal_commands(commands) -> None:
    portal = commands.add_parser("portal", help="the unit portal: serve it, make its first admin, reset a password")
    actions = portal.add_subparsers(dest="action", required=True, metavar="ACTION")
    serve = actions.add_parser("serve", help="run the portal (uvicorn)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8090)
    serve.set_defaults(handler=_portal_serve)
    admin = actions.add_parser(
        "create-admin",
        help="create a data-team account (password from MONEV_PORTAL_ADMIN_PASSWORD, else asked for)",
    )
    admin.add_argument("username")
    admin.add_argument("--name", help="the person's name, as the portal shows it")
    admin.set_defaults(handler=_portal_admin)
    reset = actions.add_parser("reset-password", help="give an account a one-time password (printed once)")
    reset.add_argument("username")
    reset.set_defaults(handler=_portal_reset)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pipelines",
        description="Monev ZI data platform: sample exports, the quarterly chain, analyst queries. "
        "The data root is $MONEV_DATA_ROOT (default ./data).",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show debug logs")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    samples = commands.add_parser("samples", help="write realistic sample exports for every unit into landing/")
    samples.add_argument("--quarter", type=_quarter, required=True, help="quarter, e.g. 2026Q3")
    samples.add_argument(
        "--rows", type=int, default=None, help="service-log rows per quarter in all units together (default 6000)"
    )
    samples.add_argument(
        "--quarters",
        type=int,
        default=4,
        help="how many quarters, ending with --quarter (default 4: a year of history)",
    )
    samples.set_defaults(handler=_samples)

    run = commands.add_parser("run", help="ingest, validate, compute indicators and publish one quarter, in-process")
    run.add_argument("--quarter", type=_quarter, required=True)
    run.set_defaults(handler=_run)

    summary = commands.add_parser("summary", help="print the per-unit summary of a quarter and its latest release")
    summary.add_argument("--quarter", type=_quarter, required=True)
    summary.set_defaults(handler=_summary)

    query = commands.add_parser(
        "query",
        help="run SQL (DuckDB) over the warehouse",
        description="Views: service_log, skm_response, unit_quarter_indicators(unit_code, year, quarter, "
        "indicator_code, value, category, n), quarantine. Every view has year, quarter, unit_code.",
    )
    query.add_argument("sql", help="e.g. \"SELECT * FROM unit_quarter_indicators WHERE indicator_code = 'ikm'\"")
    query.add_argument("--format", choices=("table", "csv"), default="table")
    query.add_argument("--max-rows", type=int, default=100, help="rows shown in table format")
    query.set_defaults(handler=_query)

    publish = commands.add_parser(
        "publish",
        help="publish (or confirm unchanged) the release of a quarter, copy it and e-mail it once",
        description="Same steps as the monev_publish DAG. E-mail goes through the monev_smtp connection "
        "(AIRFLOW_CONN_MONEV_SMTP) to MONEV_REPORT_RECIPIENTS or config/release.yaml; without a connection "
        "the message is written to outbox/ under the data root.",
    )
    publish.add_argument("--quarter", type=_quarter, required=True)
    publish.add_argument(
        "--resend", action="store_true", help="e-mail the release again even if the catalog says it was sent"
    )
    publish.set_defaults(handler=_publish)
    _add_portal_commands(commands)
    identities = commands.add_parser(
        "storage-identities",
        help="object-storage policies for the platform and for each unit with `s3_identity`, and those units' keys",
        description="Writes OUT/policies/*.json, OUT/credentials/<UNIT>.env (made once, then kept) and "
        "OUT/identities.tsv for the set-up job that applies them (docker-compose.yml, minio-init). "
        "The data root ($MONEV_DATA_ROOT) must be an s3:// URI.",
    )
    identities.add_argument("--out", required=True, help="folder for the files")
    identities.set_defaults(handler=_storage_identities)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    if args.command == "samples" and args.rows is None:
        from pipelines.samples.generate import DEFAULT_ROWS

        args.rows = DEFAULT_ROWS
    return args.handler(args)
