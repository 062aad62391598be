from datetime import UTC, datetime

import pytest

from pipelines.orchestration.asset_events import (
    FACT_TABLES,
    BadAssetEvent,
    fact_events,
    facts_loaded_event,
    indicator_quarters,
    release_quarters,
)

AFTER_Q3_RELEASE = datetime(2026, 10, 10, 0, 0, tzinfo=UTC)  # 07:00 in Jakarta
IN_DECEMBER = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)


def test_fact_tables_are_the_warehouse_fact_tables():
    from pipelines.warehouse.schemas import FACT_TABLES as WAREHOUSE_FACTS

    assert set(FACT_TABLES) == set(WAREHOUSE_FACTS)


def test_a_load_emits_an_event_for_each_table_it_changed_and_none_for_the_others():
    events = fact_events("UPT-K3", {"2026Q3": ["complaint_log", "service_log"], "2026Q2": ["complaint_log"]})
    assert events == {
        "service_log": {"unit_code": "UPT-K3", "quarters": ["2026Q3"]},
        "complaint_log": {"unit_code": "UPT-K3", "quarters": ["2026Q2", "2026Q3"]},
    }


def test_a_load_that_changed_only_the_lke_emits_only_zi_lke():
    assert list(fact_events("BID-WAS", {"2026Q3": ["zi_lke"]})) == ["zi_lke"]


def test_a_load_that_changed_nothing_emits_nothing():
    assert fact_events("BID-WAS", {}) == {}


def test_facts_loaded_names_every_unit_and_quarter_a_run_changed():
    changes = {
        "UPT-K3": {"2026Q3": ["service_log"]},
        "BID-WAS": {},
        "UPT-P2TK": {"2026Q2": ["skm_response"], "2026Q3": ["skm_response"]},
    }
    assert facts_loaded_event(changes) == {"units": ["UPT-K3", "UPT-P2TK"], "quarters": ["2026Q2", "2026Q3"]}


def test_a_run_that_changed_nothing_announces_nothing():
    assert facts_loaded_event({"UPT-K3": {}, "BID-WAS": {}}) is None
    assert facts_loaded_event({}) is None


def test_indicators_rebuild_every_quarter_the_events_of_several_units_name():
    extras = [
        *fact_events("UPT-K3", {"2026Q3": ["service_log", "skm_response"]}).values(),
        *fact_events("BID-WAS", {"2026Q3": ["complaint_log"]}).values(),
        # a late file for an old quarter
        *fact_events("UPT-BLK-SBY", {"2026Q1": ["service_log"]}).values(),
        facts_loaded_event({"UPT-K3": {"2026Q3": ["service_log"]}, "UPT-BLK-SBY": {"2026Q1": ["service_log"]}}),
    ]
    assert indicator_quarters(extras, None, None, IN_DECEMBER) == ["2026Q1", "2026Q3"]


def test_an_event_naming_one_quarter_is_read_too():
    assert indicator_quarters([{"quarter": "2026Q2"}], None, None, IN_DECEMBER) == ["2026Q2"]


def test_a_manual_quarter_wins_over_the_events():
    assert indicator_quarters([{"quarters": ["2026Q3"]}], "2025Q4", None, IN_DECEMBER) == ["2025Q4"]


def test_a_manual_run_with_a_logical_date_takes_the_last_complete_quarter_before_it():
    assert indicator_quarters([], None, AFTER_Q3_RELEASE, IN_DECEMBER) == ["2026Q3"]


def test_a_run_without_logical_date_or_events_takes_the_last_quarter_before_it_was_due():
    assert indicator_quarters([], None, None, datetime(2027, 1, 5, tzinfo=UTC)) == ["2026Q4"]


def test_events_naming_no_quarter_fall_back_to_the_last_complete_quarter():
    assert indicator_quarters([{}, None], None, None, IN_DECEMBER) == ["2026Q3"]


def test_an_event_with_a_malformed_quarter_is_refused_naming_it():
    with pytest.raises(BadAssetEvent, match="'Q3-2026' is not a quarter"):
        indicator_quarters([{"quarters": ["Q3-2026"]}], None, None, IN_DECEMBER)


def test_rebuilt_indicators_republish_only_quarters_that_already_have_a_release():
    extras = [{"quarters": ["2026Q2", "2026Q3"]}]
    assert release_quarters(extras, None, None, IN_DECEMBER, released={"2026Q2", "2026Q1"}) == ["2026Q2"]
    assert release_quarters(extras, None, None, IN_DECEMBER, released=set()) == []


def test_a_scheduled_publish_run_releases_the_quarter_before_its_logical_date():
    assert release_quarters([], None, AFTER_Q3_RELEASE, AFTER_Q3_RELEASE, released=set()) == ["2026Q3"]


def test_a_manual_publish_run_names_its_quarter_even_without_a_release():
    assert release_quarters([{"quarters": ["2026Q3"]}], "2026Q1", None, IN_DECEMBER, released=set()) == ["2026Q1"]
