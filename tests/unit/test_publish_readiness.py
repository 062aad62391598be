from datetime import UTC, datetime, timedelta

import pytest

from pipelines.periods import Quarter
from pipelines.publish.readiness import hold_reason

Q3 = Quarter(2026, 3)
NOON = datetime(2026, 11, 2, 5, 0, tzinfo=UTC)  # 12:00 WIB
DAY = timedelta(hours=24)
IDLE = {"monev_ingest": 0, "monev_indicators": 0}


def hold(**overrides):
    arguments = {
        "busy": IDLE,
        "facts_at": NOON - timedelta(hours=2),
        "indicators_at": NOON - timedelta(hours=1),
        "last_release": None,
        "now": NOON,
        "interval": DAY,
        "changed": lambda: True,
    }
    return hold_reason(Q3, **(arguments | overrides))


def test_a_first_release_with_fresh_indicators_goes_ahead():
    assert hold() is None


def test_a_release_waits_while_an_ingest_run_is_in_progress():
    reason = hold(busy={"monev_ingest": 1, "monev_indicators": 0})
    assert reason == "2026Q3: waiting for monev_ingest (1 run) to finish"


def test_a_release_waits_while_its_indicators_are_older_than_its_facts():
    reason = hold(facts_at=NOON - timedelta(minutes=5), indicators_at=NOON - timedelta(hours=1))
    assert "loaded at 2026-11-02 11:55 WIB" in reason
    assert "computed from facts read at 2026-11-02 11:00 WIB" in reason
    assert reason.endswith("waiting for monev_indicators to rebuild them")


def test_a_release_waits_for_indicators_never_computed():
    assert "its indicators were never computed" in hold(indicators_at=None)


def test_a_quarter_without_facts_is_not_held_for_indicators():
    assert hold(facts_at=None, indicators_at=None) is None


def test_changed_figures_wait_a_day_after_the_previous_version():
    reason = hold(last_release=(1, NOON - timedelta(hours=3)))
    assert reason == (
        "2026Q3: v1 was published at 2026-11-02 09:00 WIB; the changed figures become v2 at "
        "2026-11-03 09:00 WIB at the earliest (MONEV_REPUBLISH_INTERVAL_HOURS)"
    )


def test_changed_figures_go_ahead_once_the_interval_has_passed():
    assert hold(last_release=(2, NOON - DAY - timedelta(seconds=1))) is None


def test_unchanged_figures_are_not_held_for_the_interval():
    assert hold(last_release=(1, NOON - timedelta(minutes=1)), changed=lambda: False) is None


@pytest.mark.parametrize("last_release", [None, (1, NOON - 2 * DAY)])
def test_whether_the_figures_changed_is_only_asked_inside_the_interval(last_release):
    def changed():
        raise AssertionError("computing the figures was not needed")

    assert hold(last_release=last_release, changed=changed) is None
