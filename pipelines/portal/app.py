"""The unit portal: unit staff upload their exports and see each one's verdict; the data team sees every unit.

Server-rendered pages in Indonesian that need no JavaScript. Every page a unit account sees is built from its own
unit's code, taken from its session, never from the request: another unit's file is "not found", another unit's
code in a form is refused. `python -m pipelines portal serve` runs it (uvicorn).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from pipelines.portal import accounts, admin_pages, auth_pages, unit_pages
from pipelines.portal.web import LoginNeeded, Refused, page
from pipelines.registry import registry
from pipelines.settings import portal_settings

HEADERS = {
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
"""Pages show a unit's data: never cached, framed, or allowed to load anything from elsewhere."""


def create_app() -> FastAPI:
    app = FastAPI(title="Portal Unit Monev ZI", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = portal_settings()
    for module in (auth_pages, unit_pages, admin_pages):
        app.include_router(module.router)

    @app.middleware("http")
    async def _security_headers(request: Request, call_next) -> Response:
        response = await call_next(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.exception_handler(Refused)
    async def _refused(request: Request, error: Refused) -> HTMLResponse:
        return page(request, "message.html", error.status, title="Tidak dapat diproses", message=error.message)

    @app.exception_handler(LoginNeeded)
    async def _login_needed(request: Request, error: LoginNeeded) -> RedirectResponse:
        return RedirectResponse("/masuk", status_code=303)

    @app.get("/kesehatan")
    def health() -> JSONResponse:
        """For the container's health check: the registry loads and the catalog answers."""
        registry()
        accounts.find_account("")
        return JSONResponse({"status": "ok"})

    return app
