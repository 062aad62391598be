"""The http source against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

from pipelines.ingest.pull import pull_source
from pipelines.ingest.run import ingest_unit
from pipelines.sources import SourceError
from tests.support.http_server import SurveyApi, serve

ELEMENTS = ["persyaratan", "prosedur", "waktu", "biaya", "produk", "kompetensi", "perilaku", "pengaduan", "sarana"]


def response(number: int) -> dict:
    answers = {f"u{i}_{name}": 3 + (number + i) % 2 for i, name in enumerate(ELEMENTS, start=1)}
    return {"id": f"R-{number:04d}", "tanggal": f"2026-08-{1 + number % 28:02d}T10:00:00+07:00", **answers}


@pytest.fixture
def survey_source(config_dir, data_root, monkeypatch):
    """Declare the API as UPT-BLK-SBY's SKM source; returns a function that points it at a server."""

    def declare(base_url: str, endpoint: str = "/api/v1/responses", pagination: str = "page", **extra) -> None:
        connection = {"conn_type": "http", "host": base_url, "password": "rahasia-token",
                      "extra": {"backoff_factor": 0.01, "read_timeout": 2, **extra}}  # fmt: skip
        monkeypatch.setenv("AIRFLOW_CONN_SKM_API", json.dumps(connection))
        config_dir(
            "UPT-BLK-SBY",
            {"kind": "http", "name": "survei", "conn_id": "skm_api", "dataset": "skm_response",
             "endpoint": endpoint, "pagination": pagination, "page_size": 10},
        )  # fmt: skip

    return declare


def skm_rows(data_root) -> list[dict]:
    path = data_root.path("warehouse", "skm_response", "year=2026", "quarter=3", "unit_code=UPT-BLK-SBY")
    return pq.read_table(f"{path}/part-0.parquet").to_pylist()


def test_pages_are_followed_and_records_land_in_the_warehouse(survey_source, data_root):
    api = SurveyApi(records=[response(n) for n in range(1, 26)])
    with serve(api) as base_url:
        survey_source(base_url)
        ingest_unit("UPT-BLK-SBY")
    assert api.requests == [f"/api/v1/responses?page={page}&per_page=10" for page in (1, 2, 3)]
    rows = skm_rows(data_root)
    assert len(rows) == 25
    assert {row["u9"] for row in rows} <= {3, 4}


def test_next_links_are_followed(survey_source, data_root):
    api = SurveyApi(records=[response(n) for n in range(1, 8)])
    with serve(api) as base_url:
        survey_source(base_url, endpoint="/api/v2/responses", pagination="next_link")
        received = pull_source("UPT-BLK-SBY", "survei")
    assert len(api.requests) == 3
    assert len(json.loads(data_root.read_bytes(received[0]["raw_path"]))["records"]) == 7


def test_server_failing_twice_then_answering_is_retried(survey_source):
    api = SurveyApi(records=[response(n) for n in range(1, 5)], fail_first=2)
    with serve(api) as base_url:
        survey_source(base_url)
        received = pull_source("UPT-BLK-SBY", "survei")
    assert len(received) == 1
    assert len(api.requests) == 3


def test_server_that_keeps_failing_gives_a_clear_error_after_the_last_retry(survey_source):
    api = SurveyApi(records=[], fail_first=100)
    with serve(api) as base_url:
        survey_source(base_url, retries=2)
        with pytest.raises(SourceError, match=r"UPT-BLK-SBY/survei: .*(503|retries)"):
            pull_source("UPT-BLK-SBY", "survei")
    assert len(api.requests) == 3


def test_malformed_json_is_refused_with_what_it_began_with(survey_source):
    with serve(SurveyApi(records=[], malformed=True)) as base_url:
        survey_source(base_url)
        with pytest.raises(SourceError, match=r"did not answer JSON .*began with '\{\"data\""):
            pull_source("UPT-BLK-SBY", "survei")


def test_a_slow_server_times_out(survey_source):
    with serve(SurveyApi(records=[response(1)], delay=1.5)) as base_url:
        survey_source(base_url, read_timeout=0.3, retries=0)
        with pytest.raises(SourceError, match=r"no answer from .* after 0 retries"):
            pull_source("UPT-BLK-SBY", "survei")


def test_wrong_token_is_reported_as_the_http_status(survey_source, monkeypatch):
    with serve(SurveyApi(records=[], token="other")) as base_url:
        survey_source(base_url)
        with pytest.raises(SourceError, match="HTTP 401"):
            pull_source("UPT-BLK-SBY", "survei")


def test_an_unchanged_snapshot_is_not_received_again(survey_source):
    api = SurveyApi(records=[response(n) for n in range(1, 5)])
    with serve(api) as base_url:
        survey_source(base_url)
        assert len(pull_source("UPT-BLK-SBY", "survei")) == 1
        assert pull_source("UPT-BLK-SBY", "survei") == []
