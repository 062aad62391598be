"""No personal data in any warehouse table: sample exports carry names, NIK, phones and complaint texts."""

from __future__ import annotations

import re

import pyarrow.parquet as pq

from pipelines.ingest.run import ingest_unit
from pipelines.registry import registry
from pipelines.samples.generate import write_samples
from pipelines.samples.profiles import COMPLAINT_TOPICS, FIRST_NAMES

# Whole tokens only: sha256 and person_key hex strings contain long digit runs by chance.
NIK = re.compile(r"(?<![0-9A-Za-z])\d{16}(?![0-9A-Za-z])")
PHONE = re.compile(r"(?<![0-9A-Za-z])(\+?62|0)8\d{8,11}(?![0-9A-Za-z])")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def test_warehouse_tables_hold_no_nik_phone_email_name_or_complaint_text(data_root, quarter, monkeypatch):
    monkeypatch.setenv("MONEV_PSEUDONYM_KEY", "kunci-uji-pseudonim")
    write_samples(quarter, rows=1_400)
    for unit in registry().unit_codes:
        ingest_unit(unit)
    tables = data_root.list_files("warehouse", recursive=True)
    assert {path.split("/")[0] for path in tables} >= {"service_log", "skm_response", "complaint_log", "zi_perception"}
    for path in tables:
        text = pq.read_table(data_root.path("warehouse", path)).to_pandas().to_csv(index=False)
        assert not NIK.search(text), path
        assert not PHONE.search(text), path
        assert not EMAIL.search(text), path
        assert not any(name in text for name in FIRST_NAMES), path
        assert not any(topic in text for topic in COMPLAINT_TOPICS), path
    keys = pq.read_table(data_root.path("warehouse", "service_log")).column("person_key").to_pylist()
    assert all(key and len(key) == 32 for key in keys)
