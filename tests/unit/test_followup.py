"""The release's follow-up table: weak SKM elements, the actions linked to them, and the element then and now."""

from __future__ import annotations

from pipelines.periods import Quarter
from pipelines.publish.content import Value
from pipelines.publish.followup import NO_ACTION, FollowUp, followups, realisation_by_area

Q2, Q3 = Quarter(2026, 2), Quarter(2026, 3)
PLAN = [
    {"unit_code": "UPT-K3", "action_id": "A1", "area": "skm", "linked_to": "u3", "action": "Loket cepat",
     "planned_quarter": "2026Q2", "realisation": 100.0, "status": "selesai"},
    {"unit_code": "UPT-K3", "action_id": "A2", "area": "skm", "linked_to": "u8", "action": "Kotak saran",
     "planned_quarter": "2026Q3", "realisation": 50.0, "status": "proses"},
    {"unit_code": "UPT-K3", "action_id": "A3", "area": "manajemen_perubahan", "linked_to": None, "action": "Agen",
     "planned_quarter": "2026Q3", "realisation": 30.0, "status": "proses"},
]  # fmt: skip


def elements(**weak: float) -> dict[str, Value]:
    return {f"ikm_u{number}": Value(weak.get(f"u{number}", 3.4), None, 50) for number in range(1, 10)}


def test_each_weak_element_shows_its_action_and_its_average_then_and_now():
    history = {Q2: {"UPT-K3": elements(u3=2.7)}, Q3: {"UPT-K3": elements(u3=2.9, u5=3.0)}}
    assert followups(PLAN, history, Q3, ["UPT-K3"]) == [
        FollowUp("UPT-K3", "U3 Waktu Penyelesaian", 2.9, "Loket cepat", "2026Q2", 2.7, 100.0, "selesai"),
        FollowUp("UPT-K3", "U5 Produk Spesifikasi Jenis Pelayanan", 3.0, NO_ACTION, None, None, None, None),
    ]  # u8 is not weak: its action is not listed


def test_an_action_planned_outside_the_history_has_no_earlier_average():
    plan = [{**PLAN[0], "planned_quarter": "2025Q1"}]
    [row] = followups(plan, {Q3: {"UPT-K3": elements(u3=2.9)}}, Q3, ["UPT-K3"])
    assert (row.planned_quarter, row.nrr_when_planned) == ("2025Q1", None)


def test_realisation_per_area_in_the_areas_order():
    assert realisation_by_area(PLAN) == [("Manajemen Perubahan", 1, 30.0), ("Tindak lanjut SKM", 2, 75.0)]
