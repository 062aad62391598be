"""An export uploaded through the portal: checked to be an export at all, then put in the unit's own landing folder.

What is in it is the ingest's to judge (the same parsing and Great Expectations suites as every delivery); here a
file is only refused when it cannot be an export: a name that is no plain file name, another type, too large.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import insert, select, update

from pipelines.registry import Unit
from pipelines.runstate.store import aware, engine, portal_upload
from pipelines.sources.files import landing_root
from pipelines.storage import DataRoot

EXTENSIONS = ("csv", "xlsx", "json")
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._()+-]{0,150}\.(csv|xlsx|json)$", re.IGNORECASE)
BINARY_STARTS = (b"PK\x03\x04", b"%PDF", b"MZ", b"\x7fELF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\xd0\xcf\x11\xe0")
"""Zip, PDF, programs, images and old Office files: none of them is a CSV or JSON export."""


class UploadRefused(ValueError):
    """A file the portal does not take; `status` is the HTTP status, the message says why in Indonesian."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Upload:
    id: int
    unit_code: str
    username: str
    file_name: str
    sha256: str
    size_bytes: int
    uploaded_at: datetime
    dag_run_id: str | None
    trigger_error: str


def checked_name(name: str) -> str:
    """The name as given when it is a plain export file name; a path or anything odd is refused, not cleaned."""
    if "/" in name or "\\" in name or ".." in name or not SAFE_NAME.match(name):
        raise UploadRefused(
            403,
            "Nama berkas tidak diterima. Gunakan nama sederhana (huruf, angka, spasi, titik, tanda hubung) "
            f"berakhiran {', '.join('.' + ext for ext in EXTENSIONS)}, misalnya layanan_2026Q3.xlsx.",
        )
    return name


def _is_workbook(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return False
    return "[Content_Types].xml" in names and "xl/workbook.xml" in names


def _is_json(data: bytes) -> bool:
    try:
        return isinstance(json.loads(data.decode("utf-8-sig")), list | dict)
    except (UnicodeDecodeError, ValueError):
        return False


def _is_text_table(data: bytes) -> bool:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16, as some spreadsheet tools save "Unicode text"
        return True
    return not data.startswith(BINARY_STARTS) and b"\x00" not in data[:65536]


def check_content(name: str, data: bytes) -> None:
    if not data:
        raise UploadRefused(415, "Berkas kosong. Pilih berkas ekspor yang berisi data.")
    extension = name.rsplit(".", 1)[-1].lower()
    fits = {"xlsx": _is_workbook, "json": _is_json, "csv": _is_text_table}[extension](data)
    if not fits:
        raise UploadRefused(
            415,
            f"Isi berkas bukan {extension.upper()}. Simpan ulang dari aplikasi asalnya sebagai CSV, XLSX atau JSON.",
        )


def store_upload(unit: Unit, username: str, name: str, data: bytes, root: DataRoot) -> Upload:
    """Put the file in the unit's landing folder and record who sent it."""
    source = next((source for source in unit.sources if source.kind == "files"), None)
    if source is None:
        raise UploadRefused(403, f"Unit {unit.code} tidak mengirim data melalui berkas; hubungi tim data.")
    location, parts = landing_root(unit, source, root)
    location.write_bytes(data, *parts, name)
    with engine().begin() as connection:
        upload_id = connection.execute(
            insert(portal_upload).values(
                unit_code=unit.code, username=username, file_name=name, sha256=hashlib.sha256(data).hexdigest(),
                size_bytes=len(data), uploaded_at=datetime.now(UTC), dag_run_id=None, trigger_error="",
            )
        ).inserted_primary_key[0]  # fmt: skip
    return find_upload(upload_id)


def note_trigger(upload_id: int, dag_run_id: str | None, error: str = "") -> None:
    with engine().begin() as connection:
        connection.execute(
            update(portal_upload)
            .where(portal_upload.c.id == upload_id)
            .values(dag_run_id=dag_run_id, trigger_error=error)
        )


def _upload(row) -> Upload:
    return Upload(
        row.id, row.unit_code, row.username, row.file_name, row.sha256, row.size_bytes, aware(row.uploaded_at),
        row.dag_run_id, row.trigger_error,
    )  # fmt: skip


def find_upload(upload_id: int) -> Upload | None:
    with engine().connect() as connection:
        row = connection.execute(select(portal_upload).where(portal_upload.c.id == upload_id)).first()
    return _upload(row) if row else None
