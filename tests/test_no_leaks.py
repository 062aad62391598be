"""Nothing leaked: the whole chain runs with known secrets and personal data, then everything it wrote is scanned.

The secrets are real and used: a unit database's password (PostgreSQL source), an API token (HTTP
source), the SMTP password (the release e-mail authenticates with it) and the pseudonymisation key.
None may appear in the task logs, the Airflow home, the data root (catalog, Data Docs, warehouse,
releases, outbox), the publish location or the e-mail. Personal data (NIK, phone numbers, e-mail
addresses, names) arrives in every unit's exports; it may stay in the restricted zones that keep
deliveries as received (raw/, quarantine/, feedback/ for the unit that sent them), never in the
warehouse's shared tables, the Data Docs, a release or the e-mail.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

import psycopg
import pyarrow.parquet as pq
import pytest

from pipelines.periods import Quarter
from pipelines.samples.generate import write_samples
from pipelines.samples.profiles import FIRST_NAMES, LAST_NAMES
from pipelines.storage import DataRoot
from tests.airflow_cli import airflow_env, dags_test, migrate
from tests.http_server import SurveyApi, serve
from tests.postgres_server import create_databases
from tests.smtp_server import smtp_server
from tests.test_source_http import response

pytestmark = pytest.mark.e2e

Q3 = Quarter(2026, 3)
RUN_ON_10_OCTOBER = "2026-10-10T07:00:00+07:00"
JAKARTA = timezone(timedelta(hours=7))

SECRETS = {
    "unit database password": "Pg-Rahasia-7f3a91",
    "API token": "Api-Token-5c2e8d",
    "SMTP password": "Smtp-Sandi-91bd44",
    "pseudonymisation key": "Kunci-Pseudonim-3e7a05",
}
SMTP_LOGIN = "monev@disnakertrans.example.go.id"
RESTRICTED_ZONES = ("raw", "quarantine", "feedback")

# Whole tokens only: hex digests hold long digit runs by chance, and so do the decimals of a rate.
NIK = re.compile(r"(?<![0-9A-Za-z.])\d{16}(?![0-9A-Za-z])")
PHONE = re.compile(r"(?<![0-9A-Za-z.])(\+?62|0)8\d{8,11}(?![0-9A-Za-z])")


def applicant(number: int) -> dict:
    """A P2TK service-database row with the applicant's name, NIK, phone and e-mail."""
    received = datetime(2026, 7, 1) + timedelta(days=number % 60)
    return {
        "no_tiket": f"SIPP-{number:05d}", "nama_pemohon": f"Kartika Wijayanti {number}",
        "nik": f"35150923118{number:05d}", "no_hp": f"0813{number:08d}",
        "email_pemohon": f"kartika.{number}@surel.example.com", "jenis_layanan": "Paspor PMI",
        "tanggal_permohonan": received.date(), "tanggal_selesai": (received + timedelta(days=2)).date(),
        "status": "Selesai", "kanal": "Loket", "biaya": 0,
        "updated_at": datetime(2026, 7, 1, 8, tzinfo=JAKARTA) + timedelta(minutes=number),
    }  # fmt: skip


def survey_response(number: int) -> dict:
    """An SKM API record that also carries the respondent's name and e-mail."""
    return {**response(number), "nama": f"Bagus Saputra {number}", "email": f"bagus.{number}@surel.example.com"}


def unit_database(address: str) -> None:
    """The P2TK service database, read by a role that needs the secret password."""
    create_databases(address, "sipp_leak")
    with psycopg.connect(f"postgresql://postgres@{address}/postgres", autocommit=True) as admin:
        admin.execute("DROP ROLE IF EXISTS monev_reader")
        admin.execute(f"CREATE ROLE monev_reader LOGIN PASSWORD '{SECRETS['unit database password']}'")
    rows = [applicant(number) for number in range(1, 31)]
    columns = list(rows[0])
    with psycopg.connect(f"postgresql://postgres@{address}/sipp_leak", autocommit=True) as database:
        database.execute(
            "CREATE TABLE layanan (no_tiket text PRIMARY KEY, nama_pemohon text, nik text, no_hp text, "
            "email_pemohon text, jenis_layanan text, tanggal_permohonan date, tanggal_selesai date, status text, "
            "kanal text, biaya integer, updated_at timestamptz NOT NULL)"
        )
        with database.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO layanan ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})",
                [tuple(row.values()) for row in rows],
            )
        database.execute("GRANT SELECT ON layanan TO monev_reader")


@pytest.fixture(scope="module")
def chain(tmp_path_factory, postgres_address):
    """Samples plus a PostgreSQL and an HTTP source with secrets → ingest → indicators → publish via SMTP AUTH."""
    import yaml

    from pipelines.settings import REPO_ROOT

    home, root_path = tmp_path_factory.mktemp("airflow_home"), tmp_path_factory.mktemp("data")
    portal, config = tmp_path_factory.mktemp("portal"), tmp_path_factory.mktemp("config")
    for source in (REPO_ROOT / "config").iterdir():
        (config / source.name).write_bytes(source.read_bytes())
    units = yaml.safe_load((config / "units.yaml").read_text())
    extra_sources = {
        "UPT-P2TK": {"kind": "sql", "name": "sipp", "conn_id": "sipp_db", "dataset": "service_log",
                     "table": "layanan", "watermark_column": "updated_at"},
        "UPT-BLK-SBY": {"kind": "http", "name": "survei", "conn_id": "skm_api", "dataset": "skm_response",
                        "endpoint": "/api/v1/responses", "pagination": "page", "page_size": 10},
    }  # fmt: skip
    for unit in units["units"]:
        unit["sources"] = [*unit["sources"], *([extra_sources[unit["code"]]] if unit["code"] in extra_sources else [])]
    (config / "units.yaml").write_text(yaml.safe_dump(units, sort_keys=False, allow_unicode=True))
    unit_database(postgres_address)
    api = SurveyApi(records=[survey_response(number) for number in range(1, 21)], token=SECRETS["API token"])
    with serve(api) as base_url, smtp_server(password=SECRETS["SMTP password"]) as (inbox, smtp_port):
        host, port = postgres_address.split(":")
        env = {
            **airflow_env(home, root_path),
            "MONEV_CONFIG_DIR": str(config),
            "MONEV_PSEUDONYM_KEY": SECRETS["pseudonymisation key"],
            "MONEV_PUBLISH_LOCATION": str(portal),
            "MONEV_REPORT_RECIPIENTS": "biro.organisasi@reformasi.example.go.id",
            "AIRFLOW_CONN_SIPP_DB": json.dumps({
                "conn_type": "postgres", "host": host, "port": int(port), "schema": "sipp_leak",
                "login": "monev_reader", "password": SECRETS["unit database password"]}),
            "AIRFLOW_CONN_SKM_API": json.dumps({"conn_type": "http", "host": base_url,
                                                "password": SECRETS["API token"]}),
            "AIRFLOW_CONN_MONEV_SMTP": f"smtp://{quote(SMTP_LOGIN)}:{SECRETS['SMTP password']}@127.0.0.1:{smtp_port}"
                                       "?disable_tls=true",
        }  # fmt: skip
        migrate(env)
        root = DataRoot(str(root_path))
        write_samples(Q3, rows=1_400, root=root)
        logs = [dags_test(env, dag_id, RUN_ON_10_OCTOBER, {"quarter": "2026Q3"})
                for dag_id in ("monev_ingest", "monev_indicators", "monev_publish")]  # fmt: skip
    return {"home": home, "root": root, "portal": portal, "logs": logs, "inbox": inbox, "api": api}


def text_of(name: str, data: bytes) -> str:
    """What a reader of the file sees: Parquet as CSV, workbooks and other zips by their members, the rest as text."""
    if name.endswith(".parquet"):
        return pq.read_table(io.BytesIO(data)).to_pandas().to_csv(index=False)
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(archive.read(member).decode("utf-8", "replace") for member in archive.namelist())
    return data.decode("utf-8", "replace")


def files_under(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): text_of(path.name, path.read_bytes()) for path in folder.rglob("*")
            if path.is_file()}  # fmt: skip


def e_mails(chain) -> dict[str, str]:
    found = {}
    for number, message in enumerate(chain["inbox"].messages):
        found[f"e-mail {number}"] = message.get_body(("plain",)).get_content()
        for part in message.iter_attachments():
            found[f"e-mail {number}/{part.get_filename()}"] = text_of(part.get_filename(), part.get_content())
    return found


def test_every_secret_was_used(chain):
    assert chain["inbox"].logins == [SMTP_LOGIN]
    assert chain["api"].requests, "the API was never called with its token"
    assert all(request.startswith("/api/v1/responses") for request in chain["api"].requests)
    service = chain["root"].list_files("warehouse", "service_log", recursive=True)
    p2tk = [path for path in service if "unit_code=UPT-P2TK" in path]
    tickets = pq.read_table(chain["root"].path("warehouse", "service_log", p2tk[0])).column("ticket_id").to_pylist()
    assert "SIPP-00001" in tickets, "the unit database was never read"
    keys = pq.read_table(chain["root"].path("warehouse", "service_log", p2tk[0])).column("person_key").to_pylist()
    assert all(keys), "person_key is made with the pseudonymisation key"


def test_no_secret_in_logs_airflow_home_data_root_publish_location_or_e_mail(chain):
    places = {
        **{f"log of {dag}": log for dag, log in zip(("ingest", "indicators", "publish"), chain["logs"], strict=True)},
        **{f"airflow home/{name}": text for name, text in files_under(chain["home"]).items()},
        **{f"data root/{name}": text for name, text in files_under(Path(chain["root"].path())).items()},
        **{f"publish location/{name}": text for name, text in files_under(chain["portal"]).items()},
        **e_mails(chain),
    }
    assert len(places) > 100 and any(name.startswith("data root/catalog") for name in places)
    leaks = [f"{what} in {place}" for place, text in places.items() for what, secret in SECRETS.items()
             if secret in text or quote(secret) in text]  # fmt: skip
    assert not leaks, "\n".join(leaks)


def personal_values() -> list[str]:
    """Values that identify a person in this run's inputs (NIK and phones are also caught by pattern)."""
    names = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    return [*names, "Kartika Wijayanti", "Bagus Saputra", "@surel.example.com"]


def test_no_personal_data_in_shared_tables_data_docs_releases_or_e_mail(chain):
    root = Path(chain["root"].path())
    shared = {f"data root/{name}": text for name, text in files_under(root).items()
              if name.split("/")[0] not in RESTRICTED_ZONES and not name.startswith("landing/")}  # fmt: skip
    places = {**shared, **{f"publish location/{n}": t for n, t in files_under(chain["portal"]).items()},
              **e_mails(chain)}  # fmt: skip
    assert any("/warehouse/service_log/" in f"/{name}" for name in places)
    assert any("quality/data_docs" in name for name in places) and any("releases/" in name for name in places)
    found = []
    for place, text in places.items():
        if place.endswith(".pdf"):
            continue  # rendered from report.html, which is scanned; PDF text is glyph-encoded
        found += [f"NIK-like {match.group(0)} in {place}" for match in NIK.finditer(text)]
        found += [f"phone-like {match.group(0)} in {place}" for match in PHONE.finditer(text)]
        found += [f"{value!r} in {place}" for value in personal_values() if value in text]
    assert not found, "\n".join(found[:40])


def test_the_restricted_zones_do_hold_the_personal_data_the_scan_looks_for(chain):
    """The scan above would find them: the raw zone keeps deliveries as received."""
    raw = files_under(Path(chain["root"].path("raw")))
    text = "\n".join(raw.values())
    assert NIK.search(text) and PHONE.search(text) and "Kartika Wijayanti" in text and "@surel.example.com" in text
