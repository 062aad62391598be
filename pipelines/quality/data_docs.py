"""The Data Docs site: GX's HTML pages of the latest validation result of every batch.

Each load writes its batches' validation documents under quality/validations/; one task per
run builds the site from all of them (GX's file contexts are not safe to build concurrently)
in a scratch GX project, then swaps it into quality/data_docs/ whole.

GX's own index page fills its table with jQuery and bootstrap-table fetched from CDNs, which
offline networks (and CI) cannot reach; the site gets a static index of our own instead.
The suite and validation pages are GX's, rendered as GX renders them. The site records a digest of
the documents it was built from; a run that validated nothing new leaves it as it is.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from pipelines.periods import Quarter
from pipelines.quality.gx_runner import import_quiet_great_expectations, suite_document
from pipelines.storage import DataRoot
from pipelines.warehouse.schemas import FACT_TABLES

log = logging.getLogger(__name__)

VALIDATIONS = ("quality", "validations")
SITE = ("quality", "data_docs")
BUILT_FROM = "built_from.sha256"
"""The digest of the validation documents the site shows; written last, so a half-swapped site is rebuilt."""
# GX's page header loads its logo from a remote bucket, tagged with the project's id; use the bundled copy.
REMOTE_LOGO = re.compile(r"https://great-expectations-web-assets\.s3[^\"']*?\.png[^\"']*")


def validation_path(dataset: str, quarter: Quarter, unit_code: str) -> tuple[str, ...]:
    return (*VALIDATIONS, dataset, f"{quarter.year}-Q{quarter.quarter}", f"{unit_code}.json")


def save_validation(root: DataRoot, dataset: str, quarter: Quarter, unit_code: str, document: dict | None) -> None:
    """Keep the batch's latest validation document; a batch that no longer exists loses its document."""
    parts = validation_path(dataset, quarter, unit_code)
    if document is not None:
        root.write_bytes(json.dumps(document, indent=1).encode("utf-8"), *parts)
    else:
        root.delete_file(*parts)


def _render_with_gx(documents: list[dict[str, Any]], site: Path, project: Path) -> None:
    gx = import_quiet_great_expectations()
    from great_expectations.core.expectation_validation_result import ExpectationSuiteValidationResultSchema
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    context = gx.get_context(mode="file", project_root_dir=str(project))
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    for name in list(context.list_data_docs_sites()):
        context.delete_data_docs_site(name)
    context.add_data_docs_site(
        "monev",
        {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(site)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    for dataset in FACT_TABLES:
        context.suites.add(gx.ExpectationSuite(**suite_document(dataset)))
    schema = ExpectationSuiteValidationResultSchema()
    for document in documents:
        result = schema.load(document)
        run = document["meta"]["run_id"]
        key = ValidationResultIdentifier(
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=document["suite_name"]),
            run_id=RunIdentifier(run_name=run["run_name"], run_time=run["run_time"]),
            batch_identifier=run["run_name"],
        )
        context.validation_results_store.set(key, result)
    context.build_data_docs(site_names=["monev"])


def _page_of(site: Path, document: dict[str, Any]) -> str | None:
    label = document["meta"]["run_id"]["run_name"]
    pages = sorted((site / "validations" / document["suite_name"] / label).glob(f"*/{label}.html"))
    return pages[-1].relative_to(site).as_posix() if pages else None


def _index_html(site: Path, documents: list[dict[str, Any]]) -> str:
    sections = []
    for dataset in FACT_TABLES:
        rows = []
        for document in sorted(
            (d for d in documents if d["suite_name"] == dataset),
            key=lambda d: (d["meta"]["quarter"], d["meta"]["unit_code"]),
            reverse=True,
        ):
            statistics, page = document["statistics"], _page_of(site, document)
            counts = [r["result"].get("element_count") for r in document["results"] if r["result"]]
            verdict = "passed" if document["success"] else "failed"
            link = f'<a href="{html.escape(page)}">{verdict}</a>' if page else verdict
            rows.append(
                f'<tr class="{verdict}"><td>{html.escape(document["meta"]["quarter"])}</td>'
                f"<td>{html.escape(document['meta']['unit_code'])}</td><td>{link}</td>"
                f"<td>{statistics['successful_expectations']} / {statistics['evaluated_expectations']}</td>"
                f"<td>{max(counts, default=0):,}</td></tr>"
            )
        body = "".join(rows) or '<tr><td colspan="5">no batch validated yet</td></tr>'
        sections.append(
            f'<section id="{dataset}"><h2>{dataset}</h2>'
            f'<p><a href="expectations/{dataset}.html">expectation suite {dataset}</a></p>'
            "<table><thead><tr><th>quarter</th><th>unit</th><th>result</th><th>expectations met</th>"
            f"<th>rows</th></tr></thead><tbody>{body}</tbody></table></section>"
        )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>Monev ZI data quality</title><style>"
        "body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin-bottom:2em}"
        "td,th{border:1px solid #ccc;padding:.3em .8em;text-align:left}tr.failed td{background:#fde8e8}"
        "tr.passed td{background:#e8f6ea}</style></head><body>"
        "<h1>Monev ZI data quality</h1>"
        "<p>Latest Great Expectations validation of each unit's batch per dataset and quarter. "
        "Rows that broke a rule are in the quarantine zone and in each unit's feedback workbook.</p>"
        + "".join(sections)
        + "</body></html>"
    )


def _localise_logo(site: Path) -> None:
    logo = site / "static" / "images" / "logo-long.png"
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        local = os.path.relpath(logo, page.parent)
        page.write_text(REMOTE_LOGO.sub(local, text), encoding="utf-8")


def _digest(documents: dict[str, bytes]) -> str:
    digest = hashlib.sha256()
    for relative, data in sorted(documents.items()):
        digest.update(f"{relative}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def build_data_docs(root: DataRoot) -> str:
    """Rebuild the site from every stored validation document, unless it already shows exactly those;
    returns the index's address."""
    stored = {
        relative: root.read_bytes(*VALIDATIONS, relative) for relative in root.list_files(*VALIDATIONS, recursive=True)
    }
    digest = _digest(stored)
    index = root.uri_of(*SITE, "index.html")
    if root.exists(*SITE, BUILT_FROM) and root.read_bytes(*SITE, BUILT_FROM).decode() == digest:
        log.info("Data Docs: up to date with its %d batch validations, site at %s", len(stored), index)
        return index
    documents = [json.loads(data) for data in stored.values()]
    with tempfile.TemporaryDirectory(prefix="monev-data-docs-") as scratch:
        site = Path(scratch, "site")
        _render_with_gx(documents, site, Path(scratch, "project"))
        _localise_logo(site)
        (site / "index.html").write_text(_index_html(site, documents), encoding="utf-8")
        (site / BUILT_FROM).write_text(digest, encoding="utf-8")
        with root.replacing_dir(*SITE, seal=BUILT_FROM) as staging:
            for file in (path for path in site.rglob("*") if path.is_file()):
                root.write_staged(staging, file.relative_to(site).as_posix(), file.read_bytes())
    log.info("Data Docs: %d batch validations, site at %s", len(documents), index)
    return index
