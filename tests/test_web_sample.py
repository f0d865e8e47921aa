"""The review app on the real sample case: every figure and quote can be checked against its source."""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from corroborator.review import accounts
from corroborator.api import export_case, load_case
from corroborator.outputs.redact import assign_pseudonyms
from corroborator.store import open_case
from corroborator.web import Settings, create_app
from tests.webcase import PASSWORD, csrf, login

pytestmark = pytest.mark.slow


def test_web_sample_every_item_checks_against_its_source(built_sample: Path, tmp_path: Path) -> None:
    case = tmp_path / "case.duckdb"
    shutil.copy(built_sample, case)
    machine = load_case(case)
    witnesses = assign_pseudonyms(machine)
    with open_case(case) as store:
        accounts.add_user(store, "edna", "editor", PASSWORD)
    app = create_app(case, settings=Settings(idle_close=60))
    client = TestClient(app)
    login(client, "edna")
    exact = 0
    for kind in ("figures", "quotes"):
        items = client.get(f"/api/v1/{kind}?limit=500").json()["items"]
        assert items, kind
        for item in items:
            page = client.get(f"/{kind}/{quote(item['id'], safe='')}")
            assert page.status_code == 200, item["id"]
            shown = html.unescape(page.text.split('<div class="exact">', 1)[1].split("</code>", 1)[0])
            assert shown.endswith(item["text"]), item["id"]
            exact += 1
            assert not witnesses.leaks(html.unescape(page.text)), f"protected name on {kind} page"
    for path in ("/", "/documents", "/entities", "/quotes", "/search?q=detained", "/search?q=gay"):
        assert not witnesses.leaks(html.unescape(client.get(path).text)), path
    print(f"checked {exact} figures and quotes against their exact source characters")
    first = client.get("/api/v1/figures").json()["items"][0]
    corrected = first["value"] + 1
    response = client.post(f"/figures/{quote(first['id'], safe='')}/review",
                           data={"op": "correct", "value": str(corrected), "csrf_token": csrf(client)})
    assert response.status_code == 200
    app.state.case.db.close()
    exported = json.loads(export_case(case, "json"))
    assert corrected in {f["value"] for f in exported["figures"]}
