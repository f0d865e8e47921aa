"""Review through the web app: forms and API write audit records and change what exports show."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pyotp
import pytest
from fastapi.testclient import TestClient

from corroborator.review import apply_reviews, load_reviews
from corroborator.store import open_case
from tests.webcase import DOC_B, csrf, login, make_app


@pytest.fixture()
def web(tmp_path: Path):  # type: ignore[no-untyped-def]
    app, ids, secret = make_app(tmp_path)
    return app, ids, secret, tmp_path / "case.duckdb"


def _editor(app) -> TestClient:  # type: ignore[no-untyped-def]
    client = TestClient(app)
    login(client, "edna")
    return client


def _figure(client: TestClient, value: int) -> str:
    return next(f["id"] for f in client.get("/api/v1/figures").json()["items"] if f["value"] == value)


def _stored(app, case: Path) -> list:  # type: ignore[no-untyped-def, type-arg]
    app.state.case.db.close()  # one process cannot hold the file twice
    app_db = open_case(case, read_only=True)
    try:
        return load_reviews(app_db)
    finally:
        app_db.close()


def test_web_review_confirm_figure_writes_an_audit_record(web) -> None:  # type: ignore[no-untyped-def]
    app, ids, _, case = web
    client = _editor(app)
    fid = _figure(client, 40)
    response = client.post(f"/figures/{quote(fid, safe='')}/review", data={"op": "confirm", "csrf_token": csrf(client)},
                           follow_redirects=False)
    assert response.status_code == 303 and "done=confirm" in response.headers["location"]
    (record,) = _stored(app, case)
    assert (record.user, record.action, record.target) == ("edna", "figure.confirm", ids["f40"])
    assert record.before["value"] == 40 and record.at
    page = client.get(f"/figures/{quote(fid, safe='')}").text
    assert "st-confirmed" in page and "figure.confirm" in page
    assert client.get("/api/v1/figures").json()["items"][0]["attrs"]["review"]["status"] == "confirmed"
    assert "figure.confirm" in client.get("/reviews").text


def test_web_review_correct_by_selection_changes_the_export(web) -> None:  # type: ignore[no-untyped-def]
    app, ids, _, case = web
    client = _editor(app)
    fid = _figure(client, 56)
    start = DOC_B.index("56")
    response = client.post(f"/figures/{quote(fid, safe='')}/review", data={
        "op": "correct", "csrf_token": csrf(client), "value": "", "qualifier": "exact", "event": "detained",
        "subject": "people", "attributed_to": "Riverton Human Rights Centre", "when": "2021-03",
        "evidence_start": str(start), "evidence_end": str(start + 2), "evidence_text": "56", "note": "not 'as many as'"})
    assert response.status_code == 200
    corrected = next(f for f in client.get("/api/v1/figures").json()["items"] if f["id"] == fid)
    assert corrected["qualifier"] == "exact" and corrected["attrs"]["review"]["machine"]["qualifier"] == "at_most"
    (record,) = _stored(app, case)
    assert record.before["qualifier"] == "at_most" and record.after["qualifier"] == "exact"
    assert record.after["evidence"] == {"doc": ids["doc_b"], "start": start, "end": start + 2, "text": "56"}
    assert record.note
    exported = json.loads(client.get("/export.json").text)
    assert next(f for f in exported["figures"] if f["id"] == fid)["qualifier"] == "exact"
    # The machine output in the case file is untouched.
    app.state.case.db.close()
    with open_case(case, read_only=True) as store:
        machine = store.load_case()
        assert next(f for f in machine.figures if f.mention.id == ids["f56"]).qualifier == "at_most"
        assert next(f for f in apply_reviews(machine, load_reviews(store)).figures
                    if f.mention.id == ids["f56"]).qualifier == "exact"


def test_web_review_correction_reaches_the_cli_export(web) -> None:  # type: ignore[no-untyped-def]
    from corroborator.api import export_case

    app, ids, _, case = web
    client = _editor(app)
    fid = _figure(client, 40)
    client.post(f"/figures/{quote(fid, safe='')}/review",
                data={"op": "correct", "csrf_token": csrf(client), "value": "41"})
    app.state.case.db.close()
    data = json.loads(export_case(case, "json"))
    value = next(f for f in data["figures"] if f["id"] == ids["f40"])["value"]
    assert value == 41, "api.load_case must apply review.apply_reviews(case, review.load_reviews(con))"


def test_web_review_bad_values_are_refused_and_nothing_is_written(web) -> None:  # type: ignore[no-untyped-def]
    app, _, _, case = web
    client = _editor(app)
    fid = quote(_figure(client, 40), safe="")
    token = csrf(client)
    assert client.post(f"/figures/{fid}/review", data={"op": "correct", "csrf_token": token, "value": "lots"}
                       ).status_code == 400
    assert client.post(f"/figures/{fid}/review", data={"op": "explode", "csrf_token": token}).status_code == 400
    wrong = client.post(f"/figures/{fid}/review", data={"op": "correct", "csrf_token": token, "evidence_start": "0",
                                                        "evidence_end": "5", "evidence_text": "forged"})
    assert wrong.status_code == 400 and "select it again" in wrong.text
    assert _stored(app, case) == []


def test_web_review_locked_claim_refuses_changes(web) -> None:  # type: ignore[no-untyped-def]
    app, _, _, _ = web
    editor, other = _editor(app), TestClient(app)
    login(other, "ed2")
    assert editor.post("/claims/claim-detained/review", data={"op": "status", "status": "verified",
                                                               "csrf_token": csrf(editor)}).status_code == 200
    assert editor.post("/claims/claim-detained/review", data={"op": "lock", "csrf_token": csrf(editor)}
                       ).status_code == 200
    page = other.get("/claims/claim-detained").text
    assert "locked by edna" in page and "Review: verified (edna" in page
    refused = other.post("/claims/claim-detained/review", data={"op": "status", "status": "disputed",
                                                                 "csrf_token": csrf(other)})
    assert refused.status_code == 409 and "locked by edna" in refused.text
    fid = quote(_figure(other, 40), safe="")
    assert other.post(f"/figures/{fid}/review", data={"op": "reject", "csrf_token": csrf(other)}).status_code == 409
    assert other.post("/claims/claim-detained/review", data={"op": "unlock", "csrf_token": csrf(other)}
                      ).status_code == 409
    assert editor.post("/claims/claim-detained/review", data={"op": "unlock", "csrf_token": csrf(editor)}
                       ).status_code == 200


def test_web_review_merge_split_and_protect_entities(web) -> None:  # type: ignore[no-untyped-def]
    app, ids, secret, case = web
    client = _editor(app)
    token = csrf(client)
    merged = client.post("/entities/ent-grant/review", data={"op": "merge", "into": "ent-paul", "csrf_token": token},
                         follow_redirects=False)
    assert merged.headers["location"].startswith("/entities/ent-paul")
    assert client.get("/entities/ent-grant").status_code == 404
    paul = client.get("/api/v1/entities/ent-paul").json()
    assert len(paul["mentions"]) == 3
    split = client.post("/entities/ent-paul/review", data={"op": "split", "csrf_token": token, "name": "Grant (B)",
                                                            "mention_ids": ids["grant_b_mention"]})
    assert split.status_code == 200
    names = {e["name"] for e in client.get("/api/v1/entities").json()["items"]}
    assert "Grant (B)" in names
    assert client.post("/entities/ent-ana/review", data={"op": "protect", "csrf_token": token}).status_code == 200
    assert "Ana Torres" not in client.get("/api/v1/quotes").text
    assert client.get("/entities/ent-ana").status_code == 404  # now known by a pseudonym only
    shown = [e["id"] for e in client.get("/api/v1/entities?protected=true").json()["items"]]
    assert len(shown) == 2 and all(e.startswith("witness:") for e in shown)
    refused = client.post(f"/entities/{quote(shown[-1], safe='')}/review", data={"op": "unprotect", "csrf_token": token})
    assert refused.status_code == 400 and "only an admin" in refused.text
    assert [r.action for r in _stored(app, case)] == ["entity.merge", "entity.split", "entity.protect"]
    admin = TestClient(app)
    login(admin, "ada", totp=pyotp.TOTP(secret).now())
    protected = [e for e in admin.get("/api/v1/entities?protected=true").json()["items"]]
    witness = next(e["id"] for e in protected if e["id"] != "ent-karim" and "Witness" in e["name"])
    assert admin.post(f"/entities/{quote(witness, safe='')}/review",
                      data={"op": "unprotect", "csrf_token": csrf(admin)}).status_code == 200
    assert "Ana Torres" in admin.get("/api/v1/quotes").text


def test_web_review_quote_speaker_by_selection_for_a_redacted_reader(web) -> None:  # type: ignore[no-untyped-def]
    app, ids, _, case = web
    client = _editor(app)
    quote_item = next(q for q in client.get("/api/v1/quotes").json()["items"] if q["speaker_label"] == "Grant")
    doc = client.get(f"/api/v1/documents/{quote_item['doc']}").json()["text"]
    start = doc.index("Paul Grant")  # offsets in the redacted text this editor sees
    response = client.post(f"/quotes/{quote(quote_item['id'], safe='')}/review", data={
        "op": "speaker", "csrf_token": csrf(client), "speaker": "ent-paul", "speaker_label": "",
        "evidence_start": str(start), "evidence_end": str(start + 10), "evidence_text": "Paul Grant"})
    assert response.status_code == 200
    (record,) = _stored(app, case)
    assert record.target == ids["q_grant"]  # mapped back to the machine id
    app.state.case.db.close()
    with open_case(case, read_only=True) as store:
        text = store.load_case().documents[0].text
    assert text[record.after["evidence"]["start"]:record.after["evidence"]["end"]] == "Paul Grant"
    assert record.after["speaker_label"] == "Paul Grant"
    refused = client.post(f"/quotes/{quote(quote_item['id'], safe='')}/review", data={
        "op": "speaker", "csrf_token": csrf(client), "evidence_start": "0", "evidence_end": "11",
        "evidence_text": "[Witness 1]"})
    assert refused.status_code == 400 and "pseudonym" in refused.text


def test_web_review_queue_walks_items_from_the_keyboard_links(web) -> None:  # type: ignore[no-untyped-def]
    app, _, _, _ = web
    client = _editor(app)
    first = client.get("/queue").text
    assert "1 of 4 unreviewed" in first and 'data-key="c"' in first and 'data-key="j"' in first
    fid = _figure(client, 40)
    nxt = f"/queue?kind=figures&status=unreviewed&after={quote(fid, safe='')}"
    done = client.post(f"/figures/{quote(fid, safe='')}/review",
                       data={"op": "confirm", "csrf_token": csrf(client), "next": nxt}, follow_redirects=False)
    assert done.headers["location"] == nxt
    page = client.get(nxt).text
    assert "1 of 3 unreviewed" in page and "1 of 4 figures reviewed" in page
    for item in client.get("/api/v1/figures").json()["items"]:
        client.post(f"/figures/{quote(item['id'], safe='')}/review", data={"op": "confirm", "csrf_token": csrf(client)})
    assert "Nothing left here" in client.get("/queue").text
    assert client.get("/queue?kind=quotes").status_code == 200
    assert client.get("/queue?kind=people").status_code == 400


def test_web_review_api_post_and_history(web) -> None:  # type: ignore[no-untyped-def]
    app, _, _, _ = web
    client = _editor(app)
    fid = _figure(client, 23)
    response = client.post("/api/v1/reviews", json={"action": "figure.correct", "target": fid,
                                                     "after": {"value": 24}, "note": "typo"},
                           headers={"X-CSRF-Token": csrf(client)})
    assert response.status_code == 201
    body = response.json()
    assert body["action"] == "figure.correct" and body["before"]["value"] == 23 and body["after"] == {"value": 24}
    assert body["target"] == fid
    history = client.get("/api/v1/reviews").json()
    assert history["total"] == 1 and history["items"][0]["user"] == "edna"
    bad = client.post("/api/v1/reviews", json={"action": "claim.status", "target": "claim-killed",
                                               "after": {"status": "maybe"}}, headers={"X-CSRF-Token": csrf(client)})
    assert bad.status_code == 400 and "unknown claim status" in bad.json()["detail"]
    assert client.post("/api/v1/reviews", json={"target": fid}, headers={"X-CSRF-Token": csrf(client)}
                       ).status_code == 422


def test_web_review_mark_identifying_text_through_the_api(web) -> None:  # type: ignore[no-untyped-def]
    app, ids, _, case = web
    phrase = "Riverton Human Rights Centre"
    client = _editor(app)
    doc = ids["doc_a"]
    shown = client.get(f"/api/v1/documents/{doc}").json()["text"]  # edna reads the redacted text
    start = shown.index(phrase)
    mark = {"action": "document.mark_identifying", "target": doc,
            "after": {"start": start, "end": start + len(phrase), "text": phrase, "witness": "[Witness 1]"},
            "note": "names his employer"}
    viewer = TestClient(app)
    login(viewer, "vic")
    assert viewer.post("/api/v1/reviews", json=mark, headers={"X-CSRF-Token": csrf(viewer)}).status_code == 403
    assert client.post("/api/v1/reviews", json=mark).status_code == 403  # no CSRF token
    bad = client.post("/api/v1/reviews", json=mark | {"after": mark["after"] | {"end": len(shown) + 5}},
                      headers={"X-CSRF-Token": csrf(client)})
    assert bad.status_code == 400
    response = client.post("/api/v1/reviews", json=mark, headers={"X-CSRF-Token": csrf(client)})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["action"] == "document.mark_identifying" and body["kind"] == "documents"
    assert phrase not in json.dumps(body) and body["after"]["label"] == "[Witness 1]"
    # From now on it is redacted wherever it occurs: both documents, the entity, the export, the pages.
    for page in ("/api/v1/documents", "/api/v1/export", "/api/v1/entities", "/api/v1/reviews",
                 f"/documents/{doc}", f"/documents/{ids['doc_b']}", "/reviews", "/entities"):
        got = client.get(page)
        assert got.status_code == 200 and phrase.casefold() not in got.text.casefold(), page
    reader = client.get(f"/documents/{doc}").text
    assert "Identifying details" in reader and "Mark as identifying" in reader and "review #" in reader
    assert "Mark as identifying" not in viewer.get(f"/documents/{doc}").text
    stored = _stored(app, case)
    assert [(r.user, r.action, r.target, r.after["text"]) for r in stored] == [
        ("edna", "document.mark_identifying", doc, phrase)]
    assert stored[0].note == "names his employer"
    # Undo from the reader's form: the words are back.
    undo = client.post(f"/documents/{doc}/identifying", data={"op": "unmark", "seq": str(stored[0].seq),
                                                              "csrf_token": csrf(client)}, follow_redirects=False)
    assert undo.status_code == 303
    assert phrase in client.get(f"/api/v1/documents/{ids['doc_b']}").json()["text"]
    assert [r.action for r in _stored(app, case)][-1] == "document.unmark_identifying"
    # The reader's form marks by selection too.
    start = client.get(f"/api/v1/documents/{doc}").json()["text"].index("a student")
    marked = client.post(f"/documents/{doc}/identifying", data={
        "op": "mark", "start": str(start), "end": str(start + 9), "text": "a student", "witness": "[Witness 1]",
        "csrf_token": csrf(client)}, follow_redirects=False)
    assert marked.status_code == 303
    assert "a student" not in client.get(f"/api/v1/documents/{doc}").json()["text"]
