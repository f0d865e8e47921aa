"""Web pages: every page renders, hostile text stays inert, protected people stay pseudonymous."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pyotp
import pytest
from fastapi.testclient import TestClient

from tests.webcase import HOSTILE_TITLE, csrf, login, make_app

RAW_MARKUP = re.compile(r"<script>alert|<img src=x onerror|<b>Evil</b>|href=\"javascript:", re.IGNORECASE)


@pytest.fixture()
def web(tmp_path: Path):  # type: ignore[no-untyped-def]
    return make_app(tmp_path)


def _u(value: str) -> str:
    return quote(value, safe="")


def _pages(client: TestClient) -> list[str]:
    """Every page of the app, with real ids taken from the reader's own API answers."""
    first = {kind: client.get(f"/api/v1/{kind}").json()["items"] for kind in ("documents", "quotes", "figures")}
    paths = ["/", "/documents", "/entities", "/entities?type=PERSON", "/quotes", "/quotes?protected=yes",
             "/figures", "/figures?event=detained", "/claims", "/claims/claim-detained", "/search?q=river",
             "/search?q=script&scope=quotes", "/search?q=alert", "/queue", "/queue?kind=quotes",
             "/queue?kind=figures&status=all", "/reviews", "/account", "/api-docs", "/entities/ent-evil"]
    paths += [f"/documents/{_u(d['id'])}" for d in first["documents"]]
    paths += [f"/quotes/{_u(q['id'])}" for q in first["quotes"]]
    paths += [f"/figures/{_u(f['id'])}" for f in first["figures"]]
    return paths


def test_web_every_page_renders_for_an_editor(web) -> None:  # type: ignore[no-untyped-def]
    app, _, _ = web
    client = TestClient(app)
    login(client, "edna")
    for path in _pages(client):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/html")


def test_web_hostile_text_renders_as_text_everywhere(web) -> None:  # type: ignore[no-untyped-def]
    app, ids, _ = web
    client = TestClient(app)
    login(client, "edna")
    for path in _pages(client):
        html = client.get(path).text
        assert not RAW_MARKUP.search(html), path
    reader = client.get(f"/documents/{ids['doc_c']}").text
    assert "&lt;script&gt;alert(" in reader and "&lt;img src=x onerror=alert(1)&gt;" in reader
    assert 'href="javascript:' not in reader and "&lt;b&gt;Evil&lt;/b&gt; Daily" in reader
    snippet = client.get("/search?q=alert").text
    assert "&lt;script&gt;" in snippet and "<mark>alert</mark>" in snippet
    assert HOSTILE_TITLE not in client.get("/documents").text


def test_web_reader_marks_noise_and_links_mentions(web) -> None:  # type: ignore[no-untyped-def]
    app, ids, _ = web
    client = TestClient(app)
    login(client, "edna")
    html = client.get(f"/documents/{ids['doc_a']}").text
    assert 'class="noise noise-footer"' in html and 'class="noise noise-teaser"' in html
    assert 'href="/entities/ent-paul"' in html and 'class="m-figure"' in html and 'class="m-quote"' in html
    assert re.search(r'<a class="m-figure" href="/figures/[^"]+"[^>]*id="at-\d+"', html)


def test_web_protected_people_are_pseudonymous_for_non_admins(web) -> None:  # type: ignore[no-untyped-def]
    app, _, secret = web
    for name, totp in (("edna", None), ("vic", None), ("ada", pyotp.TOTP(secret).now())):
        client = TestClient(app)
        login(client, name, totp=totp)
        for path in [*_pages(client), "/search?q=karim", "/search?q=student", "/api/v1/quotes", "/api/v1/entities",
                     "/api/v1/documents", "/api/v1/search?q=student", "/api/v1/export", "/export.json"]:
            body = client.get(path).text
            assert "Karim" not in body, (name, path)
        assert "[Witness 1]" in client.get("/api/v1/quotes").text
        assert client.get("/search?q=karim").text.count("<mark>") == 0


def test_web_admin_reveal_shows_identities_and_is_audited(web) -> None:  # type: ignore[no-untyped-def]
    app, ids, secret = web
    admin = TestClient(app)
    login(admin, "ada", totp=pyotp.TOTP(secret).now())
    assert admin.post("/reveal", data={"reveal": "1", "csrf_token": csrf(admin), "next": "/"},
                      follow_redirects=False).status_code == 303
    page = admin.get(f"/documents/{ids['doc_a']}").text
    assert "Karim" in page and "Protected identities are revealed" in page
    assert "Karim" in admin.get("/api/v1/quotes").text
    export = admin.get("/export.json")
    assert "Karim" in export.text and export.json()["redacted"] is False
    log = admin.get("/audit?action=view.protected").text
    assert f"/documents/{ids['doc_a']}" in log and "/api/v1/quotes" in log
    assert "export.protected" in admin.get("/audit?action=export").text
    admin.post("/reveal", data={"reveal": "0", "csrf_token": csrf(admin)})
    assert "Karim" not in admin.get(f"/documents/{ids['doc_a']}").text


def test_web_exports_are_audited(web) -> None:  # type: ignore[no-untyped-def]
    app, _, secret = web
    editor = TestClient(app)
    login(editor, "edna")
    data = editor.get("/export.json")
    assert data.headers["content-disposition"].startswith("attachment") and data.json()["redacted"] is True
    admin = TestClient(app)
    login(admin, "ada", totp=pyotp.TOTP(secret).now())
    assert re.search(r"edna</td><td><code>export</code>", admin.get("/audit").text)


def test_web_unknown_items_answer_404(web) -> None:  # type: ignore[no-untyped-def]
    app, _, _ = web
    client = TestClient(app)
    login(client, "edna")
    for path in ("/documents/nope", "/entities/nope", "/quotes/nope", "/figures/nope", "/claims/nope"):
        response = client.get(path)
        assert response.status_code == 404 and "edna" in response.text, path
    assert client.get("/api/v1/figures/nope").status_code == 404
    assert client.get("/search?q=x&scope=people").status_code == 400
