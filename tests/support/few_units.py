"""A copy of config/ whose registry holds only a few units.

Scheduling, concurrency and storage back-ends are proven with three units as well as with seven, and every unit
more is more task processes and more loads on the test machine's two cores.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from pipelines.settings import REPO_ROOT

FEW_UNITS = ("BID-WAS", "UPT-K3", "UPT-BLK-MDN")


def config_with_units(folder: Path, units: Sequence[str] = FEW_UNITS) -> Path:
    shutil.copytree(REPO_ROOT / "config", folder, dirs_exist_ok=True)
    keep_units(folder, units)
    return folder


def keep_units(folder: Path, units: Sequence[str]) -> None:
    """Drop every other unit from the registry in the config folder `folder`."""
    document = yaml.safe_load((folder / "units.yaml").read_text())
    document["units"] = [unit for unit in document["units"] if unit["code"] in units]
    (folder / "units.yaml").write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))


@contextmanager
def few_units(folder: Path, units: Sequence[str] = FEW_UNITS) -> Iterator[Path]:
    """This process and every process it starts see only `units` (MONEV_CONFIG_DIR) while the block runs."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MONEV_CONFIG_DIR", str(config_with_units(folder, units)))
        yield folder
