import numpy as np
import pyarrow.parquet as pq

from pipelines.ingest.run import ingest_unit
from pipelines.periods import Quarter
from pipelines.registry import registry
from pipelines.samples.generate import write_samples
from pipelines.samples.profiles import PLANNED_ACTIONS
from pipelines.storage import DataRoot


def test_samples_cover_every_unit_in_csv_and_xlsx_and_are_deterministic(data_root, quarter):
    first = write_samples(quarter, rows=1_400)
    assert set(first) == set(registry().unit_codes)
    names = [name for files in first.values() for name in files]
    assert any(name.endswith(".xlsx") for name in names) and any(name.endswith(".csv") for name in names)
    snapshot = {
        (unit, name): data_root.read_bytes("landing", unit, name) for unit, files in first.items() for name in files
    }
    write_samples(quarter, rows=1_400)
    assert all(data_root.read_bytes("landing", unit, name) == data for (unit, name), data in snapshot.items())


def test_samples_carry_dirt_and_personal_columns_like_real_exports(data_root, quarter):
    write_samples(quarter, rows=6_000)
    text = data_root.read_bytes("landing", "BID-WAS", "layanan_2026Q3.csv").decode("utf-8")
    header = text.splitlines()[0]
    assert '"NIK"' in header and '"Nama Pemohon"' in header
    assert "31/02/2026" in text
    assert "Layanan Lainnya" in text


def test_large_runs_are_split_into_csv_files(data_root, quarter, monkeypatch):
    import pipelines.samples.generate as samples

    monkeypatch.setattr(samples, "ROWS_PER_CSV", 200)
    monkeypatch.setattr(samples, "XLSX_MAX_ROWS", 1_000)
    written = write_samples(quarter, rows=2_000)
    p2tk = written["UPT-P2TK"]
    assert all(name.endswith(".csv") for name in p2tk if not name.startswith("rencana_aksi_"))  # a worksheet stays one
    assert sum(name.startswith("layanan_2026Q3_bagian") for name in p2tk) > 1


def test_survey_exports_ask_the_respondent_profile_in_each_units_own_words(data_root, quarter):
    write_samples(quarter, rows=1_400)

    def header(unit: str, name: str = "skm_2026Q3.csv") -> str:
        return data_root.read_bytes("landing", unit, name).decode("cp1252").splitlines()[0]

    assert all(name in header("BID-WAS") for name in ("Jenis Kelamin", "Umur", "Pendidikan Terakhir", "Pekerjaan"))
    assert "Usia (tahun)" in header("BID-PPKK")
    assert "grp_profil/umur" in header("UPT-BLK-PSR", "skm_kobo_2026Q3.csv")


def test_every_survey_tool_the_samples_imitate_loads_whole(data_root, quarter):
    """App exports, Microsoft Forms, KoboToolbox, the regulation's worksheet and a paper tally all load, and so does
    every unit's action-plan worksheet."""
    written = write_samples(quarter, rows=1_400)
    surveys = {unit: [name for name in names if name.startswith("skm_")] for unit, names in written.items()}
    kinds = {name.split("_")[1] for names in surveys.values() for name in names}
    assert {"forms", "kobo", "pengolahan", "rekap", "2026Q3.csv"} <= kinds
    for unit in written:
        files = {entry["file_name"]: entry for entry in ingest_unit(unit, quarter).files}
        plan = files[f"rencana_aksi_{quarter}.xlsx"]  # the action plan, a worksheet dated by its title
        assert (plan["status"], plan["rows_accepted"]) == ("accepted", len(PLANNED_ACTIONS)), plan["message"]
        for name in surveys[unit]:
            assert files[name]["status"] in ("accepted", "partial"), files[name]["message"]
            if not name.startswith("skm_2026Q3"):  # only the app exports carry deliberate dirt
                assert files[name]["rows_quarantined"] == 0, (unit, name)


def test_samples_follow_the_registry_not_a_list_in_code(data_root, quarter, config_dir):
    import yaml

    from pipelines.settings import get_settings

    path = get_settings().units_file
    document = yaml.safe_load(path.read_text())
    document["units"].append(
        {"code": "UPT-BLK-JBR", "name": "UPT Balai Latihan Kerja Jember", "agency": "DISNAKERTRANS-JATIM",
         "zi_target": "WBK", "sources": [{"kind": "files"}],
         "services": [{"code": "BLK-JBR-UJK", "name": "Uji Kompetensi Jember",
                       "standard": [{"valid_from": "2021-01-01", "sla_days": 5, "tariff": 0}]}]}
    )  # fmt: skip
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))
    written = write_samples(quarter, rows=1_400)
    assert "UPT-BLK-JBR" in written
    log = data_root.read_bytes("landing", "UPT-BLK-JBR", written["UPT-BLK-JBR"][0]).decode("utf-8", "replace")
    assert "Uji Kompetensi Jember" in log and "Pendaftaran" not in log


def test_a_year_of_samples_ends_with_the_same_newest_quarter_and_tells_two_stories(data_root, quarter, tmp_path):
    """Four quarters: the newest is byte for byte what one quarter alone gives; the second unit's SKM improves
    quarter by quarter, and the unit second from last falls in the newest quarter."""
    written = write_samples(quarter, rows=600, quarters=4)
    assert {name.split("_")[-1].split(".")[0] for names in written.values() for name in names if "layanan" in name} \
        == {"2025Q4", "2026Q1", "2026Q2", "2026Q3"}  # fmt: skip
    alone = DataRoot(str(tmp_path / "alone"))
    write_samples(quarter, rows=600, root=alone)
    for unit_code in written:
        for name in alone.list_files("landing", unit_code):
            assert alone.read_bytes("landing", unit_code, name) == data_root.read_bytes("landing", unit_code, name)
    units = registry().unit_codes
    for unit_code in (units[1], units[-2]):
        ingest_unit(unit_code)
    means = {}
    for unit_code in (units[1], units[-2]):
        for period in (Quarter(2025, 4), Quarter(2026, 2), quarter):
            table = data_root.path("warehouse", "skm_response", f"year={period.year}", f"quarter={period.quarter}",
                                   f"unit_code={unit_code}")  # fmt: skip
            answers = pq.read_table(table, columns=[f"u{n}" for n in range(1, 10)]).to_pandas().to_numpy()
            means[unit_code, str(period)] = float(np.mean(answers))
    improving, falling = units[1], units[-2]
    assert means[improving, "2025Q4"] < means[improving, "2026Q2"] < means[improving, "2026Q3"]
    assert means[falling, "2026Q2"] - means[falling, "2026Q3"] > 0.2
