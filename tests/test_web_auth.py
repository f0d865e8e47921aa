"""Web app access: no route answers without login, sessions, CSRF, rate limits, roles, headers."""

from __future__ import annotations

import re
from pathlib import Path

import pyotp
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from tests.webcase import PASSWORD, csrf, login, make_app

PUBLIC = {"/login"}


@pytest.fixture()
def web(tmp_path: Path):  # type: ignore[no-untyped-def]
    app, ids, secret = make_app(tmp_path, login_attempts=3)
    return app, ids, secret


def all_routes(routes: list[object]) -> list[APIRoute]:
    """Every API route, including those of included routers (FastAPI wraps them)."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found += all_routes(route.original_router.routes)
        elif hasattr(route, "routes") and not hasattr(route, "app"):
            found += all_routes(route.routes)
    return found


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "x", path)


def test_web_every_route_refuses_anonymous_requests(web) -> None:  # type: ignore[no-untyped-def]
    app, _, _ = web
    client = TestClient(app)
    checked = 0
    for route in all_routes(app.routes):
        if route.path in PUBLIC:
            continue
        for method in route.methods:
            response = client.request(method, _concrete(route.path), follow_redirects=False)
            checked += 1
            if response.status_code == 303:
                assert method == "GET" and not route.path.startswith("/api/")
                assert response.headers["location"].startswith("/login?next=")
            else:
                assert response.status_code == 401, (method, route.path, response.status_code)
    assert checked >= 40
    assert client.get("/openapi.json").status_code == 401
    assert client.get("/api/v1/figures").json() == {"detail": "login required"}


def test_web_swagger_and_redoc_are_off_and_no_cdn_is_referenced(web) -> None:  # type: ignore[no-untyped-def]
    app, _, _ = web
    client = TestClient(app)
    login(client, "edna")
    assert client.get("/docs").status_code == 404 and client.get("/redoc").status_code == 404
    for path in ("/", "/api-docs", "/login", "/static/app.js", "/static/app.css"):
        body = client.get(path).text.lower()
        assert "cdn" not in body and "https://" not in body, path
    assert "/api/v1/figures" in client.get("/openapi.json").json()["paths"]


def test_web_login_sets_safe_cookie_and_logout_revokes(web) -> None:  # type: ignore[no-untyped-def]
    app, _, _ = web
    client = TestClient(app)
    response = login(client, "edna")
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert "corroborator_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    token = client.cookies.get("corroborator_session")
    assert client.get("/").status_code == 200
    assert client.post("/logout", data={"csrf_token": csrf(client)}, follow_redirects=False).status_code == 303
    replay = TestClient(app, cookies={"corroborator_session": token})
    assert replay.get("/", follow_redirects=False).status_code == 303
    assert replay.get("/api/v1/me").status_code == 401


def test_web_password_change_revokes_every_session(web) -> None:  # type: ignore[no-untyped-def]
    app, _, _ = web
    laptop, phone = TestClient(app), TestClient(app)
    login(laptop, "edna")
    login(phone, "edna")
    wrong = laptop.post("/account/password", data={"csrf_token": csrf(laptop), "current_password": "nope",
                                                   "new_password": "a new long password",
                                                   "confirm_password": "a new long password"})
    assert wrong.status_code == 400 and "current password is wrong" in wrong.text
    done = laptop.post("/account/password", data={"csrf_token": csrf(laptop), "current_password": PASSWORD,
                                                  "new_password": "a new long password",
                                                  "confirm_password": "a new long password"},
                       follow_redirects=False)
    assert done.status_code == 303
    assert phone.get("/api/v1/me").status_code == 401
    assert login(TestClient(app), "edna").status_code == 401
    assert login(TestClient(app), "edna", "a new long password").status_code == 303


def test_web_wrong_password_is_audited_and_rate_limited(web) -> None:  # type: ignore[no-untyped-def]
    app, _, secret = web
    client = TestClient(app)
    for _ in range(3):
        assert login(client, "edna", "wrong password").status_code == 401
    limited = login(client, "edna", PASSWORD)
    assert limited.status_code == 429 and "Too many" in limited.text
    admin = TestClient(app)
    assert login(admin, "ada", totp=pyotp.TOTP(secret).now()).status_code == 303
    log = admin.get("/audit").text
    assert log.count("login.failed") == 3 and "login.limited" in log


def test_web_login_form_needs_its_token(web) -> None:  # type: ignore[no-untyped-def]
    app, _, _ = web
    client = TestClient(app)
    client.get("/login")
    response = client.post("/login", data={"name": "edna", "password": PASSWORD, "csrf_token": "forged"})
    assert response.status_code == 403
    assert client.get("/api/v1/me").status_code == 401


def test_web_admin_login_needs_the_totp_code(web) -> None:  # type: ignore[no-untyped-def]
    app, _, secret = web
    assert login(TestClient(app), "ada").status_code == 401
    assert login(TestClient(app), "ada", totp="123456" if pyotp.TOTP(secret).now() != "123456" else "654321"
                 ).status_code == 401
    client = TestClient(app)
    assert login(client, "ada", totp=pyotp.TOTP(secret).now()).status_code == 303
    assert client.get("/api/v1/me").json()["role"] == "admin"


def test_web_login_next_never_leaves_the_site(web) -> None:  # type: ignore[no-untyped-def]
    app, _, _ = web
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        client = TestClient(app)
        client.get("/login")
        token = client.cookies.get("corroborator_login")
        response = client.post("/login", data={"name": "edna", "password": PASSWORD, "csrf_token": token,
                                               "next": target}, follow_redirects=False)
        assert response.headers["location"] == "/"


def test_web_csrf_is_required_on_every_form_and_api_post(web) -> None:  # type: ignore[no-untyped-def]
    app, ids, _ = web
    client = TestClient(app)
    login(client, "edna")
    figure = client.get("/api/v1/figures").json()["items"][0]["id"]
    for path, data in [("/logout", {}), (f"/figures/{figure}/review", {"op": "confirm"}),
                       ("/claims/claim-detained/review", {"op": "lock"}),
                       ("/entities/ent-grant/review", {"op": "merge", "into": "ent-paul"}),
                       ("/account/password", {"current_password": PASSWORD})]:
        for token in (None, "wrong"):
            form = dict(data) | ({"csrf_token": token} if token else {})
            assert client.post(path, data=form).status_code == 403, path
    api = client.post("/api/v1/reviews", json={"action": "figure.confirm", "target": figure})
    assert api.status_code == 403
    assert client.get("/api/v1/reviews").json()["total"] == 0
    assert client.get("/api/v1/me").status_code == 200  # still logged in


def test_web_roles_limit_what_users_can_do(web) -> None:  # type: ignore[no-untyped-def]
    app, _, _ = web
    viewer = TestClient(app)
    login(viewer, "vic")
    assert viewer.get("/").status_code == 200 and viewer.get("/figures").status_code == 200
    figure = viewer.get("/api/v1/figures").json()["items"][0]["id"]
    refused = viewer.post("/api/v1/reviews", json={"action": "figure.confirm", "target": figure},
                          headers={"X-CSRF-Token": csrf(viewer)})
    assert refused.status_code == 403 and "editor" in refused.json()["detail"]
    assert viewer.post(f"/figures/{figure}/review", data={"op": "confirm", "csrf_token": csrf(viewer)}
                       ).status_code == 403
    for path in ("/users", "/audit"):
        assert viewer.get(path).status_code == 403
    editor = TestClient(app)
    login(editor, "edna")
    assert editor.get("/users").status_code == 403
    assert editor.post("/reveal", data={"reveal": "1", "csrf_token": csrf(editor)}).status_code == 403


def test_web_admin_manages_users(web) -> None:  # type: ignore[no-untyped-def]
    app, _, secret = web
    admin = TestClient(app)
    login(admin, "ada", totp=pyotp.TOTP(secret).now())
    token = csrf(admin)
    added = admin.post("/users", data={"op": "add", "name": "newbie", "role": "admin", "password": PASSWORD,
                                       "csrf_token": token})
    assert added.status_code == 200 and "otpauth://totp/" in added.text
    assert admin.post("/users", data={"op": "add", "name": "x", "role": "viewer", "password": "short",
                                      "csrf_token": token}).status_code == 400
    editor = TestClient(app)
    login(editor, "edna")
    assert admin.post("/users", data={"op": "disable", "name": "edna", "csrf_token": token}).status_code == 200
    assert editor.get("/api/v1/me").status_code == 401
    assert admin.post("/users", data={"op": "disable", "name": "ada", "csrf_token": token}).status_code == 400
    assert "user.disable" in admin.get("/audit").text


def test_web_security_headers_on_pages_and_api(web) -> None:  # type: ignore[no-untyped-def]
    app, _, _ = web
    client = TestClient(app)
    login(client, "edna")
    for path in ("/", "/api/v1/case", "/login"):
        headers = client.get(path).headers
        assert "script-src 'self'" in headers["content-security-policy"]
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff" and headers["cache-control"] == "no-store"
