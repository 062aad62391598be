from pipelines.registry import registry
from pipelines.samples import write_samples


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
    import pipelines.samples as samples

    monkeypatch.setattr(samples, "ROWS_PER_CSV", 200)
    monkeypatch.setattr(samples, "XLSX_MAX_ROWS", 1_000)
    written = write_samples(quarter, rows=2_000)
    p2tk = written["UPT-P2TK"]
    assert all(name.endswith(".csv") for name in p2tk)
    assert sum(name.startswith("layanan_2026Q3_bagian") for name in p2tk) > 1


def test_survey_exports_ask_the_respondent_profile_in_each_units_own_words(data_root, quarter):
    write_samples(quarter, rows=1_400)

    def header(unit: str) -> str:
        return data_root.read_bytes("landing", unit, "skm_2026Q3.csv").decode("cp1252").splitlines()[0]

    assert all(name in header("BID-WAS") for name in ("Jenis Kelamin", "Umur", "Pendidikan Terakhir", "Pekerjaan"))
    assert "Usia (tahun)" in header("BID-PPKK")
    assert "Kelompok Umur" in header("UPT-BLK-PSR")
    assert "Jenis Kelamin" not in header("UPT-BLK-MDN")  # an older form without the profile questions
