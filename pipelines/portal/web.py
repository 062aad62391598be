"""What every portal page shares: templates, refusals, and the session checks each route applies."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from pipelines.portal import sessions
from pipelines.portal.accounts import ROLE_LABELS, Account
from pipelines.publish.cells import indonesian_size, indonesian_time
from pipelines.quality.delivery_verdict import VERDICT_LABELS
from pipelines.runstate.received_files import ingest_log
from pipelines.runstate.store import aware
from pipelines.settings import PortalSettings

SESSION_COOKIE = "monev_sesi"
LOGIN_COOKIE = "monev_masuk"
"""The login form's own CSRF token (double submit): a session does not exist yet."""

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.filters["waktu"] = lambda moment: indonesian_time(aware(moment)) if moment else "-"
templates.env.filters["ukuran"] = indonesian_size
templates.env.filters["vonis"] = lambda status: VERDICT_LABELS.get(status, status)
templates.env.filters["asal"] = lambda source: "unggahan berkas" if source == "files" else f"sumber {source}"
templates.env.globals["ROLE_LABELS"] = ROLE_LABELS


class Refused(Exception):
    """End the request with this status and an Indonesian explanation, and nothing else."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


class LoginNeeded(Exception):
    """No live session: a page sends the reader to the login form."""


def page(request: Request, name: str, http_status: int = 200, **context) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=http_status)


def settings_of(request: Request) -> PortalSettings:
    return request.app.state.settings


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int | None = None) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax",
                        secure=settings_of(request).secure_cookies, path="/")  # fmt: skip


def session_of(request: Request) -> sessions.Session:
    """The request's live session; a page without one goes to the login form, a form post is refused."""
    found = sessions.current_session(request.cookies.get(SESSION_COOKIE))
    if found is None:
        if request.method == "GET":
            raise LoginNeeded
        raise Refused(403, "Sesi Anda sudah berakhir. Silakan masuk kembali.")
    return found


def ready_session(request: Request) -> sessions.Session:
    """A live session whose account has no handed-over password left to replace."""
    session = session_of(request)
    if session.account.must_change_password:
        raise Refused(403, "Ganti kata sandi sementara Anda terlebih dahulu di halaman Kata Sandi.")
    return session


def with_csrf(session: sessions.Session, sent: object) -> sessions.Session:
    if not isinstance(sent, str) or not session.csrf_matches(sent):
        raise Refused(403, "Permintaan ditolak: token formulir tidak ada atau tidak cocok. Muat ulang halaman, "
                           "lalu coba lagi.")  # fmt: skip
    return session


def unit_account(session: sessions.Session) -> Account:
    if session.account.role != "unit":
        raise Refused(403, "Halaman ini untuk petugas unit.")
    return session.account


def data_team(session: sessions.Session) -> Account:
    if not session.account.is_data_team:
        raise Refused(403, "Halaman ini hanya untuk tim data.")
    return session.account


def visible_file(session: sessions.Session, file_id: int) -> dict:
    """The file's catalog entry when the account may see it; another unit's file does not exist for a unit."""
    entries = ingest_log([file_id])
    if not entries or (not session.account.is_data_team and entries[0]["unit_code"] != session.account.unit_code):
        raise Refused(404, "Berkas tidak ditemukan.")
    return entries[0]
