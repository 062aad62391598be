"""Hostile input: every case ends as a clear rejection, a quarantine entry or a verbatim load.

One table, one test. Each case drops its file (or points its API) at BID-PPKK while UPT-K3
delivers ordinary sample exports in the same run, then checks: the outcome and its message
(unit, file, row and column where rows are concerned, what to fix); UPT-K3 loaded as usual;
nothing written outside the data root; the hostile values nowhere in the warehouse.

Small files live in tests/hostile/; large ones (a zip bomb, a million-column line, a file over
the size limit, an endless API body) are made here, against limits lowered for the test.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipelines.ingest.pull import pull_source
from pipelines.ingest.receive import receive
from pipelines.ingest.run import ingest_unit
from pipelines.parse.read import UnreadableFile, check_unpacked_size
from pipelines.registry import registry
from pipelines.samples.generate import write_samples
from pipelines.sources import Delivery, SourceError
from pipelines.storage import DataRoot
from pipelines.warehouse.query import connect
from tests.conftest import Q3_2026
from tests.support.http_server import SurveyApi, serve
from tests.test_ingest import FILLER_ROWS, GOOD_ROWS, HEADER

CORPUS = Path(__file__).parent / "hostile"
UNIT, OTHER_UNIT = "BID-PPKK", "UPT-K3"
CLEAN_ROWS = GOOD_ROWS + FILLER_ROWS
HOSTILE_LINE = len(CLEAN_ROWS) + 2  # the line after the header and the clean rows
FORMULA = '=HYPERLINK("http://evil.example","x")'
MIXED = "T-Ωжب😀-001"


def corpus(name: str) -> Callable[[], bytes]:
    return lambda: (CORPUS / name).read_bytes()


def service_log(*hostile_rows: str, header: str = HEADER, clean: list[str] = CLEAN_ROWS) -> Callable[[], bytes]:
    return lambda: (header + "\n".join([*clean, *hostile_rows]) + "\n").encode()


def row(ticket: str = "T-900", service: str = "LPTKS", received: str = "14/07/2026", fee: str = "0") -> str:
    return f"{ticket};Sri Rahayu;3578011203909000;{service};{received};{received};Selesai;Loket;{fee}"


def zip_bomb() -> bytes:
    """A workbook-shaped zip whose 64 MiB of sheet XML packs into about 160 KB."""
    sink = io.BytesIO()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            block = b"<row><c><v>1</v></c></row>" * 4096
            for _ in range((64 << 20) // len(block)):
                sheet.write(block)
    return sink.getvalue()


def workbook_with_formula_ticket() -> bytes:
    """The clean rows in a sheet, and one ticket cell holding a live formula whose cached result is T-970."""
    import xlsxwriter

    sink = io.BytesIO()
    workbook = xlsxwriter.Workbook(sink, {"in_memory": True})
    workbook.set_properties({"created": datetime(2026, 7, 1)})  # the same bytes on every run
    sheet = workbook.add_worksheet("Data")
    for number, line in enumerate([HEADER.strip(), *CLEAN_ROWS, row("T-970")]):
        sheet.write_row(number, 0, line.split(";"))
    sheet.write_formula(len(CLEAN_ROWS) + 1, 0, '=HYPERLINK("http://evil.example","T-970")', None, "T-970")
    workbook.close()
    return sink.getvalue()


def million_columns() -> bytes:
    return (HEADER + "\n".join(CLEAN_ROWS) + "\n" + ";".join(["1"] * 1_000_000) + "\n").encode()


def oversized() -> bytes:
    filler = [f"B-{n:05d};Sri Rahayu;3578011203901000;LPTKS;13/07/2026;13/07/2026;Selesai;Loket;0" for n in range(4000)]
    return (HEADER + "\n".join(filler) + "\n").encode()


def deeply_nested_json() -> bytes:
    return b"[" * 200_000 + b"]" * 200_000


@dataclass(frozen=True)
class Case:
    id: str
    file_name: str
    make: Callable[[], bytes] | None
    """The file's bytes; None for the API cases."""
    expect: str
    """rejected | quarantined | loaded | pull_fails"""
    says: str = ""
    """What the message must contain (rejected, pull_fails), or the rule (quarantined)."""
    header: str = ""
    """The column the quarantine message names."""
    value: str = ""
    """The value quoted in the quarantine message, or found in the warehouse (loaded)."""
    absent: str = ""
    """A hostile value that must not reach the warehouse; by default `value` unless the case loads."""
    via: str = "landing"
    """landing: dropped in landing/<unit>/; delivered: a source names the delivery itself; api: an HTTP source."""
    env: dict[str, str] = field(default_factory=dict)
    api: dict = field(default_factory=dict)


CASES = [
    Case("empty-file", "layanan_kosong.csv", corpus("layanan_kosong.csv"), "rejected", "the file is empty"),
    Case("header-only", "layanan_hanya_judul.csv", corpus("layanan_hanya_judul.csv"), "rejected", "no data rows"),
    Case("binary-named-csv", "layanan_gambar.csv", corpus("layanan_gambar.csv"), "rejected",
         "binary data (NUL bytes), not CSV text"),
    Case("utf16-unicode-text", "layanan_unicode_text.txt", corpus("layanan_unicode_text.txt"), "rejected",
         "save it as 'CSV UTF-8'"),
    Case("byte-undefined-in-cp1252", "layanan_cp1252_rusak.csv", corpus("layanan_cp1252_rusak.csv"), "rejected",
         "line 2 holds byte 0x81, which is neither UTF-8 nor Windows-1252 text; save the file as 'CSV UTF-8'"),
    Case("random-bytes-named-xlsx", "layanan_bukan_excel.xlsx", corpus("layanan_bukan_excel.xlsx"), "rejected",
         "not a readable Excel workbook"),
    Case("xlsx-zip-bomb", "layanan_bom.xlsx", zip_bomb, "rejected",
         "more than the limit of 8,388,608 (MONEV_MAX_XLSX_UNPACKED_BYTES)",
         env={"MONEV_MAX_XLSX_UNPACKED_BYTES": str(8 << 20)}),
    Case("file-over-size-limit", "layanan_besar.csv", oversized, "rejected",
         "more than the limit of 200,000 (MONEV_MAX_FILE_BYTES); split it", env={"MONEV_MAX_FILE_BYTES": "200000"}),
    Case("million-columns-on-one-line", "layanan_lebar.csv", million_columns, "rejected",
         "Expected 9 columns, got 1000000"),
    Case("json-nested-200000-deep", "skm_bersarang.json", deeply_nested_json, "rejected", "nested too deeply"),
    Case("name-with-shell-metacharacters", "layanan_$(touch PWNED);rm -rf ~;`id`.csv", service_log(), "loaded",
         value="T-001"),
    Case("name-with-dotdot", "..layanan..csv", service_log(), "loaded", value="T-001"),
    Case("extension-with-shell-metacharacters", "layanan.csv;touch PWNED", service_log(), "rejected",
         "unsupported file type '.csv;touch pwned'"),
    Case("delivered-name-climbing-out", "../../../../luar/layanan.csv", service_log(), "loaded", value="T-001",
         via="delivered"),
    Case("delivered-absolute-name", "/etc/cron.d/layanan.x/../..csv", service_log(), "loaded", value="T-001",
         via="delivered"),
    Case("row-claiming-another-unit", "layanan_campur.csv",
         service_log("UPT-K3;" + row("T-950"), header="Kode Unit;" + HEADER, clean=[f"{UNIT};{r}" for r in CLEAN_ROWS]),
         "quarantined", "other_unit", header="Kode Unit", value="UPT-K3"),
    Case("formula-in-ticket", "layanan_rumus.csv", service_log(row(FORMULA)), "quarantined",
         "expect_column_values_to_not_match_regex", header="No. Tiket", value=FORMULA),
    Case("formula-cell-in-xlsx", "layanan_rumus.xlsx", workbook_with_formula_ticket, "loaded", value="T-970",
         absent="HYPERLINK"),  # the reader takes a cell's cached result, never its formula
    Case("twenty-digit-fee", "layanan_angka.csv", service_log(row(fee="12345678901234567890")), "quarantined",
         "not_an_amount", header="Biaya", value="12345678901234567890"),
    Case("negative-fee", "layanan_minus.csv", service_log(row("T-951", fee="-50000")), "quarantined",
         "expect_column_values_to_be_between", header="Biaya", value="-50000"),
    Case("date-in-1900", "layanan_1900.csv", service_log(row("T-952", received="01/01/1900")), "quarantined",
         "expect_column_values_to_be_between", header="Tgl Masuk", value="01/01/1900"),
    Case("date-in-2099", "layanan_2099.csv", service_log(row("T-953", received="01/07/2099")), "quarantined",
         "expect_column_values_to_be_between", header="Tgl Masuk", value="01/07/2099"),
    Case("every-date-in-1900", "layanan_semua_1900.csv",
         service_log(clean=[row(f"T-{n}", received="02/01/1900") for n in range(5)]), "rejected",
         "no row has a plausible date"),
    Case("emoji-after-service-code", "layanan_emoji.csv", service_log(row("T-954", service="LPTKS 😀")), "loaded",
         value="PPKK-LPTKS", absent="😀"),  # service names are matched without symbols: the emoji is dropped
    Case("cyrillic-lookalikes-in-service-name", "layanan_kiril.csv", service_log(row("T-955", service="Lapor ТКА")),
         "quarantined", "expect_column_values_to_be_in_set", header="Jenis Layanan", value="Lapor ТКА"),
    Case("mixed-scripts-and-emoji-in-ticket", "layanan_aksara.csv", service_log(row(MIXED)), "loaded", value=MIXED),
    Case("api-answers-html", "", None, "pull_fails", "did not answer JSON", via="api", api={"html": True}),
    Case("api-body-over-max-bytes", "", None, "pull_fails", "sent more than 262144 bytes; refused", via="api",
         env={"MONEV_HTTP_MAX_BYTES": "262144"}, api={"endless_bytes": 64 << 20}),
]  # fmt: skip


@dataclass(frozen=True)
class OtherUnit:
    exports: dict[str, bytes]
    rows: dict[str, dict[str, int]]
    """What UPT-K3's ingest loads when it runs alone."""
    statuses: dict[str, str]


@pytest.fixture(scope="module")
def other_unit(tmp_path_factory) -> OtherUnit:
    """UPT-K3's ordinary sample service log (made once), and what it loads into when no other unit runs."""
    folder = tmp_path_factory.mktemp("other_unit")
    root = DataRoot(str(folder))
    write_samples(Q3_2026, rows=300, root=root)
    for name in root.list_files("landing", OTHER_UNIT):  # its service log is enough to show it is unaffected
        if not name.startswith("layanan_"):
            root.delete_file("landing", OTHER_UNIT, name)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MONEV_DATA_ROOT", str(folder))
        patch.delenv("MONEV_CATALOG_URL", raising=False)
        alone = ingest_unit(OTHER_UNIT, Q3_2026, root)
    exports = {name: root.read_bytes("landing", OTHER_UNIT, name) for name in root.list_files("landing", OTHER_UNIT)}
    return OtherUnit(exports, alone.rows, {file["file_name"]: file["status"] for file in alone.files})


def files_outside(tree: Path, data_root: Path) -> dict[str, int]:
    return {
        str(path): path.stat().st_size for path in tree.rglob("*") if path.is_file() and data_root not in path.parents
    }


def warehouse_text(root: DataRoot) -> str:
    """Every row of the hostile unit's warehouse tables, as text."""
    if not root.exists("warehouse"):
        return ""
    folders = [name for name in root.list_dirs("warehouse") if name != "dq_results"]
    tables = [pq.read_table(root.path("warehouse", name), filters=[("unit_code", "=", UNIT)]) for name in folders]
    return "\n".join(repr(table.to_pylist()) for table in tables)


def ingest_hostile(case: Case, root: DataRoot, quarter, monkeypatch) -> SurveyApi | None:
    if case.via == "landing":
        root.write_bytes(case.make(), "landing", UNIT, case.file_name)
    elif case.via == "delivered":
        reg = registry()
        receive(reg.unit(UNIT), "files", Delivery(case.file_name, case.make()), root, reg)
    if case.via != "api":
        ingest_unit(UNIT, quarter)
        return None
    api = SurveyApi(records=[], **case.api)
    with serve(api) as base_url:
        connection = {"conn_type": "http", "host": base_url, "password": "rahasia-token",
                      "extra": {"backoff_factor": 0.01, "read_timeout": 5, "retries": 0}}  # fmt: skip
        monkeypatch.setenv("AIRFLOW_CONN_SKM_API", json.dumps(connection))
        with pytest.raises(SourceError) as failure:
            ingest_unit(UNIT, quarter)
    assert failure.value.args[0].startswith(f"{UNIT}/survei: http://127.0.0.1:")
    assert case.says in failure.value.args[0]
    return api


def assert_outcome(case: Case, root: DataRoot) -> None:
    log = connect().execute("SELECT file_name, status, message FROM ingest_log WHERE unit_code = ?", [UNIT]).fetchall()
    if case.expect == "pull_fails":
        assert log == []  # nothing was received, so nothing can be loaded
        return
    [(file_name, status, message)] = log
    assert file_name == case.file_name
    if case.expect == "rejected":
        assert status == "rejected"
        assert message.startswith(f"{UNIT}/{case.file_name}: ")
        assert case.says in message
        assert len(message) < 600, "a rejection is one readable line, not a copy of the file"
        return
    if case.expect == "loaded":
        assert status == "accepted", message
        assert case.value in warehouse_text(root)
        return
    assert status == "partial"
    quarantined = (
        connect()
        .execute("SELECT source_row, rule, message, fix FROM quarantine WHERE unit_code = ?", [UNIT])
        .fetchall()
    )
    assert {source_row for source_row, *_ in quarantined} == {HOSTILE_LINE}
    place = f'{UNIT}/{case.file_name} row {HOSTILE_LINE}, column "{case.header}" = {case.value!r}: '
    named = [(issue, fix) for _, rule, issue, fix in quarantined if rule == case.says and issue.startswith(place)]
    assert named, quarantined
    assert all(fix for _, fix in named)  # what the unit should do, in the feedback workbook's words


def assert_feedback_is_plain_text(root: DataRoot, case: Case, quarter) -> None:
    """The hostile value reaches the unit's feedback workbook as text (no formula, no link), and its full list
    as a cell no spreadsheet reads as a formula."""
    folder = root.path("quarantine", "feedback", f"year={quarter.year}", f"quarter={quarter.quarter}",
                       f"unit_code={UNIT}")  # fmt: skip
    assert sorted(os.listdir(folder)) == [f"umpan_balik_{UNIT}_2026-Q3.csv", f"umpan_balik_{UNIT}_2026-Q3.xlsx"]
    listed = (Path(folder) / f"umpan_balik_{UNIT}_2026-Q3.csv").read_text(encoding="utf-8-sig")
    written = [row["Nilai yang ditulis"] for row in csv.DictReader(io.StringIO(listed))]
    assert ("'" + case.value if case.value[0] in "=+-@" else case.value) in written
    with zipfile.ZipFile(Path(folder) / f"umpan_balik_{UNIT}_2026-Q3.xlsx") as workbook:
        sheets = [workbook.read(part).decode() for part in workbook.namelist() if part.startswith("xl/worksheets/")]
        strings = workbook.read("xl/sharedStrings.xml").decode()
    assert not any("<f>" in sheet or "<hyperlink" in sheet for sheet in sheets)
    escaped = case.value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    assert escaped in strings or case.value in strings


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_hostile_input_ends_as_a_clear_outcome(case, data_root, quarter, other_unit, config_dir, monkeypatch):
    for name, value in case.env.items():
        monkeypatch.setenv(name, value)
    for name, data in other_unit.exports.items():
        data_root.write_bytes(data, "landing", OTHER_UNIT, name)
    if case.via == "api":
        config_dir(UNIT, {"kind": "http", "name": "survei", "conn_id": "skm_api", "dataset": "skm_response",
                          "endpoint": "/api/v1/responses", "pagination": "none"})  # fmt: skip
    local_root = Path(data_root.base)
    tree = local_root.parent.parent  # this test's tmp folder and its neighbours
    before = files_outside(tree, local_root)

    api = ingest_hostile(case, data_root, quarter, monkeypatch)
    other = ingest_unit(OTHER_UNIT, quarter)

    assert_outcome(case, data_root)
    assert (other.rows, {file["file_name"]: file["status"] for file in other.files}) == (
        other_unit.rows,
        other_unit.statuses,
    )
    assert files_outside(tree, local_root) == before
    assert not list(Path.cwd().glob("PWNED*")) and not (local_root / "PWNED").exists()
    for raw in data_root.list_files("raw", recursive=True):
        assert re.fullmatch(r"[a-z_]+/unit=[A-Z0-9-]+/[0-9a-f]{64}(\.[a-z0-9]{1,8})?", raw), raw
    absent = case.absent or (case.value if case.expect != "loaded" else "")
    if absent:
        assert absent not in warehouse_text(data_root)
    if case.expect == "quarantined":
        assert_feedback_is_plain_text(data_root, case, quarter)
    if api is not None and case.api.get("endless_bytes"):
        assert api.bytes_sent < 16 << 20, "the reader stops near the limit instead of reading the whole body"
    if case.id == "file-over-size-limit":
        assert data_root.list_files("raw", "unrecognised") == []  # refused unread: no copy kept


def test_a_service_received_before_its_first_standard_is_quarantined_not_a_crash(data_root):
    """A 2019 row of a service whose standard starts in 2021 has no time limit: it is quarantined, never written."""
    data_root.write_bytes(service_log(row("T-960", received="14/07/2019"))(), "landing", UNIT, "layanan_2019.csv")
    report = ingest_unit(UNIT)
    assert report.rows["2026Q3"]["service_log"] == len(CLEAN_ROWS)
    assert report.rows["2019Q3"]["service_log"] == 0
    quarantined = connect().execute("SELECT rule, message FROM quarantine WHERE source_row IS NOT NULL").fetchall()
    [(rule, message)] = quarantined
    assert rule == "no_standard"
    assert message.startswith(f"{UNIT}/layanan_2019.csv row {HOSTILE_LINE}, column \"Tgl Masuk\" = '14/07/2019': ")


def test_a_workbook_declaring_false_sizes_is_refused_before_it_is_read():
    """A zip bomb can understate its sizes; inflating in bounded chunks meets the lie (the CRC fails)."""
    sink = io.BytesIO()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<row><c><v>1</v></c></row>" * 40_000)
    data = bytearray(sink.getvalue())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # local header, central directory
        start = data.index(signature) + offset
        data[start : start + 4] = (1000).to_bytes(4, "little")
    with pytest.raises(UnreadableFile, match="not a readable Excel workbook: Bad CRC-32"):
        check_unpacked_size(bytes(data), limit=10_000)


def test_links_out_of_a_landing_folder_are_not_followed(data_root, tmp_path, caplog):
    """A unit that can write its landing folder must not make the platform read the host's files."""
    secret = tmp_path / "host" / "secret.csv"
    secret.parent.mkdir()
    secret.write_text(HEADER + "RAHASIA-HOST;Siti;3578011203900001;LPTKS;13/07/2026;13/07/2026;Selesai;Loket;0\n")
    landing = Path(data_root.path("landing", "BID-PPKK"))
    landing.mkdir(parents=True)
    (landing / "layanan_2026Q3.csv").symlink_to(secret)
    (landing / "folder").symlink_to(secret.parent, target_is_directory=True)
    (landing / "asli.csv").write_text(HEADER + "\n".join(GOOD_ROWS) + "\n")
    received = pull_source("BID-PPKK", "files")
    assert [entry["file_name"] for entry in received] == ["asli.csv"]
    assert "layanan_2026Q3.csv is a link to somewhere outside the landing folder" in caplog.text
    raw = data_root.list_files("raw", recursive=True)
    assert raw and all(b"RAHASIA-HOST" not in data_root.read_bytes("raw", path) for path in raw)
