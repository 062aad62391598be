from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from pipelines.periods import Quarter
from pipelines.storage import DataRoot

Q3_2026 = Quarter(2026, 3)

# Tests never touch a developer's Airflow home: whatever imports Airflow sees a throw-away one.
os.environ["AIRFLOW_HOME"] = tempfile.mkdtemp(prefix="monev-test-airflow-")
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["GX_ANALYTICS_ENABLED"] = "False"


@pytest.fixture(autouse=True)
def data_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> DataRoot:
    """An empty data root for every test (never the repo's ./data), seen through MONEV_DATA_ROOT."""
    root = tmp_path / "data"
    root.mkdir()
    monkeypatch.setenv("MONEV_DATA_ROOT", str(root))
    monkeypatch.delenv("MONEV_CATALOG_URL", raising=False)
    # Tests write whole files and pull at once; the quiet period for copies in progress has its own tests.
    monkeypatch.setenv("MONEV_LANDING_QUIET_SECONDS", "0")
    return DataRoot(str(root))


@pytest.fixture(scope="session")
def prepared(tmp_path_factory):
    """`prepared(name, build, root)`: fills `root` with what `build()` writes into an empty data root. Each name is
    built once per worker process and copied into every test's own root, so tests that start from the same loaded
    units do not load them again, and none sees another's writes."""
    built: dict[str, Path] = {}

    def copy_into(name: str, build: Callable[[], object], root: DataRoot) -> DataRoot:
        if name not in built:
            source = tmp_path_factory.mktemp(name)
            with pytest.MonkeyPatch.context() as patch:
                patch.setenv("MONEV_DATA_ROOT", str(source))
                build()
            built[name] = source
        shutil.copytree(built[name], root.base, dirs_exist_ok=True)
        return root

    return copy_into


@pytest.fixture
def quarter() -> Quarter:
    return Q3_2026


@pytest.fixture(scope="session")
def postgres_address():
    """host:port of a PostgreSQL server started for this test session."""
    from tests.support.postgres_server import postgres_server

    with postgres_server() as address:
        yield address


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A private copy of config/ for tests that add sources to units; returns a function to add one."""
    import shutil

    import yaml

    from pipelines.settings import REPO_ROOT

    folder = tmp_path / "config"
    shutil.copytree(REPO_ROOT / "config", folder)
    monkeypatch.setenv("MONEV_CONFIG_DIR", str(folder))

    def add_source(unit_code: str, source: dict) -> None:
        path = folder / "units.yaml"
        document = yaml.safe_load(path.read_text())
        unit = next(unit for unit in document["units"] if unit["code"] == unit_code)
        unit["sources"] = [*unit["sources"], source]
        path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))

    return add_source


@pytest.fixture(scope="module")
def inbox():
    """A real SMTP server for a whole module: (what it received, its port); DAG tasks deliver to it."""
    from tests.support.smtp_server import smtp_server

    with smtp_server() as (messages, port):
        yield messages, port


# The files that take longest after the live tests (CPU of the whole file, measured), longest first.
LONGEST_FILES = (
    "test_e2e_chain.py",
    "test_fault_concurrent_runs.py",
    "test_production_stack.py",
    "test_same_results.py",
    "test_alerts.py",
    "test_fault_crash_points.py",
    "test_hostile_input.py",
    "test_release.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Longest first, so no worker starts a long file near the end: the live scheduler tests (minutes of waiting
    on Airflow's loops, beside the rest of the suite), then the longest of the other files, then the rest."""

    def rank(item: pytest.Item) -> int:
        if item.get_closest_marker("live"):
            return 0
        return 1 + LONGEST_FILES.index(item.path.name) if item.path.name in LONGEST_FILES else 1 + len(LONGEST_FILES)

    items.sort(key=rank)
