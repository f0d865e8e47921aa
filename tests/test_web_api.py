"""The JSON API: the export contract's dicts, paginated, filtered, described by OpenAPI."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from corroborator.outputs.export import case_to_dict
from corroborator.outputs.redact import redact_case
from corroborator.store import open_case
from tests.webcase import login, make_app


@pytest.fixture()
def client(tmp_path: Path) -> TestClient:
    app, _, _ = make_app(tmp_path)
    client = TestClient(app)
    login(client, "vic")
    client.case = tmp_path / "case.duckdb"  # type: ignore[attr-defined]
    client.app_state = app.state  # type: ignore[attr-defined]
    return client


def test_web_api_items_are_the_export_contract(client: TestClient) -> None:
    client.app_state.case.db.close()  # type: ignore[attr-defined]
    with open_case(client.case, read_only=True) as store:  # type: ignore[attr-defined]
        expected = case_to_dict(redact_case(store.load_case()))
    for kind in ("documents", "entities", "quotes", "figures", "events", "claims"):
        page = client.get(f"/api/v1/{kind}?limit=500").json()
        assert page["items"] == expected[kind], kind
        assert page["total"] == len(expected[kind])
    assert client.get("/api/v1/totals").json() == expected["totals"]
    export = client.get("/api/v1/export").json()
    assert export["redacted"] is True and set(expected) <= set(export)


def test_web_api_pages_and_filters(client: TestClient) -> None:
    first = client.get("/api/v1/figures?limit=1").json()
    assert len(first["items"]) == 1 and first["total"] == 4 and first["next_offset"] == 1
    last = client.get("/api/v1/figures?limit=2&offset=2").json()
    assert len(last["items"]) == 2 and last["next_offset"] is None
    assert client.get("/api/v1/figures?limit=0").status_code == 422
    assert client.get("/api/v1/figures?limit=501").status_code == 422
    assert {f["event"] for f in client.get("/api/v1/figures?event=detained").json()["items"]} == {"detained"}
    assert client.get("/api/v1/entities?type=ORG").json()["total"] == 2
    assert client.get("/api/v1/quotes?protected=true").json()["total"] == 1
    no_text = client.get("/api/v1/documents?text=false").json()["items"][0]
    assert "text" not in no_text and "noise" in no_text
    doc = no_text["id"]
    assert client.get(f"/api/v1/documents/{doc}").json()["text"]
    assert client.get("/api/v1/claims/claim-detained").json()["low"] == 40
    summary = client.get("/api/v1/case").json()
    assert summary["counts"]["figures"] == 4 and summary["review"]["figures"] == {"reviewed": 0, "total": 4}
    assert client.get("/api/v1/me").json() == {"name": "vic", "role": "viewer", "redacted": True}


def test_web_api_search(client: TestClient) -> None:
    found = client.get("/api/v1/search?q=detained&limit=1").json()
    assert found["total"] == 2 and found["next_offset"] == 1
    hit = found["items"][0]
    assert hit["kind"] == "document" and ["detained", True] in hit["snippet"]
    assert client.get("/api/v1/search?q=river&scope=quotes").json()["items"][0]["kind"] == "quote"
    assert client.get("/api/v1/search?q=x&scope=people").status_code == 422
    assert client.get("/api/v1/search").status_code == 422


def test_web_api_openapi_describes_every_api_route(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    paths = set(schema["paths"])
    for path in ("/api/v1/documents", "/api/v1/entities/{entity_id}", "/api/v1/quotes", "/api/v1/figures",
                 "/api/v1/claims", "/api/v1/events", "/api/v1/totals", "/api/v1/search", "/api/v1/reviews",
                 "/api/v1/export", "/api/v1/case", "/api/v1/me", "/api/v1/csrf"):
        assert path in paths, path
    assert not any(p.startswith(("/documents", "/login", "/queue")) for p in paths)  # pages stay out of the API
    assert "post" in schema["paths"]["/api/v1/reviews"]
    page = client.get("/api-docs").text
    assert "/api/v1/search" in page and "swagger" not in page.lower()
