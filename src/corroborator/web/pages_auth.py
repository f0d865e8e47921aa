"""Login, logout, the account page, user management, the audit log and review history."""

from __future__ import annotations

import dataclasses
import hmac
import json
import logging
import math
import secrets
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from corroborator.review import accounts
from corroborator.review.accounts import AccountError, LoginError
from corroborator.web.deps import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    Ctx,
    WebError,
    case_state,
    current,
    form_of,
    paginate,
    render,
    safe_next,
)
from corroborator.web.guard import WITHHELD, quotes_testimony
from corroborator.web.history import present_review

logger = logging.getLogger(__name__)

public = APIRouter(include_in_schema=False)
router = APIRouter(include_in_schema=False)
_MESSAGES = {"password-changed": "Password changed: every session was ended. Log in with the new password.",
             "logged-out": "You are logged out."}
#: The cookie that marks a browser as having logged in as a name (see :mod:`corroborator.review.throttle`).
DEVICE_COOKIE = "corroborator_device"


def _cookie_options(request: Request) -> dict[str, Any]:
    return {"httponly": True, "samesite": "lax", "secure": request.app.state.settings.secure_cookies, "path": "/"}


def _delete_cookie(response: Response, request: Request, name: str) -> None:
    """Remove a cookie with the attributes it was set with (a Secure cookie is replaced only by a Secure one)."""
    response.delete_cookie(name, **_cookie_options(request))


def _message(request: Request, msg: str) -> str | None:
    """The note a ``msg`` value of the login form stands for."""
    if msg == "expired":
        minutes = request.app.state.settings.session_idle_minutes
        idle = f" or after {minutes:g} minutes without activity" if minutes > 0 else ""
        return f"Your session ended (it lasts at most {request.app.state.settings.session_hours:g} hours{idle}). " \
               "Log in again."
    return _MESSAGES.get(msg)


@public.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/", msg: str = "") -> Response:
    """The login form; a fresh token in a cookie and the form guards it against cross-site posts."""
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", login_token=token, next=safe_next(next), error=None,
                      message=_message(request, msg))
    response.set_cookie(LOGIN_CSRF_COOKIE, token, max_age=3600, **_cookie_options(request))
    return response


def _limited(request: Request, limit: accounts.Limit, token: str, target: str) -> Response:
    """The answer to an attempt the throttle refuses: when to try again."""
    wait = max(1, math.ceil(limit.seconds))
    when = f"{wait} seconds" if wait < 120 else f"{math.ceil(wait / 60)} minutes"
    response = render(request, "login.html", http_status=429, login_token=token, next=target, message=None,
                      error=f"Too many failed attempts. Wait {when} before trying again.")
    response.headers["Retry-After"] = str(wait)
    return response


@public.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    """Check name, password and TOTP code; start a session.

    Failures slow further attempts down (:class:`~corroborator.review.throttle.LoginThrottle`)
    rather than lock the name: a refused attempt is answered 429 with ``Retry-After``
    before its password is checked, and a browser that logged in as the name before is
    not slowed by other addresses' failures on it.
    """
    form = await request.form()
    name, password = str(form.get("name", ""))[:64], str(form.get("password", ""))[:1024]
    code, target = str(form.get("totp", ""))[:12], safe_next(str(form.get("next", "/")))
    cookie_token = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie_token or not hmac.compare_digest(cookie_token, str(form.get("csrf_token", ""))):
        raise WebError(403, "the login form expired or came from another site: reload it and try again")
    throttle: accounts.LoginThrottle = request.app.state.limiter
    client = request.client.host if request.client else "?"
    settings = request.app.state.settings
    state = case_state(request)
    limit = throttle.check(client, name, request.cookies.get(DEVICE_COOKIE))
    if limit is not None:
        if throttle.worth_recording(client, name, limit):
            with state.db.store() as store:
                accounts.record_audit(store, None, "login.limited", name,
                                      {"client": client, "scope": limit.scope, "wait": math.ceil(limit.seconds)})
        return _limited(request, limit, cookie_token, target)
    with state.db.store() as store:
        try:
            user = accounts.verify_login(store, name, password, code)
        except LoginError as exc:
            throttle.failed(client, name)
            accounts.record_audit(store, None, "login.failed", name, {"client": client})
            return render(request, "login.html", http_status=401, login_token=cookie_token, next=target,
                          message=None, error=str(exc))
        device = throttle.succeeded(client, name)
        hours = settings.session_hours
        idle = timedelta(minutes=settings.session_idle_minutes) if settings.session_idle_minutes > 0 else None
        session = accounts.create_session(store, user, timedelta(hours=hours), idle=idle,
                                          now=accounts.utc(settings.clock()))
        accounts.record_audit(store, user.name, "login", None, {"client": client})
    response = RedirectResponse(target, status_code=303)
    # The cookie outlives an idle session on purpose: the server ends it, and says why.
    response.set_cookie(SESSION_COOKIE, session.token, max_age=int(hours * 3600), **_cookie_options(request))
    response.set_cookie(DEVICE_COOKIE, device, max_age=int(throttle.settings.device_days * 86400),
                        **(_cookie_options(request) | {"path": "/login"}))
    _delete_cookie(response, request, LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
async def logout(ctx: Ctx = Depends(current)) -> Response:
    """End this session."""
    await form_of(ctx)
    with ctx.state.db.store() as store:
        accounts.revoke_session(store, ctx.session.token)
        accounts.record_audit(store, ctx.user.name, "logout")
    response = RedirectResponse("/login?msg=logged-out", status_code=303)
    _delete_cookie(response, ctx.request, SESSION_COOKIE)
    return response


@router.get("/account", response_class=HTMLResponse)
def account(ctx: Ctx = Depends(current)) -> Response:
    """The reader's own account: role, second factor, password change."""
    return render(ctx.request, "account.html", ctx, error=None)


@router.post("/account/password", response_class=HTMLResponse)
async def change_password(ctx: Ctx = Depends(current)) -> Response:
    """Change the reader's password; every session of theirs ends."""
    form = await form_of(ctx)
    new = str(form.get("new_password", ""))
    with ctx.state.db.store() as store:
        if not accounts.verify_password(store, ctx.user.name, str(form.get("current_password", ""))):
            accounts.record_audit(store, ctx.user.name, "password.failed")
            return render(ctx.request, "account.html", ctx, http_status=400, error="The current password is wrong.")
        if new != form.get("confirm_password"):
            return render(ctx.request, "account.html", ctx, http_status=400, error="The new passwords differ.")
        try:
            accounts.set_password(store, ctx.user.name, new)
        except AccountError as exc:
            return render(ctx.request, "account.html", ctx, http_status=400, error=str(exc))
        accounts.record_audit(store, ctx.user.name, "password.change", ctx.user.name)
    response = RedirectResponse("/login?msg=password-changed", status_code=303)
    _delete_cookie(response, ctx.request, SESSION_COOKIE)
    return response


@router.post("/reveal")
async def reveal(ctx: Ctx = Depends(current)) -> Response:
    """Admins: show or hide protected identities in this session (audited)."""
    ctx.require("admin")
    form = await form_of(ctx)
    on = form.get("reveal") == "1"
    with ctx.state.db.store() as store:
        accounts.set_reveal(store, ctx.session.token, on)
        accounts.record_audit(store, ctx.user.name, "reveal.on" if on else "reveal.off")
    return RedirectResponse(safe_next(str(form.get("next", "/"))), status_code=303)


@router.get("/users", response_class=HTMLResponse)
def users(ctx: Ctx = Depends(current)) -> Response:
    """Admins: every user, with forms to add, change role and disable."""
    ctx.require("admin")
    with ctx.state.db.store() as store:
        listed = accounts.list_users(store)
    return render(ctx.request, "users.html", ctx, users=listed, roles=accounts.ROLES, created=None, error=None)


@router.post("/users", response_class=HTMLResponse)
async def users_change(ctx: Ctx = Depends(current)) -> Response:
    """Admins: add a user, change a role, enable or disable (``op`` says which)."""
    ctx.require("admin")
    form = await form_of(ctx)
    op, name = form.get("op"), str(form.get("name", ""))
    created, error = None, None
    with ctx.state.db.store() as store:
        try:
            if op == "add":
                user, secret = accounts.add_user(store, name, str(form.get("role", "")), str(form.get("password", "")))
                created = {"name": user.name, "secret": secret,
                           "uri": accounts.totp_uri(user.name, secret) if secret else None}
            elif op == "role":
                if name == ctx.user.name:
                    raise AccountError("you cannot change your own role")
                secret = accounts.set_role(store, name, str(form.get("role", "")))
                accounts.record_audit(store, ctx.user.name, "user.role", name, {"role": form.get("role")})
                if secret:
                    created = {"name": name, "secret": secret, "uri": accounts.totp_uri(name, secret)}
            elif op in ("disable", "enable"):
                if name == ctx.user.name:
                    raise AccountError("you cannot disable yourself")
                accounts.set_active(store, name, op == "enable")
                accounts.record_audit(store, ctx.user.name, f"user.{op}", name)
            else:
                raise AccountError(f"unknown user operation {op!r}")
        except AccountError as exc:
            error = str(exc)
        listed = accounts.list_users(store)
    return render(ctx.request, "users.html", ctx, http_status=400 if error else 200, users=listed,
                  roles=accounts.ROLES, created=created, error=error)


@router.get("/audit", response_class=HTMLResponse)
def audit(ctx: Ctx = Depends(current), page: int = 1, action: str = "") -> Response:
    """Admins: the audit log (logins, views and exports of protected identities, user changes)."""
    ctx.require("admin")
    size = ctx.state.settings.page_size
    with ctx.state.db.store() as store:
        records = accounts.audit_records(store, limit=size + 1, offset=(max(page, 1) - 1) * size,
                                         action=action[:40] or None)
    shown = [_audit_record(r, ctx) for r in records[:size]]
    return render(ctx.request, "audit.html", ctx, guard=True, records=shown, page=max(page, 1),
                  more=len(records) > size, action=action)


def _audit_record(r: accounts.AuditRecord, ctx: Ctx) -> accounts.AuditRecord:
    """An audit record with names a non-revealing admin may not see replaced (a revealing admin's queries)."""
    if not ctx.view.redacted:
        return r
    scrub = ctx.view.witnesses().scrub

    def clean(v: Any) -> Any:
        """Strings scrubbed, containers recursively."""
        if isinstance(v, str):
            v = scrub(v)
            return WITHHELD if quotes_testimony(ctx.view, v) else v
        if isinstance(v, dict):
            return {clean(k): clean(x) for k, x in v.items()}
        if isinstance(v, list):
            return [clean(x) for x in v]
        return v

    return dataclasses.replace(r, user=clean(r.user), target=clean(r.target), detail=clean(r.detail))


@router.get("/reviews", response_class=HTMLResponse)
def reviews(ctx: Ctx = Depends(current), page: int = 1, user: str = "", action: str = "") -> Response:
    """Every review action, newest first: who, when, what, before → after."""
    listed = [r for r in reversed(ctx.state.reviews)
              if (not user or r.user == user) and (not action or r.action.startswith(action))]
    pager = paginate(listed, page, ctx.state.settings.page_size)
    shown = [present_review(r, ctx.view) for r in pager.items]
    return render(ctx.request, "reviews.html", ctx, guard=True, pager=pager, reviews=shown, user_filter=user,
                  action=action, fmt=lambda v: json.dumps(v, ensure_ascii=False))


@router.get("/export.json")
def export_json(ctx: Ctx = Depends(current)) -> Response:
    """Download the corrected case as the JSON export contract (redacted unless revealed; audited)."""
    data = ctx.view.data()
    ctx.audit("export.protected" if not ctx.view.redacted else "export", "json",
              {"redacted": ctx.view.redacted})
    body = json.dumps(data, ensure_ascii=False, indent=2)
    name = "case-redacted.json" if ctx.view.redacted else "case.json"
    return Response(body, media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/api-docs", response_class=HTMLResponse)
def api_docs(ctx: Ctx = Depends(current)) -> Response:
    """The JSON API's routes, read from the OpenAPI schema (no CDN-hosted Swagger UI)."""
    schema = ctx.request.app.openapi()
    routes = [{"method": method.upper(), "path": path, "summary": op.get("summary", ""),
               "description": op.get("description", ""),
               "params": [p["name"] for p in op.get("parameters", [])]}
              for path, ops in schema.get("paths", {}).items() for method, op in ops.items()]
    return render(ctx.request, "api_docs.html", ctx, routes=routes, info=schema.get("info", {}))
