"""Logging in and out, and changing one's own password."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pipelines.portal import accounts, sessions
from pipelines.portal.accounts import AccountError, LoginLocked
from pipelines.portal.web import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    Refused,
    client_of,
    page,
    session_of,
    set_cookie,
    with_csrf,
)
from pipelines.publish.cells import indonesian_time

router = APIRouter()
Text = Annotated[str, Form(max_length=256)]


@router.get("/masuk")
def login_form(request: Request) -> HTMLResponse:
    token = secrets.token_urlsafe(32)
    response = page(request, "login.html", login_token=token)
    set_cookie(request, response, LOGIN_COOKIE, token, max_age=3600)
    return response


@router.post("/masuk")
def login(request: Request, username: Text = "", password: Text = "", login_token: Text = "") -> Response:
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not secrets.compare_digest(expected.encode(), login_token.encode()):
        raise Refused(403, "Permintaan ditolak: formulir masuk sudah kedaluwarsa. Buka halaman masuk lagi.")
    try:
        account = accounts.authenticate(username, password, client_of(request))
    except LoginLocked as locked:
        message = (
            f"Terlalu banyak percobaan yang salah. Coba lagi setelah {indonesian_time(locked.until)}, "
            "atau hubungi tim data."
        )
        return page(request, "login.html", 429, login_token=login_token, error=message)
    if account is None:
        return page(request, "login.html", 401, login_token=login_token, error="Nama pengguna atau kata sandi salah.")
    response = RedirectResponse("/sandi" if account.must_change_password else "/", status_code=303)
    set_cookie(request, response, SESSION_COOKIE, sessions.start_session(account.username))
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


@router.post("/keluar")
def logout(request: Request, csrf_token: Text = "") -> Response:
    with_csrf(session_of(request), csrf_token)
    sessions.end_session(request.cookies[SESSION_COOKIE])
    response = RedirectResponse("/masuk", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/sandi")
def password_form(request: Request) -> HTMLResponse:
    return page(request, "password.html", session=session_of(request))


@router.post("/sandi")
def change_password(request: Request, current: Text = "", new: Text = "", repeat: Text = "", csrf_token: Text = ""):
    session = with_csrf(session_of(request), csrf_token)
    error = None
    try:
        if accounts.authenticate(session.account.username, current, client_of(request)) is None:
            error = "Kata sandi saat ini salah."
        elif new != repeat:
            error = "Kata sandi baru dan ulangannya tidak sama."
        elif new == current:
            error = "Kata sandi baru harus berbeda dari yang sekarang."
        else:
            accounts.set_password(session.account.username, new, must_change=False)
    except LoginLocked:
        error = "Terlalu banyak percobaan yang salah. Coba lagi nanti."
    except AccountError as problem:
        error = str(problem)
    if error:
        return page(request, "password.html", 400, session=session, error=error)
    response = RedirectResponse("/masuk?sandi=baru", status_code=303)  # the account's sessions have all ended
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
