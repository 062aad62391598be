"""The whole chain through the real DAGs with `airflow dags test`, as `make demo` runs it, built once.

Then nothing leaked: the chain runs with known secrets and personal data, and everything it wrote is scanned.
The secrets are real and used: a unit database's password (PostgreSQL source), an API token (HTTP
source), the SMTP password (the release e-mail authenticates with it) and the pseudonymisation key.
None may appear in the task logs, the Airflow home, the data root (catalog, Data Docs, warehouse,
releases, outbox), the publish location or the e-mail. Personal data (NIK, phone numbers, e-mail
addresses, names) arrives in every unit's exports; it may stay in the restricted zones that keep
deliveries as received (raw/, quarantine/, feedback/ for the unit that sent them), never in the
warehouse's shared tables, the Data Docs, a release or the e-mail.
"""

from __future__ import annotations

import csv
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

from pipelines.indicators.definitions import INDICATORS
from pipelines.periods import Quarter
from pipelines.registry import registry
from pipelines.samples.generate import write_samples
from pipelines.samples.profiles import FIRST_NAMES, LAST_NAMES
from pipelines.storage import DataRoot
from tests.support.airflow_cli import airflow_env, dags_test, migrate
from tests.support.chromium import png_size_and_distinct_bytes, rendered_dom, screenshot
from tests.support.http_server import SurveyApi, serve
from tests.support.postgres_server import create_databases
from tests.support.smtp_server import smtp_server
from tests.test_source_http import response

pytestmark = pytest.mark.e2e

Q3 = Quarter(2026, 3)
# A run on 10 October 2026, 07:00 in Jakarta: the publish schedule's run for Q3.
RUN_ON_10_OCTOBER = "2026-10-10T07:00:00+07:00"
JAKARTA = timezone(timedelta(hours=7))
RECIPIENTS = "biro.organisasi@reformasi.example.go.id"

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


def partition_rows(root: DataRoot, zone: str, table: str, unit: str) -> int:
    path = root.path(zone, table, "year=2026", "quarter=3", f"unit_code={unit}")
    return pq.read_metadata(f"{path}/part-0.parquet").num_rows


@pytest.fixture(scope="module")
def chain(tmp_path_factory, postgres_address):
    """Samples plus a PostgreSQL and an HTTP source with secrets → monev_ingest → monev_indicators → monev_publish
    (e-mailed through SMTP AUTH), in a fresh Airflow home; read by every test of this module."""
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
            "MONEV_REPORT_RECIPIENTS": RECIPIENTS,
            # Small chunks, so the loads validate in forked workers inside Airflow's task processes too.
            "MONEV_VALIDATION_CHUNK_ROWS": "300",
            "MONEV_VALIDATION_WORKERS": "2",
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
        write_samples(Q3, rows=2_100, root=root)
        logs = {"ingest": dags_test(env, "monev_ingest", RUN_ON_10_OCTOBER, {"quarter": "2026Q3"})}
        # No quarter given: both derive 2026Q3 from the logical date.
        logs["indicators"] = dags_test(env, "monev_indicators", RUN_ON_10_OCTOBER)
        logs["publish"] = dags_test(env, "monev_publish", RUN_ON_10_OCTOBER)
        yield {"env": env, "home": home, "root": root, "portal": portal, "logs": logs, "inbox": inbox, "api": api}


def test_every_unit_has_warehouse_partitions_for_both_fact_tables(chain):
    root = chain["root"]
    for unit in registry().unit_codes:
        assert partition_rows(root, "warehouse", "service_log", unit) > 100
        assert partition_rows(root, "warehouse", "skm_response", unit) > 0
        assert partition_rows(root, "warehouse", "unit_quarter_indicators", unit) == len(INDICATORS)


def test_loads_validated_in_chunks_and_the_run_built_data_docs(chain):
    root, logs = chain["root"], chain["logs"]
    assert re.search(r"validating [\d,]+ rows of service_log(, [a-z_]+)* from \d+ files on 2 workers", logs["ingest"])
    index = root.read_bytes("quality", "data_docs", "index.html").decode()
    for unit in registry().unit_codes:
        assert f'href="validations/service_log/{unit}_2026-Q3/' in index


def test_quarantine_holds_the_sample_dirt_with_readable_messages(chain):
    root = chain["root"]
    rules = set()
    for unit in registry().unit_codes:
        if root.exists("quarantine", "rows", "year=2026", "quarter=3", f"unit_code={unit}"):
            path = root.path("quarantine", "rows", "year=2026", "quarter=3", f"unit_code={unit}", "part-0.parquet")
            table = pq.read_table(path)
            rules |= set(table.column("rule").to_pylist())
            assert all(message.startswith(f"{unit}/") for message in table.column("message").to_pylist())
    assert {"not_a_date", "expect_column_values_to_be_in_set"} <= rules
    # A ticket sent twice: an exact repeat, or (the applicant's pseudonymised NIK differing) a repeated number.
    assert rules & {"duplicate_row", "expect_compound_columns_to_be_unique"}


def test_publish_run_on_10_october_releases_2026_q3(chain):
    root, logs = chain["root"], chain["logs"]
    assert root.list_dirs("releases") == ["2026-Q3"]
    files = root.list_files("releases", "2026-Q3", "v1")
    assert {"datapackage.json", "SHA256SUMS", "indikator_monev_2026-Q3.csv"} <= set(files)
    package = json.loads(root.read_bytes("releases", "2026-Q3", "v1", "datapackage.json"))
    assert package["monev"]["quarter"] == "2026Q3"
    rows = list(
        csv.DictReader(
            io.StringIO(root.read_bytes("releases", "2026-Q3", "v1", "indikator_monev_2026-Q3.csv").decode())
        )
    )
    assert len(rows) == 7 * len(INDICATORS)
    # A value is empty only with its reason: a unit with no SKM element under grade B has no follow-up to count.
    assert all(row["nilai"] or row["kategori"] == "tidak ada unsur SKM di bawah mutu B" for row in rows)
    assert "Returned value was: ['2026Q3']" in logs["publish"]


def test_publish_run_mails_the_release_once_and_copies_it(chain):
    env, root = chain["env"], chain["root"]
    [message] = chain["inbox"].releases
    assert message["To"] == RECIPIENTS
    assert {part.get_filename() for part in message.iter_attachments()} == {
        "monev_zi_2026-Q3.xlsx",
        "laporan_monev_zi_2026-Q3.pdf",
    }
    portal = DataRoot(env["MONEV_PUBLISH_LOCATION"])
    sums = root.read_bytes("releases", "2026-Q3", "v1", "SHA256SUMS")
    assert portal.read_bytes("2026-Q3", "v1", "SHA256SUMS") == sums


def test_report_page_renders_every_unit_in_a_browser(chain, tmp_path):
    root = chain["root"]
    page = tmp_path / "laporan.html"
    page.write_bytes(root.read_bytes("releases", "2026-Q3", "v1", "laporan_monev_zi_2026-Q3.html"))
    image = tmp_path / "laporan.png"
    screenshot(page, image, tmp_path / "chromium")
    width, height, distinct = png_size_and_distinct_bytes(image)
    assert (width, height) == (1280, 1600) and distinct > 50
    dom = rendered_dom(page, tmp_path / "chromium")
    for unit in registry().units:
        assert unit.name in dom, unit.code


def test_workbook_summary_equals_the_warehouse(chain):
    import openpyxl

    from pipelines.warehouse.partitions import read_quarter
    from pipelines.warehouse.schemas import UNIT_QUARTER_INDICATORS

    root = chain["root"]
    warehouse = {
        (row["unit_code"], row["indicator_code"]): row["value"]
        for row in read_quarter(root, "warehouse", "unit_quarter_indicators", Q3, UNIT_QUARTER_INDICATORS).to_pylist()
    }
    book = openpyxl.load_workbook(io.BytesIO(root.read_bytes("releases", "2026-Q3", "v1", "monev_zi_2026-Q3.xlsx")))
    sheet = book["Ringkasan"]
    headers = [cell.value for cell in sheet[1]]
    columns = {"IKM": "ikm", "% layanan tepat waktu": "on_time_rate", "% kepatuhan tarif": "tariff_compliance_rate",
               "Jumlah pengaduan": "complaints", "% pengaduan tuntas tepat waktu": "complaint_resolved_rate",
               "Nilai ZI": "zi_total"}  # fmt: skip
    rows = [dict(zip(headers, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert [row["Kode unit"] for row in rows] == registry().unit_codes
    for row in rows:
        for header, code in columns.items():
            assert row[header] == warehouse[(row["Kode unit"], code)], (row["Kode unit"], code)


def text_of(name: str, data: bytes) -> str:
    """What a reader of the file sees: Parquet as CSV, workbooks and other zips by their members, the rest as text."""
    if name.endswith(".parquet"):
        return pq.read_table(io.BytesIO(data)).to_pandas().to_csv(index=False)
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(archive.read(member).decode("utf-8", "replace") for member in archive.namelist())
    return data.decode("utf-8", "replace")


def test_each_unit_is_told_the_verdict_of_each_delivery_once(chain):
    notices = chain["inbox"].unit_notices
    subjects = [message["Subject"] for message in notices]
    assert len(subjects) == len(set(subjects))
    contacts = {unit.code: ", ".join(unit.contacts) for unit in registry().units}
    told = {re.match(r"\[Monev ZI\] \w+ \w+ data (\S+):", subject).group(1) for subject in subjects}
    assert told == set(contacts)
    for message in notices:
        unit_code = re.match(r"\[Monev ZI\] \w+ \w+ data (\S+):", message["Subject"]).group(1)
        assert message["To"] == contacts[unit_code]
        assert "SIPP" not in message["Subject"], "a clean pull from a unit's database gets no receipt"
    assert any(subject.endswith(" sebagian") for subject in subjects)


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
    assert set(chain["inbox"].logins) == {SMTP_LOGIN} and len(chain["inbox"].logins) == len(chain["inbox"].messages)
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
        **{f"log of {dag}": log for dag, log in chain["logs"].items()},
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


def test_rerunning_the_chain_changes_nothing(chain):
    """Last in the module: every test above reads the chain as its first run left it."""
    env, root = chain["env"], chain["root"]
    before = {unit: partition_rows(root, "warehouse", "service_log", unit) for unit in registry().unit_codes}
    notices_before = len(chain["inbox"].unit_notices)
    indicators_before = pq.read_table(root.path("warehouse", "unit_quarter_indicators")).to_pylist()
    dags_test(env, "monev_ingest", RUN_ON_10_OCTOBER)
    dags_test(env, "monev_indicators", RUN_ON_10_OCTOBER)
    dags_test(env, "monev_publish", RUN_ON_10_OCTOBER)
    assert {unit: partition_rows(root, "warehouse", "service_log", unit) for unit in registry().unit_codes} == before
    assert pq.read_table(root.path("warehouse", "unit_quarter_indicators")).to_pylist() == indicators_before
    assert root.list_dirs("releases", "2026-Q3") == ["v1"]
    assert len(chain["inbox"].releases) == 1
    assert len(chain["inbox"].unit_notices) == notices_before
