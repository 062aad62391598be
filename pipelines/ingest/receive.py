"""Receiving a delivery: keep its bytes in the raw zone, recognise its dataset, record it in the catalog.

Nothing is parsed for loading here; a delivery is only recognised. The same bytes sent again
are recorded as a duplicate and never loaded twice.
"""

from __future__ import annotations

import logging
import posixpath
import re

from pipelines.parse.headers import HeaderConfig, HeaderError, header_config
from pipelines.parse.read import UnreadableFile, read_table
from pipelines.registry import Registry, Unit
from pipelines.runstate import received_files
from pipelines.sources import Delivery
from pipelines.storage import DataRoot

log = logging.getLogger(__name__)


def detect_dataset(file_name: str, data: bytes, reg: Registry, config: HeaderConfig) -> str:
    """The dataset a file holds: from its name when a pattern matches, else from its header."""
    by_name = reg.dataset_for_name(posixpath.basename(file_name))
    if by_name in config.columns:
        return by_name
    raw = read_table(file_name, data, lambda row: max(config.header_score(d, row) for d in config.datasets()))
    scores = {dataset: config.header_score(dataset, raw.headers) for dataset in config.datasets()}
    best = max(scores, key=scores.get)
    if not scores[best]:
        raise UnreadableFile("no dataset recognised from the file name or its header")
    return best


def raw_parts(dataset: str | None, unit_code: str, sha256: str, file_name: str) -> tuple[str, ...]:
    """Where the bytes are kept: named by their hash, plus the file's extension when it is a plain one.

    The name a unit gave its file never becomes part of a path (it may hold "..", slashes or
    shell characters); only a short [a-z0-9] extension is kept, so the copy opens in its program.
    """
    extension = posixpath.splitext(posixpath.basename(file_name))[1].lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,8}", extension):
        extension = ""
    return ("raw", dataset or "unrecognised", f"unit={unit_code}", f"{sha256}{extension}")


def receive(
    unit: Unit, source_name: str, delivery: Delivery, root: DataRoot, reg: Registry
) -> received_files.ReceivedFile:
    sha256 = delivery.sha256
    dataset, status, message = delivery.dataset, "received", ""
    refusal = delivery.refusal  # the source did not take the bytes (a file over MONEV_MAX_FILE_BYTES)
    try:
        if refusal:
            dataset, message = None, f"{unit.code}/{delivery.file_name}: {refusal}"
        elif dataset is None:
            dataset = detect_dataset(delivery.file_name, delivery.data, reg, header_config())
    except (UnreadableFile, HeaderError) as error:  # the load step rejects it with this message
        message = f"{unit.code}/{delivery.file_name}: {error}"
    earlier = None if refusal else received_files.loaded_sha(unit.code, sha256)
    if earlier is not None:
        status = "duplicate"
        message = f"same bytes as {earlier.file_name} (file {earlier.id}); not loaded again"
    parts = raw_parts(dataset, unit.code, sha256, delivery.file_name)
    if not refusal and not root.exists(*parts):
        root.write_bytes(delivery.data, *parts)
    received = received_files.record_delivery(
        unit.code,
        source_name,
        dataset,
        delivery.file_name,
        sha256,
        delivery.size_bytes,
        "" if refusal else "/".join(parts),
        status,
        message,
    )
    if callable(delivery.commit):
        delivery.commit()
    return received
