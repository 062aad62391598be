"""What the portal's pages tell: a unit's indicator preview, and the data team's quarter overview and reminders."""

from __future__ import annotations

import re

from pipelines.indicators.build import build_indicators
from pipelines.ingest.run import ingest_unit
from pipelines.portal.quarter_status import open_quarter
from pipelines.runstate import release_log
from tests.support.portal_server import PortalClient
from tests.support.smtp_server import smtp_server
from tests.test_ingest import DIRTY_ROWS, FILLER_ROWS, GOOD_ROWS, HEADER, drop
from tests.test_portal_access import logged_in, portal  # noqa: F401  (the fixture)
from tests.test_unit_notices import SMTP_CONNECTION


def test_the_preview_shows_the_units_indicators_marked_not_final_until_released(portal, data_root, quarter):  # noqa: F811
    drop(data_root, "BID-PPKK", "layanan_2026Q3.csv", HEADER + "\n".join(GOOD_ROWS + FILLER_ROWS) + "\n")
    ingest_unit("BID-PPKK")
    build_indicators(quarter)
    client = logged_in(portal, "petugas.ppkk")
    draft = client.get("/pratinjau?triwulan=2026Q3").text
    assert "BELUM FINAL" in draft and "Triwulan 3 Tahun 2026" in draft
    assert re.search(r"<td>Jumlah permohonan layanan</td><td>25</td>", draft), "the unit's request count"
    release_log.record_release("2026Q3", 1, "releases/2026-Q3/v1", "f" * 64, "")
    final = client.get("/pratinjau?triwulan=2026Q3").text
    assert "BELUM FINAL" not in final and "sudah terbit (versi 1)" in final
    assert client.get("/pratinjau?triwulan=../../etc").status_code == 404


def test_the_overview_lists_who_is_missing_and_a_reminder_reaches_the_unit_once_sent(portal, data_root, monkeypatch):  # noqa: F811
    drop(data_root, "BID-PPKK", f"layanan_{open_quarter()}.csv", HEADER + "\n".join(GOOD_ROWS + FILLER_ROWS) + "\n")
    team = logged_in(portal, "tim.data")
    overview = team.get("/admin").text
    missing = overview.split('id="belum-lengkap"')[1].split("</table>")[0]
    assert "UPT-K3" in missing and "tidak ada data yang diterima" in missing
    with smtp_server() as (inbox, port):
        monkeypatch.setenv("AIRFLOW_CONN_MONEV_SMTP", SMTP_CONNECTION.format(port=port))
        monkeypatch.setenv("MONEV_ALERT_RECIPIENTS", "tim.data@disnakertrans.example")
        sent = team.post("/admin/pengingat", data={"csrf_token": team.csrf("/admin"), "unit_code": "UPT-K3"})
        assert sent.status_code == 303 and "Pengingat%20terkirim" in sent.headers["location"]
        assert team.post("/admin/pengingat", data={"csrf_token": team.csrf("/admin"), "unit_code": "TIDAK-ADA"}
                         ).status_code == 404  # fmt: skip
    [reminder] = inbox.messages
    assert reminder["To"] == "admin.upt-k3@disnakertrans.example" and reminder["Cc"] == "tim.data@disnakertrans.example"
    assert f"Triwulan {open_quarter().quarter}" in reminder["Subject"] and "belum lapor" in reminder.get_content()
    after = team.get("/admin").text.split('id="belum-lengkap"')[1].split("</table>")[0]
    assert "WIB" in after.split("UPT-K3")[1].split("</tr>")[0], "the overview shows when UPT-K3 was reminded"


def test_the_data_team_makes_a_unit_account_with_a_one_time_password(portal):  # noqa: F811
    team = logged_in(portal, "tim.data")
    fields = {"csrf_token": team.csrf("/admin/akun"), "username": "staf.blk", "display_name": "Staf BLK Madiun",
              "role": "unit", "unit_code": "UPT-BLK-MDN"}  # fmt: skip
    made = team.post("/admin/akun", data=fields)
    one_time = re.search(r"<code>([^<]+)</code>", made.text).group(1)
    newcomer = PortalClient(portal)
    assert newcomer.login("staf.blk", one_time).headers["location"] == "/sandi"
    assert team.post("/admin/akun", data={**fields, "csrf_token": team.csrf("/admin/akun")}).status_code == 400
    wrong_unit = {**fields, "csrf_token": team.csrf("/admin/akun"), "username": "staf.x", "unit_code": "UPT-X"}
    assert team.post("/admin/akun", data=wrong_unit).status_code == 400


def test_a_rejected_files_page_says_why_in_indonesian(portal, data_root):  # noqa: F811
    drop(data_root, "BID-PPKK", "layanan_2026Q3.csv", HEADER + "\n".join(GOOD_ROWS + DIRTY_ROWS) + "\n")
    ingest_unit("BID-PPKK")
    page = logged_in(portal, "petugas.ppkk").get("/berkas/1").text
    assert "DITOLAK" in page and "Berkas ditolak seluruhnya: 5 dari 9 barisnya bermasalah" in page
