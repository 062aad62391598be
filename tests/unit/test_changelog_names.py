"""A unit's file name shows in a release's CHANGELOG.md as written, never as Markdown that changes the page."""

from __future__ import annotations

import html

import pytest
from markdown_it import MarkdownIt

from pipelines.publish.changelog import code_span

NAMES = [
    "layanan_2026Q3.csv",
    "a`b``c.csv",
    "`awal dan akhir`",
    "baris\n# Judul palsu\n[tautan](http://evil.example).csv",
    "<script>alert(1)</script>.csv",
    "| tabel | palsu |.csv",
]


@pytest.mark.parametrize("name", NAMES)
def test_a_file_name_renders_as_one_code_span_with_its_text(name):
    rendered = MarkdownIt().render(f"- {code_span(name)} (service_log)")
    expected = html.escape(" ".join(name.split()), quote=False)
    assert rendered == f"<ul>\n<li><code>{expected}</code> (service_log)</li>\n</ul>\n"
