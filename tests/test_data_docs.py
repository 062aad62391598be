"""The Data Docs site the data team browses: GX's pages of the latest validations, opened in Chromium."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.ingest.run import ingest_unit
from pipelines.quality.data_docs import SITE, VALIDATIONS, build_data_docs
from pipelines.samples.generate import write_samples
from pipelines.warehouse.schemas import FACT_TABLES
from tests.support.chromium import png_size_and_distinct_bytes, rendered_dom, screenshot

UNITS = ("UPT-P2TK", "BID-WAS")


@pytest.fixture
def site(data_root, quarter, tmp_path) -> Path:
    write_samples(quarter, rows=400, root=data_root)
    for unit_code in UNITS:
        ingest_unit(unit_code)
    build_data_docs(data_root)
    return Path(data_root.path(*SITE))


def test_each_load_keeps_one_validation_document_per_batch(site, data_root):
    stored = data_root.list_files(*VALIDATIONS, recursive=True)
    assert sorted(stored) == sorted(f"{dataset}/2026-Q3/{unit}.json" for dataset in FACT_TABLES for unit in UNITS)
    document = json.loads(data_root.read_bytes(*VALIDATIONS, "service_log/2026-Q3/UPT-P2TK.json"))
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
