"""A JSON API (a survey platform, a unit's service application), read page by page.

Each pull takes a full snapshot of the records; the snapshot replaces the previous one from
the same source, and an unchanged snapshot (same bytes) is recognised and not loaded again.
Retries with backoff on 5xx answers and connection errors come from urllib3's Retry.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from pipelines.connections import get_connection
from pipelines.registry import HttpSource, Unit
from pipelines.settings import get_settings
from pipelines.sources import Delivery, SourceError
from pipelines.storage import DataRoot

MAX_PAGES = 10_000


def _settings(extra: dict) -> dict[str, float]:
    return {
        "connect_timeout": float(extra.get("connect_timeout", 10)),
        "read_timeout": float(extra.get("read_timeout", 60)),
        "retries": int(extra.get("retries", 3)),
        "backoff": float(extra.get("backoff_factor", 1.0)),
        "max_bytes": float(extra.get("max_bytes", get_settings().http_max_bytes)),
    }


def _base_url(connection: Any) -> str:
    host = connection.host or ""
    if not host.startswith(("http://", "https://")):
        host = f"{connection.schema or 'https'}://{host}"
    if connection.port and host.count(":") < 2:
        host = f"{host.rstrip('/')}:{connection.port}"
    return host.rstrip("/") + "/"


def _session(token: str | None, settings: dict[str, float]) -> requests.Session:
    session = requests.Session()
    retry = Retry(
        total=settings["retries"],
        backoff_factor=settings["backoff"],
        status_forcelist=(500, 502, 503, 504),
        allowed_methods=("GET",),
        raise_on_status=False,
    )
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.mount("https://", HTTPAdapter(max_retries=retry))
    if token:
        session.headers["Authorization"] = f"Bearer {token}"
    session.headers["Accept"] = "application/json"
    return session


def _get_json(session: requests.Session, url: str, params: dict, settings: dict[str, float], where: str) -> Any:
    try:
        response = session.get(
            url, params=params, timeout=(settings["connect_timeout"], settings["read_timeout"]), stream=True
        )
    except requests.RequestException as error:
        raise SourceError(f"{where}: no answer from {url} after {settings['retries']:.0f} retries: {error}") from error
    with response:
        if response.status_code >= 400:
            raise SourceError(f"{where}: {url} answered HTTP {response.status_code} {response.reason}")
        body = bytearray()
        for chunk in response.iter_content(chunk_size=1 << 16):
            body += chunk
            if len(body) > settings["max_bytes"]:
                raise SourceError(f"{where}: {url} sent more than {settings['max_bytes']:.0f} bytes; refused")
    try:
        return json.loads(body)
    except ValueError as error:
        preview = bytes(body[:120]).decode("utf-8", errors="replace")
        raise SourceError(f"{where}: {url} did not answer JSON ({error}); it began with {preview!r}") from None


def _records(page: Any, source: HttpSource, where: str) -> list[dict]:
    records = page if isinstance(page, list) else page.get(source.records_key) if isinstance(page, dict) else None
    if not isinstance(records, list) or not all(isinstance(record, dict) for record in records):
        raise SourceError(f"{where}: expected a list of records under '{source.records_key}'")
    return records


def fetch_records(unit: Unit, source: HttpSource) -> list[dict]:
    connection = get_connection(source.conn_id)
    settings = _settings(connection.extra_dejson)
    token = connection.password or connection.extra_dejson.get("token")
    url = urljoin(_base_url(connection), source.endpoint.lstrip("/"))
    where = f"{unit.code}/{source.name}"
    records: list[dict] = []
    with _session(token, settings) as session:
        params: dict = {}
        for page_number in range(1, MAX_PAGES + 1):
            if source.pagination == "page":
                params = {"page": page_number, "per_page": source.page_size}
            page = _get_json(session, url, params, settings, where)
            batch = _records(page, source, where)
            records += batch
            if source.pagination == "none":
                break
            if source.pagination == "page" and len(batch) < source.page_size:
                break
            if source.pagination == "next_link":
                next_url = page.get(source.next_key) if isinstance(page, dict) else None
                if not next_url:
                    break
                url, params = urljoin(url, next_url), {}
        else:
            raise SourceError(f"{where}: more than {MAX_PAGES} pages; check the pagination settings")
    return records


def pull_http(unit: Unit, source: HttpSource, root: DataRoot) -> Iterator[Delivery]:
    records = fetch_records(unit, source)
    data = json.dumps({"records": records}, ensure_ascii=False, sort_keys=True, indent=0).encode("utf-8")
    yield Delivery(file_name=f"{source.name}.json", data=data, dataset=source.dataset)
