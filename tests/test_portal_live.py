"""The portal as units use it, end to end: an upload starts the ingest DAG through Airflow's REST API (as the portal's
service account, under Airflow's real scheduler), the verdict appears on the unit's page, and the unit's e-mail
arrives once. One test drives Debian's headless Chromium the way unit staff click through it."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import requests

from pipelines.ingest.run import ingest_unit
from pipelines.portal.accounts import create_account
from pipelines.runstate.received_files import ingest_log
from pipelines.storage import DataRoot
from tests.support.airflow_services import live_airflow, live_env
from tests.support.chromium import png_size_and_distinct_bytes
from tests.support.few_units import few_units
from tests.support.portal_server import PortalClient, portal_process
from tests.support.postgres_server import free_port
from tests.support.smtp_server import smtp_server
from tests.test_ingest import DIRTY_ROWS, FILLER_ROWS, GOOD_ROWS, HEADER, drop

pytestmark = pytest.mark.live

UNITS = ("BID-PPKK", "UPT-K3")
PASSWORD = "sandi-petugas-ppkk"
SERVICE_ACCOUNT = ("portal", "sandi-akun-layanan-portal")
ADMIN = ("admin", "sandi-admin-airflow")
EXPORT_WITH_ERRORS = (HEADER + "\n".join(GOOD_ROWS + DIRTY_ROWS + FILLER_ROWS) + "\n").encode()
OTHER_UNITS_FILE = "layanan_rahasia_k3_2026Q3.csv"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """Airflow with its auth checks on (an admin for the test, a `user`-role account for the portal), an SMTP
    server, the portal as a process, a BID-PPKK account, and UPT-K3's data already loaded."""
    base = tmp_path_factory.mktemp("portal_live")
    data, home = base / "data", base / "airflow"
    home.mkdir()
    passwords = home / "passwords.json"
    passwords.write_text(json.dumps(dict([ADMIN, SERVICE_ACCOUNT])))
    with (
        few_units(base / "config", UNITS),
        pytest.MonkeyPatch.context() as patch,
        smtp_server() as (inbox, smtp_port),
    ):
        patch.setenv("MONEV_DATA_ROOT", str(data))
        env = live_env(home, data, free_port()) | {
            "MONEV_CONFIG_DIR": str(base / "config"),
            "AIRFLOW_CONN_MONEV_SMTP": f"smtp://127.0.0.1:{smtp_port}?disable_tls=true",
            "MONEV_ALERT_RECIPIENTS": "tim.data@disnakertrans.example",
            "MONEV_INGEST_SCHEDULE": "0 5 1 1 *",  # only the portal's runs during the test
            "MONEV_RETRY_DELAY_SECONDS": "5",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "False",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{ADMIN[0]}:admin,{SERVICE_ACCOUNT[0]}:user",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords),
        }
        root = DataRoot(str(data))
        drop(root, "UPT-K3", OTHER_UNITS_FILE, HEADER + "\n".join(GOOD_ROWS + DIRTY_ROWS) + "\n")
        ingest_unit("UPT-K3")
        create_account("petugas.ppkk", "Petugas PPKK", "unit", "BID-PPKK", PASSWORD, must_change_password=False)
        with live_airflow(env, login=ADMIN) as airflow:
            airflow.wait_for("the ingest DAG parsed", lambda: "monev_ingest" in
                             {dag["dag_id"] for dag in airflow.get("/dags")["dags"]}, timeout=180)  # fmt: skip
            airflow.unpause("monev_ingest")
            # Enabling a DAG runs its most recent schedule at once (Airflow's `run_immediately`): that run ends first.
            airflow.finished_run("monev_ingest", "scheduled", timeout=300)
            portal_env = {**env, "MONEV_PORTAL_AIRFLOW_URL": f"http://127.0.0.1:{env['AIRFLOW__API__PORT']}",
                          "MONEV_PORTAL_AIRFLOW_USER": SERVICE_ACCOUNT[0],
                          "MONEV_PORTAL_AIRFLOW_PASSWORD": SERVICE_ACCOUNT[1]}  # fmt: skip
            with portal_process(portal_env, base / "portal.log") as portal:
                yield {
                    "airflow": airflow,
                    "portal": portal,
                    "inbox": inbox,
                    "root": root,
                    "base": base,
                    "config": base / "config",
                }


@pytest.fixture
def on_stack(stack, data_root, monkeypatch):
    """This test process reads the stack's catalog and registry (not the empty data root every test gets)."""
    monkeypatch.setenv("MONEV_DATA_ROOT", stack["root"].path())
    monkeypatch.setenv("MONEV_CONFIG_DIR", str(stack["config"]))
    return stack


def portal_runs(airflow) -> list[dict]:
    return [run for run in airflow.runs("monev_ingest") if run["dag_run_id"].startswith("portal__")]


def wait_for_verdict(client: PortalClient, upload_path: str, airflow, timeout: float = 420) -> str:
    """Follow the upload's page as its auto-refresh would, until it sends the reader to the file's verdict."""

    def verdict_page() -> str | None:
        response = client.get(upload_path)
        return response.headers["location"] if response.status_code == 303 else None

    return airflow.wait_for(f"the verdict of {upload_path}", verdict_page, timeout=timeout, every=3)


def test_an_upload_is_judged_by_the_ingest_dag_and_the_unit_is_mailed_once(on_stack):
    stack = on_stack
    airflow, inbox = stack["airflow"], stack["inbox"]
    client = PortalClient(stack["portal"])
    assert client.login("petugas.ppkk", PASSWORD).status_code == 303
    uploaded = client.upload("layanan_2026Q3.csv", EXPORT_WITH_ERRORS)
    assert uploaded.status_code == 303
    [run] = airflow.wait_for("the portal's run", lambda: portal_runs(airflow), timeout=30)
    assert run["conf"] == {"units": ["BID-PPKK"]} and run["run_type"] == "manual"
    started = time.monotonic()
    file_page = client.get(wait_for_verdict(client, uploaded.headers["location"], airflow))
    seconds = time.monotonic() - started
    assert (
        "SEBAGIAN" in file_page.text and "Bukan tanggal yang valid" in file_page.text and "31/02/2026" in file_page.text
    )
    [entry] = [entry for entry in ingest_log(unit_code="BID-PPKK")]
    assert entry["status"] == "partial" and entry["rows_quarantined"] > 0
    airflow.finished_run("monev_ingest", "manual")
    notices = airflow.wait_for("the unit's e-mail", lambda: inbox.unit_notices, timeout=60)
    [notice] = notices
    assert notice["To"] == "admin.bid-ppkk@disnakertrans.example" and notice["Cc"] == "tim.data@disnakertrans.example"
    assert notice["Subject"].endswith("layanan_2026Q3.csv sebagian")
    assert [part.get_filename() for part in notice.iter_attachments()] == ["umpan_balik_BID-PPKK_2026-Q3.xlsx"]
    # The same file again: a second run, the same delivery and verdict, no second e-mail.
    again = client.upload("layanan_2026Q3.csv", EXPORT_WITH_ERRORS)
    assert client.get(again.headers["location"]).headers["location"] == f"/berkas/{entry['file_id']}"
    airflow.wait_for("the second run", lambda: len(portal_runs(airflow)) == 2, timeout=30)
    airflow.finished_run("monev_ingest", "manual", after=1)
    assert len(inbox.unit_notices) == 1
    print(f"verdict shown {seconds:.0f} s after the upload")


def test_the_service_account_cannot_read_connections_or_variables(stack):
    """Airflow's `user` role, the least that may trigger a run: no connections, variables or configuration."""
    api = stack["airflow"].api
    login = {"username": SERVICE_ACCOUNT[0], "password": SERVICE_ACCOUNT[1]}
    token = requests.post(f"{api.removesuffix('/api/v2')}/auth/token", json=login, timeout=30).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert requests.get(f"{api}/dags/monev_ingest", headers=headers, timeout=30).status_code == 200
    for path in ("/connections", "/variables", "/config"):
        assert requests.get(f"{api}{path}", headers=headers, timeout=30).status_code == 403, path
    assert requests.get(f"{api}/dags", timeout=30).status_code == 401
    wrong = {"username": SERVICE_ACCOUNT[0], "password": "tebakan"}
    assert requests.post(f"{api.removesuffix('/api/v2')}/auth/token", json=wrong, timeout=30).status_code == 401


def browser(profile: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--window-size=1280,1400", f"--user-data-dir={profile}",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"):  # fmt: skip
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)


def test_a_unit_uploads_in_a_browser_and_sees_the_verdict_and_problems(stack):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    export = stack["base"] / "permohonan_loket_2026Q3.csv"
    export.write_bytes(EXPORT_WITH_ERRORS.replace(b"T-0", b"L-0").replace(b"F-", b"G-"))
    driver = browser(stack["base"] / "chromium")
    try:
        driver.get(f"{stack['portal']}/masuk")
        driver.find_element(By.ID, "username").send_keys("petugas.ppkk")
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.ID, "berkas"))
        pages = {"beranda": driver.page_source}
        driver.find_element(By.ID, "berkas").send_keys(str(export))
        driver.find_element(By.CSS_SELECTOR, "form[action='/unggah'] button").click()
        # The processing page reloads itself until the ingest DAG has judged the file.
        WebDriverWait(driver, 420, poll_frequency=2).until(lambda d: "/berkas/" in d.current_url)
        assert driver.find_element(By.ID, "hasil").text == "SEBAGIAN"
        problems = driver.find_elements(By.CSS_SELECTOR, "#masalah tbody tr")
        assert len(problems) >= 4 and any("Bukan tanggal yang valid" in row.text for row in problems)
        pages["berkas"] = driver.page_source
        screenshot = stack["base"] / "verdict.png"
        driver.save_screenshot(str(screenshot))
        driver.get(f"{stack['portal']}/pratinjau")
        pages["pratinjau"] = driver.page_source
        driver.get(f"{stack['portal']}/")
        pages["beranda setelah unggah"] = driver.page_source
    finally:
        driver.quit()
    for name, html in pages.items():
        assert "UPT-K3" not in html and OTHER_UNITS_FILE not in html and "Keselamatan Kerja" not in html, name
    assert "permohonan_loket_2026Q3.csv" in pages["beranda setelah unggah"]
    width, height, distinct = png_size_and_distinct_bytes(screenshot)
    assert width >= 800 and height >= 600 and distinct > 40, "the screenshot is blank"
