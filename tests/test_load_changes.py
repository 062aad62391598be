"""What a load reports as changed: the asset events it emits and the freshness the publish run checks."""

from datetime import UTC, datetime

import pytest

from pipelines.ingest.load import load_unit
from pipelines.ingest.run import ingest_unit
from pipelines.orchestration.asset_events import FACT_TABLES
from pipelines.runstate import quarter_refresh
from pipelines.samples.generate import write_samples
from tests.conftest import Q3_2026

UNIT = "BID-WAS"


def load_unit_samples() -> None:
    write_samples(Q3_2026, rows=300)
    ingest_unit(UNIT)


@pytest.fixture
def loaded(prepared, data_root):
    """The unit's samples loaded (its first load changed every table it sent)."""
    prepared("bid_was_loaded", load_unit_samples, data_root)


def complaint_file(root) -> str:
    return next(name for name in root.list_files("landing", UNIT) if name.startswith("pengaduan_"))


def test_a_first_load_changes_every_table_the_unit_sent(data_root):
    write_samples(Q3_2026, rows=300, root=data_root)
    assert ingest_unit(UNIT).changed["2026Q3"] == sorted(FACT_TABLES)


def test_a_corrected_complaint_register_changes_complaint_log_alone(loaded, data_root):
    name = complaint_file(data_root)
    lines = data_root.read_bytes("landing", UNIT, name).decode().splitlines(keepends=True)
    data_root.write_bytes("".join(lines[:-1]).encode(), "landing", UNIT, name)  # one complaint withdrawn
    assert ingest_unit(UNIT).changed == {"2026Q3": ["complaint_log"]}


def test_the_same_files_again_change_nothing(loaded):
    assert ingest_unit(UNIT).changed == {}


def test_a_quarter_rebuilt_by_name_may_change_every_table(loaded, quarter):
    assert load_unit(UNIT, [quarter]).changed == {"2026Q3": sorted(FACT_TABLES)}


def test_a_load_notes_when_it_refreshed_each_quarter(loaded, quarter):
    first = quarter_refresh.refreshed_at("facts", quarter.year, quarter.quarter)
    assert first is not None and first <= datetime.now(UTC)
    load_unit(UNIT, [quarter])
    assert quarter_refresh.refreshed_at("facts", quarter.year, quarter.quarter) > first


def test_an_earlier_moment_never_moves_the_mark_back(quarter):
    later, earlier = datetime(2026, 11, 2, 5, tzinfo=UTC), datetime(2026, 11, 2, 4, tzinfo=UTC)
    quarter_refresh.mark_refreshed("facts", quarter.year, quarter.quarter, later)
    quarter_refresh.mark_refreshed("facts", quarter.year, quarter.quarter, earlier)
    assert quarter_refresh.refreshed_at("facts", quarter.year, quarter.quarter) == later


def test_indicators_are_marked_as_of_the_facts_they_read(loaded, quarter):
    from pipelines.indicators.build import build_indicators

    before = datetime.now(UTC)
    build_indicators(quarter)
    indicators_at = quarter_refresh.refreshed_at("indicators", quarter.year, quarter.quarter)
    assert quarter_refresh.refreshed_at("facts", quarter.year, quarter.quarter) < before <= indicators_at
