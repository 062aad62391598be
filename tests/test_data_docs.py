"""The Data Docs site the data team browses: GX's pages of the latest validations, opened in Chromium."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipelines.ingest.run import ingest_unit
from pipelines.periods import Quarter
from pipelines.quality.data_docs import SITE, VALIDATIONS, build_data_docs
from pipelines.samples.generate import write_samples
from pipelines.storage import DataRoot
from pipelines.warehouse.schemas import FACT_TABLES
from tests.support.chromium import png_size_and_distinct_bytes, rendered_dom, screenshot

UNITS = ("UPT-P2TK", "BID-WAS")
Q3 = Quarter(2026, 3)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> DataRoot:
    """Two units' samples loaded and the site built, once: every test here only reads them."""
    root = DataRoot(str(tmp_path_factory.mktemp("data")))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MONEV_DATA_ROOT", root.base)
        patch.delenv("MONEV_CATALOG_URL", raising=False)
        patch.setenv("MONEV_LANDING_QUIET_SECONDS", "0")
        write_samples(Q3, rows=400, root=root)
        for unit_code in UNITS:
            ingest_unit(unit_code, root=root)
        build_data_docs(root)
    return root


@pytest.fixture
def site(loaded) -> Path:
    return Path(loaded.path(*SITE))


def test_each_load_keeps_one_validation_document_per_batch(site, loaded):
    stored = loaded.list_files(*VALIDATIONS, recursive=True)
    assert sorted(stored) == sorted(f"{dataset}/2026-Q3/{unit}.json" for dataset in FACT_TABLES for unit in UNITS)
    document = json.loads(loaded.read_bytes(*VALIDATIONS, "service_log/2026-Q3/UPT-P2TK.json"))
    assert document["statistics"]["evaluated_expectations"] == len(document["results"]) > 10
    assert not document["success"], "the sample exports carry deliberate defects"


def test_index_opened_in_chromium_names_every_suite_and_links_each_batch(site, tmp_path):
    dom = rendered_dom(site / "index.html", tmp_path / "chromium")
    for dataset in FACT_TABLES:
        assert f"<h2>{dataset}</h2>" in dom
        for unit in UNITS:
            assert f'href="validations/{dataset}/{unit}_2026-Q3/' in dom
    image = tmp_path / "index.png"
    screenshot(site / "index.html", image, tmp_path / "chromium")
    width, height, distinct = png_size_and_distinct_bytes(image)
    assert (width, height) == (1280, 1600)
    assert distinct > 20, "the screenshot is blank"


def test_gx_validation_pages_render_each_suite(site, tmp_path):
    for dataset in FACT_TABLES:
        pages = sorted((site / "validations" / dataset / "UPT-P2TK_2026-Q3").glob("*/UPT-P2TK_2026-Q3.html"))
        assert len(pages) == 1
        dom = rendered_dom(pages[0], tmp_path / "chromium")
        assert dataset in dom
        assert "great-expectations-web-assets" not in dom, "pages must not call out to GX's bucket"


def test_the_site_is_rebuilt_only_when_its_validations_change(loaded, tmp_path):
    root = DataRoot(str(tmp_path / "copy"))
    shutil.copytree(loaded.base, root.base)
    index = Path(root.path(*SITE, "index.html"))
    built = index.stat().st_mtime_ns
    build_data_docs(root)
    assert index.stat().st_mtime_ns == built, "nothing new was validated: the site stays as it was"
    root.delete_file(*VALIDATIONS, "zi_lke/2026-Q3/BID-WAS.json")
    build_data_docs(root)
    assert index.stat().st_mtime_ns != built
    assert 'href="validations/zi_lke/BID-WAS_2026-Q3/' not in index.read_text()
    assert 'href="validations/zi_lke/UPT-P2TK_2026-Q3/' in index.read_text()
