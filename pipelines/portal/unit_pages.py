"""A unit's own pages: its deliveries, the upload form, each file's verdict and problems, its indicator preview."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from pipelines.notify.mail import XLSX_TYPE
from pipelines.periods import Quarter
from pipelines.portal.airflow_api import TriggerFailed, trigger_ingest
from pipelines.portal.preview import indicator_preview
from pipelines.portal.quarter_status import open_quarter
from pipelines.portal.uploads import UploadRefused, check_content, checked_name, find_upload, note_trigger, store_upload
from pipelines.portal.web import (
    Refused,
    page,
    ready_session,
    session_of,
    settings_of,
    unit_account,
    visible_file,
    with_csrf,
)
from pipelines.publish.cells import indonesian_size
from pipelines.quality.delivery_verdict import delivery_verdict, feedback_workbooks, rejection_reason
from pipelines.registry import registry
from pipelines.runstate.received_files import file_quarters, ingest_log, latest_delivery_of
from pipelines.storage import data_root

log = logging.getLogger(__name__)
router = APIRouter()

PROBLEMS_SHOWN = 100
"""Problems a file's page lists; its feedback workbook has the rest."""
FORM_OVERHEAD_BYTES = 64 << 10
"""Room in an upload request for the form's other fields and multipart boundaries beside the file."""
DELIVERIES_SHOWN = 50


@router.get("/")
def home(request: Request) -> Response:
    session = session_of(request)
    if session.account.must_change_password:
        return RedirectResponse("/sandi", status_code=303)
    if session.account.is_data_team:
        return RedirectResponse("/admin", status_code=303)
    unit = registry().unit(session.account.unit_code)
    deliveries = sorted(ingest_log(unit_code=unit.code), key=lambda entry: entry["file_id"], reverse=True)
    max_upload = indonesian_size(settings_of(request).max_upload_bytes)
    return page(request, "home.html", session=session, unit=unit, deliveries=deliveries[:DELIVERIES_SHOWN],
                max_upload=max_upload)  # fmt: skip


def _too_large(limit: int) -> Refused:
    return Refused(413, f"Berkas terlalu besar: paling besar {indonesian_size(limit)}. Kirim data satu triwulan saja.")


@router.post("/unggah")
async def upload(request: Request) -> Response:
    """The file goes to the unit's landing folder, then the ingest DAG is started for the unit."""
    session = ready_session(request)
    account = unit_account(session)
    settings = settings_of(request)
    length = request.headers.get("content-length", "")
    if not length.isdigit():
        raise Refused(411, "Ukuran kiriman tidak diketahui. Unggah melalui formulir di halaman Beranda.")
    if int(length) > settings.max_upload_bytes + FORM_OVERHEAD_BYTES:
        raise _too_large(settings.max_upload_bytes)
    async with request.form(max_files=1, max_fields=5) as form:
        with_csrf(session, form.get("csrf_token"))
        claimed = form.get("unit_code")
        if claimed is not None and claimed != account.unit_code:
            raise Refused(403, "Permintaan ditolak: unit pada formulir bukan unit akun Anda.")
        sent = form.get("berkas")
        if not isinstance(sent, UploadFile) or not sent.filename:
            raise Refused(400, "Pilih berkas ekspor yang akan diunggah.")
        name, data = sent.filename, await sent.read(settings.max_upload_bytes + 1)
    if len(data) > settings.max_upload_bytes:
        raise _too_large(settings.max_upload_bytes)
    unit = registry().unit(account.unit_code)
    try:
        check_content(checked_name(name), data)
        stored = store_upload(unit, account.username, name, data, data_root())
    except UploadRefused as refused:
        raise Refused(refused.status, str(refused)) from None
    log.info("%s uploaded %s for %s (%d bytes)", account.username, name, unit.code, len(data))
    try:
        note_trigger(stored.id, trigger_ingest(unit.code, stored.id, settings))
    except TriggerFailed as error:
        log.warning("upload %d of %s waits for the scheduled ingest run: %s", stored.id, unit.code, error)
        note_trigger(stored.id, None, str(error))
    return RedirectResponse(f"/unggahan/{stored.id}", status_code=303)


@router.get("/unggahan/{upload_id}")
def upload_status(request: Request, upload_id: int) -> Response:
    """Processing (the page reloads itself) until the ingest has judged the file, then the file's verdict."""
    session = ready_session(request)
    stored = find_upload(upload_id)
    if stored is None or (not session.account.is_data_team and stored.unit_code != session.account.unit_code):
        raise Refused(404, "Unggahan tidak ditemukan.")
    file_id = latest_delivery_of(stored.unit_code, stored.file_name, stored.sha256)
    entry = ingest_log([file_id])[0] if file_id else None
    if entry is None or entry["status"] == "received":
        return page(request, "processing.html", session=session, upload=stored)
    return RedirectResponse(f"/berkas/{file_id}", status_code=303)


@router.get("/berkas/{file_id}")
def file_page(request: Request, file_id: int) -> HTMLResponse:
    session = ready_session(request)
    entry = visible_file(session, file_id)
    root = data_root()
    unit = registry().unit(entry["unit_code"])
    verdict = delivery_verdict(root, entry)
    return page(
        request, "file.html", session=session, unit=unit, verdict=verdict,
        problems=verdict.problems.slice(0, PROBLEMS_SHOWN).to_pylist(), total_problems=verdict.problems.num_rows,
        workbooks=[quarter for quarter, _ in feedback_workbooks(root, unit, verdict.quarters)],
        reason=rejection_reason(verdict),
    )  # fmt: skip


@router.get("/berkas/{file_id}/umpan-balik/{quarter}")
def feedback_download(request: Request, file_id: int, quarter: str) -> Response:
    """The feedback workbook of a quarter the file loaded into."""
    session = ready_session(request)
    entry = visible_file(session, file_id)
    root = data_root()
    unit = registry().unit(entry["unit_code"])
    loaded = (Quarter(year, number) for year, number in file_quarters(file_id))
    found = feedback_workbooks(root, unit, tuple(known for known in loaded if str(known) == quarter))
    if not found:
        raise Refused(404, "Buku kerja umpan balik tidak ditemukan.")
    parts = found[0][1]
    return Response(root.read_bytes(*parts), media_type=XLSX_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{parts[-1]}"'})  # fmt: skip


@router.get("/pratinjau")
def preview(request: Request, triwulan: str | None = None) -> HTMLResponse:
    """The unit's indicators of the open quarter (or another one asked for), marked final only once released."""
    session = ready_session(request)
    account = unit_account(session)
    try:
        quarter = Quarter.parse(triwulan) if triwulan else open_quarter()
    except ValueError:
        raise Refused(404, "Triwulan tidak dikenal; tulis seperti 2026Q3.") from None
    unit = registry().unit(account.unit_code)
    return page(request, "preview.html", session=session, unit=unit,
                preview=indicator_preview(data_root(), unit.code, quarter))  # fmt: skip
