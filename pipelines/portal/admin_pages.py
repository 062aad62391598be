"""The data team's pages: every unit's standing in the open quarter, reminders, and the portal's accounts."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pipelines.notify.reminders import last_reminders, send_reminder
from pipelines.portal import accounts
from pipelines.portal.accounts import AccountError
from pipelines.portal.quarter_status import open_quarter, quarter_status
from pipelines.portal.web import Refused, data_team, page, ready_session, with_csrf
from pipelines.registry import registry
from pipelines.storage import data_root

router = APIRouter(prefix="/admin")
Text = Annotated[str, Form(max_length=256)]


@router.get("")
def overview(request: Request, pesan: str = "") -> HTMLResponse:
    session = ready_session(request)
    data_team(session)
    quarter = open_quarter()
    status = quarter_status(registry(), quarter, data_root())
    return page(request, "admin.html", session=session, status=status, reminded=last_reminders(quarter),
                notice=pesan[:300])  # fmt: skip


@router.post("/pengingat")
def remind(request: Request, unit_code: Text = "", csrf_token: Text = "") -> Response:
    session = with_csrf(ready_session(request), csrf_token)
    sender = data_team(session)
    reg = registry()
    if unit_code not in reg.unit_codes:
        raise Refused(404, "Unit tidak dikenal.")
    quarter = open_quarter()
    status = quarter_status(reg, quarter, data_root())
    [unit_status] = [unit for unit in status.units if unit.unit_code == unit_code]
    reason = unit_status.shortfall or "data belum lengkap"
    outcome = send_reminder(reg.unit(unit_code), quarter, reason, status.deadline, sender.username, data_root())
    return RedirectResponse(f"/admin?pesan={quote(outcome)}", status_code=303)


def _accounts_page(request: Request, session, http_status: int = 200, **context) -> HTMLResponse:
    return page(request, "accounts.html", http_status, session=session, accounts=accounts.accounts(),
                units=registry().units, **context)  # fmt: skip


@router.get("/akun")
def account_list(request: Request) -> HTMLResponse:
    session = ready_session(request)
    data_team(session)
    return _accounts_page(request, session)


@router.post("/akun")
def create_account(
    request: Request,
    username: Text = "",
    display_name: Text = "",
    role: Text = "unit",
    unit_code: Text = "",
    csrf_token: Text = "",
) -> HTMLResponse:
    session = with_csrf(ready_session(request), csrf_token)
    data_team(session)
    password = accounts.generated_password()
    try:
        created = accounts.create_account(username.strip().lower(), display_name, role, unit_code or None, password)
    except AccountError as problem:
        return _accounts_page(request, session, 400, error=str(problem))
    return _accounts_page(request, session, handed_over=(created.username, password))


@router.post("/akun/{username}/sandi")
def reset_password(request: Request, username: str, csrf_token: Text = "") -> HTMLResponse:
    """A one-time password, shown once here; the account's sessions end and it must choose its own at login."""
    session = with_csrf(ready_session(request), csrf_token)
    data_team(session)
    password = accounts.generated_password()
    try:
        accounts.set_password(username, password, must_change=True)
    except AccountError as problem:
        raise Refused(404, str(problem)) from None
    return _accounts_page(request, session, handed_over=(username, password))


@router.post("/akun/{username}/status")
def set_active(request: Request, username: str, active: Text = "", csrf_token: Text = "") -> Response:
    session = with_csrf(ready_session(request), csrf_token)
    team_member = data_team(session)
    if username == team_member.username:
        return _accounts_page(request, session, 400, error="Akun Anda sendiri tidak dapat dinonaktifkan.")
    try:
        accounts.set_active(username, active == "ya")
    except AccountError as problem:
        raise Refused(404, str(problem)) from None
    return RedirectResponse("/admin/akun", status_code=303)
