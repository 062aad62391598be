from datetime import UTC, datetime

import pytest

from pipelines.periods import Quarter
from pipelines.publish.gate import IncompleteQuarter, publish_deadline, shortfalls, withheld_units

Q3 = Quarter(2026, 3)


def annex(unit: str, checked: int, accepted: int, quarantined: int) -> dict:
    return {"kode_unit": unit, "nama_unit": f"Unit {unit}", "baris_diperiksa": checked, "baris_diterima": accepted,
            "baris_dikarantina": quarantined}  # fmt: skip


def test_units_without_accepted_rows_or_with_too_much_quarantine_fall_short():
    rows = [
        annex("A", 100, 95, 5), annex("A", 10, 10, 0),  # 5 of 110 quarantined: fine
        annex("B", 0, 0, 0),  # sent nothing
        annex("C", 100, 80, 20),  # 20% set aside
    ]  # fmt: skip
    found = {item.unit_code: item.reason for item in shortfalls(rows, max_quarantine_share=0.10)}
    assert set(found) == {"B", "C"}
    assert "tidak ada data" in found["B"]
    assert found["C"] == "20,0% baris dikarantina, di atas ambang 10,0%"


def test_deadline_is_the_end_of_the_day_in_jakarta():
    deadline = publish_deadline(Q3, days_after_quarter=30)
    assert deadline.isoformat() == "2026-10-30T23:59:59+07:00"


def test_before_the_deadline_the_gate_fails_with_the_list_of_units():
    found = shortfalls([annex("B", 0, 0, 0)], 0.10)
    on_10_october = datetime(2026, 10, 10, 0, 0, tzinfo=UTC)
    with pytest.raises(IncompleteQuarter, match=r"(?s)2026Q3 is not complete.*2026-10-30.*B Unit B: tidak ada data"):
        withheld_units(Q3, found, on_10_october, publish_deadline(Q3, 30))


def test_after_the_deadline_the_units_are_withheld_with_their_reason():
    found = shortfalls([annex("B", 0, 0, 0), annex("A", 10, 10, 0)], 0.10)
    on_31_october_jakarta = datetime(2026, 10, 30, 17, 0, 1, tzinfo=UTC)  # 00:00:01 on 31 October, UTC+7
    assert withheld_units(Q3, found, on_31_october_jakarta, publish_deadline(Q3, 30)) == {
        "B": "tidak ada data yang diterima untuk triwulan ini"
    }


def test_a_complete_quarter_passes_before_the_deadline():
    assert withheld_units(Q3, [], datetime(2026, 10, 10, tzinfo=UTC), publish_deadline(Q3, 30)) == {}
