"""Early warnings on readings small enough to check by hand.

IKM 81.50 → 77.30 is a fall of 4.20 points. With intervals ±1.50 (standard error 1.50 / 1.96 = 0.7653 each, of
the difference 1.0823) it is 3.88 standard errors: significant. With intervals ±4.00 (2.0408 each, 2.8862 for the
difference) it is 1.46: not significant, so no warning although it passes the 3-point limit.
"""

from __future__ import annotations

from pipelines.indicators.early_warning import Reading, WarningRule, early_warnings, readings_of, significant_change
from pipelines.settings import REPO_ROOT

RULES = {
    "ikm": WarningRule(drop=3, significant=True),
    "on_time_rate": WarningRule(drop=10),
    "complaints_per_1000_services": WarningRule(rise_percent=50),
}


def reading(value: float, half_width: float | None = None) -> Reading:
    return Reading(value, (value - half_width, value + half_width) if half_width else (None, None))


def test_a_significant_ikm_fall_warns():
    [warning] = early_warnings(RULES, {"UPT-K3": {"ikm": reading(81.5, 1.5)}}, {"UPT-K3": {"ikm": reading(77.3, 1.5)}})
    assert warning.reason == "Indeks Kepuasan Masyarakat (IKM) turun 4,20 poin (81,50 → 77,30), bermakna pada taraf 95%"


def test_an_ikm_fall_within_the_noise_does_not_warn():
    assert significant_change(reading(81.5, 4.0), reading(77.3, 4.0)) is False
    assert early_warnings(RULES, {"U": {"ikm": reading(81.5, 4.0)}}, {"U": {"ikm": reading(77.3, 4.0)}}) == []


def test_without_intervals_the_limit_alone_decides_and_says_so():
    [warning] = early_warnings(RULES, {"U": {"ikm": reading(81.5)}}, {"U": {"ikm": reading(78.0)}})
    assert warning.reason.endswith("turun 3,50 poin (81,50 → 78,00), tanpa uji kemaknaan (selang tidak tersedia)")


def test_limits_in_points_and_in_percent():
    previous = {"U": {"on_time_rate": reading(80.0), "complaints_per_1000_services": reading(10.0)}}
    found = early_warnings(RULES, previous, {"U": {"on_time_rate": reading(70.0),
                                                    "complaints_per_1000_services": reading(15.0)}})  # fmt: skip
    assert [warning.indicator_code for warning in found] == ["on_time_rate", "complaints_per_1000_services"]
    assert found[1].reason.startswith("Pengaduan per 1.000 layanan naik 50% (10,00 → 15,00)")
    calm = early_warnings(RULES, previous, {"U": {"on_time_rate": reading(70.1),
                                                   "complaints_per_1000_services": reading(14.9)}})  # fmt: skip
    assert calm == []


def test_an_improvement_or_a_missing_quarter_never_warns():
    assert early_warnings(RULES, {"U": {"on_time_rate": reading(60.0)}}, {"U": {"on_time_rate": reading(90.0)}}) == []
    assert early_warnings(RULES, {}, {"U": {"on_time_rate": reading(10.0)}}) == []


def test_readings_take_each_indicators_interval():
    readings = readings_of({"ikm": 80.0, "ikm_ci95_low": 78.0, "ikm_ci95_high": 82.0, "on_time_rate": 90.0})
    assert readings["ikm"] == Reading(80.0, (78.0, 82.0)) and readings["on_time_rate"] == Reading(90.0, (None, None))


def test_the_shipped_limits_name_known_indicators():
    from pipelines.indicators.early_warning import load_rules

    assert load_rules(REPO_ROOT / "config" / "warnings.yaml") == RULES
