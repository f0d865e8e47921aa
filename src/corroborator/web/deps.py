"""What every route shares: the logged-in reader, CSRF checks, errors, page rendering."""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import jinja2
from markupsafe import Markup
from fastapi import Request
from fastapi.responses import HTMLResponse

from corroborator.errors import CaseFileBusyError, CorroboratorError, WebError
from corroborator.review import accounts
from corroborator.review.accounts import Session
from corroborator.web.guard import check_output
from corroborator.web.present import doc_title, url
from corroborator.web.state import CaseState, View

logger = logging.getLogger(__name__)

SESSION_COOKIE = "corroborator_session"
LOGIN_CSRF_COOKIE = "corroborator_login"
TEMPLATES = Path(__file__).parent / "templates"


class LoginRequired(CorroboratorError):
    """No live session: pages redirect to the login form, the API answers 401.

    ``expired`` when the reader's session ended (unused too long, or past its lifetime):
    the login form then says so.
    """

    status = 401

    def __init__(self, *, expired: bool = False) -> None:
        super().__init__("session expired" if expired else "login required")
        self.expired = expired


@dataclass
class Ctx:
    """The request's reader and the view of the case they may see."""

    request: Request
    session: Session
    state: CaseState
    view: View

    @property
    def user(self) -> accounts.User:
        """The logged-in user."""
        return self.session.user

    def require(self, role: str) -> None:
        """Refuse the request unless the user holds ``role`` (or a stronger one)."""
        if not self.user.can(role):
            raise WebError(403, f"this needs the {role} role; you are {self.user.role}")

    def audit(self, action: str, target: str | None = None, detail: dict[str, Any] | None = None) -> None:
        """Append an audit record for this user (kept in memory while the case is being built)."""
        try:
            with self.state.db.store() as store:
                accounts.record_audit(store, self.user.name, action, target, detail)
        except CaseFileBusyError:
            if not self.state.db.building():
                raise
            self.state.db.defer_audit(self.user.name, action, target, detail)


def case_state(request: Request) -> CaseState:
    """The app's case state."""
    state: CaseState = request.app.state.case
    return state


def current(request: Request) -> Ctx:
    """The logged-in reader and their view (a FastAPI dependency for every protected route).

    Loads changes of the case file, and audits every view an admin makes with protected
    identities revealed. While the case is being built, a reader whose session was
    checked before is served the case as loaded before the build (the audit record
    waits in memory for the build to end).

    Raises:
        LoginRequired: No live session (or one that expired).
        CaseFileBusyError: The case is being built and this session or the case was
            never read from the file (503).
    """
    state = case_state(request)
    settings = state.settings
    now = accounts.utc(settings.clock())
    idle = timedelta(minutes=settings.session_idle_minutes) if settings.session_idle_minutes > 0 else None
    token = request.cookies.get(SESSION_COOKIE)
    audit = {"query": str(request.url.query)[:200]}
    try:
        with state.db.store() as store:
            session = accounts.lookup_session(store, token, now=now, idle=idle,
                                              lifetime=timedelta(hours=settings.session_hours))
            state.remember_session(token, session)
            if session is None:
                raise LoginRequired(expired=accounts.session_expired(store, token, now=now))
            state.refresh(store)
            if session.reveal and state.has_protected():
                accounts.record_audit(store, session.user.name, "view.protected", request.url.path, audit)
    except CaseFileBusyError:
        session = state.remembered_session(token) if state.db.building() and state.loaded else None
        if session is None:
            raise
        if session.reveal and state.has_protected():
            state.db.defer_audit(session.user.name, "view.protected", request.url.path, audit)
    ctx = Ctx(request, session, state, state.view(redacted=not session.reveal))
    request.state.ctx = ctx  # error pages show the reader's menu too
    return ctx


def check_csrf(ctx: Ctx, token: str | None) -> None:
    """Refuse a state-changing request whose CSRF token is not the session's.

    Raises:
        WebError: 403 when the token is missing or wrong.
    """
    if not token or not hmac.compare_digest(str(token), ctx.session.csrf):
        raise WebError(403, "missing or invalid CSRF token: reload the page and try again")


async def form_of(ctx: Ctx) -> dict[str, Any]:
    """The submitted form, after its CSRF token has been checked."""
    form = await ctx.request.form()
    check_csrf(ctx, form.get("csrf_token"))  # type: ignore[arg-type]
    out: dict[str, Any] = {}
    for key in form.keys():
        values = form.getlist(key)
        out[key] = values if len(values) > 1 or key.endswith("[]") else values[0]
    return out


# What a review action may be called in the "Saved: ..." note; any other ``done`` value is not repeated.
SAVED_OPS = frozenset({"confirm", "reject", "correct", "speaker", "status", "merge", "split", "protect", "unprotect",
                       "mark", "unmark", "note", "reopen"})


def echo_codes(value: Any) -> str:
    """``value`` as dot-separated decimal code points: what a page sends of the reader's own input.

    A page never repeats what the reader typed in plain words, whatever it holds: digits
    cannot spell a name, so the final check (:func:`corroborator.web.guard.check_output`)
    reads the whole page with nothing left out, and a typed name is neither refused nor
    confirmed. ``static/echo.js`` shows it again in the browser.
    """
    return ".".join(str(ord(c)) for c in str(value if value is not None else ""))


def echo_value(value: Any) -> Markup:
    """Attributes of an ``<input>`` that shows the reader's own ``value`` (filled in by the browser)."""
    return Markup('value="" data-echo="{}"').format(echo_codes(value))


def echo_text(value: Any) -> Markup:
    """An element that shows the reader's own ``value`` as text (filled in by the browser)."""
    return Markup('<span class="echo" data-echo="{}"></span>').format(echo_codes(value))


def query_string(**kw: Any) -> str:
    """``?k=v&...`` with every byte of every value percent-encoded, so no typed word is spelt out."""
    def enc(v: Any) -> str:
        return "".join(f"%{b:02X}" for b in str(v).encode("utf-8"))
    return "?" + "&".join(f"{quote(k, safe='')}={enc(v)}" for k, v in kw.items() if v not in (None, ""))


def saved_op(request: Request) -> str | None:
    """The action named by a ``done`` query value, if it is one of :data:`SAVED_OPS` (never the value itself)."""
    done = request.query_params.get("done")
    return next((op for op in sorted(SAVED_OPS) if op == done), None) if done else None


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["thousands"] = lambda v: f"{v:,}" if isinstance(v, int) else v
    env.filters["short"] = lambda v, n=12: (v[:n] + "…") if isinstance(v, str) and len(v) > n + 1 else v
    env.globals["qs"] = query_string
    env.globals["saved_op"] = saved_op
    env.filters["echo_value"] = echo_value
    env.filters["echo_text"] = echo_text
    env.globals["url"] = url
    env.filters["doc_title"] = doc_title
    return env


ENV = _environment()


def render(request: Request, template: str, ctx: Ctx | None = None, *, http_status: int = 200, guard: bool = False,
           **values: Any) -> HTMLResponse:
    """Render a page; every value is escaped by the template unless it is a Markup object.

    With ``guard``, a page for a reader who may not see protected witnesses is checked
    by :func:`corroborator.web.guard.check_output` before it is sent (pages showing
    review or audit records, which are not part of the redacted case).

    Raises:
        RedactionError: The guarded page failed the check (nothing of it is sent).
    """
    base: dict[str, Any] = {"request": request, "path": request.url.path, "user": None, "csrf": "",
                            "redacted": True, "reveal": False, "case_name": case_state(request).path.name}
    if ctx is not None:
        base |= {"user": ctx.user, "csrf": ctx.session.csrf, "redacted": ctx.view.redacted,
                 "reveal": ctx.session.reveal, "has_protected": ctx.state.has_protected()}
    html = ENV.get_template(template).render(base | values)
    if guard and ctx is not None and ctx.view.redacted:
        check_output(ctx.view, html, where=request.url.path)
    return HTMLResponse(html, status_code=http_status)


@dataclass(frozen=True)
class Pager:
    """One page of a list."""

    items: list[Any]
    page: int
    pages: int
    total: int


def paginate(items: list[Any], page: int, size: int) -> Pager:
    """Cut ``items`` to page ``page`` (1-based; out-of-range pages are clamped)."""
    pages = max(1, -(-len(items) // size))
    page = min(max(1, page), pages)
    return Pager(items[(page - 1) * size:page * size], page, pages, len(items))


def safe_next(target: str | None) -> str:
    """A local path to go to after login (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
