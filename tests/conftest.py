from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from pipelines.periods import Quarter
from pipelines.storage import DataRoot

Q3_2026 = Quarter(2026, 3)

# Tests never touch a developer's Airflow home: whatever imports Airflow sees a throw-away one.
os.environ["AIRFLOW_HOME"] = tempfile.mkdtemp(prefix="monev-test-airflow-")
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["GX_ANALYTICS_ENABLED"] = "False"


@pytest.fixture
def data_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> DataRoot:
    """An empty data root for one test, also seen by code that reads MONEV_DATA_ROOT."""
    root = tmp_path / "data"
    root.mkdir()
    monkeypatch.setenv("MONEV_DATA_ROOT", str(root))
    return DataRoot(str(root))


@pytest.fixture
def quarter() -> Quarter:
    return Q3_2026
