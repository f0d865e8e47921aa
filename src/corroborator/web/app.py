"""The FastAPI app factory: pages, JSON API, security headers, error handling.

Every route but the login form and the bundled static files needs a live session: the
page and API routers carry the :func:`~corroborator.web.deps.current` dependency as a
whole, so a route cannot be added without it. No asset is fetched from elsewhere:
FastAPI's Swagger and ReDoc pages (which load from a CDN) are off and ``/api-docs``
lists the OpenAPI schema locally.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from corroborator import __version__
from corroborator.review.accounts import LoginThrottle, ThrottleSettings
from corroborator.errors import CaseFileError, CorroboratorError, RedactionError
from corroborator.web import api, pages_auth, pages_case, pages_review, pages_sources
from corroborator.web.deps import LoginRequired, WebError, current, render
from corroborator.web.guard import REFUSED, check_output
from corroborator.web.state import CaseState, Settings, View

logger = logging.getLogger(__name__)
# A value quoted in an error message (``{value!r}``).
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")

STATIC = Path(__file__).parent / "static"
# Scripts and styles come from this server only; nothing may frame the app or be fetched elsewhere.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/openapi.json"))


def create_app(case_path: str | os.PathLike[str], *, settings: Settings | None = None) -> FastAPI:
    """The review web app of one case file.

    Args:
        case_path: The case file (built with ``corroborator build``).
        settings: Cookie, session, rate-limit and paging options.

    Raises:
        CaseFileError: The case file is missing or not a case file.
    """
    settings = settings or Settings()
    path = Path(case_path)
    if not path.exists():
        raise CaseFileError(f"{path}: no such case file (build one with `corroborator build`)")
    state = CaseState(path, settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        state.close()  # The server is stopping: release the case file now, not at exit.

    app = FastAPI(title="Corroborator review", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url=None, lifespan=lifespan,
                  description="Browse, search and review a Corroborator case file. Every route needs a login; "
                              "lists are paginated with offset and limit; items follow the JSON export contract.")
    app.state.case = state
    app.state.settings = settings
    app.state.limiter = LoginThrottle(ThrottleSettings(
        per_name_address=settings.login_attempts, per_address=settings.login_per_address,
        name_addresses=settings.login_name_addresses, window=settings.login_window, base=settings.login_backoff,
        cap=settings.login_backoff_cap), clock=settings.clock)
    with app.state.case.db.store():
        pass  # Fail at start, not on the first request, if the file is unusable.

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(pages_auth.public)
    guarded = [Depends(current)]
    app.include_router(pages_auth.router, dependencies=guarded)
    app.include_router(pages_case.router, dependencies=guarded)
    app.include_router(pages_review.router, dependencies=guarded)
    app.include_router(pages_sources.router, dependencies=guarded)
    app.include_router(api.router, dependencies=guarded)

    @app.get("/openapi.json", include_in_schema=False, dependencies=guarded)
    def openapi_schema() -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.middleware("http")
    async def final_check(request: Request, call_next):  # type: ignore[no-untyped-def]
        """Check every body sent to a reader who may not see protected witnesses, whole.

        Nothing of the request (query, path, form, headers, cookies) is left out of the
        check or changes what it looks for: pages send the reader's own input only in a
        form no name can be read in (:func:`~corroborator.web.deps.echo_codes`).
        """
        response: Response = await call_next(request)
        if request.url.path.startswith("/static/"):
            return response
        view = _checked_view(request)
        if view is None:
            return response
        body = b"".join([chunk async for chunk in response.body_iterator])  # type: ignore[attr-defined]
        try:
            check_output(view, body.decode("utf-8", errors="replace"), where=request.url.path)
        except RedactionError:
            refused = _error(request, 500, REFUSED)
            try:
                check_output(view, bytes(refused.body).decode("utf-8", errors="replace"), where="error page")
            except RedactionError:
                refused = Response(REFUSED, status_code=500, media_type="text/plain")
            return refused
        checked = Response(body, status_code=response.status_code)
        # Every header as sent (two Set-Cookie headers stay two), the length of this body.
        checked.raw_headers = [(k, v) for k, v in response.raw_headers if k.lower() != b"content-length"] + \
            [(b"content-length", str(len(body)).encode())]
        return checked

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response: Response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if not request.url.path.startswith("/static/"):
            # Case data must not linger in shared or browser caches.
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        if _is_api(request) or request.method != "GET":
            detail = "session expired: log in again" if exc.expired else "login required"
            return JSONResponse({"detail": detail}, status_code=401,
                                headers={"WWW-Authenticate": 'Cookie realm="corroborator"'})
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        query = {"next": target} | ({"msg": "expired"} if exc.expired else {})
        return RedirectResponse("/login?" + urlencode(query), status_code=303)

    @app.exception_handler(CorroboratorError)
    async def library_error(request: Request, exc: CorroboratorError) -> Response:
        # Every error carries its status; a RedactionError is a 500 and shows nothing of the case.
        if exc.status >= 500 or not isinstance(exc, WebError):
            logger.warning("%s %s: %s", request.method, request.url.path, exc)
        message = str(exc)
        if exc.echoes_input:
            # A value the reader sent is not repeated back in the message (see final_check).
            message = _QUOTED.sub("(the value given)", message)
        return _error(request, exc.status, message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return _error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        if _is_api(request):
            # Where and why, never the value sent: the reader's input is not repeated back.
            errors = [{k: v for k, v in e.items() if k in ("type", "loc", "msg")} for e in exc.errors()]
            return JSONResponse({"detail": errors}, status_code=422)
        return _error(request, 422, "the request was not understood: check the form fields")

    return app


def _checked_view(request: Request) -> View | None:
    """The view whose witnesses a response to this request is checked for; None for a revealing admin.

    A request without a live session (the login form, a redirect, a 401) is checked
    against the redacted view as well, once the case has been loaded.
    """
    ctx = getattr(request.state, "ctx", None)
    if ctx is not None:
        return ctx.view if ctx.view.redacted else None
    state: CaseState = request.app.state.case
    if not state.version:
        return None
    try:
        return state.view(redacted=True)
    except CorroboratorError:
        return None


def _error(request: Request, status: int, message: str) -> Response:
    """An error as JSON for the API and as a page otherwise."""
    if _is_api(request):
        return JSONResponse({"detail": message}, status_code=status)
    ctx = getattr(request.state, "ctx", None)
    return render(request, "error.html", ctx, http_status=status, status_code=status, message=message)
