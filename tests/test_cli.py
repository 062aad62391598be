import csv
import io

from pipelines.cli.main import build_parser, main
from pipelines.samples.generate import write_samples
from tests.support.few_units import FEW_UNITS, few_units


def test_help_explains_each_command():
    text = build_parser().format_help()
    for command in ("samples", "run", "query", "publish", "summary"):
        assert command in text


def test_run_then_query_indicators_as_csv(data_root, quarter, capsys, tmp_path):
    with few_units(tmp_path / "config"):
        write_samples(quarter, rows=600)
        assert main(["run", "--quarter", "2026Q3"]) == 0
        out = capsys.readouterr().out
        assert all(unit in out for unit in FEW_UNITS)
        assert f"v1 published: {data_root.uri_of('releases', '2026-Q3', 'v1')}" in out
    assert "e-mail: not sent (no 'monev_smtp' connection)" in out
    sql = "SELECT unit_code, year, quarter, indicator_code, value, category, n FROM unit_quarter_indicators"
    assert main(["query", sql + " WHERE indicator_code = 'ikm' ORDER BY unit_code", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == len(FEW_UNITS)
    assert all(row["category"] in {"A", "B", "C", "D"} and 25 <= float(row["value"]) <= 100 for row in rows)
    assert {row["year"] for row in rows} == {"2026"}


def test_the_first_portal_admin_is_made_from_the_command_line(data_root, monkeypatch, capsys):
    from pipelines.portal.accounts import authenticate

    monkeypatch.setenv("MONEV_PORTAL_ADMIN_PASSWORD", "pendek")
    assert main(["portal", "create-admin", "tim.data"]) == 2
    assert "minimal 10 karakter" in capsys.readouterr().err
    monkeypatch.setenv("MONEV_PORTAL_ADMIN_PASSWORD", "sandi-tim-data-123")
    assert main(["portal", "create-admin", "tim.data", "--name", "Tim Data"]) == 0
    account = authenticate("tim.data", "sandi-tim-data-123", "cli-test")
    assert account.is_data_team and not account.must_change_password
    assert main(["portal", "reset-password", "tim.data"]) == 0
    one_time = capsys.readouterr().out.rsplit(": ", 1)[1].strip()
    assert authenticate("tim.data", one_time, "cli-test").must_change_password
    assert main(["portal", "reset-password", "tidak.ada"]) == 2
