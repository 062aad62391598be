"""The unit portal over HTTP: a unit sees and sends only its own data, and hostile requests get nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from pipelines.ingest.run import ingest_unit
from pipelines.portal.accounts import FAILURES_PER_ACCOUNT, FAILURES_PER_CLIENT, create_account
from pipelines.runstate.received_files import ingest_log
from pipelines.runstate.store import engine, portal_session
from tests.support.portal_server import PortalClient, portal_server
from tests.test_ingest import DIRTY_ROWS, FILLER_ROWS, GOOD_ROWS, HEADER, drop

PASSWORD = "sandi-rahasia-unit"
EXPORT = (HEADER + "\n".join(GOOD_ROWS + FILLER_ROWS) + "\n").encode()


def three_accounts() -> None:
    create_account("petugas.ppkk", "Petugas PPKK", "unit", "BID-PPKK", PASSWORD, must_change_password=False)
    create_account("petugas.k3", "Petugas K3", "unit", "UPT-K3", PASSWORD, must_change_password=False)
    create_account("tim.data", "Tim Data", "data_team", None, PASSWORD, must_change_password=False)


@pytest.fixture
def portal(data_root, monkeypatch, prepared):
    """The portal over a catalog holding two units' staff and a data-team member (hashed once per worker)."""
    monkeypatch.delenv("MONEV_PORTAL_AIRFLOW_PASSWORD", raising=False)
    monkeypatch.setenv("MONEV_PORTAL_MAX_UPLOAD_BYTES", "20000")
    prepared("portal_accounts", three_accounts, data_root)
    with portal_server() as base_url:
        yield base_url


def logged_in(portal: str, username: str) -> PortalClient:
    client = PortalClient(portal)
    assert client.login(username, PASSWORD).status_code == 303
    return client


@pytest.fixture
def other_units_file(data_root) -> dict:
    """A file UPT-K3 delivered, with problems: what BID-PPKK must never see."""
    drop(data_root, "UPT-K3", "layanan_rahasia_k3_2026Q3.csv", HEADER + "\n".join(GOOD_ROWS + DIRTY_ROWS) + "\n")
    ingest_unit("UPT-K3")
    [entry] = ingest_log(unit_code="UPT-K3")
    return entry


def landing_files(data_root) -> list[str]:
    return data_root.list_files("landing", recursive=True) if data_root.exists("landing") else []


def test_pages_need_a_login(portal):
    client = PortalClient(portal)
    for path in ("/", "/pratinjau", "/berkas/1", "/unggahan/1", "/admin", "/admin/akun"):
        response = client.get(path)
        assert (response.status_code, response.headers["location"]) == (303, "/masuk"), path
    assert client.post("/unggah", files={"berkas": ("layanan.csv", EXPORT)}).status_code == 403


def test_a_unit_sees_its_own_file_and_not_another_units(portal, data_root, other_units_file):
    drop(data_root, "BID-PPKK", "layanan_2026Q3.csv", HEADER + "\n".join(GOOD_ROWS + DIRTY_ROWS + FILLER_ROWS) + "\n")
    ingest_unit("BID-PPKK")
    [own] = ingest_log(unit_code="BID-PPKK")
    client = logged_in(portal, "petugas.ppkk")
    own_page = client.get(f"/berkas/{own['file_id']}")
    assert own_page.status_code == 200 and "SEBAGIAN" in own_page.text and "31/02/2026" in own_page.text
    workbook = client.get(f"/berkas/{own['file_id']}/umpan-balik/2026Q3")
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"
    for path in (f"/berkas/{other_units_file['file_id']}", f"/berkas/{other_units_file['file_id']}/umpan-balik/2026Q3"):
        refused = client.get(path)
        assert refused.status_code == 404 and "layanan_rahasia_k3" not in refused.text, path
    assert client.get("/berkas/999999").status_code == 404
    home = client.get("/").text
    assert "layanan_2026Q3.csv" in home and "layanan_rahasia_k3" not in home and "UPT-K3" not in home


def test_another_units_upload_is_not_found(portal):
    k3 = logged_in(portal, "petugas.k3")
    assert k3.upload("layanan_2026Q3.csv", EXPORT).headers["location"] == "/unggahan/1"
    ppkk = logged_in(portal, "petugas.ppkk")
    assert ppkk.get("/unggahan/1").status_code == 404
    assert k3.get("/unggahan/1").status_code == 200


def test_an_upload_lands_in_the_units_own_folder_only(portal, data_root):
    response = logged_in(portal, "petugas.ppkk").upload("layanan_2026Q3.csv", EXPORT)
    assert response.status_code == 303
    assert landing_files(data_root) == ["BID-PPKK/layanan_2026Q3.csv"]
    assert data_root.read_bytes("landing", "BID-PPKK", "layanan_2026Q3.csv") == EXPORT


def test_another_units_code_in_the_form_is_refused(portal, data_root):
    client = logged_in(portal, "petugas.ppkk")
    response = client.upload("layanan_2026Q3.csv", EXPORT, unit_code="UPT-K3")
    assert response.status_code == 403 and landing_files(data_root) == []


@pytest.mark.parametrize(
    "name",
    ["../../warehouse/service_log/x.csv", "..\\..\\raw\\x.csv", "/etc/cron.d/x.csv", "UPT-K3/layanan.csv",
     "layanan..csv", ".hidden.csv", "layanan\x00.csv"],
)  # fmt: skip
def test_path_traversal_in_the_file_name_is_refused(portal, data_root, name):
    response = logged_in(portal, "petugas.ppkk").upload(name, EXPORT)
    assert response.status_code == 403 and landing_files(data_root) == []
    assert not data_root.exists("warehouse") and not data_root.exists("raw")


def test_an_oversized_upload_is_refused_unread(portal, data_root):
    big = HEADER.encode() + b"T-001;x;1;LPTKS;01/07/2026;02/07/2026;Selesai;Loket;0\n" * 2000
    response = logged_in(portal, "petugas.ppkk").upload("layanan_2026Q3.csv", big)
    assert response.status_code == 413 and "terlalu besar" in response.text and landing_files(data_root) == []


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("layanan.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"),  # a PDF given an export's name
        ("layanan.csv", b"MZ\x90\x00\x03\x00\x00\x00"),  # a Windows program
        ("layanan.xlsx", b"PK\x03\x04not really a workbook"),  # a zip that is no workbook
        ("layanan.json", b"<html><body>login</body></html>"),
        ("layanan.exe", b"No. Tiket;Status\n1;Selesai\n"),  # not an export's type at all
        ("layanan.csv", b""),
    ],
)
def test_a_file_that_is_no_export_is_refused(portal, data_root, name, data):
    response = logged_in(portal, "petugas.ppkk").upload(name, data)
    assert response.status_code in (403, 415) and landing_files(data_root) == []


def test_form_posts_without_the_sessions_csrf_token_are_refused(portal, data_root):
    client = logged_in(portal, "petugas.ppkk")
    others_token = logged_in(portal, "petugas.k3").csrf()
    for token in (None, "", others_token):
        fields = {} if token is None else {"csrf_token": token}
        assert client.post("/unggah", data=fields, files={"berkas": ("layanan.csv", EXPORT)}).status_code == 403
        assert client.post("/keluar", data=fields).status_code == 403
        assert client.post("/sandi", data={**fields, "current": PASSWORD, "new": "x" * 12, "repeat": "x" * 12}
                           ).status_code == 403  # fmt: skip
    assert landing_files(data_root) == [] and client.get("/").status_code == 200  # still logged in
    team = logged_in(portal, "tim.data")
    assert team.post("/admin/pengingat", data={"unit_code": "BID-PPKK"}).status_code == 403
    assert team.post("/admin/akun/petugas.ppkk/sandi", data={}).status_code == 403
    assert logged_in(portal, "petugas.ppkk").get("/").status_code == 200  # the password was not reset


def test_the_login_form_needs_its_own_token(portal):
    client = PortalClient(portal)
    response = client.post("/masuk", data={"username": "petugas.ppkk", "password": PASSWORD})
    assert response.status_code == 403 and "monev_sesi" not in response.cookies


def test_a_session_cookie_replayed_after_logout_is_refused(portal, data_root):
    client = logged_in(portal, "petugas.ppkk")
    cookie = client.http.cookies["monev_sesi"]
    assert client.post("/keluar", data={"csrf_token": client.csrf()}).status_code == 303
    thief = PortalClient(portal)
    thief.http.cookies.set("monev_sesi", cookie)
    assert thief.get("/").status_code == 303
    assert thief.get("/berkas/1").headers["location"] == "/masuk"
    assert thief.post("/unggah", files={"berkas": ("layanan.csv", EXPORT)}).status_code == 403
    assert landing_files(data_root) == []


def test_an_idle_or_old_session_has_expired(portal):
    idle, old = logged_in(portal, "petugas.ppkk"), logged_in(portal, "petugas.k3")
    long_ago = datetime.now(UTC) - timedelta(hours=13)
    with engine().begin() as connection:
        connection.execute(update(portal_session).where(portal_session.c.username == "petugas.ppkk")
                           .values(last_seen_at=datetime.now(UTC) - timedelta(minutes=31)))  # fmt: skip
        connection.execute(update(portal_session).where(portal_session.c.username == "petugas.k3")
                           .values(created_at=long_ago))  # fmt: skip
    assert idle.get("/").headers["location"] == "/masuk"
    assert old.get("/").headers["location"] == "/masuk"


def test_repeated_wrong_passwords_lock_the_account_for_a_while(portal):
    client = PortalClient(portal)
    for _ in range(FAILURES_PER_ACCOUNT):
        assert client.login("petugas.ppkk", "tebakan-salah-123").status_code == 401
    locked = client.login("petugas.ppkk", PASSWORD)
    assert locked.status_code == 429 and "Terlalu banyak percobaan" in locked.text
    assert "monev_sesi" not in client.http.cookies
    assert PortalClient(portal).login("petugas.k3", PASSWORD).status_code == 303  # other accounts still log in


def test_many_wrong_passwords_from_one_address_lock_that_address(portal):
    client = PortalClient(portal)
    for attempt in range(FAILURES_PER_CLIENT):
        assert client.login(f"tebak{attempt}", "tebakan-salah-123").status_code == 401
    assert client.login("petugas.k3", PASSWORD).status_code == 429


def test_only_the_data_team_sees_the_admin_pages(portal):
    unit = logged_in(portal, "petugas.ppkk")
    assert unit.get("/admin").status_code == 403 and unit.get("/admin/akun").status_code == 403
    assert unit.post("/admin/pengingat", data={"csrf_token": unit.csrf(), "unit_code": "UPT-K3"}).status_code == 403
    team = logged_in(portal, "tim.data")
    overview = team.get("/admin")
    assert overview.status_code == 200 and "BID-PPKK" in overview.text and "UPT-P2TK" in overview.text
    assert (
        team.post("/unggah", data={"csrf_token": team.csrf()}, files={"berkas": ("l.csv", EXPORT)}).status_code == 403
    )


def test_a_password_reset_ends_the_accounts_sessions_and_must_be_replaced(portal):
    unit = logged_in(portal, "petugas.ppkk")
    team = logged_in(portal, "tim.data")
    page = team.post("/admin/akun/petugas.ppkk/sandi", data={"csrf_token": team.csrf("/admin/akun")})
    one_time = page.text.split("<code>")[1].split("</code>")[0]
    assert page.status_code == 200 and unit.get("/").headers["location"] == "/masuk"
    again = PortalClient(portal)
    assert again.login("petugas.ppkk", PASSWORD).status_code == 401
    assert again.login("petugas.ppkk", one_time).headers["location"] == "/sandi"
    assert again.get("/berkas/1").status_code == 403  # nothing else until the password is replaced
    chosen = "sandi-baru-milik-sendiri"
    changed = again.post(
        "/sandi", data={"csrf_token": again.csrf(), "current": one_time, "new": chosen, "repeat": chosen}
    )
    assert changed.status_code == 303
    assert PortalClient(portal).login("petugas.ppkk", "sandi-baru-milik-sendiri").headers["location"] == "/"


def test_a_deactivated_account_cannot_log_in(portal):
    unit = logged_in(portal, "petugas.ppkk")
    team = logged_in(portal, "tim.data")
    csrf = team.csrf("/admin/akun")
    assert team.post("/admin/akun/petugas.ppkk/status", data={"csrf_token": csrf, "active": "tidak"}).status_code == 303
    assert unit.get("/").headers["location"] == "/masuk"
    assert PortalClient(portal).login("petugas.ppkk", PASSWORD).status_code == 401


def test_pages_forbid_framing_caching_and_foreign_content(portal):
    client = PortalClient(portal)
    login = client.login("petugas.ppkk", PASSWORD)
    session_cookie = login.headers["set-cookie"].lower()
    assert "httponly" in session_cookie and "samesite=lax" in session_cookie
    response = client.get("/")
    assert response.headers["X-Frame-Options"] == "DENY" and response.headers["Cache-Control"] == "no-store"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
