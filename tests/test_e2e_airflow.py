"""The whole chain through the real DAGs with `airflow dags test`, as `make demo` runs it."""

from __future__ import annotations

import csv
import io
import json

import pyarrow.parquet as pq
import pytest

from pipelines.indicators.definitions import INDICATORS
from pipelines.periods import Quarter
from pipelines.registry import registry
from pipelines.samples.generate import write_samples
from pipelines.storage import DataRoot
from tests.airflow_cli import airflow_env, dags_test, migrate
from tests.chromium import png_size_and_distinct_bytes, rendered_dom, screenshot

pytestmark = pytest.mark.e2e

Q3 = Quarter(2026, 3)
# A run on 10 October 2026, 07:00 in Jakarta: the publish schedule's run for Q3.
RUN_ON_10_OCTOBER = "2026-10-10T07:00:00+07:00"


def partition_rows(root: DataRoot, zone: str, table: str, unit: str) -> int:
    path = root.path(zone, table, "year=2026", "quarter=3", f"unit_code={unit}")
    return pq.read_metadata(f"{path}/part-0.parquet").num_rows


RECIPIENTS = "biro.organisasi@reformasi.example.go.id"


@pytest.fixture(scope="module")
def chain(tmp_path_factory, inbox):
    """Sample exports → monev_ingest → monev_indicators → monev_publish, in a fresh Airflow home."""
    home = tmp_path_factory.mktemp("airflow_home")
    root_path = tmp_path_factory.mktemp("data")
    # Small chunks, so the loads validate in forked workers inside Airflow's task processes too.
    env = {
        **airflow_env(home, root_path),
        "MONEV_VALIDATION_CHUNK_ROWS": "150",
        "MONEV_VALIDATION_WORKERS": "2",
        "AIRFLOW_CONN_MONEV_SMTP": f"smtp://127.0.0.1:{inbox[1]}?disable_tls=true",
        "MONEV_REPORT_RECIPIENTS": RECIPIENTS,
        "MONEV_PUBLISH_LOCATION": str(tmp_path_factory.mktemp("portal")),
    }
    migrate(env)
    root = DataRoot(str(root_path))
    write_samples(Q3, rows=2_100, root=root)
    logs = {"ingest": dags_test(env, "monev_ingest", RUN_ON_10_OCTOBER, {"quarter": "2026Q3"})}
    # No quarter given: both derive 2026Q3 from the logical date.
    logs["indicators"] = dags_test(env, "monev_indicators", RUN_ON_10_OCTOBER)
    logs["publish"] = dags_test(env, "monev_publish", RUN_ON_10_OCTOBER)
    return env, root, logs


def test_every_unit_has_warehouse_partitions_for_both_fact_tables(chain):
    _, root, _ = chain
    for unit in registry().unit_codes:
        assert partition_rows(root, "warehouse", "service_log", unit) > 100
        assert partition_rows(root, "warehouse", "skm_response", unit) > 0
        assert partition_rows(root, "warehouse", "unit_quarter_indicators", unit) == len(INDICATORS)


def test_loads_validated_in_chunks_and_the_run_built_data_docs(chain):
    _, root, logs = chain
    assert "chunks on 2 workers" in logs["ingest"]
    index = root.read_bytes("quality", "data_docs", "index.html").decode()
    for unit in registry().unit_codes:
        assert f'href="validations/service_log/{unit}_2026-Q3/' in index


def test_quarantine_holds_the_sample_dirt_with_readable_messages(chain):
    _, root, _ = chain
    rules = set()
    for unit in registry().unit_codes:
        if root.exists("quarantine", "rows", "year=2026", "quarter=3", f"unit_code={unit}"):
            path = root.path("quarantine", "rows", "year=2026", "quarter=3", f"unit_code={unit}", "part-0.parquet")
            table = pq.read_table(path)
            rules |= set(table.column("rule").to_pylist())
            assert all(message.startswith(f"{unit}/") for message in table.column("message").to_pylist())
    assert {"duplicate_row", "not_a_date", "expect_column_values_to_be_in_set"} <= rules


def test_publish_run_on_10_october_releases_2026_q3(chain):
    _, root, logs = chain
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
    assert all(row["nilai"] for row in rows)
    assert "Returned value was: ['2026Q3']" in logs["publish"]


def test_publish_run_mails_the_release_once_and_copies_it(chain, inbox):
    env, root, _ = chain
    [message] = inbox[0].messages
    assert message["To"] == RECIPIENTS
    assert {part.get_filename() for part in message.iter_attachments()} == {
        "monev_zi_2026-Q3.xlsx",
        "laporan_monev_zi_2026-Q3.pdf",
    }
    portal = DataRoot(env["MONEV_PUBLISH_LOCATION"])
    sums = root.read_bytes("releases", "2026-Q3", "v1", "SHA256SUMS")
    assert portal.read_bytes("2026-Q3", "v1", "SHA256SUMS") == sums


def test_report_page_renders_every_unit_in_a_browser(chain, tmp_path):
    _, root, _ = chain
    page = tmp_path / "laporan.html"
    page.write_bytes(root.read_bytes("releases", "2026-Q3", "v1", "laporan_monev_zi_2026-Q3.html"))
    image = tmp_path / "laporan.png"
    screenshot(page, image, tmp_path / "chromium")
    width, height, distinct = png_size_and_distinct_bytes(image)
    assert (width, height) == (1280, 1600) and distinct > 50
    dom = rendered_dom(page, tmp_path / "chromium")
    for unit in registry().units:
        assert unit.name in dom, unit.code


def test_rerunning_the_chain_changes_nothing(chain, inbox):
    env, root, _ = chain
    before = {unit: partition_rows(root, "warehouse", "service_log", unit) for unit in registry().unit_codes}
    indicators_before = pq.read_table(root.path("warehouse", "unit_quarter_indicators")).to_pylist()
    dags_test(env, "monev_ingest", RUN_ON_10_OCTOBER)
    dags_test(env, "monev_indicators", RUN_ON_10_OCTOBER)
    dags_test(env, "monev_publish", RUN_ON_10_OCTOBER)
    assert {unit: partition_rows(root, "warehouse", "service_log", unit) for unit in registry().unit_codes} == before
    assert pq.read_table(root.path("warehouse", "unit_quarter_indicators")).to_pylist() == indicators_before
    assert root.list_dirs("releases", "2026-Q3") == ["v1"]
    assert len(inbox[0].messages) == 1


def test_workbook_summary_equals_the_warehouse(chain):
    import openpyxl

    from pipelines.warehouse.partitions import read_quarter
    from pipelines.warehouse.schemas import UNIT_QUARTER_INDICATORS

    _, root, _ = chain
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
